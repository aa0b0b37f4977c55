/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

  /** The reader before the direct parse: JavaTimeModule's alone. */
  private static final ObjectMapper GENERIC =
      JsonMapper.builder().addModule(new JavaTimeModule()).build();

  private static Instant generic(String json) throws Exception {
    return GENERIC.readValue(json, Instant.class);
  }

  private static Instant ours(String json) throws Exception {
    return ContractJson.mapper().readValue(json, Instant.class);
  }

  @Test
  void readsWhatTheGenericReaderReads() throws Exception {
    List<String> texts =
        List.of(
            "\"2026-12-06T08:22:09Z\"",
            "\"2026-12-06T08:22:09.1Z\"",
            "\"2026-12-06T08:22:09.123Z\"",
            "\"2026-12-06T08:22:09.123456789Z\"",
            "\"1970-01-01T00:00:00Z\"",
            "\"1969-12-31T23:59:59.999Z\"",
            "\"2024-02-29T12:00:00Z\"",
            "\"0001-01-01T00:00:00Z\"",
            "\"9999-12-31T23:59:59.999999999Z\"",
            "\"2026-12-06T09:22:09+01:00\"",
            "\"2026-12-06t08:22:09z\"",
            "1800000000",
            "1800000000.5");
    for (String t : texts) {
      assertThat(ours(t)).as(t).isEqualTo(generic(t));
    }
    Random r = new Random(18);
    for (int i = 0; i < 2_000; i++) {
      Instant at =
          Instant.ofEpochSecond(r.nextLong(-62_000_000_000L, 253_000_000_000L))
              .plusNanos(r.nextInt(1_000_000_000) / (int) Math.pow(10, r.nextInt(10)));
      String t = "\"" + at + "\"";
      assertThat(ours(t)).as(t).isEqualTo(generic(t)).isEqualTo(at);
    }
  }

  @Test
  void refusesWhatTheGenericReaderRefuses() throws Exception {
    for (String t :
        List.of(
            "\"2026-02-30T00:00:00Z\"",
            "\"2026-13-01T00:00:00Z\"",
            "\"2026-12-06T24:00:01Z\"",
            "\"2026-12-06T08:60:00Z\"",
            "\"2026-12-06T08:22:60Z\"",
            "\"2026-12-06T08:22:09.Z\"",
            "\"2026-12-06T08:22:09.1234567890Z\"",
            "\"2026-12-06 08:22:09Z\"",
            "\"2026-12-06T08:22:09\"",
            "\"yesterday\"")) {
      Instant expected;
      try {
        expected = generic(t);
      } catch (Exception e) {
        assertThatThrownBy(() -> ours(t)).as(t).isInstanceOf(e.getClass());
        continue;
      }
      assertThat(ours(t)).as(t).isEqualTo(expected);
    }
    assertThatThrownBy(() -> ours("\"yesterday\"")).isNotNull();
  }

  @Test
  void directParseTakesOnlyTheContractsForm() {
    assertThat(IsoInstants.parse("2026-12-06T08:22:09.123Z"))
        .isEqualTo(Instant.parse("2026-12-06T08:22:09.123Z"));
    assertThat(IsoInstants.parse("2026-12-06T08:22:09+01:00")).isNull();
    assertThat(IsoInstants.parse("2026-12-06T08:22:60Z")).isNull();
    assertThat(IsoInstants.parse("+12026-12-06T08:22:09Z")).isNull();
  }

  @Test
  void eventIdsAreCheckedAsTheUuidPatternDid() {
    assertThat(EventValidation.isLowercaseUuid("0f1e2d3c-4b5a-6978-8a9b-acbdcedf0123")).isTrue();
    for (String bad :
        List.of(
            "0F1E2D3C-4B5A-6978-8A9B-ACBDCEDF0123",
            "0f1e2d3c-4b5a-6978-8a9b-acbdcedf012",
            "0f1e2d3c-4b5a-6978-8a9b-acbdcedf01234",
            "0f1e2d3c4b5a-6978-8a9b-acbdcedf01234",
            "0f1e2d3c-4b5a-6978-8a9b-acbdcedf012g",
            "")) {
      assertThat(EventValidation.isLowercaseUuid(bad)).as(bad).isFalse();
    }
    assertThat(EventValidation.isLowercaseUuid(null)).isFalse();
  }
}
