/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.util.List;

/**
 * A VirtualMedia slot as the client sees it.
 *
 * @param link its {@code @odata.id}
 * @param id its Id
 * @param mediaTypes the MediaTypes it accepts
 * @param image the image URL it holds, or null
 * @param inserted whether media is inserted
 * @param canInsert whether it has an InsertMedia action or takes a PATCH
 */
public record MediaSlot(
    String link,
    String id,
    List<String> mediaTypes,
    String image,
    boolean inserted,
    boolean canInsert) {

  public MediaSlot {
    mediaTypes = List.copyOf(mediaTypes);
  }

  /** Whether the slot takes a CD or DVD image. */
  public boolean isCd() {
    return mediaTypes.contains("CD") || mediaTypes.contains("DVD");
  }
}
