/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.rehearse;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ci rehearse}: the whole release, here, against two local registries. */
@Command(
    name = "rehearse",
    mixinStandardHelpOptions = true,
    description = {
      "Run main's stages (build twice and compare, sbom, gates, sign, publish to staging with the",
      "git SHA and vX.Y.Z-rc.N/candidate, verify) and the tag's (promote to production, verify,",
      "release notes) against plinth serve's registry (staging) and Debian's docker-registry",
      "(production), then the operator's checks of docs/verify.md and retention with GC.",
      "The tool images, CI-only OS and maintenance OS are taken from the Maven build (--from-reactor)."
    })
public final class RehearseCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--repo", paramLabel = "DIR")
  Path repo = Path.of(".");

  @Option(names = "--build-dir", defaultValue = "target", paramLabel = "NAME")
  String buildDir;

  @Option(names = "--work", required = true, paramLabel = "DIR", description = "Scratch directory.")
  Path work;

  @Option(names = "--version", defaultValue = "v0.1.0", paramLabel = "vX.Y.Z")
  String version;

  @Option(names = "--rc", defaultValue = "1", paramLabel = "N")
  int rc;

  @Option(
      names = "--plinth-jar",
      paramLabel = "FILE",
      description = "Default controller/BUILD/plinth.jar.")
  Path plinthJar;

  @Option(
      names = "--tools-images",
      paramLabel = "DIR",
      description = "Default tools-images/BUILD/images.")
  Path toolsImages;

  @Option(names = "--ci-os", paramLabel = "DIR", description = "Default tools-images/BUILD/ci-os.")
  Path ciOs;

  @Option(names = "--mos", paramLabel = "DIR", description = "Default maintenance-os/BUILD/mos-a.")
  Path mos;

  @Option(
      names = "--rebuild",
      description = "Second build from a clean git worktree (Maven, slower).")
  boolean rebuild;

  @Option(names = "--advisories", paramLabel = "FILE", description = "OSV database for gate vulns.")
  Path advisories;

  @Override
  public Integer call() throws Exception {
    Path top = repo.toAbsolutePath().normalize();
    Path t = top.resolve("tools-images").resolve(buildDir);
    Rehearsal.Options o =
        new Rehearsal.Options(
            top,
            buildDir,
            work.toAbsolutePath().normalize(),
            or(plinthJar, top.resolve("controller").resolve(buildDir).resolve("plinth.jar")),
            or(toolsImages, t.resolve("images")),
            or(ciOs, t.resolve("ci-os")),
            or(mos, top.resolve("maintenance-os").resolve(buildDir).resolve("mos-a")),
            version,
            rc,
            rebuild,
            advisories);
    new Rehearsal(o, spec.commandLine().getOut()).run();
    return 0;
  }

  private static Path or(Path p, Path dflt) {
    return (p != null ? p : dflt).toAbsolutePath().normalize();
  }
}
