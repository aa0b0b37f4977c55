/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Builds the SSLContext of a {@link TlsPolicy}. */
final class Tls {
  private Tls() {}

  static SSLContext context(TlsPolicy policy) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      switch (policy) {
        case TlsPolicy.SystemTrust s -> ctx.init(null, reporting(trustManagers(null)), null);
        case TlsPolicy.CaBundle b -> ctx.init(null, reporting(caBundle(b)), null);
        case TlsPolicy.PinnedSha256 p ->
            ctx.init(null, new TrustManager[] {new Accepting(p.fingerprintHex())}, null);
        case TlsPolicy.Insecure i -> ctx.init(null, new TrustManager[] {new Accepting(null)}, null);
      }
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot set up TLS for " + policy + ": " + e, e);
    }
  }

  private static TrustManager[] caBundle(TlsPolicy.CaBundle b)
      throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = new ByteArrayInputStream(b.pem().getBytes(StandardCharsets.US_ASCII))) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new IOException("no certificate in the CA bundle");
      }
    }
    return trustManagers(ks);
  }

  /** The JDK's trust managers over {@code ks}, or over its default trust store when null. */
  private static TrustManager[] trustManagers(KeyStore ks) throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  private static TrustManager[] reporting(TrustManager[] tms) {
    TrustManager[] out = tms.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] instanceof X509ExtendedTrustManager x) {
        out[i] = new Reporting(x);
      }
    }
    return out;
  }

  /** SHA-256 of a certificate's DER encoding, lower-case hex; null if it cannot be encoded. */
  static String fingerprint(X509Certificate[] chain) {
    if (chain == null || chain.length == 0) {
      return null;
    }
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  /**
   * The {@link Untrusted} in {@code e}'s causes, or null: a TLS failure that retrying won't fix.
   */
  static Untrusted untrusted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Untrusted u) {
        return u;
      }
    }
    return null;
  }

  /**
   * The server's certificate was refused. Thrown by this package's trust managers so that the
   * transport can tell it from a dropped handshake and name the certificate.
   */
  static final class Untrusted extends CertificateException {
    private static final long serialVersionUID = 1L;

    /** Lower-case hex SHA-256 of the server certificate, or null. */
    final String fingerprint;

    /** Whether a pin was set and the certificate is another one. */
    final boolean pinMismatch;

    Untrusted(String reason, String fingerprint, boolean pinMismatch, Throwable cause) {
      super(reason, cause);
      this.fingerprint = fingerprint;
      this.pinMismatch = pinMismatch;
    }
  }

  /** Delegates to the JDK's checks (host name included) and marks a refusal {@link Untrusted}. */
  private static final class Reporting extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager d;

    Reporting(X509ExtendedTrustManager d) {
      this.d = d;
    }

    private static Untrusted untrusted(X509Certificate[] chain, CertificateException e) {
      return new Untrusted(e.getMessage(), fingerprint(chain), false, e);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        d.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        throw untrusted(chain, e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      try {
        d.checkServerTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        throw untrusted(chain, e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      try {
        d.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        throw untrusted(chain, e);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      d.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      d.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      d.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return d.getAcceptedIssuers();
    }
  }

  /**
   * Accepts the pinned certificate (or, with no pin, anything). Being an extended trust manager
   * that does not check identity, it also turns off host name verification, which a pin makes
   * redundant.
   */
  static final class Accepting extends X509ExtendedTrustManager {
    private final String pin;

    Accepting(String pin) {
      this.pin = pin;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      if (pin == null) {
        return;
      }
      if (chain == null || chain.length == 0) {
        throw new Untrusted("no server certificate", null, true, null);
      }
      String got = fingerprint(chain);
      if (got == null || !MessageDigest.isEqual(got.getBytes(), pin.getBytes())) {
        throw new Untrusted(
            "its SHA-256 is not the pinned "
                + pin
                + " (the certificate changed, or the pin is wrong)",
            got,
            true,
            null);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
