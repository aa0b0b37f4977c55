/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The site's image-signing public keys of a task ({@code toolSigningKeys}): PEM {@code PUBLIC KEY}
 * blocks (SubjectPublicKeyInfo), one key per entry, as {@code ci keygen} writes {@code signing.pub}
 * and cosign writes {@code cosign.pub}. containers/image verifies sigstore signatures with ECDSA,
 * RSA and Ed25519 keys; those are the ones accepted.
 */
public final class ToolSigningKeys {

  /** At most this many keys in one task (rotation needs two; a few sites sign with more). */
  public static final int MAX_KEYS = 8;

  private static final Pattern PEM =
      Pattern.compile(
          "-----BEGIN PUBLIC KEY-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END PUBLIC KEY-----");

  private ToolSigningKeys() {}

  /**
   * Parses one entry: exactly one PEM {@code PUBLIC KEY} block of an EC, RSA or Ed25519 key.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static PublicKey parse(String pem) {
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException("empty");
    }
    Matcher m = PEM.matcher(pem);
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    if (blocks.size() != 1) {
      throw new IllegalArgumentException(
          "must hold exactly one PEM PUBLIC KEY block, holds " + blocks.size());
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(blocks.getFirst());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad base64: " + e.getMessage(), e);
    }
    for (String alg : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisOne) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("not an EC, RSA or Ed25519 public key");
  }

  /** The problems of a task's key list, each prefixed with {@code toolSigningKeys[i]}. */
  static List<String> problems(List<String> keys) {
    List<String> p = new ArrayList<>();
    if (keys == null) {
      return p;
    }
    if (keys.size() > MAX_KEYS) {
      p.add("toolSigningKeys: at most " + MAX_KEYS + " keys, has " + keys.size());
    }
    for (int i = 0; i < keys.size(); i++) {
      try {
        parse(keys.get(i));
      } catch (IllegalArgumentException e) {
        p.add("toolSigningKeys[" + i + "]: " + e.getMessage());
      }
    }
    return p;
  }
}
