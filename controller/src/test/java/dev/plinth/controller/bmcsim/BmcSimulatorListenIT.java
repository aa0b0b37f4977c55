/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.bmcsim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Simulated BMCs, with their known password, listen on loopback only. */
class BmcSimulatorListenIT {

  @Test
  void severalBmcsListenEachOnItsOwnLoopbackAddressNotOnEveryInterface() throws Exception {
    try (BmcSimulator sim = BmcSimulator.builder().count(3).start()) {
      assertThat(sim.listening()).hasSize(3);
      for (InetSocketAddress a : sim.listening()) {
        assertThat(a.getAddress().isAnyLocalAddress()).as(a.toString()).isFalse();
        assertThat(a.getAddress().isLoopbackAddress()).as(a.toString()).isTrue();
        assertThat(a.getPort()).isEqualTo(sim.port());
      }
      HttpClient http = HttpClient.newHttpClient();
      for (SimulatedBmc b : sim.bmcs()) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(b.url() + "/redfish/v1/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void oneBmcListensOnTheGivenHostOnly() throws Exception {
    try (BmcSimulator sim = BmcSimulator.builder().start()) {
      assertThat(sim.listening())
          .singleElement()
          .satisfies(a -> assertThat(a.getAddress().getHostAddress()).isEqualTo("127.0.0.1"));
    }
  }
}
