/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Turns bytes into recipe text or one clear error: empty, too large, UTF-16, not UTF-8, or binary
 * (control characters). Runs before any parser sees the input.
 */
final class Decoding {
  private Decoding() {}

  /** The text, or null after adding the error to {@code errors}. */
  static String text(byte[] b, String file, Limits limits, List<RecipeError> errors) {
    if (b.length == 0) {
      errors.add(new RecipeError(file, 1, 1, "", "the file is empty", TreeReader.ROOT));
      return null;
    }
    if (b.length > limits.maxBytes()) {
      errors.add(tooLarge(file, b.length, limits));
      return null;
    }
    if (b.length >= 2
        && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF)
            || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE))) {
      errors.add(
          new RecipeError(
              file, 1, 1, "", "the file is UTF-16 text (byte order mark)", "UTF-8 text"));
      return null;
    }
    int start =
        b.length >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF ? 3 : 0;
    CharsetDecoder dec =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(b, start, b.length - start);
    CharBuffer out = CharBuffer.allocate(b.length);
    CoderResult r = dec.decode(in, out, true);
    if (r.isError()) {
      out.flip();
      int[] lc = lineColumn(out, out.length());
      errors.add(
          new RecipeError(
              file,
              lc[0],
              lc[1],
              "",
              String.format(
                  Locale.ROOT,
                  "not UTF-8 text: invalid byte 0x%02X at offset %d (a binary file?)",
                  b[in.position()] & 0xFF,
                  in.position()),
              "a YAML or JSON recipe in UTF-8"));
      return null;
    }
    dec.flush(out);
    out.flip();
    String text = out.toString();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F)) {
        int[] lc = lineColumn(text, i);
        errors.add(
            new RecipeError(
                file,
                lc[0],
                lc[1],
                "",
                String.format(Locale.ROOT, "binary content: control character U+%04X", (int) c),
                "a YAML or JSON recipe in UTF-8 text"));
        return null;
      }
    }
    if (text.isBlank()) {
      errors.add(new RecipeError(file, 1, 1, "", "the file has only blank lines", TreeReader.ROOT));
      return null;
    }
    return text;
  }

  static RecipeError tooLarge(String file, long size, Limits limits) {
    return new RecipeError(
        file,
        0,
        0,
        "",
        "the file is " + size + " bytes, more than the limit of " + limits.maxBytes() + " bytes",
        "a recipe under " + limits.maxBytes() + " bytes (large content belongs in the registry)");
  }

  /** 1-based line and column of {@code index} in {@code text}. */
  static int[] lineColumn(CharSequence text, int index) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < index && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return new int[] {line, col};
  }
}
