/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Defaults taken from git: the revision and the commit time. */
public final class Git {
  private Git() {}

  /** What a build is stamped with when the value given is blank or {@value}: the checkout's. */
  public static final String COMMIT = "commit";

  /**
   * {@code value} as an epoch, or (blank, {@value #COMMIT}) $SOURCE_DATE_EPOCH, else the commit
   * time of HEAD in {@code dir}: what every other release artifact is stamped with.
   */
  public static long sourceDateEpoch(String value, Path dir)
      throws IOException, InterruptedException {
    return value == null || value.isBlank() || COMMIT.equals(value.strip())
        ? sourceDateEpoch(dir)
        : Long.parseLong(value.strip());
  }

  /** {@code value}, or (blank, {@value #COMMIT}) the commit of HEAD in {@code dir}. */
  public static String revision(String value, Path dir) throws IOException, InterruptedException {
    return value == null || value.isBlank() || COMMIT.equals(value.strip())
        ? revision(dir)
        : value.strip();
  }

  /** $SOURCE_DATE_EPOCH, else the commit time of HEAD. */
  static long sourceDateEpoch(Path dir) throws IOException, InterruptedException {
    String env = System.getenv("SOURCE_DATE_EPOCH");
    if (env != null && !env.isBlank()) {
      return Long.parseLong(env.strip());
    }
    return Long.parseLong(git(dir, "log", "-1", "--format=%ct"));
  }

  /** The commit of HEAD. */
  static String revision(Path dir) throws IOException, InterruptedException {
    return git(dir, "rev-parse", "HEAD");
  }

  private static String git(Path dir, String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 3];
    cmd[0] = "git";
    cmd[1] = "-C";
    cmd[2] = dir.toString();
    System.arraycopy(args, 0, cmd, 3, args.length);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IOException(
          "git "
              + String.join(" ", args)
              + " failed (pass --source-date-epoch/--revision): "
              + out);
    }
    return out;
  }
}
