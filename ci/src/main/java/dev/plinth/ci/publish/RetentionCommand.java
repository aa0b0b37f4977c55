/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import dev.plinth.ci.build.Proc;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ci retention}: expires old tags by the release policy, deletes their manifests, runs GC.
 */
@Command(
    name = "retention",
    mixinStandardHelpOptions = true,
    description = {
      "Apply the retention policy to a registry: plinth/tools/* keep the last --tools-keep versions;",
      "plinth/maintenance* the last --maintenance-per-minor versions of each X.Y; ci-only/* keep",
      "only --ci-only-keep tags; git-SHA tags older than the last --keep-commits commits of --repo",
      "expire. A manifest is deleted (by digest) when every tag on it expired, with its signature",
      "and referrers; then --gc-command runs the registry's garbage collection, e.g.",
      "'docker-registry garbage-collect CONFIG' or 'plinth registry gc --data DIR --grace PT0S'."
    })
public final class RetentionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--registry", required = true, paramLabel = "URL")
  String registry;

  @Option(names = "--username", paramLabel = "USER", description = "Else $CI_REGISTRY_USERNAME.")
  String username;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "Else $CI_REGISTRY_PASSWORD.")
  Path passwordFile;

  @Option(names = "--tools-keep", defaultValue = "5")
  int toolsKeep;

  @Option(names = "--maintenance-per-minor", defaultValue = "3")
  int maintenancePerMinor;

  @Option(names = "--ci-only-keep", split = ",", defaultValue = "1")
  Set<String> ciOnlyKeep;

  @Option(
      names = "--repo",
      paramLabel = "DIR",
      description = "Git repository: SHA tags of older commits expire.")
  Path repo;

  @Option(names = "--keep-commits", defaultValue = "20")
  int keepCommits;

  @Option(
      names = "--gc-command",
      paramLabel = "CMD",
      description = "Run after deleting (split on spaces).")
  String gcCommand;

  @Option(names = "--dry-run", description = "Only report.")
  boolean dryRun;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    RegistryClient r = Registries.open(registry, username, passwordFile, "CI_REGISTRY");
    Set<String> recent = null;
    if (repo != null) {
      recent =
          new HashSet<>(
              Proc.output(
                      repo,
                      "git",
                      "rev-list",
                      "--first-parent",
                      "-n",
                      Integer.toString(keepCommits),
                      "HEAD")
                  .lines()
                  .toList());
    }
    Retention policy = new Retention(toolsKeep, maintenancePerMinor, ciOnlyKeep, recent);
    int deleted = 0;
    for (String repoName : r.catalog()) {
      List<String> tags = r.tags(repoName);
      List<String> expired = policy.expired(repoName, tags);
      if (expired.isEmpty()) {
        continue;
      }
      Map<String, String> digestOf = new HashMap<>();
      for (String t : tags) {
        if (!t.startsWith("sha256-")) {
          r.manifest(repoName, t).ifPresent(m -> digestOf.put(t, m.digest()));
        }
      }
      Set<String> keptDigests = new HashSet<>();
      digestOf.forEach(
          (t, d) -> {
            if (!expired.contains(t)) {
              keptDigests.add(d);
            }
          });
      Set<String> doomed = new HashSet<>();
      for (String t : expired) {
        String d = digestOf.get(t);
        if (d != null && !keptDigests.contains(d)) {
          doomed.add(d);
        } else if (d != null) {
          out.printf(
              "%s:%s expired, but its manifest %s stays (another tag is kept)%n", repoName, t, d);
        }
      }
      for (String d : doomed) {
        List<String> also = new ArrayList<>();
        for (String side : List.of(Oci.signatureTag(d), Oci.referrersTag(d))) {
          if (tags.contains(side)) {
            r.manifest(repoName, side).ifPresent(m -> also.add(m.digest()));
          }
        }
        for (Referrers.Referrer ref : Referrers.list(r, repoName, d)) {
          also.add(ref.digest());
        }
        out.printf(
            "%s %s@%s (%d signature/referrer manifests)%n",
            dryRun ? "would delete" : "delete", repoName, d, also.size());
        if (!dryRun) {
          for (String a : also) {
            r.deleteManifest(repoName, a);
          }
          r.deleteManifest(repoName, d);
        }
        deleted++;
      }
    }
    out.printf("retention: %d manifest(s) %s%n", deleted, dryRun ? "would be deleted" : "deleted");
    if (gcCommand != null && !dryRun) {
      String gcOut =
          Proc.run(
              Path.of("."), List.of(gcCommand.split(" +")), Map.of(), Duration.ofMinutes(30), null);
      String[] lines = gcOut.strip().split("\n");
      out.println("gc: " + lines[lines.length - 1]);
    }
    out.flush();
    return 0;
  }
}
