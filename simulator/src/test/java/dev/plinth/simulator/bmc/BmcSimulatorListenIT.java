/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
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
  void beyondThePerAddressLimitEveryBmcStillHasItsOwnLoopbackAddressAndNothingElseListens()
      throws Exception {
    int n = BmcSimulator.PER_ADDRESS_LIMIT + 3;
    try (BmcSimulator sim = BmcSimulator.builder().count(n).start()) {
      assertThat(sim.listening()).hasSizeGreaterThanOrEqualTo(n);
      for (InetSocketAddress a : sim.listening()) {
        assertThat(a.getAddress().isAnyLocalAddress()).as(a.toString()).isFalse();
        assertThat(a.getAddress().isLoopbackAddress()).as(a.toString()).isTrue();
      }
      HttpClient http = HttpClient.newHttpClient();
      // The first, one past the limit and the last: each request reaches its own BMC.
      for (int i : new int[] {0, BmcSimulator.PER_ADDRESS_LIMIT, n - 1}) {
        SimulatedBmc b = sim.bmc(i);
        assertThat(b.url().getPort()).isEqualTo(sim.port());
        long before = b.requestCount();
        long others = sim.bmc((i + 1) % n).requestCount();
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(b.url() + "/redfish/v1/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(b.requestCount()).as(b.id()).isEqualTo(before + 1);
        assertThat(sim.bmc((i + 1) % n).requestCount()).isEqualTo(others);
      }
      // Off loopback, the port is closed: nothing listens on the machine's other addresses.
      InetAddress outside = nonLoopbackAddress();
      if (outside != null) {
        try (Socket s = new Socket()) {
          assertThatThrownBy(() -> s.connect(new InetSocketAddress(outside, sim.port()), 2000))
              .isInstanceOf(IOException.class);
        }
      }
    }
  }

  /** An IPv4 address of this machine off loopback, or null when it has none. */
  static InetAddress nonLoopbackAddress() throws IOException {
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(nif.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          return a;
        }
      }
    }
    return null;
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
