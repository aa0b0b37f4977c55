/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.http;

import java.time.Duration;

/**
 * Tunables of the /v2 handlers.
 *
 * @param service the token service name (the {@code service} of challenges and tokens)
 * @param maxManifestBytes largest manifest accepted (the spec asks for at least 4 MiB)
 * @param redirectAbove blobs larger than this are redirected to the data plane; smaller ones are
 *     sent directly, saving a round trip
 * @param blobUrlTtl lifetime of a signed data-plane URL
 * @param dataPlaneUrl base URL of the data plane as clients reach it (e.g. {@code
 *     http://ctl.example:8081}), or null to use the request's host and the data plane's port
 * @param maxConcurrentUploads upload requests served at once; more are answered 429
 */
public record HttpSettings(
    String service,
    long maxManifestBytes,
    long redirectAbove,
    Duration blobUrlTtl,
    String dataPlaneUrl,
    int maxConcurrentUploads) {

  public static HttpSettings defaults() {
    return new HttpSettings("plinth", 4L << 20, 1L << 20, Duration.ofMinutes(10), null, 256);
  }
}
