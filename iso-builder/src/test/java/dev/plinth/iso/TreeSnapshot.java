/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Every name, type, size, mode, content digest and link target of a directory tree. */
final class TreeSnapshot {
  private TreeSnapshot() {}

  /** Path to description; modes normalized as {@link IsoWriter.ModePolicy#NORMALIZE} does. */
  static Map<String, String> of(Path root, boolean normalizeModes) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.equals(root)) {
          continue;
        }
        String rel = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "link -> " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(rel, "dir " + mode(p, true, normalizeModes));
        } else {
          out.put(
              rel,
              "file " + mode(p, false, normalizeModes) + " " + Files.size(p) + " " + digest(p));
        }
      }
    }
    return out;
  }

  private static String mode(Path p, boolean dir, boolean normalize) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    int m = 0;
    for (PosixFilePermission perm : perms) {
      m |= 1 << (8 - perm.ordinal());
    }
    if (normalize) {
      m = dir || (m & 0111) != 0 ? 0755 : 0644;
    }
    return Integer.toOctalString(m);
  }

  private static String digest(Path p) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(Files.readAllBytes(p));
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
