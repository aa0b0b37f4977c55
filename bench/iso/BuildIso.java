/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

import dev.plinth.iso.IsoTree;
import dev.plinth.iso.IsoWriter;
import java.nio.file.Path;

/** The benchmark's build command: the same work as {@code plinth iso build DIR -o FILE}. */
public final class BuildIso {
  private BuildIso() {}

  public static void main(String[] args) throws Exception {
    IsoWriter.builder()
        .volumeId("BENCH")
        .sourceDateEpoch(1_700_000_000L)
        .build()
        .write(IsoTree.fromDirectory(Path.of(args[0])), Path.of(args[1]));
  }
}
