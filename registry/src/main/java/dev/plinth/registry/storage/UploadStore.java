/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.storage;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.api.RepositoryName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Blob upload sessions. A session is a directory holding its metadata and the bytes received so
 * far; every acknowledged chunk is fsynced, so a session survives a restart. The sha256 of the
 * bytes is kept incrementally in memory while the process lives; after a restart (or for a sha512
 * digest) the data file is hashed again once, on completion.
 */
public final class UploadStore {

  private final RegistryLayout layout;
  private final FsDriver driver;
  private final BlobStore blobs;
  private final long maxBlobSize;
  private final ConcurrentHashMap<UUID, Live> live = new ConcurrentHashMap<>();

  /** Session metadata as stored in {@code session.json}. */
  record SessionFile(
      @JsonProperty("repository") String repository, @JsonProperty("started") long started) {}

  /** An upload session. */
  public record Session(UUID id, RepositoryName repository, Instant started, long size) {}

  private static final class Live {
    final ReentrantLock lock = new ReentrantLock();
    MessageDigest sha256 = Digest.newMessageDigest("sha256");
    long hashed;
  }

  public UploadStore(RegistryLayout layout, FsDriver driver, BlobStore blobs, long maxBlobSize) {
    this.layout = layout;
    this.driver = driver;
    this.blobs = blobs;
    this.maxBlobSize = maxBlobSize;
  }

  /** Starts a session for {@code repo}. */
  public Session start(RepositoryName repo) throws IOException {
    UUID id = UUID.randomUUID();
    Files.createDirectories(layout.upload(id));
    Files.createFile(layout.uploadData(id));
    Instant now = Instant.now();
    driver.write(
        layout.uploadSession(id),
        Json.MAPPER.writeValueAsBytes(new SessionFile(repo.value(), now.toEpochMilli())));
    live.put(id, new Live());
    return new Session(id, repo, now, 0);
  }

