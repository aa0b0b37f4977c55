/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Derives the ISO 9660 and Joliet identifiers of a directory's children from their real names, and
 * sorts directory records as ECMA-119 9.3 requires. Everything depends only on the names, processed
 * in byte-wise order, so collisions are resolved the same way on every machine.
 */
final class Names {

  /** Longest ISO 9660 identifier (name + '.' + extension, without ";1"), level 2 and 3. */
  static final int ISO_MAX = 30;

  /** Longest Joliet identifier in UCS-2 code units. */
  static final int JOLIET_MAX = 64;

  private Names() {}

  /** Fills {@code isoName} and {@code jolietName} of the children of {@code dir}. */
  static void assign(Node dir, boolean joliet) {
    List<Node> kids = dir.sortedChildren();
    Set<String> isoTaken = new HashSet<>();
    Set<String> jolietTaken = new HashSet<>();
    Map<String, Integer> next = new HashMap<>();
    for (Node n : kids) {
      n.isoName = unique(isoName(n.name, n.isDirectory()), n.isDirectory(), isoTaken, next);
      n.isoId = n.isoName.getBytes(StandardCharsets.US_ASCII);
      if (joliet) {
        n.jolietName = uniqueJoliet(jolietName(n.name), jolietTaken, next);
        n.jolietId = ucs2(n.jolietName);
      }
    }
  }

  /** The ISO identifier before de-duplication, e.g. {@code "VMLINUZ.;1"} or {@code "GRUB"}. */
  static String isoName(String name, boolean directory) {
    String upper = name.toUpperCase(Locale.ROOT);
    if (directory) {
      return truncate(dChars(upper), ISO_MAX);
    }
    int dot = upper.lastIndexOf('.');
    String base = dot < 0 ? upper : upper.substring(0, dot);
    String ext = dot < 0 ? "" : upper.substring(dot + 1);
    base = dChars(base);
    ext = truncate(dChars(ext), 8);
    base = truncate(base, ISO_MAX - 1 - ext.length());
    if (base.isEmpty() && ext.isEmpty()) {
      base = "_";
    }
    return base + "." + ext + ";1";
  }

  /**
   * The candidate, or the candidate with the first free suffix {@code _N}. {@code next} remembers
   * where each candidate's search stopped, so thousands of names that collide after truncation cost
   * linear, not quadratic, time.
   */
  private static String unique(
      String candidate, boolean directory, Set<String> taken, Map<String, Integer> next) {
    String name = candidate;
    int i = next.getOrDefault("iso:" + candidate, 1);
    for (; !taken.add(name); i++) {
      String suffix = "_" + i;
      if (directory) {
        name = truncate(candidate, ISO_MAX - suffix.length()) + suffix;
      } else {
        int dot = candidate.lastIndexOf('.');
        String base = candidate.substring(0, dot);
        String tail = candidate.substring(dot);
        int room = ISO_MAX + 2 - tail.length() - suffix.length();
        name = truncate(base, Math.max(0, room)) + suffix + tail;
      }
    }
    next.put("iso:" + candidate, i);
    return name;
  }

  static String jolietName(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      sb.append(c < 0x20 || "*/:;?\\".indexOf(c) >= 0 ? '_' : c);
    }
    String full = sb.toString();
    if (full.length() <= JOLIET_MAX) {
      return full;
    }
    // Keep a short extension: a truncated "kernel-6.1.0-amd64.img" should still end in ".img".
    int dot = full.lastIndexOf('.');
    String ext = dot > 0 && full.length() - dot <= 10 ? full.substring(dot) : "";
    return truncateUtf16(full.substring(0, full.length() - ext.length()), JOLIET_MAX - ext.length())
        + ext;
  }

  private static String uniqueJoliet(
      String candidate, Set<String> taken, Map<String, Integer> next) {
    String name = candidate;
    int i = next.getOrDefault("joliet:" + candidate, 1);
    for (; !taken.add(name); i++) {
      String suffix = "~" + i;
      int dot = candidate.lastIndexOf('.');
      String ext = dot > 0 && candidate.length() - dot <= 10 ? candidate.substring(dot) : "";
      String base = candidate.substring(0, candidate.length() - ext.length());
      name = truncateUtf16(base, JOLIET_MAX - suffix.length() - ext.length()) + suffix + ext;
    }
    next.put("joliet:" + candidate, i);
    return name;
  }

  private static String dChars(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      sb.append(ok ? c : '_');
    }
    return sb.toString();
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static String truncateUtf16(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = max;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }

  static byte[] ucs2(String s) {
    return s.getBytes(StandardCharsets.UTF_16BE);
  }

  /** ECMA-119 9.3: name padded with spaces, then extension padded, then version (descending). */
  static final Comparator<byte[]> ISO_ORDER =
      (a, b) -> {
        byte[][] pa = parts(a);
        byte[][] pb = parts(b);
        int c = comparePadded(pa[0], pb[0], (byte) 0x20);
        if (c != 0) {
          return c;
        }
        c = comparePadded(pa[1], pb[1], (byte) 0x20);
        return c != 0 ? c : -Arrays.compareUnsigned(pa[2], pb[2]);
      };

  /** Joliet identifiers compare as UCS-2 byte strings padded with UCS-2 spaces. */
  static final Comparator<byte[]> JOLIET_ORDER = (a, b) -> comparePadded(a, b, (byte) 0);

  private static byte[][] parts(byte[] id) {
    int semi = indexOf(id, (byte) ';', id.length);
    int dot = indexOf(id, (byte) '.', semi);
    byte[] name = Arrays.copyOf(id, dot < 0 ? semi : dot);
    byte[] ext = dot < 0 ? new byte[0] : Arrays.copyOfRange(id, dot + 1, semi);
    byte[] ver = semi < id.length ? Arrays.copyOfRange(id, semi + 1, id.length) : new byte[0];
    return new byte[][] {name, ext, ver};
  }

  private static int indexOf(byte[] a, byte b, int limit) {
    for (int i = 0; i < limit; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return b == ';' ? a.length : -1;
  }

  private static int comparePadded(byte[] a, byte[] b, byte pad) {
    int n = Math.max(a.length, b.length);
    for (int i = 0; i < n; i++) {
      int x = i < a.length ? a[i] & 0xff : pad & 0xff;
      int y = i < b.length ? b[i] & 0xff : pad & 0xff;
      if (x != y) {
        return Integer.compare(x, y);
      }
    }
    return 0;
  }

  /** The children of {@code dir} in ISO 9660 record order. */
  static List<Node> isoOrder(Node dir) {
    List<Node> list = new ArrayList<>(dir.children.values());
    list.sort(
        Comparator.comparing((Node n) -> n.isoName.getBytes(StandardCharsets.US_ASCII), ISO_ORDER));
    return list;
  }

  /** The children of {@code dir} that appear in Joliet (no symbolic links), in record order. */
  static List<Node> jolietOrder(Node dir) {
    List<Node> list = new ArrayList<>();
    for (Node n : dir.children.values()) {
      if (n.kind != Node.Kind.SYMLINK) {
        list.add(n);
      }
    }
    list.sort(Comparator.comparing((Node n) -> n.jolietId, JOLIET_ORDER));
    return list;
  }
}
