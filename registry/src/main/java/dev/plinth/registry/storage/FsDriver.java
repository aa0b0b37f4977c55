/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The narrow file driver every store writes through: stage, fsync, atomic rename, list, stat,
 * delete. All mutable files go through {@link #commit}, so a crash leaves either the old or the new
 * file, never a torn one.
 */
public final class FsDriver {

  private final Path tmp;

  public FsDriver(Path tmp) {
    this.tmp = tmp;
  }

  /** A new empty staging file on the same filesystem as the store. */
  public Path stage() throws IOException {
    Files.createDirectories(tmp);
    return Files.createTempFile(tmp, "stage-", ".tmp");
  }

  /** Flushes {@code staged} to disk and renames it atomically to {@code target}. */
  public void commit(Path staged, Path target) throws IOException {
    try (FileChannel ch = FileChannel.open(staged, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.createDirectories(target.getParent());
    Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(target.getParent());
  }

  /** Writes {@code bytes} to {@code target} atomically. */
  public void write(Path target, byte[] bytes) throws IOException {
    Path staged = stage();
    try {
      try (FileChannel ch = FileChannel.open(staged, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
      commit(staged, target);
    } finally {
      Files.deleteIfExists(staged);
    }
  }

  /** The file's bytes, or empty when it does not exist. */
  public Optional<byte[]> read(Path p) {
    try {
      return Optional.of(Files.readAllBytes(p));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Names in {@code dir}, empty when it does not exist. */
  public List<String> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<String> out = new ArrayList<>();
      s.forEach(p -> out.add(p.getFileName().toString()));
      return out;
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a file; true when it existed. */
  public boolean delete(Path p) {
    try {
      return Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets the file's mtime to now; false when it does not exist. */
  public boolean touch(Path p) {
    try {
      // full precision: GC compares mtimes with Instant.now() taken by pushes
      Files.setLastModifiedTime(p, FileTime.from(java.time.Instant.now()));
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
