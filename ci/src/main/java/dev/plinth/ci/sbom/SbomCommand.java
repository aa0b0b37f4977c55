/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ci sbom --dist DIR}: a validated CycloneDX 1.6 SBOM for every artifact. */
@Command(
    name = "sbom",
    mixinStandardHelpOptions = true,
    description =
        "Write a CycloneDX 1.6 SBOM for every artifact of DIR/artifacts.json (F.cdx.json beside a"
            + " file, DIR/sbom/<name>.cdx.json for an image), validated against the schema.")
public final class SbomCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--dist", required = true, description = "The dist directory.")
  Path dist;

  @Option(
      names = "--source",
      defaultValue = ".",
      description = "The source tree (lock and closure files). Default: the current directory.")
  Path source;

  @Option(
      names = "--maven-repo",
      description = "Local Maven repository (POM licences). Default: ~/.m2/repository.")
  Path mavenRepo;

  @Option(
      names = "--deb-cache",
      description =
          "Directory of .deb files / data tars (repeatable). Default: ~/.cache/plinth/debs and"
              + " ~/.cache/plinth/mos-debs.")
  List<Path> debCaches = new ArrayList<>();

  @Option(
      names = "--dispatcher",
      description =
          "The dispatcher (jar or tarball) the maintenance OS carries. Default: the inventory's"
              + " dispatcher artifact.")
  Path dispatcher;

  @Override
  public Integer call() {
    MavenRepo repo = mavenRepo == null ? MavenRepo.defaults() : new MavenRepo(mavenRepo);
    DebLicences debs =
        debCaches.isEmpty()
            ? DebLicences.defaults()
            : new DebLicences(
                debCaches,
                Path.of(System.getProperty("user.home"), ".cache", "plinth", "copyright"));
    String version = SbomCommand.class.getPackage().getImplementationVersion();
    SbomGenerator g =
        new SbomGenerator(
            source.toAbsolutePath().normalize(),
            new JavaComponents(repo),
            debs,
            dispatcher,
            version == null ? "dev" : version);
    try {
      for (Path p : g.writeAll(dist)) {
        spec.commandLine().getOut().println("ci sbom: wrote " + p);
      }
      return 0;
    } catch (RuntimeException e) {
      spec.commandLine()
          .getErr()
          .println(
              "ci sbom: " + e.getMessage() + (e.getCause() != null ? ": " + e.getCause() : ""));
      return 1;
    }
  }
}
