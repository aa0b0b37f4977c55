/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.dataplane;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks data-plane URL tokens: {@code base64url(expiry NUL type NUL etag NUL path)}
 * followed by a dot and a truncated HMAC-SHA256 of it (128 bits).
 */
final class UrlSigner {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final byte[] key;

  /** A verified token's content. */
  record Grant(long expiresEpochSecond, String contentType, String etag, Path file) {}

  UrlSigner(byte[] key) {
    this.key = key.clone();
  }

  String sign(Grant g) {
    String payload =
        g.expiresEpochSecond()
            + "\0"
            + g.contentType()
            + "\0"
            + (g.etag() == null ? "" : g.etag())
            + "\0"
            + g.file();
    String p = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    return p + "." + B64.encodeToString(mac(p));
  }

  Optional<Grant> verify(String token, long nowEpochSecond) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return Optional.empty();
    }
    String p = token.substring(0, dot);
    try {
      if (!MessageDigest.isEqual(B64D.decode(token.substring(dot + 1)), mac(p))) {
        return Optional.empty();
      }
      String[] f = new String(B64D.decode(p), StandardCharsets.UTF_8).split("\0", -1);
      if (f.length != 4) {
        return Optional.empty();
      }
      long exp = Long.parseLong(f[0]);
      if (exp < nowEpochSecond) {
        return Optional.empty();
      }
      return Optional.of(new Grant(exp, f[1], f[2].isEmpty() ? null : f[2], Path.of(f[3])));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Signs an opaque upload grant: {@code base64url("u" NUL expiry NUL grant)}, a dot and the MAC. A
   * file grant never verifies as an upload grant, nor the reverse (the field counts differ).
   */
  String signUpload(String grant, long expiresEpochSecond) {
    String payload = "u\0" + expiresEpochSecond + "\0" + grant;
    String p = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    return p + "." + B64.encodeToString(mac(p));
  }

  /** The grant of a valid, unexpired upload token. */
  Optional<String> verifyUpload(String token, long nowEpochSecond) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return Optional.empty();
    }
    String p = token.substring(0, dot);
    try {
      if (!MessageDigest.isEqual(B64D.decode(token.substring(dot + 1)), mac(p))) {
        return Optional.empty();
      }
      String[] f = new String(B64D.decode(p), StandardCharsets.UTF_8).split("\0", 3);
      if (f.length != 3 || !f[0].equals("u") || Long.parseLong(f[1]) < nowEpochSecond) {
        return Optional.empty();
      }
      return Optional.of(f[2]);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String s) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return Arrays.copyOf(m.doFinal(s.getBytes(StandardCharsets.US_ASCII)), 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
