/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.validate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A dead-code scan: the top-level classes of the modules' main code that no other class (main code
 * of any module) references: a class's references are its constant pool's class entries,
 * descriptors and annotation values. Entry points (classes with a {@code main} method) and the
 * allow-list ({@code ci/deadcode-allowlist.txt}: one class name or {@code package.*} per line,
 * {@code #} comments, each with its reason) are exempt. Code that only tests use counts as dead.
 */
final class DeadCode {

  static final List<String> MODULES =
      List.of(
          "iso-builder",
          "recipes",
          "registry",
          "contract",
          "dispatcher",
          "simulator",
          "controller",
          "maintenance-os",
          "tools-images",
          "ci");

  private DeadCode() {}

  /** Unreferenced public classes not on the allow-list. */
  static List<String> scan(Path repo, String buildDir, Path allowList, List<String> notes)
      throws IOException {
    List<String> dirs = new ArrayList<>();
    for (String m : MODULES) {
      Path c = repo.resolve(m).resolve(buildDir).resolve("classes");
      if (Files.isDirectory(c)) {
        dirs.add(c.toString());
      }
    }
    if (dirs.isEmpty()) {
      throw new IOException("no compiled classes under */" + buildDir + "/classes: compile first");
    }
    Set<String> classes = new TreeSet<>();
    Set<String> entryPoints = new HashSet<>();
    for (String d : dirs) {
      try (Stream<Path> s = Files.walk(Path.of(d))) {
        for (Path f : s.filter(p -> p.toString().endsWith(".class")).toList()) {
          String n =
              Path.of(d).relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
          if (!n.contains("$") && !n.endsWith("package-info") && !n.endsWith("module-info")) {
            classes.add(n);
            byte[] b = Files.readAllBytes(f);
            if (new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("([Ljava/lang/String;)V")) {
              entryPoints.add(n);
            }
          }
        }
      }
    }
    // A class's references are in its constant pool: class entries ("a/b/C") and descriptors,
    // signatures and annotation values ("La/b/C;"), so annotation-only uses (picocli's
    // subcommands = {X.class}) count too.
    Map<String, String> pools = new java.util.HashMap<>();
    for (String d : dirs) {
      try (Stream<Path> s = Files.walk(Path.of(d))) {
        for (Path f : s.filter(p -> p.toString().endsWith(".class")).toList()) {
          String n =
              Path.of(d).relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
          pools.merge(
              top(n),
              new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1),
              String::concat);
        }
      }
    }
    Set<String> referenced = new HashSet<>();
    for (String c : classes) {
      String internal = c.replace('.', '/');
      for (Map.Entry<String, String> e : pools.entrySet()) {
        if (!e.getKey().equals(c) && mentions(e.getValue(), internal)) {
          referenced.add(c);
          break;
        }
      }
    }
    Set<String> allowed = new HashSet<>();
    if (Files.exists(allowList)) {
      for (String l : Files.readAllLines(allowList)) {
        String s = l.replaceAll("#.*", "").strip();
        if (!s.isEmpty()) {
          allowed.add(s);
        }
      }
    }
    List<String> dead = new ArrayList<>();
    for (String c : classes) {
      if (!referenced.contains(c) && !entryPoints.contains(c) && !isAllowed(c, allowed)) {
        dead.add(c);
      }
    }
    notes.add(
        classes.size()
            + " classes scanned, "
            + entryPoints.size()
            + " entry points, "
            + allowed.size()
            + " allow-list entries");
    return dead;
  }

  /** Whether {@code pool} names {@code internal} itself (not a longer name it is a prefix of). */
  static boolean mentions(String pool, String internal) {
    for (int i = pool.indexOf(internal); i >= 0; i = pool.indexOf(internal, i + 1)) {
      int end = i + internal.length();
      char next = end < pool.length() ? pool.charAt(end) : ';';
      if (!Character.isLetterOrDigit(next) && next != '_') {
        return true;
      }
    }
    return false;
  }

  private static boolean isAllowed(String c, Set<String> allowed) {
    if (allowed.contains(c)) {
      return true;
    }
    for (String a : allowed) {
      if (a.endsWith(".*") && c.startsWith(a.substring(0, a.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  private static String top(String name) {
    int d = name.indexOf('$');
    return d < 0 ? name : name.substring(0, d);
  }
}
