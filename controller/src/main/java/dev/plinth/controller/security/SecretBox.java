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
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets for storage (BMC passwords, job tokens): AES-256-GCM with a random 96-bit nonce,
 * the record's id as associated data (a sealed value copied onto another record does not open),
 * written as {@code v1.<base64 nonce+ciphertext>}.
 *
 * <p>The key is 32 random bytes in a 0600 file under the data directory's {@code secrets/}, or a
 * systemd credential ({@code LoadCredential=plinth-secret-key:...}) when one is given.
 */
public final class SecretBox {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PREFIX = "v1.";
  private final SecretKeySpec key;

  private SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("secret key must be 32 bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  /** A box with the given raw key (tests). */
  public static SecretBox of(byte[] key) {
    return new SecretBox(key.clone());
  }

  /**
   * Loads the key from {@code credential} when that file exists, else from {@code keyFile},
   * creating it (0600) on first use.
   */
  public static SecretBox load(Path keyFile, Path credential) throws IOException {
    if (credential != null && Files.isRegularFile(credential)) {
      return new SecretBox(Files.readAllBytes(credential));
    }
    if (!Files.exists(keyFile)) {
      byte[] k = new byte[32];
      RANDOM.nextBytes(k);
      try (FileChannel ch =
          FileChannel.open(
              keyFile,
              java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        ch.write(ByteBuffer.wrap(k));
        ch.force(true);
      } catch (FileAlreadyExistsException e) {
        return load(keyFile, null);
      }
      return new SecretBox(k);
    }
    return new SecretBox(Files.readAllBytes(keyFile));
  }

  /** Encrypts {@code plain}, bound to {@code context} (the owning record's id). */
  public String seal(String plain, String context) {
    try {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(nonce.length + ct.length).put(nonce).put(ct).array();
      return PREFIX + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * Decrypts a value sealed for {@code context}.
   *
   * @throws IllegalArgumentException when it was sealed with another key or for another record
   */
  public String open(String sealed, String context) {
    if (!sealed.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a sealed value");
    }
    try {
      byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      // No detail: the message must not help anyone probing the key.
      throw new IllegalArgumentException("sealed value does not open with this key", e);
    }
  }

  @Override
  public String toString() {
    return "SecretBox[AES-256-GCM]";
  }
}
