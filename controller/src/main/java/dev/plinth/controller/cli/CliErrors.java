/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import dev.plinth.registry.api.RegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The CLI's one error path: every exception a command lets out ends here. A {@link UserException},
 * or an exception from the user's environment that {@link #explain} knows (a missing or unreadable
 * file, a registry that refuses), becomes one line that says what was wrong and what to do, exit 2
 * (or 1); anything else is a bug in plinth: "internal error" with its stack trace, exit 70.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {

  /** Exit status for a request that was understood but cannot be done. */
  static final int FAILED = 1;

  /** Exit status for an error in the user's input or environment. */
  static final int USAGE_OR_INPUT = 2;

  /** Exit status for an unexpected internal failure (EX_SOFTWARE). */
  static final int INTERNAL = 70;

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
    var err = cl.getErr();
    Optional<UserException> user = explain(ex);
    if (user.isPresent()) {
      err.println("plinth: " + user.get().getMessage());
      err.flush();
      return user.get().exitCode();
    }
    err.println("plinth: internal error (a bug in plinth; please report it with this output):");
    ex.printStackTrace(err);
    err.flush();
    return INTERNAL;
  }

  /** What the user did wrong, when {@code ex} says so; empty for a bug. */
  static Optional<UserException> explain(Throwable ex) {
    return Optional.ofNullable(
        switch (ex) {
          case UserException u -> u;
          case UncheckedIOException u -> explain(u.getCause()).orElse(null);
          case NoSuchFileException f ->
              new UserException(f.getFile() + ": no such file or directory (check the path)", f);
          case AccessDeniedException f ->
              new UserException(
                  f.getFile()
                      + ": permission denied (check its owner and mode, or run as its user)",
                  f);
          case FileAlreadyExistsException f ->
              new UserException(f.getFile() + " already exists: remove it or choose another", f);
          case NotDirectoryException f -> new UserException(f.getFile() + " is not a directory", f);
          case FileSystemException f ->
              new UserException(
                  f.getFile() + ": " + (f.getReason() == null ? f.getMessage() : f.getReason()), f);
          case CharacterCodingException c ->
              new UserException("a file given is not UTF-8 text: check the file names", c);
          case RegistryException r ->
              new UserException(
                  "the registry refused: " + r.getMessage() + " (" + r.code().wireCode() + ")", r);
          case IOException io -> new UserException("I/O error: " + io.getMessage(), io);
          default -> null;
        });
  }
}
