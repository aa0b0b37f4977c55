/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The simulated BMCs' HTTP/1.1 over real sockets: keep-alive, closes, request bodies. */
class BmcHttpServerIT {

  private static final String ROOT = "GET /redfish/v1/ HTTP/1.1\r\nHost: bmc\r\n\r\n";

  @Test
  void keptAliveConnectionsStayOpenPastTheJdkServersTwoHundredIdleOnes() throws Exception {
    try (BmcSimulator sim = BmcSimulator.builder().count(3).start()) {
      List<Socket> open = new ArrayList<>();
      try {
        for (int i = 0; i < 250; i++) {
          Socket s = connect(sim.bmc(i % 3));
          open.add(s);
          assertThat(exchange(s, ROOT).status()).isEqualTo(200);
        }
        // The JDK's HttpServer closed every connection past 200 idle ones after its answer.
        for (Socket s : open) {
          assertThat(exchange(s, ROOT).status()).isEqualTo(200);
        }
        assertThat(sim.bmc(0).requestCount()).isEqualTo(2 * 84);
      } finally {
        for (Socket s : open) {
          s.close();
        }
      }
    }
  }

  @Test
  void theCloseAfterAnswerFaultAnswersInFullThenClosesWithoutSayingSo() throws Exception {
    try (BmcSimulator sim =
        BmcSimulator.builder().faults(Faults.NONE.withCloseAfterAnswerRate(1)).start()) {
      try (Socket s = connect(sim.bmc(0))) {
        Answer a = exchange(s, ROOT);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).contains("\"RedfishVersion\"");
        assertThat(a.head().toLowerCase(Locale.ROOT)).doesNotContain("connection: close");
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
    }
  }

  @Test
  void aClientsConnectionCloseIsAnsweredWithConnectionCloseAndAClose() throws Exception {
    try (BmcSimulator sim = BmcSimulator.builder().start();
        Socket s = connect(sim.bmc(0))) {
      Answer a = exchange(s, "GET /redfish/v1 HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n");
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.head().toLowerCase(Locale.ROOT)).contains("connection: close");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void aChunkedLoginAfterExpectContinueGetsItsSessionAndTheTokenWorks() throws Exception {
    try (BmcSimulator sim = BmcSimulator.builder().credentials("u", "p").start();
        Socket s = connect(sim.bmc(0))) {
      String json = "{\"UserName\":\"u\",\"Password\":\"p\"}";
      String chunked =
          Integer.toHexString(10)
              + "\r\n"
              + json.substring(0, 10)
              + "\r\n"
              + Integer.toHexString(json.length() - 10)
              + "\r\n"
              + json.substring(10)
              + "\r\n"
              + "0\r\n\r\n";
      s.getOutputStream()
          .write(
              ("POST /redfish/v1/SessionService/Sessions HTTP/1.1\r\nHost: b\r\n"
                      + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                      + "Expect: 100-continue\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 100");
      Answer login = exchange(s, chunked);
      assertThat(login.status()).isEqualTo(201);
      String token =
          login
              .head()
              .lines()
              .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("x-auth-token:"))
              .findFirst()
              .orElseThrow()
              .substring("x-auth-token:".length())
              .trim();
      Answer sys =
          exchange(
              s,
              "GET /redfish/v1/Systems/437XR1138R2 HTTP/1.1\r\nX-Auth-Token: "
                  + token
                  + "\r\n\r\n");
      assertThat(sys.status()).isEqualTo(200);
      assertThat(sys.body()).contains("\"PowerState\"");
      assertThat(exchange(s, "GET /redfish/v1/Systems/437XR1138R2 HTTP/1.1\r\n\r\n").status())
          .isEqualTo(401);
    }
  }

  @Test
  void aResourceReadAgainIsTheSameAnswerUntilItsStateChanges() throws Exception {
    try (BmcSimulator sim = BmcSimulator.builder().credentials("u", "p").start();
        Socket s = connect(sim.bmc(0))) {
      String get =
          "GET /redfish/v1/Systems/437XR1138R2 HTTP/1.1\r\nAuthorization: Basic "
              + java.util.Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8))
              + "\r\n";
      Answer first = exchange(s, get + "\r\n");
      assertThat(exchange(s, get + "\r\n").body()).isEqualTo(first.body());
      String patch = "{\"Boot\":{\"BootSourceOverrideTarget\":\"Cd\"}}";
      Answer p =
          exchange(
              s,
              "PATCH /redfish/v1/Systems/437XR1138R2 HTTP/1.1\r\n"
                  + get.substring(get.indexOf("Authorization"))
                  + "Content-Type: application/json\r\nContent-Length: "
                  + patch.length()
                  + "\r\n\r\n"
                  + patch);
      assertThat(p.status()).isEqualTo(204);
      Answer after = exchange(s, get + "\r\n");
      assertThat(after.body())
          .isNotEqualTo(first.body())
          .contains("\"BootSourceOverrideTarget\":\"Cd\"");
    }
  }

  record Answer(int status, String head, String body) {}

  static Socket connect(SimulatedBmc b) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(b.url().getHost(), b.url().getPort()), 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  static Answer exchange(Socket s, String request) throws IOException {
    s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    InputStream in = s.getInputStream();
    String head = readHead(in);
    int length = 0;
    for (String l : head.split("\r\n")) {
      if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(l.substring("content-length:".length()).trim());
      }
    }
    String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
    return new Answer(Integer.parseInt(head.substring(9, 12)), head, body);
  }

  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      byte[] x = b.toByteArray();
      int n = x.length;
      if (n >= 4 && x[n - 4] == '\r' && x[n - 3] == '\n' && x[n - 2] == '\r' && x[n - 1] == '\n') {
        break;
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }
}
