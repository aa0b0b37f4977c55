/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.server;

import dev.plinth.controller.Layout;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** Whether the controller can do its work: started, and its data directory writable. */
final class Readiness {

  private final Layout layout;
  private final AtomicBoolean started = new AtomicBoolean();

  Readiness(Layout layout) {
    this.layout = layout;
  }

  void markStarted() {
    started.set(true);
  }

  /** What keeps the controller from being ready; empty when it is. */
  List<String> problems() {
    List<String> p = new ArrayList<>();
    if (!started.get()) {
      p.add("starting");
    }
    if (!Files.isWritable(layout.tmp())) {
      p.add("data directory not writable: " + layout.tmp());
    }
    return p;
  }
}
