/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/** Identifiers and secrets: time-ordered ids, unguessable tokens. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  /**
   * A time-ordered id: 12 hex digits of milliseconds then 10 random hex digits, so ids sort by
   * creation time (listings page by id).
   */
  public static String timeOrdered(String prefix, Instant now) {
    byte[] r = new byte[5];
    RANDOM.nextBytes(r);
    return prefix + String.format("%012x", now.toEpochMilli()) + HexFormat.of().formatHex(r);
  }

  /** 256 random bits, URL-safe, with a prefix secret scanners can match. */
  public static String secret(String prefix) {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
