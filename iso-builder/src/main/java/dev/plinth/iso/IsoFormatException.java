/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.io.IOException;

/** The image is not a well-formed ISO 9660 image (or exceeds the reader's limits). */
public final class IsoFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public IsoFormatException(String message) {
    super(message);
  }
}
