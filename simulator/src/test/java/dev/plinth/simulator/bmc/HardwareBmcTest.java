/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A simulated BMC with {@link Hardware} behind it (a recording fake): power, boot override and
 * media go to the hardware, its state is what Redfish shows, its failures are Redfish 500s.
 */
class HardwareBmcTest {

  private static final String SYS = "/redfish/v1/Systems/437XR1138R2";
  private static final String CD1 = SYS + "/VirtualMedia/CD1";

  /** Records calls; running and media are what a test sets or the calls made. */
  static final class FakeHardware implements Hardware {
    final List<String> calls = new ArrayList<>();
    boolean running;
    final String[] media = new String[2];
    RuntimeException failNext;
    boolean closed;

    private void call(String c) {
      calls.add(c);
      RuntimeException f = failNext;
      failNext = null;
      if (f != null) {
        throw f;
      }
    }

    int drives = 2;

    @Override
    public int drives() {
      return drives;
    }

    @Override
    public boolean poweredOn() {
      return running;
    }

    @Override
    public void start(String device, String later) {
      call("start " + device + " " + later);
      running = true;
    }

    @Override
    public void forceOff() {
      call("forceOff");
      running = false;
    }

    @Override
    public void gracefulShutdown() {
      call("gracefulShutdown");
    }

    @Override
    public void nmi() {
      call("nmi");
    }

    @Override
    public void insert(int drive, URI image) {
      call("insert " + drive + " " + image);
      media[drive] = image.toString();
    }

    @Override
    public void eject(int drive) {
      call("eject " + drive);
      media[drive] = null;
    }

    @Override
    public Optional<String> medium(int drive) {
      return Optional.ofNullable(media[drive]);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private final FakeHardware hw = new FakeHardware();
  private final HttpClient http = HttpClient.newHttpClient();
  private BmcSimulator sim;

  @BeforeEach
  void start() {
    sim = BmcSimulator.builder().hardware((id, identity) -> hw).start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(sim.bmc(0).url() + path))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString("admin:password".getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", "application/json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = send("GET", path, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return MockupTree.JSON.readTree(r.body());
  }

  @Test
  void powerStateAndIdentityComeFromTheHardware() throws Exception {
    JsonNode sys = get(SYS);
    assertThat(sys.path("PowerState").asText()).isEqualTo("Off");
    assertThat(sys.path("SerialNumber").asText()).isEqualTo(sim.bmc(0).systemSerial());
    assertThat(sys.path("UUID").asText()).isEqualTo(sim.bmc(0).systemUuid());
    assertThat(sim.bmc(0).systemSerial()).startsWith("PLINTH-");
    hw.running = true;
    assertThat(get(SYS).path("PowerState").asText()).isEqualTo("On");
    assertThat(sim.bmc(0).hardware()).isSameAs(hw);
  }

  @Test
  void onlyTheTwoSlotsWithADriveShowAndTheyStartEmpty() throws Exception {
    JsonNode c = get(SYS + "/VirtualMedia");
    assertThat(c.path("Members").findValuesAsText("@odata.id"))
        .containsExactly(CD1, SYS + "/VirtualMedia/CD2");
    JsonNode cd1 = get(CD1);
    assertThat(cd1.path("Inserted").asBoolean()).isFalse();
    assertThat(cd1.path("Image").isNull()).isTrue();
  }

  @Test
  void hardwareWithOneDriveShowsOnlyTheBootSlot() throws Exception {
    FakeHardware one = new FakeHardware();
    one.drives = 1;
    try (BmcSimulator s = BmcSimulator.builder().hardware((id, identity) -> one).start()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(s.bmc(0).url() + SYS + "/VirtualMedia"))
                  .header(
                      "Authorization",
                      "Basic "
                          + Base64.getEncoder()
                              .encodeToString("admin:password".getBytes(StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(MockupTree.JSON.readTree(r.body()).path("Members").findValuesAsText("@odata.id"))
          .containsExactly(CD1);
    }
  }

  @Test
  void aOnceCdOverrideBootsTheCdOnceAndLaterBootsGoToTheDisk() throws Exception {
    HttpResponse<String> p =
        send(
            "PATCH",
            SYS,
            "{\"Boot\":{\"BootSourceOverrideTarget\":\"Cd\",\"BootSourceOverrideEnabled\":\"Once\"}}");
    assertThat(p.statusCode()).isEqualTo(204);
    assertThat(
            send("POST", SYS + "/Actions/ComputerSystem.Reset", "{\"ResetType\":\"On\"}")
                .statusCode())
        .isEqualTo(204);
    assertThat(hw.calls).containsExactly("start Cd None");
    assertThat(get(SYS).path("Boot").path("BootSourceOverrideEnabled").asText())
        .isEqualTo("Disabled");
    send("POST", SYS + "/Actions/ComputerSystem.Reset", "{\"ResetType\":\"On\"}");
    send("POST", SYS + "/Actions/ComputerSystem.Reset", "{\"ResetType\":\"ForceOff\"}");
    send(
        "PATCH",
        SYS,
        "{\"Boot\":{\"BootSourceOverrideTarget\":\"Hdd\",\"BootSourceOverrideEnabled\":\"Continuous\"}}");
    send("POST", SYS + "/Actions/ComputerSystem.Reset", "{\"ResetType\":\"ForceRestart\"}");
    send("POST", SYS + "/Actions/ComputerSystem.Reset", "{\"ResetType\":\"GracefulShutdown\"}");
    assertThat(hw.calls)
        .containsExactly("start Cd None", "forceOff", "start Hdd Hdd", "gracefulShutdown");
  }

  @Test
  void mediaGoesToTheDriveAndTheSlotShowsWhatTheDriveHolds() throws Exception {
    String url = "http://10.0.2.2:9000/media/maint.iso";
    HttpResponse<String> r = send("PATCH", CD1, "{\"Image\":\"" + url + "\",\"Inserted\":true}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    assertThat(hw.calls).containsExactly("insert 0 " + url);
    assertThat(get(CD1).path("Image").asText()).isEqualTo(url);
    assertThat(get(CD1).path("Inserted").asBoolean()).isTrue();
    // Something else emptied the drive (the guest, QMP): the slot follows.
    hw.media[0] = null;
    assertThat(get(CD1).path("Inserted").asBoolean()).isFalse();
    send("PATCH", SYS + "/VirtualMedia/CD2", "{\"Image\":\"http://h/task.iso\"}");
    send("PATCH", SYS + "/VirtualMedia/CD2", "{\"Image\":null}");
    assertThat(hw.calls).endsWith("insert 1 http://h/task.iso", "eject 1");
  }

  @Test
  void aHardwareFailureIsARedfish500WithTheMessage() throws Exception {
    hw.failNext =
        new HardwareException(
            "QEMU blockdev-change-medium: CURL: Error opening file: The requested URL returned"
                + " error: 404");
    HttpResponse<String> r = send("PATCH", CD1, "{\"Image\":\"http://h/missing.iso\"}");
    assertThat(r.statusCode()).isEqualTo(500);
    JsonNode info = MockupTree.JSON.readTree(r.body()).path("error").path("@Message.ExtendedInfo");
    assertThat(info.get(0).path("MessageId").asText()).isEqualTo("Base.1.18.InternalError");
    assertThat(info.get(0).path("Message").asText()).contains("404");
    assertThat(get(CD1).path("Inserted").asBoolean()).isFalse();
  }

  @Test
  void closingTheSimulatorClosesTheHardware() {
    sim.close();
    assertThat(hw.closed).isTrue();
  }
}
