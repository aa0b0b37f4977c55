/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One JSON object per record: {@code ts}, {@code level}, {@code logger}, {@code msg}, then the
 * fields of a {@link Map} passed as the record's only parameter (how the access log and the job
 * engine attach structured fields), then {@code error} with the stack trace.
 */
public final class JsonLineFormatter extends Formatter {

  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public String format(LogRecord r) {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("ts", r.getInstant().toString());
      g.writeStringField("level", level(r.getLevel()));
      g.writeStringField("logger", r.getLoggerName());
      Object[] params = r.getParameters();
      boolean structured = params != null && params.length == 1 && params[0] instanceof Map<?, ?>;
      g.writeStringField("msg", structured ? r.getMessage() : formatMessage(r));
      if (structured) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) params[0]).entrySet()) {
          g.writeFieldName(String.valueOf(e.getKey()));
          writeValue(g, e.getValue());
        }
      }
      if (r.getThrown() != null) {
        StringWriter sw = new StringWriter();
        r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
        g.writeStringField("error", sw.toString());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.append('\n').toString();
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case Integer i -> g.writeNumber(i);
      case Long l -> g.writeNumber(l);
      case Double d -> g.writeNumber(d);
      case Boolean b -> g.writeBoolean(b);
      default -> g.writeString(v.toString());
    }
  }

  private static String level(Level l) {
    int v = l.intValue();
    if (v >= Level.SEVERE.intValue()) {
      return "error";
    } else if (v >= Level.WARNING.intValue()) {
      return "warn";
    } else if (v >= Level.INFO.intValue()) {
      return "info";
    } else if (v >= Level.FINE.intValue()) {
      return "debug";
    }
    return "trace";
  }
}
