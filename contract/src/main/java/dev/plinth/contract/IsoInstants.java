/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads {@link Instant}s: the form the contracts write ({@code 2026-12-06T08:22:09.123Z}, UTC, zero
 * to nine fraction digits) directly, and everything else (offsets, numbers, bad values) through the
 * JavaTimeModule's deserializer, so what is accepted and the errors are the same as before. Every
 * webhook event carries a time, and Jackson's generic path (a {@code DateTimeFormatter} parse) was
 * half of an event's parse.
 */
final class IsoInstants extends StdScalarDeserializer<Instant> implements ContextualDeserializer {

  private static final long serialVersionUID = 1L;

  private final transient JsonDeserializer<Instant> fallback;

  IsoInstants() {
    this(InstantDeserializer.INSTANT);
  }

  IsoInstants(JsonDeserializer<Instant> fallback) {
    super(Instant.class);
    this.fallback = fallback;
  }

  /**
   * A property that configures its own reading ({@code @JsonFormat}: a pattern, leniency) gets the
   * JavaTimeModule's deserializer as configured, without the direct parse.
   */
  @Override
  public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
      throws JsonMappingException {
    if (fallback instanceof ContextualDeserializer c) {
      JsonDeserializer<?> d = c.createContextual(ctxt, property);
      if (d != fallback) {
        return d;
      }
    }
    return this;
  }

  @Override
  public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (p.hasToken(JsonToken.VALUE_STRING)) {
      Instant i = parse(p.getText());
      if (i != null) {
        return i;
      }
    }
    return fallback.deserialize(p, ctxt);
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with a valid date and time of day, or null for any other
   * text (which the fallback then reads or refuses).
   */
  static Instant parse(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z') {
      return null;
    }
    if (s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return null;
    }
    if (hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      if (s.charAt(19) != '.' || n == 21) {
        return null;
      }
      int f = digits(s, 20, n - 1);
      if (f < 0) {
        return null;
      }
      for (int i = n - 1 - 20; i < 9; i++) {
        f *= 10;
      }
      nanos = f;
    } else if (s.charAt(19) != 'Z') {
      return null;
    }
    long days;
    try {
      days = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal value of {@code s[from, to)}, or -1 when it is not all ASCII digits. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
