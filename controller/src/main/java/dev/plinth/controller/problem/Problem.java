/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.problem;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One RFC 9457 problem. The detail is shown to the client: never put secrets or internals in it.
 *
 * @param type the type URI ({@code https://plinth.dev/problems/SLUG}, or {@code about:blank})
 * @param title the type's short summary, the same for every occurrence
 * @param status the HTTP status
 * @param detail this occurrence, for a person
 * @param extensions further members ({@code errors}, {@code expectedSequence}), in order
 */
public record Problem(
    String type, String title, int status, String detail, Map<String, Object> extensions) {

  /** Where Plinth's problem types live. */
  public static final String TYPE_BASE = "https://plinth.dev/problems/";

  public Problem {
    extensions = extensions == null ? Map.of() : new LinkedHashMap<>(extensions);
  }

  /** A problem of Plinth type {@code slug} ({@code bad-request}, {@code unauthorized}...). */
  public static Problem of(String slug, String title, int status, String detail) {
    return new Problem(TYPE_BASE + slug, title, status, detail, Map.of());
  }

  /** A problem whose status says it all: RFC 9457's {@code about:blank}, titled by the status. */
  public static Problem ofStatus(int status, String reason, String detail) {
    return new Problem("about:blank", reason, status, detail, Map.of());
  }

  /** The type slug for a constant name ({@code NOT_FOUND} is {@code not-found}). */
  public static String slug(String constant) {
    return constant.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** This problem with one more extension member. */
  public Problem with(String name, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(extensions);
    m.put(name, value);
    return new Problem(type, title, status, detail, m);
  }
}
