/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The first admin API token: created once, on first start, and written to a 0600 file for the
 * operator. The server keeps only its hash.
 *
 * @param token the secret, as the operator uses it
 * @param created true when this start created it
 */
public record AdminToken(String token, boolean created) {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new random token: 256 bits, URL-safe, with a prefix that secret scanners recognise. */
  public static String newToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return "plinth_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Reads the token at {@code file}, or creates it atomically (mode 0600) when missing. */
  public static AdminToken ensure(Path file, Path tmpDir) throws IOException {
    if (Files.exists(file)) {
      String t = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (t.isEmpty()) {
        throw new IOException(file + " is empty: delete it to have a new admin token created");
      }
      return new AdminToken(t, false);
    }
    String t = newToken();
    Path staged =
        Files.createTempFile(
            tmpDir,
            "admin.token.",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel ch = FileChannel.open(staged, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap((t + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    try {
      // A link, not a rename: two processes starting at once must not both win.
      Files.createLink(file, staged);
    } catch (FileAlreadyExistsException e) {
      Files.delete(staged);
      return ensure(file, tmpDir);
    } catch (UnsupportedOperationException | IOException e) {
      Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.deleteIfExists(staged);
    fsyncDirectory(file.getParent());
    return new AdminToken(t, true);
  }

  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public String toString() {
    return "AdminToken[created=" + created + "]";
  }
}
