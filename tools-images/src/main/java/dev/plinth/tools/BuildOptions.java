/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link ToolImages#build} builds.
 *
 * @param sources the tools-images/ tree
 * @param out output directory: {@code out/oci/} (the layout) and {@code
 *     out/plinth-tools-<version>.tar} (the bundle)
 * @param arches Debian architecture names (amd64, arm64)
 * @param tools the tools to build (normally {@link Sources#TOOLS})
 * @param version the version tag and label
 * @param epochSeconds SOURCE_DATE_EPOCH: every time stamp in the output
 * @param revision the source revision label (a git commit)
 * @param debCache the download cache of .deb files
 * @param mirror the Debian mirror
 */
public record BuildOptions(
    Sources sources,
    Path out,
    List<String> arches,
    List<String> tools,
    String version,
    long epochSeconds,
    String revision,
    Path debCache,
    String mirror) {

  public BuildOptions {
    arches = List.copyOf(arches.stream().sorted().distinct().toList());
    tools = List.copyOf(tools.stream().map(Sources::checkTool).sorted().distinct().toList());
    if (!version.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
      throw new IllegalArgumentException("version is not a valid OCI tag: " + version);
    }
  }

  /** The layout directory. */
  public Path layoutDir() {
    return out.resolve("oci");
  }

  /** The bundle tar. */
  public Path bundle() {
    return out.resolve("plinth-tools-" + version + ".tar");
  }
}
