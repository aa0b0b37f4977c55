/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ci promote}: a release candidate's images, from the staging registry to production, by
 * digest (no rebuild), with their signatures and referrers.
 */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description = {
      "Copy each image tagged --rc in STAGING to PRODUCTION byte for byte (same digests) and tag it",
      "vX.Y.Z, X.Y, latest and stable; its cosign signature tags (sha256-<hex>.sig) and its",
      "referrers (SBOM, provenance; referrers API or the sha256-<hex> tag fallback) come along.",
      "ci-only/ repositories and manifests annotated dev.plinth.ci-only=true are never promoted."
    })
public final class PromoteCommand implements Callable<Integer> {

  static final Pattern RELEASE = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)");

  @Spec CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "URL", description = "Staging registry.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "URL", description = "Production registry.")
  String to;

  @Option(
      names = "--from-username",
      paramLabel = "USER",
      description = "Else $CI_STAGING_USERNAME.")
  String fromUser;

  @Option(
      names = "--from-password-file",
      paramLabel = "FILE",
      description = "Else $CI_STAGING_PASSWORD.")
  Path fromPassword;

  @Option(
      names = "--to-username",
      paramLabel = "USER",
      description = "Else $CI_PRODUCTION_USERNAME.")
  String toUser;

  @Option(
      names = "--to-password-file",
      paramLabel = "FILE",
      description = "Else $CI_PRODUCTION_PASSWORD.")
  Path toPassword;

  @Option(names = "--rc", required = true, paramLabel = "vX.Y.Z-rc.N")
  String rc;

  @Option(names = "--version", required = true, paramLabel = "vX.Y.Z")
  String version;

  @Option(
      names = "--dist",
      paramLabel = "DIR",
      description =
          "Promote the repositories of DIST/artifacts.json (default: the staging catalog).")
  Path dist;

  /** What was promoted: repository, digest, tags. */
  public record Promoted(
      String repository,
      String digest,
      List<String> tags,
      List<String> referrers,
      int signatures) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Matcher v = RELEASE.matcher(version);
    if (!v.matches()) {
      spec.commandLine().getErr().println("ci promote: --version must be vX.Y.Z, not " + version);
      return 2;
    }
    if (!rc.startsWith(version + "-rc.")) {
      spec.commandLine()
          .getErr()
          .println("ci promote: " + rc + " is not a candidate of " + version);
      return 2;
    }
    List<String> tags = List.of(version, v.group(1) + "." + v.group(2), "latest", "stable");
    RegistryClient staging = Registries.open(from, fromUser, fromPassword, "CI_STAGING");
    RegistryClient production = Registries.open(to, toUser, toPassword, "CI_PRODUCTION");
    List<String> repos = new ArrayList<>();
    if (dist != null) {
      for (Artifact a : Inventory.read(dist).artifacts()) {
        if (a.kind() == Artifact.Kind.IMAGE && a.channelScoped()) {
          repos.add(a.repository());
        }
      }
    } else {
      for (String r : staging.catalog()) {
        if (!r.startsWith("ci-only/") && staging.manifest(r, rc).isPresent()) {
          repos.add(r);
        }
      }
    }
    if (repos.isEmpty()) {
      spec.commandLine().getErr().println("ci promote: nothing tagged " + rc + " in " + from);
      return 1;
    }
    for (String repo : repos) {
      Promoted p = promote(staging, production, repo, rc, tags);
      out.printf(
          "promoted %s@%s %s -> %s %s; %d signature(s), referrers %s%n",
          repo, p.digest(), rc, production.host(), p.tags(), p.signatures(), p.referrers());
    }
    out.flush();
    return 0;
  }

  /** Promotes one repository's {@code rc} to {@code tags}; checks the result by digest. */
  public static Promoted promote(
      RegistryClient staging, RegistryClient production, String repo, String rc, List<String> tags)
      throws IOException {
    if (repo.startsWith("ci-only/")) {
      throw new IOException(repo + ": ci-only/ artifacts are never promoted");
    }
    RegistryClient.Manifest m =
        staging
            .manifest(repo, rc)
            .orElseThrow(() -> new IOException(repo + ": no tag " + rc + " in " + staging.host()));
    if ("true".equals(m.json().path("annotations").path("dev.plinth.ci-only").asText())) {
      throw new IOException(
          repo + ":" + rc + " is annotated dev.plinth.ci-only=true: never promoted");
    }
    RegistryContent source = new RegistryContent(staging, repo);
    List<String> manifests = Copier.copy(source, production, repo, m.digest());
    int signatures = 0;
    List<String> referrers = new ArrayList<>();
    for (String d : manifests) {
      String sigTag = Oci.signatureTag(d);
      var sig = staging.manifest(repo, sigTag);
      if (sig.isPresent()) {
        Copier.copy(source, production, repo, sig.get().digest());
        production.putManifest(repo, sigTag, sig.get().bytes(), sig.get().mediaType());
        signatures++;
      }
      referrers.addAll(Referrers.copyAll(staging, repo, production, repo, d));
    }
    for (String t : tags) {
      production.putManifest(repo, t, m.bytes(), m.mediaType());
    }
    // Pull by digest from production, and every new tag must name the candidate's digest.
    Copier.pullByDigest(production, repo, m.digest());
    for (String t : tags) {
      String at = production.manifest(repo, t).map(RegistryClient.Manifest::digest).orElse("none");
      if (!at.equals(m.digest())) {
        throw new IOException(repo + ":" + t + " is " + at + " in production, not " + m.digest());
      }
    }
    List<String> types = new ArrayList<>();
    for (String t : referrers) {
      types.add(t.isEmpty() ? "(untyped)" : t);
    }
    return new Promoted(repo, m.digest(), tags, types, signatures);
  }
}
