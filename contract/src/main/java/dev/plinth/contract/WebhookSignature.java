/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook v1 authentication, shared by the dispatcher (signing) and the controller (verifying).
 *
 * <p>A post carries {@code Authorization: Bearer <job token>}, {@value #TIMESTAMP_HEADER}: unix
 * seconds, and {@value #SIGNATURE_HEADER}: {@code sha256=<lowercase hex HMAC-SHA256>} of the bytes
 * {@code "<timestamp>." + body} under the job's HMAC key. The verifier refuses timestamps more than
 * {@link #WINDOW} away from its clock, in either direction. Comparisons are constant-time.
 */
public final class WebhookSignature {

  public static final String TIMESTAMP_HEADER = "X-Plinth-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Plinth-Signature";
  public static final String AUTHORIZATION_HEADER = "Authorization";
  public static final Duration WINDOW = Duration.ofMinutes(5);
  private static final String PREFIX = "sha256=";

  /** Why a post was refused, or {@link #OK}. */
  public enum Verdict {
    OK,
    MISSING_HEADER,
    MALFORMED_TIMESTAMP,
    STALE_TIMESTAMP,
    MALFORMED_SIGNATURE,
    BAD_SIGNATURE
  }

  private WebhookSignature() {}

  /** The {@value #SIGNATURE_HEADER} value for a body sent at {@code epochSeconds}. */
  public static String sign(byte[] key, long epochSeconds, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(mac(key, epochSeconds, body));
  }

  /**
   * Checks the timestamp window and the HMAC. Headers may be null (then {@link
   * Verdict#MISSING_HEADER}).
   */
  public static Verdict verify(
      byte[] key, String timestampHeader, String signatureHeader, byte[] body, Instant now) {
    if (timestampHeader == null || signatureHeader == null) {
      return Verdict.MISSING_HEADER;
    }
    long ts;
    try {
      ts = Long.parseLong(timestampHeader.strip());
    } catch (NumberFormatException e) {
      return Verdict.MALFORMED_TIMESTAMP;
    }
    if (Math.abs(now.getEpochSecond() - ts) > WINDOW.toSeconds()) {
      return Verdict.STALE_TIMESTAMP;
    }
    String sig = signatureHeader.strip();
    if (!sig.startsWith(PREFIX) || sig.length() != PREFIX.length() + 64) {
      return Verdict.MALFORMED_SIGNATURE;
    }
    byte[] given;
    try {
      given =
          HexFormat.of()
              .parseHex(sig.substring(PREFIX.length()).toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Verdict.MALFORMED_SIGNATURE;
    }
    return MessageDigest.isEqual(given, mac(key, ts, body)) ? Verdict.OK : Verdict.BAD_SIGNATURE;
  }

  /** The {@code Authorization} header value for a token. */
  public static String bearer(String token) {
    return "Bearer " + token;
  }

  /** The token of a {@code Bearer} header (scheme case-insensitive), if it is one. */
  public static Optional<String> parseBearer(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String a = authorization.strip();
    if (a.length() <= 7 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = a.substring(7).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /** Constant-time check of an {@code Authorization} header against the job's token. */
  public static boolean bearerMatches(String authorization, String expectedToken) {
    return parseBearer(authorization)
        .map(
            t ->
                MessageDigest.isEqual(
                    sha256(t.getBytes(StandardCharsets.UTF_8)),
                    sha256(expectedToken.getBytes(StandardCharsets.UTF_8))))
        .orElse(false);
  }

  /**
   * One Mac per thread, initialized with each call's key: the provider lookup of {@code
   * Mac.getInstance} cost more than the HMAC of an event. (The controller serves each connection on
   * its own virtual thread, so this is one per connection.)
   */
  private static final ThreadLocal<Mac> MACS =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Mac.getInstance("HmacSHA256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
          });

  private static byte[] mac(byte[] key, long epochSeconds, byte[] body) {
    try {
      Mac mac = MACS.get();
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((epochSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 key unusable", e);
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
