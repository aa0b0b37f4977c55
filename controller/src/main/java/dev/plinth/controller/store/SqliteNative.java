/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Keeps sqlite-jdbc's native library unpacked in a directory of the controller's own, so that a
 * start loads it from there. Left alone, sqlite-jdbc unpacks it from its jar into the temporary
 * directory at every start, and reads it back to compare: about 15 % of the main thread's CPU
 * before {@code serve} was ready.
 */
public final class SqliteNative {
  private static final System.Logger LOG = System.getLogger(SqliteNative.class.getName());

  private SqliteNative() {}

  /**
   * Unpacks the library into {@code dir/sqlite-jdbc-VERSION/} unless it is there already (same size
   * as in the jar) and points sqlite-jdbc at it ({@code org.sqlite.lib.path}). Call before the
   * first connection. Does nothing when that property is set already or the jar has no library for
   * this platform. The file keeps the jar's name, so that if it cannot be loaded sqlite-jdbc still
   * unpacks its own copy, as it does without this.
   *
   * @return the library file used, or null when sqlite-jdbc is left to find it
   */
  public static Path useCacheIn(Path dir) {
    if (System.getProperty("org.sqlite.lib.path") != null) {
      return null;
    }
    String file = LibraryLoaderUtil.getNativeLibName();
    Path versionDir = dir.resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion());
    Path lib = versionDir.resolve(file);
    try {
      URL resource =
          SQLiteJDBCLoader.class.getResource(
              LibraryLoaderUtil.getNativeLibResourcePath() + "/" + file);
      if (resource == null) {
        return null;
      }
      URLConnection c = resource.openConnection();
      c.setUseCaches(false);
      long size = c.getContentLengthLong();
      if (!Files.isRegularFile(lib) || Files.size(lib) != size) {
        Files.createDirectories(versionDir);
        Path tmp = Files.createTempFile(versionDir, file, ".tmp");
        try (InputStream in = c.getInputStream()) {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(tmp);
        }
      } else {
        c.getInputStream().close();
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "sqlite-jdbc unpacks its native library itself: " + e);
      return null;
    }
    System.setProperty("org.sqlite.lib.path", versionDir.toString());
    return lib;
  }
}
