/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.nio.file.Path;

/** Builds an image from a directory in a separate JVM (determinism under other TZ and LANG). */
public final class BuildMain {
  private BuildMain() {}

  public static void main(String[] args) throws Exception {
    DeterminismTest.writer().write(IsoTree.fromDirectory(Path.of(args[0])), Path.of(args[1]));
  }
}
