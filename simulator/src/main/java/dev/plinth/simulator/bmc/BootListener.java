/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import java.net.URI;
import java.util.List;

/**
 * Called when a simulated server boots from virtual CD: it was powered on or reset while a CD boot
 * override was active and a CD slot held media. {@code plinth demo} uses it to play the server:
 * boot the maintenance ISO, find the task ISO among the media and run the dispatcher. Called on its
 * own virtual thread.
 */
@FunctionalInterface
public interface BootListener {

  /**
   * @param bmcId the simulated BMC's id ({@code bmc-0} ...)
   * @param media the image URLs the server sees: those of the bootable CD slots (the first is what
   *     boots), then those of the other slots, each in slot order
   */
  void bootedFromVirtualMedia(String bmcId, List<URI> media);

  /** A listener that does nothing. */
  BootListener NONE = (id, media) -> {};
}
