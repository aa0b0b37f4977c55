/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import java.nio.file.Path;

/** A registry server in its own JVM (for {@link CrashIT}): prints its base URL, serves forever. */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Harness h = new Harness(Path.of(args[0]));
    System.out.println("READY " + h.base);
    System.out.flush();
    Thread.currentThread().join();
  }
}
