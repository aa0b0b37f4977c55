/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.controller.Layout;
import dev.plinth.controller.cli.PlinthCommand;
import dev.plinth.controller.config.ConfigException;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.observe.Metrics;
import dev.plinth.controller.server.ControllerServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The API over HTTPS from PEM files, and the refusal of plain HTTP off loopback. */
class ApiTlsIT {

  private static final char[] PASS = "changeit".toCharArray();

  @TempDir Path dir;
  Path cert;
  Path key;
  KeyStore store;

  /** A self-signed certificate for localhost and 127.0.0.1, made by the JDK's keytool. */
  @BeforeEach
  void selfSigned() throws Exception {
    Path p12 = dir.resolve("tls.p12");
    Path keytool =
        Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("keytool");
    Process p =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "api",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                p12.toString(),
                "-storepass",
                new String(PASS))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    store = KeyStore.getInstance("PKCS12");
    try (var in = new FileInputStream(p12.toFile())) {
      store.load(in, PASS);
    }
    cert = dir.resolve("tls.crt");
    key = dir.resolve("tls.key");
    Files.writeString(cert, pem("CERTIFICATE", store.getCertificate("api").getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", store.getKey("api", PASS).getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private HttpClient trusting() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    Certificate c = store.getCertificate("api");
    trust.setCertificateEntry("api", c);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).build();
  }

  private ControllerServer start(PlinthConfig c) throws IOException {
    return ControllerServer.start(c, new Layout(c.dataDir()).create(), new Metrics(), List.of());
  }

  @Test
  void servesHttpsFromPemFiles() throws Exception {
    PlinthConfig c =
        new PlinthConfig(new Listen("127.0.0.1", 0), dir.resolve("var")).withTls(cert, key);
    try (ControllerServer server = start(c)) {
      HttpResponse<String> r =
          trusting()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("https://localhost:" + server.port() + "/healthz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.sslSession()).isPresent();
      assertThat(r.sslSession().get().getPeerCertificates()[0])
          .isEqualTo(store.getCertificate("api"));
      // The controller's own client (the registry resolver) pins the certificate, by IP too.
      HttpClient self = HttpClient.newBuilder().sslContext(ApiTls.clientContext(c)).build();
      assertThat(
              self.send(
                      HttpRequest.newBuilder(
                              URI.create("https://127.0.0.1:" + server.port() + "/healthz"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      // Plain HTTP to the TLS port gets no answer; a client that trusts nothing extra is refused.
      assertThrows(
          IOException.class,
          () ->
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()));
      assertThrows(
          IOException.class,
          () ->
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("https://localhost:" + server.port() + "/healthz"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()));
    }
  }

  @Test
  void refusesPlainHttpOffLoopbackUnlessAllowed() throws Exception {
    PlinthConfig open = new PlinthConfig(new Listen("0.0.0.0", 0), dir.resolve("var"));
    var e = assertThrows(ConfigException.class, () -> start(open));
    assertThat(e.getMessage()).contains("0.0.0.0").contains("allowPlainHttp: true");
    try (ControllerServer server = start(open.withAllowPlainHttp(true))) {
      assertThat(server.port()).isPositive();
    }
    try (ControllerServer server = start(open.withTls(cert, key))) {
      assertThat(server.port()).isPositive();
    }
  }

  @Test
  void serveRefusesBeforeListening() {
    StringWriter err = new StringWriter();
    CommandLine cl = PlinthCommand.commandLine();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    int exit =
        cl.execute("serve", "--listen", "0.0.0.0:0", "--data", dir.resolve("var").toString());
    assertThat(exit).isNotZero();
    assertThat(err.toString()).contains("allowPlainHttp: true");
    assertThat(dir.resolve("var")).doesNotExist();

    cl.setErr(new PrintWriter(err, true));
    exit = cl.execute("serve", "--tls-cert", cert.toString(), "--data", dir.toString());
    assertThat(exit).isNotZero();
    assertThat(err.toString()).contains("both a certificate and a private key");
  }

  @Test
  void badPemIsAConfigErrorNamingTheFiles() throws Exception {
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    PlinthConfig c =
        new PlinthConfig(new Listen("127.0.0.1", 0), dir.resolve("var")).withTls(cert, key);
    var e = assertThrows(ConfigException.class, () -> ApiTls.server(c));
    assertThat(e.getMessage()).contains(key.toString());
    var missing =
        assertThrows(
            ConfigException.class, () -> ApiTls.server(c.withTls(dir.resolve("nope.crt"), null)));
    assertThat(missing.getMessage()).contains("nope.crt");
  }
}
