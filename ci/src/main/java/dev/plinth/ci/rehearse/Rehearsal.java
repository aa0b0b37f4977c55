/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.rehearse;

import dev.plinth.ci.Ci;
import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import dev.plinth.ci.build.Proc;
import dev.plinth.ci.build.Sums;
import dev.plinth.ci.publish.RegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The release rehearsal: main's stages, then the tag's, in order, against two local registries;
 * then the checks an operator makes from docs/verify.md. Each stage runs as {@code ci STAGE ...} in
 * its own JVM (as the workflows run it), with the registries' credentials in the environment.
 * Stages another engineer has not landed yet (no such subcommand) are reported as skipped.
 *
 * @param options what to rehearse with
 * @param out progress and the summary
 */
public record Rehearsal(Options options, PrintWriter out) {

  /**
   * @param repo repository top
   * @param buildDir Maven build directory name
   * @param work scratch directory (dists, registries, keys)
   * @param plinthJar the controller jar ({@code plinth serve} is the staging registry)
   * @param toolsImages the reactor's tool images
   * @param ciOs the reactor's CI-only OS artifacts
   * @param mos the reactor's maintenance OS build
   * @param version the release to rehearse ({@code vX.Y.Z})
   * @param rc candidate number
   * @param rebuild build B from a clean git worktree (Maven) instead of re-assembling
   * @param advisories OSV database for the vulnerability gate (null: the gate's default)
   */
  public record Options(
      Path repo,
      String buildDir,
      Path work,
      Path plinthJar,
      Path toolsImages,
      Path ciOs,
      Path mos,
      String version,
      int rc,
      boolean rebuild,
      Path advisories) {}

  /** What the rehearsal found: stage timings, skipped stages, the promoted digests. */
  public record Result(
      Map<String, Duration> stages,
      List<String> skipped,
      Map<String, String> candidate,
      Map<String, Map<String, String>> production) {}

