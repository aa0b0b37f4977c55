/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.cios;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads build.sh's {@code payloads.sha256}: one line per payload, {@code STORED-SHA256
 * PAYLOAD-SHA256 SIZE FILE} (two spaces between), where PAYLOAD-SHA256 is the hash after
 * decompression.
 */
final class PayloadSums {
  private PayloadSums() {}

  /** File name to {@code sha256:} digest of its decompressed bytes. */
  static Map<String, String> read(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.trim().split("\\s+");
      if (f.length != 4 || f[1].length() != 64) {
        throw new IOException(file + ": bad line '" + line + "'");
      }
      out.put(f[3], "sha256:" + f[1]);
    }
    return out;
  }
}
