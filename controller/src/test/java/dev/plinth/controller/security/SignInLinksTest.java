/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SignInLinksTest {

  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-12-06T03:00:00Z"));
  private final InstantSource clock = now::get;
  private final SignInLinks links = new SignInLinks(clock);
  private final SignInLinks.Grant viewer =
      new SignInLinks.Grant("wall screen", Role.VIEWER, Duration.ofHours(12));

  @Test
  void aCodeIsGoodOnceAndOnlyForItsGrant() {
    String code = links.issue(viewer);
    assertThat(code).hasSizeGreaterThanOrEqualTo(32).matches("[A-Za-z0-9_-]+");
    assertThat(links.redeem(code)).contains(viewer);
    assertThat(links.redeem(code)).as("second use").isEmpty();
    assertThat(links.redeem("x" + code)).isEmpty();
    assertThat(links.redeem("")).isEmpty();
    assertThat(links.redeem(null)).isEmpty();
  }

  @Test
  void aCodeExpiresAfterItsTtl() {
    String code = links.issue(viewer);
    now.set(now.get().plus(SignInLinks.TTL));
    assertThat(links.redeem(code)).isEmpty();
    String fresh = links.issue(viewer);
    now.set(now.get().plus(SignInLinks.TTL).minusSeconds(1));
    assertThat(links.redeem(fresh)).contains(viewer);
  }

  @Test
  void codesAreDistinctAndPendingOnesAreBounded() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < SignInLinks.MAX_PENDING; i++) {
      assertThat(seen.add(links.issue(viewer))).isTrue();
    }
    assertThatThrownBy(() -> links.issue(viewer)).hasMessageContaining("pending");
    // Expired ones make room again.
    now.set(now.get().plus(SignInLinks.TTL));
    assertThat(links.issue(viewer)).isNotBlank();
  }
}
