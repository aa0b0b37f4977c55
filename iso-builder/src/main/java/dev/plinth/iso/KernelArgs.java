/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.util.List;

/** Extra kernel arguments and their insertion into the ISOLINUX and GRUB boot entries. */
final class KernelArgs {
  private KernelArgs() {}

  /**
   * The arguments joined by spaces, after checking that each is a single printable ASCII word that
   * both boot loaders pass on literally: no white space, quotes or backslashes (GRUB gets them in
   * single quotes, ISOLINUX verbatim).
   */
  static String join(List<String> args) {
    if (args.isEmpty()) {
      throw new IllegalArgumentException("no kernel arguments");
    }
    for (String a : args) {
      if (a.isEmpty()) {
        throw new IllegalArgumentException("empty kernel argument");
      }
      for (int i = 0; i < a.length(); i++) {
        char c = a.charAt(i);
        if (c <= ' ' || c >= 0x7f || c == '\'' || c == '"' || c == '\\') {
          throw new IllegalArgumentException(
              "kernel argument holds a character the boot loaders would not pass on: "
                  + String.format("U+%04X at %d", (int) c, i));
        }
      }
    }
    String joined = String.join(" ", args);
    if (joined.length() > IsoRemaster.MAX_ADDED_ARGS) {
      throw new IllegalArgumentException(
          "kernel arguments too long: " + joined.length() + " > " + IsoRemaster.MAX_ADDED_ARGS);
    }
    return joined;
  }

  /** Appends {@code added} to every {@code APPEND} line of an isolinux.cfg. */
  static String appendToIsolinux(String cfg, String added) {
    return edit(cfg, "APPEND", " " + added, "isolinux.cfg");
  }

  /**
   * Appends {@code added}, each argument single-quoted, to every {@code linux} line of a grub.cfg.
   */
  static String appendToGrub(String cfg, String added) {
    StringBuilder quoted = new StringBuilder();
    for (String a : added.split(" ")) {
      quoted.append(" '").append(a).append('\'');
    }
    return edit(cfg, "linux", quoted.toString(), "grub.cfg");
  }

  private static String edit(String cfg, String keyword, String suffix, String what) {
    StringBuilder out = new StringBuilder(cfg.length() + suffix.length() * 2);
    int hits = 0;
    for (String line : cfg.split("\n", -1)) {
      String t = line.strip();
      if (t.regionMatches(true, 0, keyword + " ", 0, keyword.length() + 1)) {
        line = line.stripTrailing() + suffix;
        hits++;
      }
      out.append(line).append('\n');
    }
    if (hits == 0) {
      throw new IllegalArgumentException(what + " has no " + keyword + " line");
    }
    return out.substring(0, out.length() - 1);
  }
}
