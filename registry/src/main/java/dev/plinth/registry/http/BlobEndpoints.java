/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.http;

import dev.plinth.registry.api.Action;
import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.auth.Principal;
import dev.plinth.registry.dataplane.ByteRange;
import dev.plinth.registry.storage.BlobInfo;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.StandardOpenOption;

/** GET, HEAD and DELETE of blobs. */
final class BlobEndpoints {

  private final Backend b;

  BlobEndpoints(Backend b) {
    this.b = b;
  }

  void get(Exchange x, Principal p, Route.Blob r) throws IOException {
    b.auth().require(p, r.name(), Action.PULL);
    if (!b.repos().hasBlob(r.name(), r.digest())) {
      throw new RegistryException(ErrorCode.BLOB_UNKNOWN);
    }
    BlobInfo info = b.blobs().require(r.digest());
    String etag = "\"" + r.digest() + "\"";
    x.header(Exchange.DOCKER_CONTENT_DIGEST, r.digest().toString())
        .header(HeaderNames.ETAG, etag)
        .header(HeaderNames.ACCEPT_RANGES, "bytes");
    if (x.head()) {
      x.res.status(200);
      x.res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
      x.res.header(HeaderNames.CONTENT_LENGTH, Long.toString(info.size()));
      x.res.send();
      return;
    }
    if (b.dataPlane() != null && info.size() > b.settings().redirectAbove()) {
      String path =
          b.dataPlane()
              .sign(
                  info.path(),
                  "application/octet-stream",
                  r.digest().toString(),
                  b.settings().blobUrlTtl());
      String base = b.settings().dataPlaneUrl();
      if (base == null) {
        base = "http://" + x.hostOnly() + ":" + b.dataPlane().port();
      }
      x.header(HeaderNames.LOCATION, base + path);
      x.status(307);
      return;
    }
    sendDirect(x, info);
  }

  /** Sends a blob from this listener, honouring one byte range. */
  private void sendDirect(Exchange x, BlobInfo info) throws IOException {
    long size = info.size();
    ByteRange.Parsed parsed = ByteRange.parse(x.header(HeaderNames.RANGE).orElse(null), size);
    long first = 0;
    long length = size;
    int status = 200;
    switch (parsed) {
      case ByteRange.Unsatisfiable u -> {
        x.header(HeaderNames.CONTENT_RANGE, "bytes */" + size);
        x.status(416);
        return;
      }
      case ByteRange.Ranges rs when rs.ranges().size() == 1 -> {
        ByteRange br = rs.ranges().get(0);
        first = br.first();
        length = br.length();
        status = 206;
        x.header(HeaderNames.CONTENT_RANGE, "bytes " + br.first() + "-" + br.last() + "/" + size);
      }
      default -> {
        // whole (several ranges are served whole here; the data plane does multipart)
      }
    }
    x.res.status(status);
    x.res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
    x.res.header(HeaderNames.CONTENT_LENGTH, Long.toString(length));
    try (FileChannel ch = FileChannel.open(info.path(), StandardOpenOption.READ);
        OutputStream os = x.res.outputStream()) {
      WritableByteChannel out = Channels.newChannel(os);
      long pos = first;
      long end = first + length;
      while (pos < end) {
        pos += ch.transferTo(pos, end - pos, out);
      }
    }
  }

  void delete(Exchange x, Principal p, Route.Blob r) {
    b.auth().require(p, r.name(), Action.DELETE);
    if (!b.repos().unlinkBlob(r.name(), r.digest())) {
      throw new RegistryException(ErrorCode.BLOB_UNKNOWN);
    }
    x.status(202);
  }
}
