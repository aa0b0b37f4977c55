/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.security;

import dev.plinth.controller.config.ConfigException;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.redfish.TlsPolicy;
import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * TLS for the API listener, from the PEM files of {@link PlinthConfig#tlsCertificate()} and {@link
 * PlinthConfig#tlsPrivateKey()}, read with Helidon's PEM reader.
 */
public final class ApiTls {

  private ApiTls() {}

  /** The pair read from the configured PEM files. */
  record Pem(PrivateKey key, List<X509Certificate> chain) {}

  /** The listener's TLS, or null when the configuration has none. */
  public static Tls server(PlinthConfig config) {
    if (!config.tls()) {
      return null;
    }
    Pem pem = read(config);
    return Tls.builder().privateKey(pem.key()).privateKeyCertChain(pem.chain()).build();
  }

  /**
   * A client context that trusts exactly the configured certificate, for the controller's calls to
   * its own API (the registry resolver); null when the API is plain HTTP. The certificate is
   * pinned, so the host name the controller calls itself by need not be in it.
   */
  public static SSLContext clientContext(PlinthConfig config) {
    if (!config.tls()) {
      return null;
    }
    X509Certificate leaf = read(config).chain().getFirst();
    try {
      // The same pin the Redfish client offers for BMCs: one trust manager for both.
      return TlsPolicy.PinnedSha256.ofCertificate(leaf.getEncoded()).sslContext();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("TLS: cannot encode the configured certificate", e);
    }
  }

  static Pem read(PlinthConfig config) {
    Path certFile = config.tlsCertificate();
    Path keyFile = config.tlsPrivateKey();
    for (Path p : List.of(certFile, keyFile)) {
      if (!Files.isReadable(p)) {
        throw new ConfigException("TLS: cannot read " + p);
      }
    }
    Keys keys;
    try {
      keys =
          Keys.builder()
              .pem(pem -> pem.certChain(Resource.create(certFile)).key(Resource.create(keyFile)))
              .build();
    } catch (RuntimeException e) {
      throw new ConfigException(
          "TLS: cannot read the PEM files "
              + certFile
              + " and "
              + keyFile
              + " (a certificate chain, and an unencrypted PKCS#8 key or RSA PKCS#1 key; convert others"
              + " with openssl pkcs8 -topk8 -nocrypt): "
              + e.getMessage(),
          e);
    }
    if (keys.privateKey().isEmpty()) {
      throw new ConfigException("TLS: no private key in " + keyFile);
    }
    if (keys.certChain().isEmpty()) {
      throw new ConfigException("TLS: no certificate in " + certFile);
    }
    PrivateKey key = keys.privateKey().get();
    X509Certificate leaf = keys.certChain().getFirst();
    if (!leaf.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
      throw new ConfigException(
          "TLS: the key in " + keyFile + " does not belong to the certificate in " + certFile);
    }
    return new Pem(key, keys.certChain());
  }
}
