/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.storage;

import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.RegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Content-addressed blobs shared by all repositories. A blob's mtime is refreshed whenever a push
 * writes, mounts or references it; garbage collection deletes only blobs whose mtime is older than
 * its grace period, and both sides hold the digest's stripe lock, so a manifest push that saw a
 * blob cannot lose it to a concurrent sweep.
 */
public final class BlobStore {

  private static final int STRIPES = 64;

  private final RegistryLayout layout;
  private final FsDriver driver;
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
  private final java.util.concurrent.ConcurrentHashMap<Long, Instant> inflight =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong inflightSeq =
      new java.util.concurrent.atomic.AtomicLong();

  public BlobStore(RegistryLayout layout, FsDriver driver) {
    this.layout = layout;
    this.driver = driver;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  private ReentrantLock lock(Digest d) {
    return locks[Math.floorMod(d.hex().hashCode(), STRIPES)];
  }

  /** The blob's size and mtime, or empty. */
  public Optional<BlobInfo> stat(Digest d) {
    Path p = layout.blob(d);
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return Optional.of(new BlobInfo(d, a.size(), a.lastModifiedTime().toInstant(), p));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The blob's bytes (used for manifests, which are small). */
  public Optional<byte[]> read(Digest d) {
    return driver.read(layout.blob(d));
  }

  /**
   * Moves a fully received, already verified staging file into place, or drops it when the blob is
   * already stored (then refreshes the blob's mtime).
   */
  public void commit(Path staged, Digest d) throws IOException {
    ReentrantLock l = lock(d);
    l.lock();
    try {
      Path target = layout.blob(d);
      if (Files.exists(target)) {
        driver.touch(target);
        Files.deleteIfExists(staged);
      } else {
        driver.commit(staged, target);
        // rename keeps the staging file's mtime: restart the grace period now
        driver.touch(target);
      }
    } finally {
      l.unlock();
    }
  }

  /**
   * Registers a manifest push in flight, from before it touches the blobs it references until it is
   * committed. Garbage collection never deletes a blob touched after the oldest one began.
   */
  public Pin referencing() {
    Long id = inflightSeq.incrementAndGet();
    inflight.put(id, Instant.now());
    return () -> inflight.remove(id);
  }

  /** A registration of {@link #referencing()}; close it when the push is committed or failed. */
  @FunctionalInterface
  public interface Pin extends AutoCloseable {
    @Override
    void close();
  }

  /** When the oldest manifest push still in flight began, if any. */
  public Optional<Instant> oldestInflight() {
    return inflight.values().stream().min(Instant::compareTo);
  }

  /** Stores small content (a manifest), verifying nothing: the digest is computed here. */
  public Digest put(byte[] content) throws IOException {
    Digest d = Digest.sha256(content);
    put(content, d);
    return d;
  }

  /** Stores {@code content} under {@code d}, which the caller computed from it. */
  public void put(byte[] content, Digest d) throws IOException {
    ReentrantLock l = lock(d);
    l.lock();
    try {
      Path target = layout.blob(d);
      if (!driver.touch(target)) {
        driver.write(target, content);
        // the kernel stamps new files with its coarse clock: restamp precisely
        driver.touch(target);
      }
    } finally {
      l.unlock();
    }
  }

  /**
   * Marks the blob as in use now (a mount, or a manifest referencing it): true when it exists. The
   * stripe lock orders this against {@link #deleteIfUnused}.
   */
  public boolean touch(Digest d) {
    ReentrantLock l = lock(d);
    l.lock();
    try {
      return driver.touch(layout.blob(d));
    } finally {
      l.unlock();
    }
  }

  /**
   * Deletes the blob when it is older than {@code cutoff} and {@code stillUnused} agrees, under the
   * digest's lock.
   */
  public boolean deleteIfUnused(Digest d, Instant cutoff, Predicate<Digest> stillUnused) {
    ReentrantLock l = lock(d);
    l.lock();
    try {
      Optional<BlobInfo> info = stat(d);
      if (info.isEmpty() || !info.get().modified().isBefore(cutoff) || !stillUnused.test(d)) {
        return false;
      }
      return driver.delete(info.get().path());
    } finally {
      l.unlock();
    }
  }

  /** Every stored blob's digest (files with invalid names are skipped: fsck reports them). */
  public List<Digest> all() {
    List<Digest> out = new ArrayList<>();
    for (String alg : driver.list(layout.blobs())) {
      for (String prefix : driver.list(layout.blobs().resolve(alg))) {
        for (String hex : driver.list(layout.blobs().resolve(alg).resolve(prefix))) {
          try {
            out.add(new Digest(alg, hex));
          } catch (RegistryException e) {
            // not a blob: fsck reports it
          }
        }
      }
    }
    return out;
  }

  /** Throws BLOB_UNKNOWN unless the blob exists. */
  public BlobInfo require(Digest d) {
    return stat(d).orElseThrow(() -> new RegistryException(ErrorCode.BLOB_UNKNOWN));
  }
}