  /** The session, if it exists and belongs to {@code repo}; else BLOB_UPLOAD_UNKNOWN. */
  public Session get(RepositoryName repo, String idText) {
    UUID id = parseId(idText);
    Optional<byte[]> meta = driver.read(layout.uploadSession(id));
    if (meta.isEmpty()) {
      throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN);
    }
    SessionFile f;
    try {
      f = Json.MAPPER.readValue(meta.get(), SessionFile.class);
    } catch (IOException e) {
      throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN);
    }
    if (!f.repository().equals(repo.value())) {
      throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN);
    }
    return new Session(id, repo, Instant.ofEpochMilli(f.started()), size(id));
  }

  private static UUID parseId(String s) {
    try {
      UUID id = UUID.fromString(s);
      if (!id.toString().equals(s)) {
        throw new IllegalArgumentException(s);
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN);
    }
  }

  private long size(UUID id) {
    try {
      return Files.size(layout.uploadData(id));
    } catch (NoSuchFileException e) {
      throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Appends a chunk. {@code start} (from Content-Range) must equal the bytes received so far;
   * {@code length} (Content-Length, or -1) must match the bytes read.
   *
   * @return the session's size after the append
   */
  public long append(Session s, InputStream in, long start, long length) throws IOException {
    Live l = live.computeIfAbsent(s.id(), k -> new Live());
    l.lock.lock();
    try {
      long size = size(s.id());
      if (start >= 0 && start != size) {
        throw new RegistryException(ErrorCode.RANGE_INVALID, "chunk does not start at " + size);
      }
      long written = write(s.id(), l, in, size);
      if (length >= 0 && written != length) {
        truncate(s.id(), size, l);
        throw new RegistryException(ErrorCode.SIZE_INVALID);
      }
      return size + written;
    } finally {
      l.lock.unlock();
    }
  }

  /**
   * Opens the session's file for an append that the caller writes itself (the data plane: see
   * {@link Append}). {@code start} (from Content-Range, or -1) must equal the bytes received so
   * far. The session stays locked until {@link Append#close}, which must run on the calling thread.
   */
  public Append openAppend(Session s, long start) throws IOException {
    Live l = live.computeIfAbsent(s.id(), k -> new Live());
    l.lock.lock();
    try {
      long size = size(s.id());
      if (start >= 0 && start != size) {
        throw new RegistryException(ErrorCode.RANGE_INVALID, "chunk does not start at " + size);
      }
      FileChannel ch = FileChannel.open(layout.uploadData(s.id()), StandardOpenOption.WRITE);
      return new Append(s.id(), l, ch, size, l.hashed == size);
    } catch (IOException | RuntimeException e) {
      l.lock.unlock();
      throw e;
    }
  }

  /**
   * An append whose bytes the caller writes at {@code start() + offset} and, when {@link #digest}
   * is not null, hashes in order. {@link #finish} makes them durable and counts them; {@link
   * #close} without a finish truncates the file back to {@link #start}.
   */
  public final class Append implements AutoCloseable {
    private final UUID id;
    private final Live l;
    private final FileChannel ch;
    private final long start;
    private final boolean hashing;
    private boolean finished;

    Append(UUID id, Live l, FileChannel ch, long start, boolean hashing) {
      this.id = id;
      this.l = l;
      this.ch = ch;
      this.start = start;
      this.hashing = hashing;
    }

    public FileChannel channel() {
      return ch;
    }

    public long start() {
      return start;
    }

    /** How many bytes may still be appended. */
    public long limit() {
      return Math.max(0, maxBlobSize - start);
    }

    /** The session's running sha256, to update with exactly the appended bytes; or null. */
    public MessageDigest digest() {
      return hashing ? l.sha256 : null;
    }

    /**
     * Forces the file and counts {@code written} bytes (all of them hashed when {@link #digest} was
     * given). {@code length} (Content-Length, or -1) must match.
     *
     * @return the session's size
     */
    public long finish(long written, long length) throws IOException {
      if (length >= 0 && written != length) {
        throw new RegistryException(ErrorCode.SIZE_INVALID);
      }
      ch.force(false);
      if (hashing) {
        l.hashed = start + written;
      }
      finished = true;
      return start + written;
    }

    @Override
    public void close() throws IOException {
      try {
        if (!finished) {
          ch.truncate(start);
          l.sha256 = Digest.newMessageDigest("sha256");
          l.hashed = -1;
        }
      } finally {
        try {
          ch.close();
        } finally {
          l.lock.unlock();
        }
      }
    }

    @Override
    public String toString() {
      return "append to " + id + " at " + start;
    }
  }

  private long write(UUID id, Live l, InputStream in, long size) throws IOException {
    boolean hashing = l.hashed == size;
    long written;
    try (FileChannel ch = FileChannel.open(layout.uploadData(id), StandardOpenOption.WRITE)) {
      ch.position(size);
      written = StreamWriter.append(in, ch, size, maxBlobSize, hashing ? l.sha256 : null);
    } catch (RegistryException e) {
      truncate(id, size, l);
      throw e;
    } catch (IOException | RuntimeException e) {
      // the hash may be ahead of or behind the file now: recompute it from the file at the end
      l.sha256 = Digest.newMessageDigest("sha256");
      l.hashed = -1;
      throw e;
    }
    if (hashing) {
      l.hashed = size + written;
    }
    return written;
  }

  private void truncate(UUID id, long size, Live l) throws IOException {
    try (FileChannel ch = FileChannel.open(layout.uploadData(id), StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
    l.sha256 = Digest.newMessageDigest("sha256");
    l.hashed = -1;
  }

  /**
   * Completes the session: checks the digest of all received bytes against {@code expected} and
   * moves them into the blob store. The session is gone afterwards, whatever the outcome.
   */
  public long complete(Session s, Digest expected) throws IOException {
    Live l = live.computeIfAbsent(s.id(), k -> new Live());
    l.lock.lock();
    try {
      Path data = layout.uploadData(s.id());
      long size = size(s.id());
      Digest actual;
      if (expected.algorithm().equals("sha256") && l.hashed == size) {
        actual = Digest.of(l.sha256.digest(), "sha256");
      } else {
        actual = hash(data, expected.algorithm());
      }
      if (!actual.equals(expected)) {
        cancel(s);
        throw new RegistryException(ErrorCode.DIGEST_INVALID);
      }
      blobs.commit(data, expected);
      cancel(s);
      return size;
    } finally {
      l.lock.unlock();
    }
  }

  /** Hashes a file with {@code algorithm}. */
  public static Digest hash(Path file, String algorithm) throws IOException {
    MessageDigest md = Digest.newMessageDigest(algorithm);
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return Digest.of(md.digest(), algorithm);
  }

  /** Deletes the session and its bytes. */
  public void cancel(Session s) throws IOException {
    live.remove(s.id());
    deleteDir(layout.upload(s.id()));
  }

  /** Every session on disk with its start time (for GC and expiry). */
  public List<Session> all() {
    List<Session> out = new ArrayList<>();
    for (String name : driver.list(layout.uploads())) {
      try {
        UUID id = parseId(name);
        byte[] meta = driver.read(layout.uploadSession(id)).orElse(null);
        if (meta == null) {
          Instant t = Files.getLastModifiedTime(layout.upload(id)).toInstant();
          out.add(new Session(id, null, t, 0));
          continue;
        }
        SessionFile f = Json.MAPPER.readValue(meta, SessionFile.class);
        out.add(
            new Session(
                id,
                RepositoryName.parse(f.repository()),
                Instant.ofEpochMilli(f.started()),
                size(id)));
      } catch (RegistryException | IOException e) {
        // foreign or vanishing entry: skipped
      }
    }
    return out;
  }

  /** Removes sessions started before {@code cutoff}; returns how many. */
  public int expire(Instant cutoff) throws IOException {
    int n = 0;
    for (Session s : all()) {
      if (s.started().isBefore(cutoff)) {
        cancel(s);
        n++;
      }
    }
    return n;
  }

  static void deleteDir(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
