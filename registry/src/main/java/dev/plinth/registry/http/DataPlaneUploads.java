/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.http;

import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.dataplane.UploadHandler;
import dev.plinth.registry.storage.UploadStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Upload sessions received on the data plane: {@code POST /v2/NAME/blobs/uploads/} answers with a
 * signed data-plane URL as its Location, and the PATCH and PUT requests to it are received there
 * (socket to file and hash without Helidon's copies) and answered here, with the same checks and
 * answers as {@link UploadEndpoints}. The signed URL is the session's credential, as a signed blob
 * URL is for a GET: push access was checked when the session was started.
 */
final class DataPlaneUploads implements UploadHandler {

  /** How long an upload URL is accepted (checked when each request starts). */
  static final Duration TTL = Duration.ofHours(6);

  private final Backend b;
  private final Semaphore slots;

  DataPlaneUploads(Backend b, Semaphore slots) {
    this.b = b;
    this.slots = slots;
  }

  /** The grant of a session: repository, id and the registry's origin, one a line. */
  static String grant(RepositoryName repo, String id, String origin) {
    return repo.value() + "\n" + id + "\n" + origin;
  }

  private record Grant(RepositoryName repo, String id, String origin) {
    static Grant parse(String s) {
      String[] f = s.split("\n", 3);
      return new Grant(RepositoryName.parse(f[0]), f[1], f[2]);
    }
  }

  @Override
  public Target open(
      String grantText,
      String method,
      String self,
      Map<String, String> query,
      long contentLength,
      String contentRange)
      throws IOException {
    try {
      Grant g = Grant.parse(grantText);
      UploadStore.Session s = b.uploads().get(g.repo(), g.id());
      Digest d = method.equals("PUT") ? Digest.parse(query.get("digest")) : null;
      long start = UploadEndpoints.rangeStart(contentRange, contentLength);
      if (!slots.tryAcquire()) {
        throw new RegistryException(ErrorCode.TOO_MANY_REQUESTS);
      }
      UploadStore.Append a;
      try {
        a = b.uploads().openAppend(s, start);
      } catch (IOException | RuntimeException e) {
        slots.release();
        throw e;
      }
      return new Session(g, s, d, a, contentLength, self);
    } catch (RegistryException e) {
      throw new Rejected(error(e));
    }
  }

  @Override
  public Answer answer(String grantText, String method, String self) throws IOException {
    try {
      Grant g = Grant.parse(grantText);
      UploadStore.Session s = b.uploads().get(g.repo(), g.id());
      switch (method) {
        case "GET", "HEAD" -> {
          return new Answer(204, sessionHeaders(self, g.id(), s.size()), new byte[0]);
        }
        case "DELETE" -> {
          b.uploads().cancel(s);
          return new Answer(204, Map.of(), new byte[0]);
        }
        default -> throw V2Service.unsupported();
      }
    } catch (RegistryException e) {
      return error(e);
    }
  }

  private final class Session implements Target {
    final Grant g;
    final UploadStore.Session s;
    final Digest digest;
    final UploadStore.Append a;
    final long length;
    final String self;
    boolean released;

    Session(
        Grant g,
        UploadStore.Session s,
        Digest digest,
        UploadStore.Append a,
        long length,
        String self) {
      this.g = g;
      this.s = s;
      this.digest = digest;
      this.a = a;
      this.length = length;
      this.self = self;
    }

    @Override
    public FileChannel channel() {
      return a.channel();
    }

    @Override
    public long start() {
      return a.start();
    }

    @Override
    public long limit() {
      return a.limit();
    }

    @Override
    public MessageDigest digest() {
      return a.digest();
    }

    /** Closes the append (truncating it unless finished) and frees the slot, once. */
    private void release() throws IOException {
      if (released) {
        return;
      }
      released = true;
      try {
        a.close();
      } finally {
        slots.release();
      }
    }

    @Override
    public Answer complete(long written) throws IOException {
      long size;
      try {
        size = a.finish(written, length);
      } catch (RegistryException e) {
        release();
        return error(e);
      }
      release();
      try {
        if (digest == null) {
          return new Answer(202, sessionHeaders(self, g.id(), size), new byte[0]);
        }
        b.uploads().complete(s, digest);
        b.repos().linkBlob(g.repo(), digest);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Location", g.origin() + "/v2/" + g.repo() + "/blobs/" + digest);
        h.put(Exchange.DOCKER_CONTENT_DIGEST.defaultCase(), digest.toString());
        return new Answer(201, h, new byte[0]);
      } catch (RegistryException e) {
        return error(e);
      }
    }

    @Override
    public Answer fail(long written, Throwable cause, boolean tooLarge) {
      try {
        release();
      } catch (IOException | RuntimeException e) {
        Errors.LOG.log(System.Logger.Level.WARNING, "could not undo a failed upload chunk", e);
      }
      if (tooLarge) {
        return error(new RegistryException(ErrorCode.SIZE_LIMIT));
      }
      if (cause instanceof RegistryException e) {
        return error(e);
      }
      return new Answer(500, Map.of(), new byte[0]);
    }
  }

  private Map<String, String> sessionHeaders(String self, String id, long size) {
    Map<String, String> h = new LinkedHashMap<>();
    String base = b.settings().dataPlaneUrl();
    int u = self.indexOf("/u/");
    h.put("Location", base != null && u >= 0 ? base + self.substring(u) : self);
    h.put("Range", "0-" + Math.max(0, size - 1));
    h.put(Exchange.DOCKER_UPLOAD_UUID.defaultCase(), id);
    return h;
  }

  private static Answer error(RegistryException e) {
    int status = e.code() == ErrorCode.UNSUPPORTED ? 405 : e.code().status();
    return new Answer(
        status, Map.of("Content-Type", "application/json"), Errors.body(e.code(), e.getMessage()));
  }
}
