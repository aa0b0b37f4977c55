/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The one JSON configuration of the contracts. Output is deterministic: fields in declared order,
 * maps sorted by key, {@code \n} line ends, two-space indent for {@code task.json}, one line for
 * events. Unknown fields are ignored when reading (additive changes within v1), missing required
 * fields and bad values are errors listed by path.
 */
public final class ContractJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          // After JavaTimeModule, so it replaces its Instant reader (which it falls back to).
          .addModule(
              new SimpleModule("plinth-instants").addDeserializer(Instant.class, new IsoInstants()))
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final ObjectWriter PRETTY;

  /** Every webhook post is read through it: resolved once, not per event. */
  private static final ObjectReader EVENT_READER = MAPPER.readerFor(Event.class);

  static {
    DefaultIndenter indent = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter pp =
        new DefaultPrettyPrinter()
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""));
    pp.indentArraysWith(indent);
    pp.indentObjectsWith(indent);
    PRETTY = MAPPER.writer(pp);
  }

  private ContractJson() {}

  /** The shared mapper (configured as described above); do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The exact bytes of {@code task.json}: pretty-printed, UTF-8, ending with a newline. */
  public static byte[] writeTask(Task task) {
    try {
      return (PRETTY.writeValueAsString(task) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("task does not serialize", e);
    }
  }

  /** Parses and validates {@code task.json}. */
  public static Task readTask(byte[] json) throws ContractException {
    Task t;
    try {
      t = MAPPER.readValue(json, Task.class);
    } catch (IOException e) {
      throw new ContractException("task.json: not a valid Task v1 document: " + firstLine(e), e);
    }
    List<String> problems = TaskValidation.problems(t);
    if (!problems.isEmpty()) {
      throw new ContractException(problems);
    }
    return t;
  }

  /** The exact body of a webhook post: one line of UTF-8 JSON, no trailing newline. */
  public static byte[] writeEvent(Event event) {
    try {
      return MAPPER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("event does not serialize", e);
    }
  }

  /** Parses and validates an event body (the controller's side of the webhook). */
  public static Event readEvent(byte[] json) throws ContractException {
    Event e;
    try {
      e = EVENT_READER.readValue(json);
    } catch (IOException ex) {
      throw new ContractException("event: not a valid Event v1 document: " + firstLine(ex), ex);
    }
    List<String> problems = EventValidation.problems(e);
    if (!problems.isEmpty()) {
      throw new ContractException(problems);
    }
    return e;
  }

  private static String firstLine(IOException e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
