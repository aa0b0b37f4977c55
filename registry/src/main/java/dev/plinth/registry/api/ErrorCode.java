/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.api;

/** The distribution spec's error codes, each registered once with its HTTP status. */
public enum ErrorCode {
  BLOB_UNKNOWN(404, "blob unknown to registry"),
  BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
  BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
  DIGEST_INVALID(400, "provided digest did not match uploaded content"),
  /** 400, as distribution (the reference implementation) registers it and its clients expect. */
  MANIFEST_BLOB_UNKNOWN(400, "manifest references a manifest or blob unknown to registry"),
  MANIFEST_INVALID(400, "manifest invalid"),
  MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
  NAME_INVALID(400, "invalid repository name"),
  NAME_UNKNOWN(404, "repository name not known to registry"),
  SIZE_INVALID(400, "provided length did not match content length"),
  UNAUTHORIZED(401, "authentication required"),
  DENIED(403, "requested access to the resource is denied"),
  UNSUPPORTED(405, "the operation is unsupported"),
  TOO_MANY_REQUESTS(429, "too many requests"),
  /** Not a spec code: the range of a chunk does not follow what was received (status 416). */
  RANGE_INVALID(416, "requested range not satisfiable"),
  /** Not a spec code: a body over the configured size limit (status 413). */
  SIZE_LIMIT(413, "content exceeds the size limit");

  private final int status;
  private final String message;

  ErrorCode(int status, String message) {
    this.status = status;
    this.message = message;
  }

  public int status() {
    return status;
  }

  /** The spec's default message. */
  public String message() {
    return message;
  }

  /** The code as it appears on the wire (RANGE_INVALID and SIZE_LIMIT map to spec codes). */
  public String wireCode() {
    return switch (this) {
      case RANGE_INVALID -> "BLOB_UPLOAD_INVALID";
      case SIZE_LIMIT -> "SIZE_INVALID";
      default -> name();
    };
  }
}
