/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static dev.plinth.controller.redfish.SimulatorSequenceIT.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.simulator.bmc.BmcSimulator;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees when the BMC cannot be reached: an untrusted certificate fails at once and
 * says how to trust it; a refused connection is retried within a bound, each retry logged.
 */
class ConnectFailuresIT {

  /** Back-off long enough that a retried handshake would show in the elapsed time. */
  static RedfishOptions slowRetries() {
    return RedfishOptions.defaults()
        .withDelays(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofMillis(5))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
        .withRetries(4, 0);
  }

  @Test
  void anUntrustedSelfSignedCertificateFailsAtOnceAndSaysHowToTrustIt() {
    try (BmcSimulator sim =
        BmcSimulator.builder()
            .https(true)
            .credentials(ADMIN.username(), ADMIN.password())
            .start()) {
      String sha = sim.certificate().sha256();
      BmcEndpoint ep = new BmcEndpoint("rack1-u7", sim.bmc(0).url(), null);
      long t0 = System.nanoTime();
      assertThatThrownBy(
              () -> RedfishClient.connect(ep, ADMIN, new TlsPolicy.SystemTrust(), slowRetries()))
          .isInstanceOf(RedfishTlsException.class)
          .hasMessageContaining("BMC rack1-u7: GET /redfish/v1/")
          .hasMessageContaining("the BMC's certificate is not trusted")
          .hasMessageContaining("no trusted CA issued it")
          .hasMessageContaining("--fingerprint " + sha)
          .hasMessageContaining("--ca-file")
          .hasMessageContaining("--insecure")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PKIX"))
          .satisfies(e -> assertThat(((RedfishTlsException) e).fingerprint()).isEqualTo(sha));
      // Four retries would have slept 1 + 2 + 4 + 4 s.
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void aPinOfAnotherCertificateFailsAtOnceNamingTheCertificateSeen() {
    try (BmcSimulator sim =
        BmcSimulator.builder()
            .https(true)
            .credentials(ADMIN.username(), ADMIN.password())
            .start()) {
      BmcEndpoint ep = new BmcEndpoint("rack1-u7", sim.bmc(0).url(), null);
      long t0 = System.nanoTime();
      assertThatThrownBy(
              () ->
                  RedfishClient.connect(
                      ep, ADMIN, new TlsPolicy.PinnedSha256("ab".repeat(32)), slowRetries()))
          .isInstanceOf(RedfishTlsException.class)
          .hasMessageContaining("is not the pinned " + "ab".repeat(32))
          .hasMessageContaining("SHA-256 " + sim.certificate().sha256());
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void aRefusedConnectionIsRetriedWithinTheWindowAndEachRetryIsLogged() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    BmcEndpoint ep = new BmcEndpoint("rack1-u8", URI.create("http://127.0.0.1:" + port), null);
    RedfishOptions options =
        RedfishOptions.defaults()
            .withDelays(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(5))
            .withRetries(50, 0)
            .withTransportRetryWindow(Duration.ofMillis(700));
    List<RetryListener.Retry> told = new CopyOnWriteArrayList<>();
    RedfishOptions listened = options.withRetryListener(told::add);
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler h =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            logged.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger log = Logger.getLogger(Transport.class.getName());
    log.addHandler(h);
    long t0 = System.nanoTime();
    try {
      assertThatThrownBy(
              () -> RedfishClient.connect(ep, ADMIN, new TlsPolicy.SystemTrust(), listened))
          .isInstanceOf(RedfishTransportException.class)
          .hasMessageContaining("BMC rack1-u8: GET /redfish/v1/: cannot connect")
          .hasMessageContaining("over 700 ms; is the BMC up and the URL right?");
    } finally {
      log.removeHandler(h);
    }
    // 50 retries at 200 ms would take 10 s; the window stops them after 0.7 s.
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    List<String> retries =
        logged.stream()
            .filter(r -> r.getLevel() == java.util.logging.Level.WARNING)
            .map(r -> java.text.MessageFormat.format(r.getMessage(), r.getParameters()))
            .filter(m -> m.contains("rack1-u8") && m.contains("cannot connect"))
            .toList();
    assertThat(retries).hasSizeGreaterThanOrEqualTo(3);
    assertThat(retries.get(0)).contains("retry 1 of 50 in 100 ms");
    // The listener hears each retry too, in words for the person waiting.
    assertThat(told).hasSize(retries.size());
    assertThat(told.get(0).describe())
        .isEqualTo(
            "BMC 127.0.0.1:"
                + port
                + ": connection refused, retrying (attempt 2, next in 100ms, giving up after"
                + " 700ms)");
    assertThat(told.get(1).attempt()).isEqualTo(3);
  }
}
