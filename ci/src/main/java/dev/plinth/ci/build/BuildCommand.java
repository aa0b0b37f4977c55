/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ci build}: every release artifact of the checked-out commit into a dist directory. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Build every release artifact of HEAD into DIST, with SOURCE_DATE_EPOCH = the commit's time:",
      "controller tarball, dispatcher, tool images, maintenance OS image and ISO, CI-only test OS.",
      "Writes DIST/artifacts.json and DIST/SHA256SUMS."
    })
public final class BuildCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--dist", required = true, paramLabel = "DIR", description = "Output directory.")
  Path dist;

  @Option(
      names = "--version",
      paramLabel = "V",
      description =
          "Release version (a leading v is dropped). Default: the tag at HEAD, else the pom's.")
  String version;

  @Option(names = "--repo", paramLabel = "DIR", description = "Repository top (default: .).")
  Path repo = Path.of(".");

  @Option(
      names = "--build-dir",
      paramLabel = "NAME",
      defaultValue = "target",
      description = "Maven build directory name (plinth.buildDir), default target.")
  String buildDir;

  @Option(
      names = "--maven",
      description = "Run ./mvnw -DskipTests package for the controller and dispatcher first.")
  boolean maven;

  @Option(
      names = "--tools-images",
      paramLabel = "DIR",
      description =
          "Take the tool images already built (tools-images/BUILD/images) instead of building them.")
  Path toolsImages;

  @Option(
      names = "--ci-os",
      paramLabel = "DIR",
      description = "Take the CI-only test OS artifacts already built (tools-images/BUILD/ci-os).")
  Path ciOs;

  @Option(
      names = "--mos",
      paramLabel = "DIR",
      description = "Take the maintenance OS already built (maintenance-os/BUILD/mos-a).")
  Path mos;

  @Option(
      names = "--from-reactor",
      description =
          "Shorthand: --tools-images, --ci-os and --mos from this repository's BUILD dirs.")
  boolean fromReactor;

  @Option(
      names = "--skip",
      split = ",",
      paramLabel = "PART",
      description = "Parts not to build: tools, ci-os, mos (PR smoke builds without root).")
  List<String> skip = new ArrayList<>();

  @Option(
      names = "--commit",
      paramLabel = "REV",
      defaultValue = "HEAD",
      description = "Commit recorded and whose time is SOURCE_DATE_EPOCH (default HEAD).")
  String commit;

  @Override
  public Integer call() throws IOException {
    Path top = repo.toAbsolutePath().normalize();
    if (maven) {
      spec.commandLine().getOut().println("ci build: ./mvnw package (controller, dispatcher)...");
      Proc.run(
          top,
          List.of(
              "./mvnw",
              "-B",
              "-q",
              "-DskipTests",
              "-Dplinth.buildDir=" + buildDir,
              "-pl",
              "controller,dispatcher",
              "-am",
              "package"),
          Map.of(),
          Duration.ofMinutes(30),
          null);
    }
    if (fromReactor) {
      Path t = top.resolve("tools-images").resolve(buildDir);
      toolsImages = toolsImages != null ? toolsImages : t.resolve("images");
      ciOs = ciOs != null ? ciOs : t.resolve("ci-os");
      mos = mos != null ? mos : top.resolve("maintenance-os").resolve(buildDir).resolve("mos-a");
    }
    String v = version != null ? version : defaultVersion(top);
    new ReleaseBuild(
            top,
            buildDir,
            v.startsWith("v") ? v.substring(1) : v,
            abs(toolsImages),
            abs(ciOs),
            abs(mos),
            new HashSet<>(skip),
            commit,
            spec.commandLine().getOut())
        .build(dist.toAbsolutePath().normalize());
    return 0;
  }

  private static Path abs(Path p) {
    return p == null ? null : p.toAbsolutePath().normalize();
  }

  /** The {@code vX.Y.Z} tag at HEAD without its v, else the root pom's version. */
  static String defaultVersion(Path top) throws IOException {
    try {
      String tag = Proc.output(top, "git", "describe", "--tags", "--exact-match", "--match", "v*");
      return tag.substring(1);
    } catch (IOException notTagged) {
      String pom = Files.readString(top.resolve("pom.xml"));
      Matcher m =
          Pattern.compile("<artifactId>plinth-parent</artifactId>\\s*<version>([^<]+)</version>")
              .matcher(pom);
      if (!m.find()) {
        throw new IOException("no --version and no version in pom.xml");
      }
      return m.group(1);
    }
  }
}
