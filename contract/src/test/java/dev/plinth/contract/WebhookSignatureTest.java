/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.contract.WebhookSignature.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BODY = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
  private static final long TS = 1_800_000_000L;

  @Test
  void signatureIsHmacOfTimestampDotBody() throws Exception {
    var mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
    byte[] expected = mac.doFinal((TS + ".{\"x\":1}").getBytes(StandardCharsets.UTF_8));
    assertThat(WebhookSignature.sign(KEY, TS, BODY))
        .isEqualTo("sha256=" + java.util.HexFormat.of().formatHex(expected));
  }

  @Test
  void acceptsWithinTheWindowOnBothSides() {
    String sig = WebhookSignature.sign(KEY, TS, BODY);
    assertThat(verify(String.valueOf(TS), sig, BODY, TS + 300)).isEqualTo(Verdict.OK);
    assertThat(verify(String.valueOf(TS), sig, BODY, TS - 300)).isEqualTo(Verdict.OK);
    assertThat(
            verify(String.valueOf(TS), sig.toUpperCase().replace("SHA256=", "sha256="), BODY, TS))
        .isEqualTo(Verdict.OK);
  }

  @Test
  void refusesTimestampsOutsideFiveMinutes() {
    String sig = WebhookSignature.sign(KEY, TS, BODY);
    assertThat(verify(String.valueOf(TS), sig, BODY, TS + 301)).isEqualTo(Verdict.STALE_TIMESTAMP);
    assertThat(verify(String.valueOf(TS), sig, BODY, TS - 301)).isEqualTo(Verdict.STALE_TIMESTAMP);
  }

  @Test
  void refusesTamperedBodyWrongKeyAndReplayedTimestamp() {
    String sig = WebhookSignature.sign(KEY, TS, BODY);
    assertThat(verify(String.valueOf(TS), sig, "{\"x\":2}".getBytes(StandardCharsets.UTF_8), TS))
        .isEqualTo(Verdict.BAD_SIGNATURE);
    assertThat(verify(String.valueOf(TS + 1), sig, BODY, TS)).isEqualTo(Verdict.BAD_SIGNATURE);
    byte[] otherKey = KEY.clone();
    otherKey[0] ^= 1;
    assertThat(
            WebhookSignature.verify(
                otherKey, String.valueOf(TS), sig, BODY, Instant.ofEpochSecond(TS)))
        .isEqualTo(Verdict.BAD_SIGNATURE);
  }

  @Test
  void classifiesMalformedHeaders() {
    String sig = WebhookSignature.sign(KEY, TS, BODY);
    assertThat(verify(null, sig, BODY, TS)).isEqualTo(Verdict.MISSING_HEADER);
    assertThat(verify(String.valueOf(TS), null, BODY, TS)).isEqualTo(Verdict.MISSING_HEADER);
    assertThat(verify("yesterday", sig, BODY, TS)).isEqualTo(Verdict.MALFORMED_TIMESTAMP);
    assertThat(verify(String.valueOf(TS), "md5=abc", BODY, TS))
        .isEqualTo(Verdict.MALFORMED_SIGNATURE);
    assertThat(verify(String.valueOf(TS), "sha256=" + "z".repeat(64), BODY, TS))
        .isEqualTo(Verdict.MALFORMED_SIGNATURE);
  }

  @Test
  void bearerTokensAreParsedAndComparedExactly() {
    assertThat(WebhookSignature.parseBearer("Bearer abc")).contains("abc");
    assertThat(WebhookSignature.parseBearer("bearer  abc ")).contains("abc");
    assertThat(WebhookSignature.parseBearer("Basic abc")).isEmpty();
    assertThat(WebhookSignature.parseBearer("Bearer ")).isEmpty();
    assertThat(WebhookSignature.parseBearer(null)).isEmpty();
    assertThat(WebhookSignature.bearerMatches(WebhookSignature.bearer("tok"), "tok")).isTrue();
    assertThat(WebhookSignature.bearerMatches("Bearer tok2", "tok")).isFalse();
    assertThat(WebhookSignature.bearerMatches(null, "tok")).isFalse();
  }

  private static Verdict verify(String ts, String sig, byte[] body, long now) {
    return WebhookSignature.verify(KEY, ts, sig, body, Instant.ofEpochSecond(now));
  }

  @Test
  void signaturesUnderDifferentKeysOnOneThreadEachMatchTheirKey() throws Exception {
    byte[] other = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    for (byte[] k : new byte[][] {KEY, other, KEY}) {
      var mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(k, "HmacSHA256"));
      byte[] expected = mac.doFinal((TS + ".{\"x\":1}").getBytes(StandardCharsets.UTF_8));
      assertThat(WebhookSignature.sign(k, TS, BODY))
          .isEqualTo("sha256=" + java.util.HexFormat.of().formatHex(expected));
    }
  }
}
