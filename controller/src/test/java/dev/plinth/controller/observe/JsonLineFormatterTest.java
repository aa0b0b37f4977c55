/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class JsonLineFormatterTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void writesOneJsonObjectPerLineWithStructuredFields() throws Exception {
    LogRecord r = new LogRecord(Level.INFO, "request");
    r.setLoggerName("plinth.access");
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("status", 200);
    f.put("path", "/v2/\"quoted\"\nline");
    r.setParameters(new Object[] {f});
    String line = new JsonLineFormatter().format(r);
    assertThat(line).endsWith("\n").doesNotContain("\n\"");
    assertThat(line.strip().lines()).hasSize(1);
    var node = json.readTree(line);
    assertThat(node.get("level").asText()).isEqualTo("info");
    assertThat(node.get("logger").asText()).isEqualTo("plinth.access");
    assertThat(node.get("status").asInt()).isEqualTo(200);
    assertThat(node.get("path").asText()).isEqualTo("/v2/\"quoted\"\nline");
  }

  @Test
  void formatsPositionalParametersAndErrors() throws Exception {
    LogRecord r = new LogRecord(Level.WARNING, "listening on {0}");
    r.setLoggerName("x");
    r.setParameters(new Object[] {"127.0.0.1"});
    r.setThrown(new IllegalStateException("boom"));
    var node = json.readTree(new JsonLineFormatter().format(r));
    assertThat(node.get("msg").asText()).isEqualTo("listening on 127.0.0.1");
    assertThat(node.get("level").asText()).isEqualTo("warn");
    assertThat(node.get("error").asText()).contains("IllegalStateException: boom");
  }

  @Test
  void logLevelComesFromTheEnvironment() {
    assertThat(JsonLogging.levelFromEnv(null)).isEqualTo(Level.INFO);
    assertThat(JsonLogging.levelFromEnv("debug")).isEqualTo(Level.FINE);
    assertThat(JsonLogging.levelFromEnv("WARN")).isEqualTo(Level.WARNING);
    assertThat(JsonLogging.levelFromEnv("error")).isEqualTo(Level.SEVERE);
  }
}