  static final Pattern VERSION = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)");

  public Result run() throws IOException {
    Matcher v = VERSION.matcher(options.version());
    if (!v.matches()) {
      throw new IllegalArgumentException("--version must be vX.Y.Z: " + options.version());
    }
    String rcTag = options.version() + "-rc." + options.rc();
    String minor = v.group(1) + "." + v.group(2);
    Set<String> stages = new CommandLine(new Ci()).getSubcommands().keySet();
    Map<String, Duration> timings = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    Path work = Files.createDirectories(options.work());
    Path a = work.resolve("dist");
    Path b = work.resolve("dist-b");
    Path keys = work.resolve("keys");
    String commit = Proc.output(options.repo(), "git", "rev-parse", "HEAD");
    String bare = options.version().substring(1);
    Map<String, String> env = new HashMap<>();

    // ---- main: build twice, compare ----
    List<String> reuse =
        List.of(
            "--tools-images",
            options.toolsImages().toString(),
            "--ci-os",
            options.ciOs().toString(),
            "--mos",
            options.mos().toString());
    stage(
        timings,
        "build",
        env,
        concat(
            List.of(
                "build",
                "--dist",
                a.toString(),
                "--version",
                bare,
                "--repo",
                options.repo().toString(),
                "--build-dir",
                options.buildDir(),
                "--commit",
                commit),
            reuse));
    if (options.rebuild()) {
      stage(
          timings,
          "verify-reproducible (clean worktree)",
          env,
          List.of(
              "verify-reproducible",
              "--dist",
              a.toString(),
              "--rebuild",
              "--reuse",
              "tools,ci-os,mos",
              "--repo",
              options.repo().toString()));
    } else {
      stage(
          timings,
          "build (second assembly)",
          env,
          concat(
              List.of(
                  "build",
                  "--dist",
                  b.toString(),
                  "--version",
                  bare,
                  "--repo",
                  options.repo().toString(),
                  "--build-dir",
                  options.buildDir(),
                  "--commit",
                  commit),
              reuse));
    }
    if (stages.contains("sbom")) {
      for (Path d : options.rebuild() ? List.of(a) : List.of(a, b)) {
        stage(
            timings,
            "sbom " + d.getFileName(),
            env,
            List.of("sbom", "--dist", d.toString(), "--source", options.repo().toString()));
        Sums.write(d);
      }
    } else {
      skipped.add("sbom (no ci sbom yet)");
    }
    if (!options.rebuild()) {
      stage(
          timings,
          "verify-reproducible",
          env,
          List.of("verify-reproducible", "--dist", a.toString(), "--dist", b.toString()));
    }
    if (stages.contains("gate")) {
      stage(timings, "gate licences", env, List.of("gate", "licences", "--dist", a.toString()));
      List<String> vulns = new ArrayList<>(List.of("gate", "vulns", "--dist", a.toString()));
      Path fixtures = options.repo().resolve("ci/src/test/resources");
      // CI here: the small OSV fixture and the exceptions recorded for it; the workflow fetches a
      // fresh database instead.
      vulns.addAll(
          List.of(
              "--db",
              (options.advisories() != null ? options.advisories() : fixtures.resolve("osv"))
                  .toString()));
      if (options.advisories() == null
          && Files.exists(fixtures.resolve("osv-rehearsal-exceptions.json"))) {
        vulns.addAll(
            List.of("--exceptions", fixtures.resolve("osv-rehearsal-exceptions.json").toString()));
      }
      stage(timings, "gate vulns", env, vulns);
    } else {
      skipped.add("gate licences, gate vulns (no ci gate yet)");
    }
    boolean signing = stages.contains("sign");
    Path lockFiles = trackedLockFiles(options.repo(), work.resolve("source-locks"));
    if (signing) {
      stage(timings, "keygen", env, List.of("keygen", "--out", keys.toString(), "--force"));
      stage(
          timings,
          "sign (files)",
          env,
          List.of(
              "sign",
              "--dist",
              a.toString(),
              "--key",
              keys.resolve("signing.key").toString(),
              "--source",
              lockFiles.toString()));
    } else {
      skipped.add("keygen, sign, verify (no ci sign yet)");
    }

    Map<String, String> candidate = new LinkedHashMap<>();
    Map<String, Map<String, String>> production = new LinkedHashMap<>();
    try (LocalRegistry staging =
            LocalRegistry.plinth(
                options.plinthJar(), Files.createDirectories(work.resolve("staging")));
        LocalRegistry prod =
            LocalRegistry.dockerRegistry(Files.createDirectories(work.resolve("production")))) {
      out.printf(
          "rehearse: staging %s (plinth serve), production %s (docker-registry)%n",
          staging.url(), prod.url());
      env.put("CI_REGISTRY_USERNAME", staging.username());
      env.put("CI_REGISTRY_PASSWORD", Files.readString(staging.passwordFile()).strip());
      env.put("CI_STAGING_USERNAME", staging.username());
      env.put("CI_STAGING_PASSWORD", Files.readString(staging.passwordFile()).strip());
      stage(
          timings,
          "publish (staging)",
          env,
          List.of(
              "publish",
              "--dist",
              a.toString(),
              "--registry",
              staging.url(),
              "--tag",
              commit,
              "--tag",
              rcTag,
              "--channel",
              "candidate",
              "--release-dir",
              work.resolve("release-staging").toString()));
      boolean imagesSigned = false;
      if (signing) {
        stage(
            timings,
            "sign (images, staging)",
            env,
            List.of(
                "sign",
                "--dist",
                a.toString(),
                "--key",
                keys.resolve("signing.key").toString(),
                "--source",
                lockFiles.toString(),
                "--registry",
                staging.url(),
                "--signed-identity",
                prod.host()));
        imagesSigned = true;
      }
      if (imagesSigned) {
        stage(
            timings,
            "verify (staging)",
            env,
            List.of(
                "verify",
                "--dist",
                a.toString(),
                "--public-key",
                keys.resolve("signing.pub").toString(),
                "--registry",
                staging.url(),
                "--signed-identity",
                prod.host()));
      }
      // ---- tag vX.Y.Z: promote, verify against production ----
      stage(
          timings,
          "promote",
          env,
          List.of(
              "promote",
              "--from",
              staging.url(),
              "--to",
              prod.url(),
              "--rc",
              rcTag,
              "--version",
              options.version(),
              "--dist",
              a.toString()));
      Map<String, String> prodEnv = new HashMap<>(env);
      prodEnv.remove("CI_REGISTRY_USERNAME");
      prodEnv.remove("CI_REGISTRY_PASSWORD");
      if (imagesSigned) {
        stage(
            timings,
            "verify (production)",
            prodEnv,
            List.of(
                "verify",
                "--dist",
                a.toString(),
                "--public-key",
                keys.resolve("signing.pub").toString(),
                "--registry",
                prod.url(),
                // ci-only/ images are never promoted: production holds the channel ones.
                "--channel-only"));
      }
      if (stages.contains("release-notes")) {
        stage(
            timings,
            "release-notes",
            env,
            List.of(
                "release-notes",
                "--repo",
                options.repo().toString(),
                "--to",
                commit,
                "--title",
                "Plinth " + options.version(),
                "--out",
                work.resolve("release-notes.md").toString()));
      } else {
        skipped.add("release-notes (no ci release-notes yet)");
      }
      long t0 = System.nanoTime();
      OperatorChecks checks = new OperatorChecks(a, prod, staging, out);
      candidate.putAll(
          checks.channels(rcTag, List.of(options.version(), minor, "latest", "stable")));
      production.putAll(checks.productionTags());
      checks.ciOnlyNotPromoted();
      checks.sha256sums(work.resolve("release-staging").resolve(bare));
      if (imagesSigned) {
        checks.skopeoPolicy(keys.resolve("signing.pub"), work.resolve("operator"));
      }
      timings.put("operator checks (docs/verify.md)", Duration.ofNanos(System.nanoTime() - t0));
      stage(
          timings,
          "retention (staging)",
          env,
          List.of(
              "retention",
              "--registry",
              staging.url(),
              "--repo",
              options.repo().toString(),
              "--dry-run"));
      stage(
          timings,
          "retention + gc (production)",
          prodEnv,
          List.of("retention", "--registry", prod.url(), "--gc-command", prod.gcCommand()));
    }
    out.println("rehearse: stage timings");
    timings.forEach((k, d) -> out.printf("  %-40s %6.1f s%n", k, d.toMillis() / 1000.0));
    skipped.forEach(s -> out.println("  skipped: " + s));
    out.flush();
    return new Result(timings, skipped, candidate, production);
  }

  /** Runs {@code ci ARGS} in a child JVM with {@code env}; fails naming the stage. */
  private void stage(
      Map<String, Duration> timings, String name, Map<String, String> env, List<String> args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Ci.class.getName());
    cmd.addAll(args);
    out.printf("rehearse: ci %s%n", String.join(" ", args));
    out.flush();
    long t0 = System.nanoTime();
    Path log =
        options.work().resolve("logs").resolve(name.replaceAll("[^A-Za-z0-9]+", "-") + ".log");
    String output;
    try {
      output = Proc.run(options.repo(), cmd, env, Duration.ofMinutes(30), log);
    } catch (IOException e) {
      throw new IOException("rehearsal stage '" + name + "' failed: " + e.getMessage(), e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    timings.put(name, took);
    output.lines().filter(l -> !l.isBlank()).forEach(l -> out.println("    " + l));
    out.flush();
  }

  /**
   * The git-tracked {@code *.lock} files (the provenance's materials), hard-linked into {@code dir}
   * at their paths: {@code ci sign --source} walks its directory, and the shared working tree holds
   * build trees (a maintenance OS rootfs with /proc mounted) that are no source.
   */
  static Path trackedLockFiles(Path repo, Path dir) throws IOException {
    for (String f : Proc.output(repo, "git", "ls-files", "*.lock").lines().toList()) {
      Path to = dir.resolve(f);
      Files.createDirectories(to.getParent());
      Files.deleteIfExists(to);
      Files.createLink(to, repo.resolve(f));
    }
    Files.createDirectories(dir);
    return dir;
  }

  private static List<String> concat(List<String> x, List<String> y) {
    List<String> l = new ArrayList<>(x);
    l.addAll(y);
    return l;
  }

  /** The checks docs/verify.md tells an operator to make, made here. */
  static final class OperatorChecks {
    private final Path dist;
    private final LocalRegistry prod;
    private final PrintWriter out;
    private final Inventory inv;
    private final RegistryClient production;
    private final RegistryClient stagingClient;

    OperatorChecks(Path dist, LocalRegistry prod, LocalRegistry staging, PrintWriter out)
        throws IOException {
      this.dist = dist;
      this.prod = prod;
      this.out = out;
      this.inv = Inventory.read(dist);
      this.production = new RegistryClient(URI.create(prod.url()), null, null);
      this.stagingClient =
          new RegistryClient(
              URI.create(staging.url()),
              staging.username(),
              Files.readString(staging.passwordFile()).strip());
    }

    /** Every channel tag in production names the candidate's digest, which is the built one. */
    Map<String, String> channels(String rcTag, List<String> tags) throws IOException {
      Map<String, String> rc = new LinkedHashMap<>();
      for (Artifact x : images(true)) {
        String atRc =
            stagingClient
                .manifest(x.repository(), rcTag)
                .orElseThrow(() -> new IOException(x.name() + ": no " + rcTag + " in staging"))
                .digest();
        String cand = stagingClient.manifest(x.repository(), "candidate").orElseThrow().digest();
        if (!atRc.equals(x.digest()) || !cand.equals(x.digest())) {
          throw new IOException(
              x.name()
                  + ": staging "
                  + rcTag
                  + "/candidate are "
                  + atRc
                  + "/"
                  + cand
                  + ", built "
                  + x.digest());
        }
        for (String t : tags) {
          String at =
              production
                  .manifest(x.repository(), t)
                  .map(RegistryClient.Manifest::digest)
                  .orElse("none");
          if (!at.equals(x.digest())) {
            throw new IOException(
                x.name()
                    + ": production "
                    + x.repository()
                    + ":"
                    + t
                    + " is "
                    + at
                    + ", the rc is "
                    + x.digest());
          }
        }
        rc.put(x.repository(), x.digest());
      }
      out.printf(
          "operator: %d images: production %s == staging %s == built digest%n",
          rc.size(), tags, rcTag);
      return rc;
    }

    Map<String, Map<String, String>> productionTags() throws IOException {
      Map<String, Map<String, String>> m = new LinkedHashMap<>();
      for (Artifact x : images(true)) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String t : production.tags(x.repository())) {
          production.manifest(x.repository(), t).ifPresent(mf -> tags.put(t, mf.digest()));
        }
        m.put(x.repository(), tags);
      }
      return m;
    }

    void ciOnlyNotPromoted() throws IOException {
      for (String r : production.catalog()) {
        if (r.startsWith("ci-only/")) {
          throw new IOException("production has " + r + ": ci-only/ must never be promoted");
        }
      }
      out.println("operator: no ci-only/ repository in production");
    }

    /** {@code sha256sum -c SHA256SUMS} in the release directory, as an operator runs it. */
    void sha256sums(Path release) throws IOException {
      String o = Proc.output(release, "sha256sum", "--strict", "-c", Sums.FILE_NAME);
      out.println("operator: sha256sum -c SHA256SUMS: " + o.lines().count() + " files OK");
    }

    /**
     * {@code skopeo copy} by digest from production with a policy.json that requires a sigstore
     * signature by the release key: must succeed with the key, and must be refused with another.
     */
    void skopeoPolicy(Path publicKey, Path dir) throws IOException {
      Files.createDirectories(dir);
      Path regd = Files.createDirectories(dir.resolve("registries.d"));
      Files.writeString(
          regd.resolve("plinth.yaml"),
          "docker:\n  " + prod.host() + ":\n    use-sigstore-attachments: true\n");
      Path policy = policy(dir.resolve("policy.json"), publicKey);
      Path otherKeyDir = dir.resolve("other-key");
      Path otherPolicy = null;
      List<Artifact> sample = new ArrayList<>();
      for (Artifact x : images(true)) {
        // The maintenance image (one manifest) and a tool image (an index: amd64 + arm64, where
        // containers/image checks the signature of the per-arch manifest it copies).
        if (x.name().equals("maintenance-os") || x.name().equals("tools/sgdisk")) {
          sample.add(x);
        }
      }
      if (sample.size() != 2) {
        throw new IOException("operator: maintenance-os and tools/sgdisk are not both in the dist");
      }
      for (Artifact x : sample) {
        String ref = "docker://" + prod.host() + "/" + x.repository() + "@" + x.digest();
        Proc.run(
            dir,
            List.of(
                skopeo(),
                "--policy",
                policy.toString(),
                "--registries.d",
                regd.toString(),
                "copy",
                "--remove-signatures",
                "--src-tls-verify=false",
                ref,
                "oci:" + dir.resolve("copy") + ":" + x.name().replace('/', '-')),
            Map.of(),
            Duration.ofMinutes(10),
            null);
        out.printf(
            "operator: skopeo copy %s with policy.json (sigstoreSigned, signing.pub): accepted%n",
            ref);
        if (otherPolicy == null) {
          Files.createDirectories(otherKeyDir);
          Proc.run(
              dir,
              List.of(
                  "openssl",
                  "ecparam",
                  "-name",
                  "prime256v1",
                  "-genkey",
                  "-noout",
                  "-out",
                  otherKeyDir.resolve("k.pem").toString()),
              Map.of(),
              Duration.ofMinutes(1),
              null);
          Proc.run(
              dir,
              List.of(
                  "openssl",
                  "ec",
                  "-in",
                  otherKeyDir.resolve("k.pem").toString(),
                  "-pubout",
                  "-out",
                  otherKeyDir.resolve("k.pub").toString()),
              Map.of(),
              Duration.ofMinutes(1),
              null);
          otherPolicy = policy(dir.resolve("policy-other.json"), otherKeyDir.resolve("k.pub"));
        }
        try {
          Proc.run(
              dir,
              List.of(
                  skopeo(),
                  "--policy",
                  otherPolicy.toString(),
                  "--registries.d",
                  regd.toString(),
                  "copy",
                  "--remove-signatures",
                  "--src-tls-verify=false",
                  ref,
                  "oci:" + dir.resolve("copy-other") + ":x"),
              Map.of(),
              Duration.ofMinutes(10),
              null);
        } catch (IOException refused) {
          String why =
              refused
                  .getMessage()
                  .lines()
                  .filter(l -> l.contains("rejected") || l.contains("ignature"))
                  .findFirst()
                  .orElseThrow(
                      () -> new IOException(ref + ": skopeo failed for another reason", refused));
          out.printf(
              "operator: the same copy with another key's policy: refused (%s)%n", why.strip());
          continue;
        }
        throw new IOException(ref + ": skopeo accepted it with another key's policy");
      }
    }

    /**
     * The skopeo to run: {@code plinth.skopeo} (system property) or {@code PLINTH_SKOPEO}, else the
     * one on the PATH. It needs sigstore support: Debian trixie's (bookworm's 1.9.3 lacks it;
     * ci/src/test/scripts/trixie-skopeo.sh fetches trixie's).
     */
    static String skopeo() {
      String p = System.getProperty("plinth.skopeo");
      if (p == null || p.isBlank()) {
        p = System.getenv("PLINTH_SKOPEO");
      }
      return p == null || p.isBlank() ? "skopeo" : p;
    }

    private Path policy(Path file, Path publicKey) throws IOException {
      String json =
          "{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"docker\":{\""
              + prod.host()
              + "\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\""
              + publicKey.toAbsolutePath()
              + "\",\"signedIdentity\":{\"type\":\"matchRepository\"}}]},"
              + "\"oci\":{\"\":[{\"type\":\"insecureAcceptAnything\"}]}}}";
      Files.writeString(file, json, StandardCharsets.UTF_8);
      return file;
    }

    private List<Artifact> images(boolean channelScoped) {
      return inv.artifacts().stream()
          .filter(x -> x.kind() == Artifact.Kind.IMAGE && x.channelScoped() == channelScoped)
          .toList();
    }
  }
}
