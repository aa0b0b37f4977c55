/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What this binary is: version, commit and build time, filtered into a resource at build time.
 *
 * <p>The build time is the reproducible-build timestamp, not the wall clock, so two builds of one
 * tree give identical jars.
 */
public record BuildInfo(
    String version, String commit, boolean dirty, String buildTime, String buildJdk) {

  private static final String RESOURCE = "build-info.properties";

  /** Reads the build information of the running binary. */
  public static BuildInfo current() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BuildInfo(
        value(p, "version"),
        value(p, "commit"),
        Boolean.parseBoolean(value(p, "dirty")),
        value(p, "buildTime"),
        value(p, "buildJdk"));
  }

  /** The short commit id, with a {@code -dirty} suffix when the tree had local changes. */
  public String shortCommit() {
    if (commit.equals("unknown")) {
      return commit;
    }
    String s = commit.length() > 12 ? commit.substring(0, 12) : commit;
    return dirty ? s + "-dirty" : s;
  }

  // An unfiltered placeholder means the value was not known at build time (no git checkout).
  private static String value(Properties p, String key) {
    String v = p.getProperty(key, "");
    return v.isBlank() || v.startsWith("${") ? "unknown" : v;
  }
}
