/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
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
        case TlsPolicy.SystemTrust s -> {
          return SSLContext.getDefault();
        }
        case TlsPolicy.CaBundle b -> ctx.init(null, caBundle(b), null);
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
    try (InputStream in = Files.newInputStream(b.pemFile())) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new IOException("no certificate in " + b.pemFile());
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf.getTrustManagers();
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
        throw new CertificateException("no server certificate");
      }
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
        String got = HexFormat.of().formatHex(d);
        if (!MessageDigest.isEqual(got.getBytes(), pin.getBytes())) {
          throw new CertificateException(
              "server certificate SHA-256 " + got + " does not match the pinned " + pin);
        }
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new CertificateException(e);
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
