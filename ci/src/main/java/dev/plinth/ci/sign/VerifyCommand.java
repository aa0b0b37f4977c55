/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ci verify}: everything {@code ci sign} made, offline, against the public key. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check offline, against the public key: every FILE artifact's digest and bundle, every",
      "artifact's provenance (signature and subject digest), every SBOM's bundle, SHA256SUMS and",
      "its bundle; with --registry every image's signature and provenance referrer (with",
      "--channel-only the channel images only: what promote copies to production). Exit 1 and",
      "one line per problem, each naming the artifact, when anything does not check out."
    })
public final class VerifyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--dist", required = true, description = "The dist directory (artifacts.json).")
  Path dist;

  @Option(
      names = "--public-key",
      required = true,
      description = "SPKI PEM public key (signing.pub).")
  Path publicKey;

  @Option(
      names = "--registry",
      description = "Registry (http://host:port) to check the images' signatures and referrers at.")
  String registry;

  @Option(
      names = "--authfile",
      description =
          "containers-auth.json with the registry's credentials (else --username and"
              + " --password-file, $REGISTRY_AUTH_FILE, or $CI_REGISTRY_USERNAME and"
              + " $CI_REGISTRY_PASSWORD).")
  Path authFile;

  @Option(names = "--username", description = "Registry user (with --password-file).")
  String username;

  @Option(names = "--password-file", description = "File holding the registry password.")
  Path passwordFile;

  @Option(
      names = "--signed-identity",
      description = "Registry host the image signatures name; default: the --registry host.")
  String signedIdentity;

  @Option(
      names = "--channel-only",
      description =
          "With --registry: check the images promote copies (channelScoped in artifacts.json)"
              + " and skip the ci-only/ ones, which production never holds. Every offline check"
              + " still covers every artifact.")
  boolean channelOnly;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PublicKey key = SigningKey.readPublic(publicKey);
    String keyName = publicKey.getFileName().toString();
    Inventory inv = Inventory.read(dist);
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Artifact a : inv.artifacts()) {
      if (a.kind() == Artifact.Kind.FILE) {
        Path f = Layout.file(dist, a);
        checked++;
        if (!Files.isRegularFile(f)) {
          problems.add(a.name() + ": " + Layout.label(dist, f) + " is missing");
          continue;
        }
        String actual = "sha256:" + HexFormat.of().formatHex(Bundles.sha256(f));
        if (!actual.equals(a.digest())) {
          problems.add(
              a.name()
                  + ": "
                  + Layout.label(dist, f)
                  + " is "
                  + actual
                  + ", artifacts.json says "
                  + a.digest());
        }
        blob(a.name(), f, key, keyName, problems);
      }
      Path prov = Layout.provenance(dist, a);
      checked++;
      try {
        if (!Files.isRegularFile(prov)) {
          throw new VerificationException(Layout.label(dist, prov) + " is missing");
        }
        Provenance.check(
            Bundles.verifyDsse(Files.readAllBytes(prov), Bundles.IN_TOTO, key, keyName), a);
      } catch (VerificationException e) {
        problems.add(a.name() + ": provenance: " + e.getMessage());
      }
    }
    for (Path sbom : Layout.sboms(dist, inv)) {
      checked++;
      blob("SBOM " + Layout.label(dist, sbom), sbom, key, keyName, problems);
    }
    checked += sums(inv, key, keyName, problems);
    if (registry != null) {
      OciRegistry reg = OciRegistry.open(registry, authFile, username, passwordFile);
      String identity = signedIdentity != null ? signedIdentity : reg.host();
      int skipped = 0;
      for (Artifact a : inv.artifacts()) {
        if (a.kind() != Artifact.Kind.IMAGE) {
          continue;
        }
        if (channelOnly && !a.channelScoped()) {
          skipped++;
          continue;
        }
        checked += 2;
        try {
          ImageSignatures.verifySignature(reg, a, identity + "/" + a.repository(), key, keyName);
        } catch (VerificationException | IOException e) {
          problems.add(
              a.name()
                  + ": "
                  + e.getMessage()
                      .replaceFirst("^" + java.util.regex.Pattern.quote(a.name() + ": "), ""));
        }
        try {
          ImageSignatures.verifyProvenance(reg, a, key, keyName);
        } catch (VerificationException | IOException e) {
          problems.add(
              a.name()
                  + ": "
                  + e.getMessage()
                      .replaceFirst("^" + java.util.regex.Pattern.quote(a.name() + ": "), ""));
        }
      }
      if (skipped > 0) {
        out.println(
            "ci verify: --channel-only: "
                + skipped
                + " ci-only image(s) not looked for at "
                + registry);
      }
    }
    for (String p : problems) {
      err.println("ci verify: " + p);
    }
    if (!problems.isEmpty()) {
      err.println("ci verify: " + problems.size() + " problem(s) in " + checked + " checks");
      return 1;
    }
    out.println(
        "ci verify: "
            + checked
            + " checks passed against "
            + keyName
            + " (key id "
            + SigningKey.keyId(key)
            + ")");
    return 0;
  }

  private void blob(String name, Path f, PublicKey key, String keyName, List<String> problems)
      throws IOException {
    Path b = Layout.bundle(f);
    try {
      if (!Files.isRegularFile(b)) {
        throw new VerificationException(Layout.label(dist, b) + " is missing");
      }
      Bundles.verifyMessage(Files.readAllBytes(b), f, key, keyName);
    } catch (VerificationException e) {
      problems.add(name + ": " + e.getMessage());
    }
  }

  /** SHA256SUMS: its bundle, every line's digest, and every FILE artifact listed. */
  private int sums(Inventory inv, PublicKey key, String keyName, List<String> problems)
      throws IOException {
    Path sums = dist.resolve(Layout.SUMS);
    if (!Files.isRegularFile(sums)) {
      problems.add(Layout.SUMS + ": missing");
      return 1;
    }
    blob(Layout.SUMS, sums, key, keyName, problems);
    Set<String> listed = new HashSet<>();
    int n = 1;
    for (String line : Files.readAllLines(sums, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      n++;
      String[] parts = line.split(" [ *]", 2);
      if (parts.length != 2 || !parts[0].matches("[0-9a-f]{64}")) {
        problems.add(Layout.SUMS + ": malformed line: " + line);
        continue;
      }
      listed.add(parts[1]);
      Path f = dist.resolve(parts[1]).normalize();
      if (!f.startsWith(dist.normalize()) || !Files.isRegularFile(f)) {
        problems.add(Layout.SUMS + ": " + parts[1] + " is missing");
        continue;
      }
      String hex = HexFormat.of().formatHex(Bundles.sha256(f));
      if (!hex.equals(parts[0])) {
        problems.add(
            parts[1]
                + ": sha256 "
                + hex
                + " is not the one in "
                + Layout.SUMS
                + " ("
                + parts[0]
                + ")");
      }
    }
    for (Artifact a : inv.artifacts()) {
      if (a.kind() == Artifact.Kind.FILE && !listed.contains(a.path())) {
        problems.add(a.name() + ": " + a.path() + " is not in " + Layout.SUMS);
      }
    }
    return n;
  }
}
