/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The licence gate's policy: allowed SPDX ids per scope and documented exceptions.
 *
 * <p>Allow file ({@code licence-allow.txt}): lines {@code linked ID} (Java libraries: combined with
 * Plinth's AGPL-3.0 code in one program, so they must be AGPL-3.0-compatible) and {@code aggregate
 * ID} (Debian packages: separate programs shipped side by side in an image, which needs a free
 * licence but not compatibility; every linked id is allowed there too). {@code #} starts a comment.
 * An id may be {@code ID WITH EXCEPTION}.
 *
 * <p>Exceptions file ({@code licence-exceptions.json}): {@code {"exceptions": [{"component":
 * "pkg:maven/org.jctools/jctools-core", "licence": "NOASSERTION", "reason": "..."}]}}; {@code
 * component} is a purl without version and qualifiers (a trailing {@code *}: a prefix, for
 * versioned package names such as the kernel's), or absent to accept that licence in every
 * component of {@code scope} ({@code linked} or {@code aggregate}, required then). A reason is
 * mandatory.
 */
public final class LicencePolicy {
  /** Where a component is used. */
  public enum Scope {
    LINKED,
    AGGREGATE
  }

  /**
   * One exception.
   *
   * @param component purl without version, or null for every component of the scope
   * @param scope scope (when component is null)
   * @param licence the licence id accepted
   * @param reason why
   */
  public record Exception(String component, Scope scope, String licence, String reason) {}

  private final Map<Scope, Set<String>> allowed;
  private final List<Exception> exceptions;

  public LicencePolicy(Map<Scope, Set<String>> allowed, List<Exception> exceptions) {
    this.allowed = Map.copyOf(allowed);
    this.exceptions = List.copyOf(exceptions);
  }

  /** The policy shipped in this program, with an optional allow file and extra exceptions. */
  public static LicencePolicy load(Path allowFile, Path extraExceptions) {
    String allow;
    List<Exception> ex = new ArrayList<>();
    try {
      allow = allowFile != null ? Files.readString(allowFile) : resource("licence-allow.txt");
      ex.addAll(exceptions(resource("licence-exceptions.json"), "licence-exceptions.json"));
      if (extraExceptions != null) {
        ex.addAll(exceptions(Files.readString(extraExceptions), extraExceptions.toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new LicencePolicy(allowList(allow), ex);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = LicencePolicy.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("resource " + name + " missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Map<Scope, Set<String>> allowList(String text) {
    Map<Scope, Set<String>> out = new HashMap<>();
    out.put(Scope.LINKED, new TreeSet<>());
    out.put(Scope.AGGREGATE, new TreeSet<>());
    for (String raw : text.split("\n")) {
      String line = raw.replaceFirst("#.*", "").strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+", 2);
      if (f.length != 2) {
        throw new IllegalArgumentException("allow list: not 'linked|aggregate ID': " + raw);
      }
      switch (f[0]) {
        case "linked" -> {
          out.get(Scope.LINKED).add(f[1]);
          out.get(Scope.AGGREGATE).add(f[1]);
        }
        case "aggregate" -> out.get(Scope.AGGREGATE).add(f[1]);
        default -> throw new IllegalArgumentException("allow list: unknown scope in: " + raw);
      }
    }
    return out;
  }

  static List<Exception> exceptions(String json, String where) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json);
    List<Exception> out = new ArrayList<>();
    for (JsonNode e : root.path("exceptions")) {
      String component = e.hasNonNull("component") ? e.get("component").asText() : null;
      String licence = e.path("licence").asText("");
      String reason = e.path("reason").asText("").strip();
      Scope scope =
          e.hasNonNull("scope") ? Scope.valueOf(e.get("scope").asText().toUpperCase()) : null;
      if (licence.isEmpty() || reason.isEmpty() || (component == null && scope == null)) {
        throw new IllegalArgumentException(
            where + ": an exception needs a licence, a reason and a component or scope: " + e);
      }
      out.add(new Exception(component, scope, licence, reason));
    }
    return out;
  }

  /** An exception's component: a purl, or a prefix ending in {@code *} (versioned names). */
  private static boolean component(String pattern, String key) {
    return pattern.endsWith("*")
        ? key.startsWith(pattern.substring(0, pattern.length() - 1))
        : pattern.equals(key);
  }

  /** Whether a licence id is acceptable for a component (by key) in a scope. */
  public boolean allows(Scope scope, String componentKey, String licence) {
    if (allowed.get(scope).contains(licence)) {
      return true;
    }
    int with = licence.indexOf(" WITH ");
    if (with > 0 && allowed.get(scope).contains(licence.substring(0, with))) {
      return true;
    }
    for (Exception e : exceptions) {
      boolean matches =
          e.licence().endsWith("*")
              ? licence.startsWith(e.licence().substring(0, e.licence().length() - 1))
              : e.licence().equals(licence);
      if (!matches) {
        continue;
      }
      if (e.component() != null ? component(e.component(), componentKey) : e.scope() == scope) {
        return true;
      }
    }
    return false;
  }
}
