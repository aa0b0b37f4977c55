/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.release;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ci release-tarball}: packs the controller into the release tarball. */
@Command(
    name = "release-tarball",
    mixinStandardHelpOptions = true,
    description = "Write plinth-VERSION-linux.tar.gz (reproducible: SOURCE_DATE_EPOCH).")
public final class ReleaseTarballCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--version", required = true, description = "Release version.")
  String version;

  @Option(names = "--controller", required = true, description = "Controller build directory.")
  Path controller;

  @Option(names = "--dist", required = true, description = "Launcher, unit and example config.")
  Path dist;

  @Option(
      names = "--docs",
      required = true,
      description = "Documentation directory (docs/; README.md is read from its parent).")
  Path docs;

  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(
      names = "--output-timestamp",
      description = "ISO-8601 time used when SOURCE_DATE_EPOCH is not set (the Maven one).")
  String outputTimestamp;

  @Override
  public Integer call() throws Exception {
    long epoch = sourceDateEpoch(System.getenv("SOURCE_DATE_EPOCH"), outputTimestamp);
    Path archive = new ReleaseTarball(version, controller, dist, docs).write(out, epoch);
    spec.commandLine().getOut().println("ci: wrote " + archive);
    return 0;
  }

  static long sourceDateEpoch(String env, String outputTimestamp) {
    if (env != null && !env.isBlank()) {
      return Long.parseLong(env.strip());
    }
    if (outputTimestamp != null && !outputTimestamp.isBlank()) {
      return outputTimestamp.chars().allMatch(Character::isDigit)
          ? Long.parseLong(outputTimestamp)
          : Instant.parse(outputTimestamp).getEpochSecond();
    }
    throw new IllegalArgumentException("set SOURCE_DATE_EPOCH or --output-timestamp");
  }
}
