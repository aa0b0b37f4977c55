/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests in the OCI form {@code sha256:<hex>}. */
public final class Digests {
  private Digests() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String format(MessageDigest md) {
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }

  /** The digest of {@code bytes}. */
  public static String of(byte[] bytes) {
    MessageDigest md = sha256();
    md.update(bytes);
    return format(md);
  }

  /** The digest of a file's bytes. */
  public static String of(Path file) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return format(md);
  }

  /** The hex part of a {@code sha256:} digest; fails on anything else. */
  public static String hex(String digest) {
    if (!digest.startsWith("sha256:") || digest.length() != 71) {
      throw new IllegalArgumentException("not a sha256 digest: " + digest);
    }
    String hex = digest.substring(7);
    HexFormat.of().parseHex(hex);
    return hex;
  }
}
