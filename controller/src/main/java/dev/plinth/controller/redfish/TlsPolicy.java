/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;

/**
 * How the client trusts a BMC's HTTPS certificate. BMCs mostly carry self-signed certificates, so
 * besides the system trust store an operator can give a CA bundle or pin the certificate, or (loud
 * warning) trust anything.
 */
public sealed interface TlsPolicy {

  /** The JDK's default trust store and host name verification. */
  record SystemTrust() implements TlsPolicy {}

  /**
   * Trust only certificates issued by the CAs in a PEM bundle (host names are verified).
   *
   * @param pem the bundle's text: one or more {@code CERTIFICATE} blocks
   */
  record CaBundle(String pem) implements TlsPolicy {
    public CaBundle {
      if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
        throw new IllegalArgumentException(
            "a CA bundle is PEM text with at least one -----BEGIN CERTIFICATE----- block");
      }
    }

    /** The bundle in a PEM file. */
    public CaBundle(Path pemFile) {
      this(read(pemFile));
    }

    private static String read(Path pemFile) {
      try {
        return Files.readString(pemFile, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the CA file " + pemFile + ": " + e, e);
      }
    }

    @Override
    public String toString() {
      return "CaBundle[" + pem.length() + " chars]";
    }
  }

  /**
   * Trust exactly the certificate with this SHA-256 fingerprint (of its DER encoding), whoever
   * issued it and whatever host name it carries: the pin is stronger than both.
   */
  record PinnedSha256(String fingerprintHex) implements TlsPolicy {
    /** Takes hex, with or without colons, optionally after {@code SHA256:} (OpenSSL's form). */
    public PinnedSha256 {
      String hex = fingerprintHex.strip().toLowerCase(Locale.ROOT);
      hex = hex.startsWith("sha256:") ? hex.substring("sha256:".length()) : hex;
      hex = hex.replace(":", "").replace(" ", "");
      if (hex.length() != 64 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw new IllegalArgumentException("a SHA-256 fingerprint is 64 hex digits");
      }
      fingerprintHex = hex;
    }

    /** The pin of a DER-encoded certificate. */
    public static PinnedSha256 ofCertificate(byte[] der) {
      try {
        var md = java.security.MessageDigest.getInstance("SHA-256");
        return new PinnedSha256(HexFormat.of().formatHex(md.digest(der)));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Trust any certificate: for labs only. The client logs a warning for each connection. */
  record Insecure() implements TlsPolicy {}

  /** The default: the system trust store. */
  static TlsPolicy system() {
    return new SystemTrust();
  }

  /**
   * The client SSLContext of this policy (also for the controller's calls to its own pinned API).
   *
   * @throws IllegalArgumentException when the CA bundle cannot be read
   */
  default SSLContext sslContext() {
    return Tls.context(this);
  }
}
