/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.app;

import dev.plinth.controller.config.ConfigException;
import dev.plinth.controller.config.ExternalRegistry;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.PullRegistry;
import dev.plinth.controller.jobs.RegistryResolver;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The controller's side of an external registry ({@code registry.url}, docs/registry.md "External
 * registry"): the resolver that pins tags at submit (with the pull account), what task ISOs tell
 * machines (URL, pull account, CA), and what {@code /v2} answers instead of the embedded registry.
 */
final class ExternalRegistryWiring {

  private ExternalRegistryWiring() {}

  /** What task ISOs say about the registry: the external one when configured. */
  static PullRegistry pull(PlinthConfig c) {
    if (!c.externalRegistry()) {
      return PullRegistry.embedded();
    }
    ExternalRegistry r = c.registry();
    return PullRegistry.external(
        r.base(), r.host(), r.username(), r.pullPassword(), caBundle(c, r));
  }

  /**
   * The CA bundle of task ISOs: the registry's CA, plus the controller's own certificate chain when
   * it serves TLS, since a dispatcher given a bundle trusts only it (for the webhook too).
   */
  private static String caBundle(PlinthConfig c, ExternalRegistry r) {
    String ca = r.caBundle();
    if (ca == null) {
      return null;
    }
    if (!c.tls()) {
      return ca;
    }
    try {
      String own = Files.readString(c.tlsCertificate(), StandardCharsets.US_ASCII);
      return ca.endsWith("\n") ? ca + own : ca + "\n" + own;
    } catch (IOException e) {
      throw new ConfigException("TLS: cannot read " + c.tlsCertificate() + ": " + e, e);
    }
  }

  /** Pins tags against the external registry with the pull account (pulls are all it needs). */
  static RegistryResolver resolver(PlinthConfig c) {
    ExternalRegistry r = c.registry();
    String ca = r.caBundle();
    return new RegistryResolver(
        r.base(),
        r.username(),
        r.pullPassword(),
        ca == null ? null : trusting(ca),
        "registry.username and registry.passwordFile (PLINTH_REGISTRY_USERNAME,"
            + " PLINTH_REGISTRY_PASSWORD_FILE)");
  }

  /** A client TLS context that trusts exactly the certificates of {@code pem}. */
  static SSLContext trusting(String pem) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate cert :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        ks.setCertificateEntry("registry-ca-" + i++, cert);
      }
      if (i == 0) {
        throw new ConfigException("registry.caFile holds no certificate");
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException("registry.caFile: not PEM X.509 certificates: " + e, e);
    }
  }

  /**
   * What {@code /v2} answers when the embedded registry is off: every request gets a 404 with the
   * distribution spec's error body naming the external registry, so a client pointed at the
   * controller by habit learns where to go. No redirect: it would carry the client's controller
   * credentials to another host's realm, and hide a misconfigured client.
   */
  static Consumer<HttpRouting.Builder> notice(String externalUrl) {
    String message =
        "the embedded registry is off: this controller uses the external registry "
            + externalUrl
            + " (registry.url); pull and push there";
    byte[] body =
        ("{\"errors\":[{\"code\":\"UNSUPPORTED\",\"message\":\""
                + json(message)
                + "\",\"detail\":{\"registry\":\""
                + json(externalUrl)
                + "\"}}]}")
            .getBytes(StandardCharsets.UTF_8);
    return r ->
        r.any("/v2", (req, res) -> answer(req, res, body))
            .any("/v2/*", (req, res) -> answer(req, res, body));
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static void answer(ServerRequest req, ServerResponse res, byte[] body) {
    res.status(Status.NOT_FOUND_404);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(body);
  }
}
