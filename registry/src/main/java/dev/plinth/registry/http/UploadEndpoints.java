/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.http;

import dev.plinth.registry.api.Action;
import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.auth.Principal;
import dev.plinth.registry.storage.UploadStore;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/** Blob uploads: POST (session, monolithic, mount), PATCH, PUT, GET status, DELETE. */
final class UploadEndpoints {

  /**
   * Whether upload sessions are received on the data plane when there is one (the default; {@code
   * -Dplinth.registry.uploadsOnDataPlane=false} keeps them on this listener, for comparison).
   */
  static final boolean ON_DATA_PLANE =
      Boolean.parseBoolean(System.getProperty("plinth.registry.uploadsOnDataPlane", "true"));

  private final Backend b;
  private final Semaphore slots;

  UploadEndpoints(Backend b) {
    this.b = b;
    this.slots = new Semaphore(b.settings().maxConcurrentUploads());
    if (b.dataPlane() != null) {
      b.dataPlane().receiveUploads(new DataPlaneUploads(b, slots));
    }
  }

  void start(Exchange x, Principal p, Route.UploadStart r) throws IOException {
    b.auth().require(p, r.name(), Action.PUSH);
    Optional<String> mount = x.query("mount");
    if (mount.isPresent() && mount(x, p, r.name(), Digest.parse(mount.get()), x.query("from"))) {
      return;
    }
    Optional<String> digest = x.query("digest");
    UploadStore.Session s = b.uploads().start(r.name());
    if (digest.isPresent()) {
      Digest d = Digest.parse(digest.get());
      withSlot(
          () -> {
            b.uploads().append(s, x.body(), 0, x.contentLength().orElse(-1));
            finish(x, r.name(), s, d);
          });
      return;
    }
    if (b.dataPlane() != null && ON_DATA_PLANE) {
      String base = b.settings().dataPlaneUrl();
      if (base == null) {
        base = "http://" + x.hostOnly() + ":" + b.dataPlane().port();
      }
      String id = s.id().toString();
      String url =
          base
              + b.dataPlane()
                  .signUpload(
                      DataPlaneUploads.grant(r.name(), id, x.origin()), DataPlaneUploads.TTL);
      x.header(HeaderNames.LOCATION, url);
      x.header(HeaderNames.RANGE, "0-0");
      x.header(Exchange.DOCKER_UPLOAD_UUID, id);
    } else {
      sessionHeaders(x, r.name(), s.id().toString(), 0);
    }
    x.status(202);
  }

  private boolean mount(Exchange x, Principal p, RepositoryName to, Digest d, Optional<String> from)
      throws IOException {
    boolean ok;
    if (from.isPresent()) {
      RepositoryName src;
      try {
        src = RepositoryName.parse(from.get());
      } catch (RegistryException e) {
        return false;
      }
      ok =
          b.auth().subjectAllows(p, src, Action.PULL)
              && b.repos().hasBlob(src, d)
              && b.blobs().touch(d);
    } else {
      // Content-addressed storage: knowing the digest of stored content is enough to mount it.
      ok = b.blobs().touch(d);
    }
    if (!ok) {
      return false;
    }
    b.repos().linkBlob(to, d);
    x.header(HeaderNames.LOCATION, "/v2/" + to + "/blobs/" + d);
    x.header(Exchange.DOCKER_CONTENT_DIGEST, d.toString());
    x.status(201);
    return true;
  }

  void session(Exchange x, Principal p, Route.Upload r, String method) throws IOException {
    b.auth().require(p, r.name(), Action.PUSH);
    UploadStore.Session s = b.uploads().get(r.name(), r.id());
    switch (method) {
      case "GET" -> {
        sessionHeaders(x, r.name(), r.id(), s.size());
        x.status(204);
      }
      case "PATCH" ->
          withSlot(
              () -> {
                long size =
                    b.uploads().append(s, x.body(), rangeStart(x), x.contentLength().orElse(-1));
                sessionHeaders(x, r.name(), r.id(), size);
                x.status(202);
              });
      case "PUT" -> {
        Digest d = Digest.parse(x.query("digest").orElse(null));
        withSlot(
            () -> {
              if (x.hasBody()) {
                b.uploads().append(s, x.body(), rangeStart(x), x.contentLength().orElse(-1));
              }
              finish(x, r.name(), s, d);
            });
      }
      case "DELETE" -> {
        b.uploads().cancel(s);
        x.status(204);
      }
      default -> throw V2Service.unsupported();
    }
  }

  private void finish(Exchange x, RepositoryName repo, UploadStore.Session s, Digest d)
      throws IOException {
    b.uploads().complete(s, d);
    b.repos().linkBlob(repo, d);
    x.header(HeaderNames.LOCATION, "/v2/" + repo + "/blobs/" + d);
    x.header(Exchange.DOCKER_CONTENT_DIGEST, d.toString());
    x.status(201);
  }

  /** The start offset of a Content-Range {@code a-b}, or -1 when absent (streamed upload). */
  private static long rangeStart(Exchange x) {
    return rangeStart(
        x.header(HeaderNames.CONTENT_RANGE).orElse(null), x.contentLength().orElse(-1));
  }

  /** The same from the header's text (or null) and Content-Length (or -1). */
  static long rangeStart(String contentRange, long contentLength) {
    if (contentRange == null) {
      return -1;
    }
    String v = contentRange.strip();
    if (v.startsWith("bytes ")) {
      v = v.substring(6);
    }
    int dash = v.indexOf('-');
    try {
      long first = Long.parseLong(v.substring(0, dash));
      long last = Long.parseLong(v.substring(dash + 1));
      long len = contentLength >= 0 ? contentLength : last - first + 1;
      if (first < 0 || last < first - 1 || last - first + 1 != len) {
        throw new RegistryException(ErrorCode.RANGE_INVALID, "invalid Content-Range");
      }
      return first;
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new RegistryException(ErrorCode.RANGE_INVALID, "invalid Content-Range");
    }
  }

  private static void sessionHeaders(Exchange x, RepositoryName repo, String id, long size) {
    x.header(HeaderNames.LOCATION, "/v2/" + repo + "/blobs/uploads/" + id);
    x.header(HeaderNames.RANGE, "0-" + Math.max(0, size - 1));
    x.header(Exchange.DOCKER_UPLOAD_UUID, id);
  }

  private void withSlot(V2Service.IoAction a) throws IOException {
    if (!slots.tryAcquire()) {
      throw new RegistryException(ErrorCode.TOO_MANY_REQUESTS);
    }
    try {
      a.run();
    } finally {
      slots.release();
    }
  }
}
