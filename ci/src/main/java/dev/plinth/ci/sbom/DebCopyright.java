/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The licence of a Debian package, read from its {@code /usr/share/doc/<pkg>/copyright}.
 *
 * <p>A machine-readable file (DEP-5, first line {@code Format: ...copyright-format/1.0/}) gives one
 * {@code License:} expression per {@code Files:} paragraph (and possibly the header): each becomes
 * an SPDX expression ({@code or}/{@code and} kept, names mapped by {@link LicenceNames#ofDebian},
 * unknown names as {@code LicenseRef-Debian-...}), and the package's licence is the conjunction of
 * the distinct ones. A free-form file is read for references to {@code
 * /usr/share/common-licenses/NAME} ("or (at your option) any later version" nearby makes it {@code
 * -or-later}); a file with neither gives nothing (the SBOM then says NOASSERTION).
 *
 * @param expression the SPDX expression
 * @param method {@code dep5} or {@code common-licenses} (how it was found)
 */
public record DebCopyright(String expression, String method) {

  private static final Pattern COMMON =
      Pattern.compile("/usr/share/common-licenses/([A-Za-z0-9.+-]*[A-Za-z0-9+])");

  /** Parses a copyright file's text. */
  public static Optional<DebCopyright> parse(String text) {
    String t = text.replace("\r\n", "\n");
    if (t.startsWith("Format:") || t.startsWith("Format-Specification:")) {
      return dep5(t);
    }
    return commonLicences(t);
  }

  private static Optional<DebCopyright> dep5(String t) {
    TreeSet<String> parts = new TreeSet<>();
    boolean first = true;
    for (String para : t.split("\n\\s*\n")) {
      boolean header = first;
      first = false;
      String files = field(para, "Files");
      String licence = field(para, "License");
      if (licence == null || licence.isBlank() || (files == null && !header)) {
        continue;
      }
      parts.add(expression(licence));
    }
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    if (parts.size() == 1) {
      return Optional.of(new DebCopyright(unwrap(parts.first()), "dep5"));
    }
    return Optional.of(new DebCopyright(String.join(" AND ", parts), "dep5"));
  }

  private static String unwrap(String e) {
    return e.startsWith("(") && e.endsWith(")") ? e.substring(1, e.length() - 1) : e;
  }

  /** The first line of a field in a paragraph, or null. */
  private static String field(String para, String name) {
    for (String line : para.split("\n")) {
      if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
        return line.substring(name.length() + 1).strip();
      }
    }
    return null;
  }

  /**
   * A DEP-5 licence line as an SPDX expression (parenthesised when compound). A {@code with ...
   * exception} clause is dropped: an exception only adds permissions, so the gate judges the
   * stricter licence.
   */
  static String expression(String licence) {
    List<String> out = new ArrayList<>();
    int ops = 0;
    boolean skipping = false;
    for (String raw : licence.replace(",", " ").strip().split("\\s+")) {
      String lower = raw.toLowerCase(Locale.ROOT);
      if (lower.equals("or") || lower.equals("and")) {
        out.add(lower.toUpperCase(Locale.ROOT));
        ops++;
        skipping = false;
      } else if (lower.equals("with")) {
        skipping = true;
      } else if (!skipping && !raw.isEmpty()) {
        out.add(LicenceNames.ofDebian(raw).orElse(LicenceNames.ref("Debian-", raw)));
      }
    }
    String e = String.join(" ", out);
    return ops > 0 ? "(" + e + ")" : e;
  }

  private static Optional<DebCopyright> commonLicences(String t) {
    TreeSet<String> ids = new TreeSet<>();
    Matcher m = COMMON.matcher(t);
    String lower = t.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    boolean later = lower.contains("any later version");
    while (m.find()) {
      String name = m.group(1);
      String base = name.toUpperCase(Locale.ROOT);
      String id =
          switch (base) {
            case "GPL", "GPL-1" -> later ? "GPL-1.0-or-later" : "GPL-1.0-only";
            case "GPL-2" -> later ? "GPL-2.0-or-later" : "GPL-2.0-only";
            case "GPL-3" -> later ? "GPL-3.0-or-later" : "GPL-3.0-only";
            case "LGPL", "LGPL-2" -> later ? "LGPL-2.0-or-later" : "LGPL-2.0-only";
            case "LGPL-2.1" -> later ? "LGPL-2.1-or-later" : "LGPL-2.1-only";
            case "LGPL-3" -> later ? "LGPL-3.0-or-later" : "LGPL-3.0-only";
            case "BSD" -> "BSD-3-Clause";
            case "APACHE-2.0" -> "Apache-2.0";
            case "ARTISTIC" -> "Artistic-1.0-Perl";
            case "MPL-1.1" -> "MPL-1.1";
            case "MPL-2.0" -> "MPL-2.0";
            case "GFDL", "GFDL-1.2", "GFDL-1.3" -> null;
            default -> LicenceNames.ofDebian(name).orElse(null);
          };
      if (id != null) {
        ids.add(id);
      }
    }
    return ids.isEmpty()
        ? Optional.empty()
        : Optional.of(new DebCopyright(String.join(" AND ", ids), "common-licenses"));
  }
}
