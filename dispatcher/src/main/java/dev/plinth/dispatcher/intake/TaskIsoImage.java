/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.intake;

import dev.plinth.contract.Task;
import dev.plinth.contract.TaskIsoV1;
import dev.plinth.iso.IsoTree;
import dev.plinth.iso.IsoWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a Task ISO v1 image with the iso-builder: volume label {@value TaskIsoV1#VOLUME_LABEL},
 * the files of {@link TaskIsoV1#files(Task)} at the root (mode 0444), Rock Ridge and Joliet names,
 * every date {@code sourceDateEpoch}. Same task and date give the same bytes. The controller may
 * use this or write {@link TaskIsoV1#files(Task)} with its own settings.
 */
public final class TaskIsoImage {
  private TaskIsoImage() {}

  /** Writes the image atomically to {@code out}; returns its size in bytes. */
  public static long write(Task task, long sourceDateEpoch, Path out) throws IOException {
    IsoTree tree = IsoTree.create();
    for (Map.Entry<String, byte[]> f : TaskIsoV1.files(task).entrySet()) {
      tree.addFile(f.getKey(), f.getValue(), 0444);
    }
    return IsoWriter.builder()
        .volumeId(TaskIsoV1.VOLUME_LABEL)
        .sourceDateEpoch(sourceDateEpoch)
        .build()
        .write(tree, out);
  }
}
