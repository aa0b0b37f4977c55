/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest, {@code algorithm:hex}. Only sha256 and sha512 are accepted: they are the two
 * the OCI image spec registers, and both are checked while bytes stream in.
 *
 * @param algorithm {@code sha256} or {@code sha512}
 * @param hex lower-case hex of the right length
 */
public record Digest(String algorithm, String hex) {

  private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

  public Digest {
    int len =
        switch (algorithm) {
          case "sha256" -> 64;
          case "sha512" -> 128;
          default ->
              throw new RegistryException(ErrorCode.DIGEST_INVALID, "unsupported digest algorithm");
        };
    if (hex.length() != len || !HEX.matcher(hex).matches()) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, "invalid digest");
    }
  }

  /** Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}. */
  public static Digest parse(String s) {
    if (s == null) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, "missing digest");
    }
    int i = s.indexOf(':');
    if (i <= 0) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, "invalid digest");
    }
    return new Digest(s.substring(0, i), s.substring(i + 1));
  }

  /** True when {@code s} is a digest this registry accepts. */
  public static boolean isDigest(String s) {
    try {
      parse(s);
      return true;
    } catch (RegistryException e) {
      return false;
    }
  }

  /** The sha256 digest of {@code bytes}. */
  public static Digest sha256(byte[] bytes) {
    return of(newMessageDigest("sha256").digest(bytes), "sha256");
  }

  /** Wraps the output of a {@link MessageDigest} made by {@link #newMessageDigest}. */
  public static Digest of(byte[] raw, String algorithm) {
    return new Digest(algorithm, HexFormat.of().formatHex(raw));
  }

  /** A fresh hasher for {@code algorithm}. */
  public static MessageDigest newMessageDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm.equals("sha512") ? "SHA-512" : "SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh hasher for this digest's algorithm. */
  public MessageDigest newHasher() {
    return newMessageDigest(algorithm);
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
