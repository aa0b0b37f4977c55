/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.dataplane;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the data plane serves under {@code /media/} (GET and HEAD, single and multiple ranges,
 * validators), decided by its owner: the controller maps a path to a job's medium by the job's
 * unguessable media id, or to the shared maintenance ISO. See {@link DataPlane#serveMedia}.
 */
public interface MediaSource {

  /**
   * The file served at {@code path} (it starts with {@code /media/}), or empty for a 404. It may
   * block (a database read, a medium made again on this host): the data plane calls it off its
   * event loop.
   */
  Optional<Path> find(String path) throws IOException;

  /**
   * The file served at {@code path} when that is known without blocking (a path seen before), else
   * null and {@link #find} is asked. Called on the event loop, for every request: it should not
   * touch the file system; the data plane stats the file it returns and asks {@link #find} when it
   * is not a regular file (gone: the source may make it again, or answer empty for a 404).
   */
  default Path known(String path) {
    return null;
  }
}
