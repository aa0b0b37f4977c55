/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.report;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": the n-th consecutive failure waits a random time between
 * half and all of {@code min(max, initial * 2^n)}, so many dispatchers that lost the controller at
 * the same moment do not come back in step.
 *
 * @param initial the base delay after the first failure
 * @param max the cap on the base delay
 */
public record Backoff(Duration initial, Duration max) {

  public static Backoff defaults() {
    return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  /** The delay after {@code failures} consecutive failures (1 for the first). */
  public Duration delay(int failures, RandomGenerator random) {
    long base = initial.toMillis();
    for (int i = 1; i < failures && base < max.toMillis(); i++) {
      base *= 2;
    }
    base = Math.min(base, max.toMillis());
    long half = base / 2;
    return Duration.ofMillis(half + (half > 0 ? random.nextLong(half + 1) : 0));
  }
}
