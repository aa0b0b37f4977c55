/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.store.ApiToken;
import dev.plinth.controller.store.Database;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.TokenStore;
import dev.plinth.registry.api.Action;
import dev.plinth.registry.api.RepositoryName;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryAccessTest {

  @TempDir Path dir;

  private static final RepositoryName REPO = RepositoryName.parse("os/debian");

  @Test
  void rolesFollowTheApiLadder() {
    assertThat(RegistryAccess.required(Action.PULL)).isEqualTo(Role.VIEWER);
    assertThat(RegistryAccess.required(Action.PUSH)).isEqualTo(Role.OPERATOR);
    assertThat(RegistryAccess.required(Action.DELETE)).isEqualTo(Role.ADMIN);
  }

  @Test
  void gateAcceptsOnlyTheBootstrapAdminUntilBoundThenDelegates() {
    RegistryAccess.Gate closed = new RegistryAccess.Gate(null);
    assertThat(closed.authenticate("u", "anything")).isEmpty();
    assertThat(closed.allows("api:x", REPO, Action.PULL)).isFalse();

    RegistryAccess.Gate gate = new RegistryAccess.Gate("plinth_admin");
    String subject = gate.authenticate("any", "plinth_admin").orElseThrow();
    assertThat(gate.allows(subject, REPO, Action.DELETE)).isTrue();
    assertThat(gate.authenticate("any", "plinth_other")).isEmpty();
    assertThat(gate.allows("job:j1", REPO, Action.PULL)).isFalse();

    Instant now = Instant.parse("2026-11-22T12:00:00Z");
    try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("s.db"), null)) {
      TokenStore tokens = new TokenStore(db);
      tokens.put(
          new ApiToken(
              "t1", "ro", "viewer", TokenHash.of("plinth_viewer"), now, now.plusSeconds(60)));
      InstantSource clock = InstantSource.fixed(now);
      gate.bind(new RegistryAccess(tokens, new JobStore(db), j -> Set.of(), clock));
      // Bound: the stores decide, and the bootstrap subject means nothing any more.
      assertThat(gate.allows(subject, REPO, Action.PULL)).isFalse();
      assertThat(gate.authenticate("any", "plinth_admin")).isEmpty();
      String viewer = gate.authenticate("any", "plinth_viewer").orElseThrow();
      assertThat(gate.allows(viewer, REPO, Action.PULL)).isTrue();
      assertThat(gate.allows(viewer, null, Action.PULL)).isTrue();
      assertThat(gate.allows(viewer, REPO, Action.PUSH)).isFalse();
      assertThat(gate.allows("job:nope", REPO, Action.PULL)).isFalse();
      assertThat(gate.allows("someone", REPO, Action.PULL)).isFalse();

      // An expired token is refused, also for a subject authenticated before it expired.
      RegistryAccess later =
          new RegistryAccess(
              tokens,
              new JobStore(db),
              j -> Set.of(),
              InstantSource.fixed(now.plus(Duration.ofMinutes(2))));
      assertThat(later.authenticate("any", "plinth_viewer")).isEmpty();
      assertThat(later.allows(viewer, REPO, Action.PULL)).isFalse();
    }
  }
}
