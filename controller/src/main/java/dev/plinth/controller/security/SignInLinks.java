/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.security;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-time sign-in codes for the web console: a link an admin hands out ({@code plinth demo} prints
 * one) that signs its first user in with a token of a given role. The code rides in the URL's
 * fragment, which browsers never send to a server, put in a Referer or log; it is good for one
 * redemption within {@link #TTL}, and is held here only as a hash. Redeeming it makes a new API
 * token; the code itself never authenticates anything.
 *
 * <p>Codes live in this controller's memory: a link is redeemed on the controller that made it
 * (behind a load balancer, open it on that controller's own address), and a restart forgets pending
 * ones. Both are fine for something that lives ten minutes.
 */
public final class SignInLinks {

  public static final Duration TTL = Duration.ofMinutes(10);

  /** Pending links at most: a bound on memory whatever an admin script does. */
  static final int MAX_PENDING = 1000;

  /** What a link signs in as. */
  public record Grant(String name, Role role, Duration tokenLifetime) {}

  private record Pending(Grant grant, Instant expires) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private final InstantSource clock;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  public SignInLinks(InstantSource clock) {
    this.clock = clock;
  }

  /** A new code for {@code grant}; {@link IllegalStateException} when too many are pending. */
  public String issue(Grant grant) {
    Instant now = clock.instant();
    pending.values().removeIf(p -> !p.expires().isAfter(now));
    if (pending.size() >= MAX_PENDING) {
      throw new IllegalStateException(
          MAX_PENDING + " sign-in links are pending; wait for them to expire");
    }
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    String code = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    pending.put(TokenHash.of(code), new Pending(grant, now.plus(TTL)));
    return code;
  }

  /** The grant of {@code code}, once: a second redemption, or one after {@link #TTL}, is empty. */
  public Optional<Grant> redeem(String code) {
    if (code == null || code.isBlank() || code.length() > 100) {
      return Optional.empty();
    }
    Pending p = pending.remove(TokenHash.of(code));
    if (p == null || !p.expires().isAfter(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(p.grant());
  }
}
