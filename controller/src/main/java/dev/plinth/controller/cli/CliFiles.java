/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the text files a user names on the command line ({@code -} is stdin), so that a missing
 * file or a binary one is a {@link UserException} that says which file and what was expected.
 */
final class CliFiles {
  private CliFiles() {}

  /**
   * The UTF-8 text of {@code file}.
   *
   * @param what what the file should be, for the message ("the recipe (YAML or JSON)")
   */
  static String readText(Path file, String what, InputStream stdin) {
    boolean dash = file.toString().equals("-");
    String name = dash ? "stdin" : file.toString();
    byte[] bytes;
    try {
      bytes = dash ? stdin.readAllBytes() : Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UserException(name + ": no such file; give " + what, e);
    } catch (IOException e) {
      throw CliErrors.explain(e).orElseThrow();
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new UserException(name + " is not a text file (it is not UTF-8): give " + what, e);
    }
  }

  static String readText(Path file, String what) {
    return readText(file, what, System.in);
  }
}
