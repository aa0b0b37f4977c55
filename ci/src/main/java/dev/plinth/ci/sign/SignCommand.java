/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ci sign}: bundles, provenance and image signatures for every artifact of a dist. */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Sign every FILE artifact, every SBOM and SHA256SUMS (F.sigstore.json), write SLSA provenance",
      "for every artifact (F.intoto.sigstore.json, provenance/<image>.intoto.sigstore.json), and with",
      "--registry sign the images there (cosign layout) and attach their provenance as referrers.",
      "Key-based and offline. Keyless (Fulcio/Rekor over OIDC) is the GitHub workflow's job."
    })
public final class SignCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--dist", required = true, description = "The dist directory (artifacts.json).")
  Path dist;

  @Option(names = "--key", description = "PKCS#8 PEM ECDSA P-256 private key (ci keygen).")
  Path key;

  @Option(
      names = "--pkcs11-config",
      description =
          "SunPKCS11 configuration file: sign with a key in a PKCS#11 token (HSM) instead of --key. PIN from $PLINTH_PKCS11_PIN.")
  Path pkcs11Config;

  @Option(
      names = "--pkcs11-alias",
      defaultValue = "plinth-release",
      description = "The token key's label (default: ${DEFAULT-VALUE}).")
  String pkcs11Alias;

  @Option(
      names = "--builder-id",
      description =
          "SLSA runDetails.builder.id (default: the GitHub workflow run's URI, or https://plinth.dev/ci/local-builder).")
  String builderId;

  @Option(
      names = "--source",
      defaultValue = ".",
      description = "The source checkout: its *.lock files are materials.")
  Path source;

  @Option(
      names = "--source-uri",
      description =
          "The repository's URI in the provenance (default: $GITHUB_SERVER_URL/$GITHUB_REPOSITORY, or https://github.com/plinth-dev/plinth).")
  String sourceUri;

  @Option(
      names = "--registry",
      description = "Registry (http://host:port) holding the IMAGE artifacts to sign.")
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
      description =
          "Registry host written into image signatures (docker-reference); default: the --registry host.")
  String signedIdentity;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SigningKey k;
    if (pkcs11Config != null) {
      String pin = System.getenv("PLINTH_PKCS11_PIN");
      k = SigningKey.fromPkcs11(pkcs11Config, pkcs11Alias, pin == null ? null : pin.toCharArray());
    } else if (key != null) {
      k = SigningKey.fromPkcs8(key);
    } else {
      err.println("ci sign: give --key FILE or --pkcs11-config FILE");
      return 2;
    }
    Inventory inv = Inventory.read(dist);
    String uri = sourceUri != null ? sourceUri : defaultSourceUri();
    String builder = builderId != null ? builderId : defaultBuilder();
    List<Provenance.Material> materials =
        Provenance.materials(source.toAbsolutePath().normalize(), uri, inv.commit());
    int bundles = 0;
    int statements = 0;
    for (Artifact a : inv.artifacts()) {
      if (a.kind() == Artifact.Kind.FILE) {
        Path f = Layout.file(dist, a);
        String actual = "sha256:" + HexFormat.of().formatHex(Bundles.sha256(f));
        if (!actual.equals(a.digest())) {
          err.println(
              a.name()
                  + ": "
                  + Layout.label(dist, f)
                  + " is "
                  + actual
                  + ", artifacts.json says "
                  + a.digest()
                  + "; not signing");
          return 1;
        }
        write(Layout.bundle(f), Bundles.messageSignature(k, f));
        bundles++;
      }
      byte[] statement = Provenance.statement(inv, a, builder, uri, materials);
      Path p = Layout.provenance(dist, a);
      Files.createDirectories(p.getParent());
      write(p, Bundles.dsse(k, Bundles.IN_TOTO, statement));
      statements++;
    }
    for (Path sbom : Layout.sboms(dist, inv)) {
      write(Layout.bundle(sbom), Bundles.messageSignature(k, sbom));
      bundles++;
    }
    Path sums = dist.resolve(Layout.SUMS);
    if (!Files.isRegularFile(sums)) {
      err.println("ci sign: " + sums + " is missing (ci build writes it)");
      return 1;
    }
    write(Layout.bundle(sums), Bundles.messageSignature(k, sums));
    bundles++;
    int images = 0;
    if (registry != null) {
      OciRegistry reg = OciRegistry.open(registry, authFile, username, passwordFile);
      String identity = signedIdentity != null ? signedIdentity : reg.host();
      for (Artifact a : inv.artifacts()) {
        if (a.kind() != Artifact.Kind.IMAGE) {
          continue;
        }
        ImageSignatures.sign(reg, a, identity + "/" + a.repository(), k);
        ImageSignatures.pushProvenance(reg, a, Files.readAllBytes(Layout.provenance(dist, a)));
        images++;
      }
    }
    out.println(
        "ci sign: "
            + bundles
            + " blob bundles, "
            + statements
            + " provenance statements"
            + (registry == null ? "" : ", " + images + " images signed at " + registry)
            + " (key id "
            + SigningKey.keyId(k.publicKey())
            + ")");
    return 0;
  }

  private static void write(Path p, byte[] bytes) throws IOException {
    Files.write(p, bytes);
  }

  static String defaultSourceUri() {
    String server = System.getenv("GITHUB_SERVER_URL");
    String repo = System.getenv("GITHUB_REPOSITORY");
    return server != null && repo != null
        ? server + "/" + repo
        : "https://github.com/plinth-dev/plinth";
  }

  static String defaultBuilder() {
    String server = System.getenv("GITHUB_SERVER_URL");
    String repo = System.getenv("GITHUB_REPOSITORY");
    String ref = System.getenv("GITHUB_WORKFLOW_REF");
    if (server != null && ref != null) {
      return server + "/" + ref;
    }
    return server != null && repo != null
        ? server + "/" + repo + "/actions"
        : "https://plinth.dev/ci/local-builder";
  }
}
