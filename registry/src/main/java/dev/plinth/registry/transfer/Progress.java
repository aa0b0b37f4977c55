/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.transfer;

/** Receives progress of an import or export, in bytes. */
@FunctionalInterface
public interface Progress {

  void update(long done, long total);

  static Progress none() {
    return (d, t) -> {};
  }
}
