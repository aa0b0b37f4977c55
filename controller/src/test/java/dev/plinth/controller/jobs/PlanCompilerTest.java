/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.store.Machine;
import dev.plinth.recipes.ParseResult;
import dev.plinth.recipes.ReferenceResolver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The compiler keeps the parses of recipe texts (a fleet submits one text for every machine), but
 * pins every job's references afresh: a tag moved between two submissions of the same text gives
 * each job the digest of its own time.
 */
class PlanCompilerTest {

  static final Path WIPE = Path.of("../recipes/examples/decommission-wipe.yaml");
  static final Path LINUX = Path.of("../recipes/examples/linux-rootfs-uefi-grub-cloud-init.yaml");
  static final Instant T0 = Instant.parse("2026-12-06T05:00:00Z");

  static Machine machine(String name) {
    return new Machine(
        "id-" + name,
        name,
        "https://10.0.0.1",
        "root",
        "sealed",
        false,
        Map.of(),
        "{\"serialNumber\":\"SN-" + name + "\",\"macAddresses\":[\"52:54:00:12:34:56\"]}",
        1,
        T0,
        T0);
  }

  @Test
  void theSameTextIsParsedOnceAndGivesTheSameResult() throws Exception {
    PlanCompiler c = new PlanCompiler(() -> null);
    byte[] text = Files.readAllBytes(WIPE);
    long asked = PlanCompiler.parses();

    ParseResult first = c.parse(text);
    ParseResult again = c.parse(text.clone());

    assertThat(first).isInstanceOf(ParseResult.Valid.class);
    assertThat(again).isSameAs(first);
    assertThat(c.parserRuns()).isEqualTo(1);
    // Every parse asked for is counted, kept or not: the once-per-submission guard still holds.
    assertThat(PlanCompiler.parses() - asked).isEqualTo(2);
  }

  @Test
  void anotherTextAnInvalidTextAndAnEvictedTextAreParsedAgain() throws Exception {
    PlanCompiler c = new PlanCompiler(() -> null);
    byte[] wipe = Files.readAllBytes(WIPE);
    c.parse(wipe);
    // One byte more (a trailing newline) is another text.
    byte[] longer =
        (new String(wipe, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);
    assertThat(c.parse(longer)).isInstanceOf(ParseResult.Valid.class);
    assertThat(c.parserRuns()).isEqualTo(2);

    byte[] invalid = "apiVersion: plinth.dev/v1\nkind: Recipe\n".getBytes(StandardCharsets.UTF_8);
    assertThat(c.parse(invalid)).isInstanceOf(ParseResult.Invalid.class);
    assertThat(c.parse(invalid).errors()).isNotEmpty();
    assertThat(c.parserRuns()).isEqualTo(4);

    // More texts than are kept: the least recently used one goes.
    for (int i = 0; i < PlanCompiler.KEPT_PARSES; i++) {
      c.parse(
          (new String(wipe, StandardCharsets.UTF_8) + "# " + i + "\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    long runs = c.parserRuns();
    c.parse(wipe);
    assertThat(c.parserRuns()).isEqualTo(runs + 1);
  }

  @Test
  void aKeptParseIsStillPinnedAndCompiledForEachJob() throws Exception {
    List<String> digests = new ArrayList<>();
    AtomicInteger asked = new AtomicInteger();
    // The registry moves every tag between two submissions.
    ReferenceResolver registry =
        ref -> {
          String d = "sha256:" + Integer.toHexString(asked.get()).repeat(64).substring(0, 64);
          asked.incrementAndGet();
          digests.add(d);
          return Optional.of(d);
        };
    PlanCompiler c = new PlanCompiler(() -> registry);
    byte[] text = Files.readAllBytes(LINUX);
    var inputs = Map.of("sshKey", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITest ops@example");

    var a = c.compile((ParseResult.Valid) c.parse(text), machine("m1"), "j-1", inputs);
    int afterFirst = asked.get();
    var b = c.compile((ParseResult.Valid) c.parse(text), machine("m2"), "j-2", inputs);

    assertThat(c.parserRuns()).isEqualTo(1);
    assertThat(afterFirst).isPositive();
    assertThat(asked.get()).isEqualTo(2 * afterFirst);
    JobPlan pa = ((PlanCompiler.Result.Compiled) a).plan();
    JobPlan pb = ((PlanCompiler.Result.Compiled) b).plan();
    assertThat(pa.images().keySet()).isEqualTo(pb.images().keySet()).isNotEmpty();
    assertThat(pa.images().values()).doesNotContainAnyElementsOf(pb.images().values());
    assertThat(pa.plan().steps()).allSatisfy(s -> assertThat(s.image()).contains("@sha256:"));
    assertThat(pa.jobId()).isEqualTo("j-1");
    assertThat(pb.jobId()).isEqualTo("j-2");
    assertThat(pa.variables()).containsEntry("machine.serial", "SN-m1");
    assertThat(pb.variables()).containsEntry("machine.serial", "SN-m2");
  }
}
