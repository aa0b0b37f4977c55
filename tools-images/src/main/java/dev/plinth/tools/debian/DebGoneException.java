/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.debian;

import java.io.IOException;
import java.net.URI;

/**
 * The mirror no longer serves a pinned version (HTTP 404): Debian replaced it in a point release.
 * The lock must be refreshed.
 */
public final class DebGoneException extends IOException {
  private static final long serialVersionUID = 1L;

  public DebGoneException(LockEntry e, URI uri) {
    super(
        "the mirror no longer serves "
            + e.name()
            + " "
            + e.version()
            + " ("
            + e.arch()
            + "): GET "
            + uri
            + " answered 404. The lock is stale: run "
            + Lock.REFRESH
            + " and commit tools-images/debian/.");
  }
}
