/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.dataplane;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A small HTTP server that only serves files, zero-copy (sendfile through Netty's native epoll
 * transport), with single and multiple byte ranges, ETag and Last-Modified. It serves a file only
 * through an unguessable URL: either short-lived and HMAC-signed ({@link #sign}: registry blobs) or
 * a long-lived secret token the owner publishes and withdraws ({@link #publish}: per-job media). It
 * also receives blob uploads at signed upload URLs ({@link #signUpload}).
 */
public interface DataPlane extends AutoCloseable {

  /** The port it listens on. */
  int port();

  /** True when the native epoll transport (sendfile with TCP_CORK) is in use. */
  boolean nativeTransport();

  /**
   * The path (and query) of a URL serving {@code file} until {@code ttl} has passed.
   *
   * @param etag the entity tag to send (unquoted), or null to derive one from size and mtime
   */
  String sign(Path file, String contentType, String etag, Duration ttl);

  /**
   * The path of a URL that takes uploads for {@code grant} until {@code ttl} has passed: PATCH and
   * PUT bodies are received here (written, hashed and forced by the data plane) and answered by the
   * {@link UploadHandler} given to {@link #receiveUploads}; other methods go to it directly.
   */
  String signUpload(String grant, Duration ttl);

  /** Sets who checks and answers uploads; until then upload URLs answer 404. */
  void receiveUploads(UploadHandler handler);

  /** Serves {@code file} at {@code /m/TOKEN/NAME} until {@link #unpublish}; returns that path. */
  String publish(String token, String name, Path file, String contentType);

  /**
   * Serves {@code GET|HEAD /media/...} from what {@code source} finds (content type {@code
   * application/octet-stream}); until then, or with null, such paths answer 404.
   */
  void serveMedia(MediaSource source);

  /** Stops serving a published token. */
  void unpublish(String token);

  /** What a published token serves, if anything. */
  Optional<Path> published(String token);

  @Override
  void close();

  static Builder builder() {
    return new Builder();
  }

  /** Configures and starts a data plane. */
  final class Builder {
    String host = "127.0.0.1";
    int port;
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    byte[] key;
    final List<Path> roots = new ArrayList<>();
    boolean allowNative = true;

    Builder() {}

    public Builder host(String h) {
      this.host = h;
      return this;
    }

    /** 0 picks a free port. */
    public Builder port(int p) {
      this.port = p;
      return this;
    }

    public Builder threads(int t) {
      this.threads = t;
      return this;
    }

    /** The HMAC key for signed URLs (default: random per process). */
    public Builder key(byte[] k) {
      this.key = k.clone();
      return this;
    }

    /** A directory signed URLs may point into; nothing outside the roots is ever served. */
    public Builder root(Path root) {
      roots.add(root.toAbsolutePath().normalize());
      return this;
    }

    /** Disables the native transport (tests of the NIO fallback). */
    public Builder allowNative(boolean b) {
      this.allowNative = b;
      return this;
    }

    public DataPlane start() {
      return NettyDataPlane.start(this);
    }
  }
}
