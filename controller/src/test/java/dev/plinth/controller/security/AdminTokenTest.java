/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {

  @TempDir Path dir;

  @Test
  void firstStartCreatesAnOwnerOnlyTokenFileAndLaterStartsReadIt() throws IOException {
    Path file = dir.resolve("admin.token");
    AdminToken first = AdminToken.ensure(file, dir);
    assertThat(first.created()).isTrue();
    assertThat(first.token()).startsWith("plinth_").hasSizeGreaterThan(40);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");

    AdminToken again = AdminToken.ensure(file, dir);
    assertThat(again.created()).isFalse();
    assertThat(again.token()).isEqualTo(first.token());
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("admin.token");
    }
  }

  @Test
  void concurrentFirstStartsAgreeOnOneToken() throws Exception {
    Path file = dir.resolve("admin.token");
    List<Callable<AdminToken>> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tasks.add(() -> AdminToken.ensure(file, dir));
    }
    try (var pool = Executors.newFixedThreadPool(8)) {
      List<String> tokens = new ArrayList<>();
      long created = 0;
      for (Future<AdminToken> f : pool.invokeAll(tasks)) {
        tokens.add(f.get().token());
        created += f.get().created() ? 1 : 0;
      }
      assertThat(tokens).containsOnly(tokens.getFirst());
      assertThat(created).isEqualTo(1);
    }
  }

  @Test
  void emptyTokenFileIsRefusedWithAHint() throws IOException {
    Path file = Files.writeString(dir.resolve("admin.token"), "\n");
    var e = assertThrows(IOException.class, () -> AdminToken.ensure(file, dir));
    assertThat(e).hasMessageContaining("delete it");
  }

  @Test
  void toStringNeverShowsTheSecret() throws IOException {
    AdminToken t = AdminToken.ensure(dir.resolve("admin.token"), dir);
    assertThat(t.toString()).doesNotContain(t.token());
  }

  @Test
  void hashesMatchOnlyTheirToken() {
    String t = AdminToken.newToken();
    String h = TokenHash.of(t);
    assertThat(h).hasSize(64).doesNotContain(t);
    assertThat(TokenHash.matches(t, h)).isTrue();
    assertThat(TokenHash.matches(t + "x", h)).isFalse();
  }
}
