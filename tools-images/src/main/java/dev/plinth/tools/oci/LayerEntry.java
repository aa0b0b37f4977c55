/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.oci;

import java.io.IOException;
import java.io.InputStream;

/**
 * One entry of a layer. Paths are relative, {@code /}-separated, without {@code ./}, a leading or a
 * trailing slash ({@code usr/bin/sh}). Modes are the permission bits including setuid, setgid and
 * sticky ({@code 07777}); owners are always 0:0.
 */
public sealed interface LayerEntry {
  /** The entry's path inside the image. */
  String path();

  /** Opens a regular file's bytes. */
  @FunctionalInterface
  interface Content {
    InputStream open() throws IOException;
  }

  /** A directory. */
  record Dir(String path, int mode) implements LayerEntry {}

  /** A regular file of {@code size} bytes. */
  record File(String path, int mode, long size, Content content) implements LayerEntry {}

  /** A symbolic link to {@code target} (as written, relative or absolute). */
  record Symlink(String path, String target) implements LayerEntry {}

  /** A hard link to the regular file at path {@code target} in the same layer. */
  record Hardlink(String path, String target) implements LayerEntry {}
}
