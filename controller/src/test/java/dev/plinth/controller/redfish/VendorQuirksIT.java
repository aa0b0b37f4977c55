/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static dev.plinth.controller.redfish.StubBmc.golden;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each vendor quirk the client handles, against a stub shaped like that vendor's answers. */
class VendorQuirksIT {
  static final String ISO = "http://ctl/media/x.iso";
  static final String START = Scenario.STARTED;

  @ParameterizedTest
  @CsvSource({
    "dell, DELL, 17G Monolithic",
    "hpe, HPE, iLO 4",
    "supermicro, SUPERMICRO, BMC",
    "lenovo, LENOVO, Lenovo XClarity Controller",
    "openbmc, OPENBMC, OpenBmc"
  })
  void vendorIsChosenFromWhatTheBmcSays(String dir, Vendor vendor, String managerModel) {
    try (StubBmc b = new StubBmc(dir);
        RedfishClient c = b.connect()) {
      assertThat(c.identity().vendor()).isEqualTo(vendor);
      assertThat(c.identity().managerModel()).isEqualTo(managerModel);
      assertThat(c.inventory().serialNumber()).isEqualTo("SN-" + dir.toUpperCase());
    }
  }

  @Test
  void supermicroInsertsImageOnlyIgnoresNotConnectedSlotsAndBootsUsbCd() {
    String slot = "/redfish/v1/Managers/1/VirtualMedia/CD1";
    String sys = "/redfish/v1/Systems/1";
    try (StubBmc b = new StubBmc("supermicro")) {
      b.step(
          "m",
          START,
          "in",
          post(urlEqualTo(slot + "/Actions/VirtualMedia.InsertMedia"))
              .willReturn(aResponse().withStatus(204)));
      b.afterwards(
          "m",
          "in",
          "supermicro",
          slot,
          n -> n.put("Inserted", true).put("Image", ISO).put("ConnectedVia", "URI"));
      b.step("b", START, "done", patch(urlEqualTo(sys)).willReturn(aResponse().withStatus(204)));
      b.afterwards(
          "b",
          "done",
          "supermicro",
          sys,
          n -> ((ObjectNode) n.get("Boot")).put("BootSourceOverrideTarget", "UsbCd"));
      try (RedfishClient c = b.connect()) {
        // QUIRK(Supermicro): CD1 keeps its old Image after an eject, but NotConnected says empty.
        assertThat(c.ejectMedia()).isEmpty();
        assertThat(c.insertMedia(URI.create(ISO)).id()).isEqualTo("CD1");
        c.bootOnce(BootTarget.CD, BootMode.UEFI);
      }
      b.wm.verify(
          postRequestedFor(urlEqualTo(slot + "/Actions/VirtualMedia.InsertMedia"))
              .withRequestBody(equalTo(golden("requests/insert-image-only.json"))));
      b.wm.verify(
          patchRequestedFor(urlEqualTo(sys))
              .withHeader("If-Match", equalTo("\"7\""))
              .withRequestBody(equalTo(golden("requests/boot-once-usbcd-uefi.json"))));
      b.wm.verify(0, postRequestedFor(urlMatching(".*EjectMedia")));
    }
  }

  @Test
  void dellEjectsWithABodyPinsSlotOneWritesBootToSettingsAndRetriesOnAfterConflict() {
    String vm = "/redfish/v1/Systems/System.Embedded.1/VirtualMedia";
    String sys = "/redfish/v1/Systems/System.Embedded.1";
    String reset = sys + "/Actions/ComputerSystem.Reset";
    try (StubBmc b = new StubBmc("dell")) {
      b.step(
          "e",
          START,
          "out",
          post(urlEqualTo(vm + "/2/Actions/VirtualMedia.EjectMedia"))
              .willReturn(aResponse().withStatus(204)));
      b.afterwards(
          "e",
          "out",
          "dell",
          vm + "/2",
          n -> n.put("Inserted", false).putNull("Image").put("ConnectedVia", "NotConnected"));
      b.step(
          "i",
          START,
          "in",
          post(urlEqualTo(vm + "/1/Actions/VirtualMedia.InsertMedia"))
              .willReturn(aResponse().withStatus(204)));
      b.afterwards("i", "in", "dell", vm + "/1", n -> n.put("Inserted", true).put("Image", ISO));
      b.wm.stubFor(
          patch(urlEqualTo(sys))
              .atPriority(1)
              .willReturn(StubBmc.error(400, "dell-boot-read-only")));
      b.wm.stubFor(
          patch(urlEqualTo(sys + "/Settings"))
              .atPriority(1)
              .willReturn(aResponse().withStatus(200)));
      b.step(
          "p",
          START,
          "conflict",
          post(urlEqualTo(reset)).willReturn(StubBmc.error(409, "dell-on-conflict")));
      b.step(
          "p", "conflict", "on", post(urlEqualTo(reset)).willReturn(aResponse().withStatus(204)));
      try (RedfishClient c = b.connect()) {
        assertThat(c.ejectMedia()).extracting(MediaSlot::id).containsExactly("2");
        // QUIRK(Dell iDRAC10): slot "2" also says CD, but only "1" works.
        assertThat(c.insertMedia(URI.create(ISO)).id()).isEqualTo("1");
        c.bootOnce(BootTarget.CD, BootMode.UEFI);
        c.power(PowerAction.ON);
      }
      b.wm.verify(
          postRequestedFor(urlEqualTo(vm + "/2/Actions/VirtualMedia.EjectMedia"))
              .withHeader("If-Match", absent())
              .withHeader("Content-Type", equalTo("application/json"))
              .withRequestBody(equalTo(golden("requests/eject-empty-body.json"))));
      // QUIRK(Dell iDRAC): "7-gzip" goes back as "7".
      b.wm.verify(patchRequestedFor(urlEqualTo(sys)).withHeader("If-Match", equalTo("\"7\"")));
      b.wm.verify(
          patchRequestedFor(urlEqualTo(sys + "/Settings"))
              .withHeader("If-Match", equalTo("\"11\""))
              .withRequestBody(equalTo(golden("requests/boot-once-cd-uefi.json"))));
      b.wm.verify(
          2,
          postRequestedFor(urlEqualTo(reset))
              .withRequestBody(equalTo(golden("requests/reset-on.json"))));
      b.wm.verify(0, postRequestedFor(urlMatching(".*/2/Actions/VirtualMedia.InsertMedia")));
    }
  }

  @Test
  void hpeGen9LeavesTheModeOutRetriesDuringPostAndUsesTheCdSlot() {
    String sys = "/redfish/v1/Systems/1";
    String vm = "/redfish/v1/Managers/1/VirtualMedia";
    try (StubBmc b = new StubBmc("hpe")) {
      b.step(
          "b",
          START,
          "post",
          patch(urlEqualTo(sys)).willReturn(StubBmc.error(400, "hpe-during-post")));
      b.step("b", "post", "done", patch(urlEqualTo(sys)).willReturn(aResponse().withStatus(204)));
      b.afterwards(
          "b",
          "done",
          "hpe",
          sys,
          n -> ((ObjectNode) n.get("Boot")).put("BootSourceOverrideTarget", "Cd"));
      b.step(
          "i",
          START,
          "in",
          post(urlEqualTo(vm + "/2/Actions/VirtualMedia.InsertMedia"))
              .willReturn(aResponse().withStatus(204)));
      b.afterwards("i", "in", "hpe", vm + "/2", n -> n.put("Inserted", true).put("Image", ISO));
      try (RedfishClient c = b.connect()) {
        assertThat(c.insertMedia(URI.create(ISO)).id()).isEqualTo("2");
        c.bootOnce(BootTarget.CD, BootMode.UEFI);
      }
      b.wm.verify(
          2,
          patchRequestedFor(urlEqualTo(sys))
              .withRequestBody(equalTo(golden("requests/boot-once-cd-no-mode.json"))));
    }
  }

  @Test
  void lenovoPatchesMediaWithIfMatchSkipsRdocAndPollsTheTaskNotItsMonitor() {
    String vm = "/redfish/v1/Managers/1/VirtualMedia";
    try (StubBmc b = new StubBmc("lenovo")) {
      // QUIRK(Lenovo XCC): Image set but Inserted false still means occupied: eject it.
      b.step(
          "r",
          START,
          "out",
          patch(urlEqualTo(vm + "/Remote1"))
              .withRequestBody(matchingJsonPath("$.Inserted", equalTo("false")))
              .willReturn(aResponse().withStatus(204)));
      b.afterwards("r", "out", "lenovo", vm + "/Remote1", n -> n.putNull("Image"));
      b.step(
          "r",
          "out",
          "task",
          patch(urlEqualTo(vm + "/Remote1"))
              .willReturn(
                  aResponse()
                      .withStatus(202)
                      .withHeader("Location", "/redfish/v1/TaskService/TaskMonitors/9")
                      .withHeader("Content-Type", "application/json")
                      .withBody(golden("tasks/running.json"))));
      b.afterwards("r", "task", "lenovo", vm + "/Remote1", n -> n.putNull("Image"));
      b.step(
          "r",
          "task",
          "in",
          get(urlEqualTo("/redfish/v1/TaskService/Tasks/9"))
              .willReturn(okJson(golden("tasks/completed.json"))));
      b.afterwards(
          "r", "in", "lenovo", vm + "/Remote1", n -> n.put("Image", ISO).put("Inserted", true));
      try (RedfishClient c = b.connect()) {
        assertThat(c.ejectMedia()).extracting(MediaSlot::id).containsExactly("Remote1");
        assertThat(c.insertMedia(URI.create(ISO)).id()).isEqualTo("Remote1");
      }
      b.wm.verify(
          patchRequestedFor(urlEqualTo(vm + "/Remote1"))
              .withHeader("If-Match", equalTo("\"3\""))
              .withRequestBody(equalTo(golden("requests/patch-insert-lenovo.json"))));
      b.wm.verify(0, getRequestedFor(urlEqualTo("/redfish/v1/TaskService/TaskMonitors/9")));
      b.wm.verify(0, patchRequestedFor(urlMatching(".*RDOC1")));
    }
  }

  @Test
  void openBmcGetsNoIfMatchUsesTheLegacySlotAndReportsARejectedHttpImage() {
    String vm = "/redfish/v1/Managers/bmc/VirtualMedia";
    String sys = "/redfish/v1/Systems/system";
    try (StubBmc b = new StubBmc("openbmc")) {
      b.wm.stubFor(
          post(urlEqualTo(vm + "/Slot_1/Actions/VirtualMedia.InsertMedia"))
              .atPriority(1)
              .willReturn(StubBmc.error(400, "openbmc-http-rejected")));
      b.step("b", START, "done", patch(urlEqualTo(sys)).willReturn(aResponse().withStatus(204)));
      b.afterwards(
          "b",
          "done",
          "openbmc",
          sys,
          n -> ((ObjectNode) n.get("Boot")).put("BootSourceOverrideTarget", "Cd"));
      try (RedfishClient c = b.connect()) {
        c.bootOnce(BootTarget.CD, BootMode.UEFI);
        assertThatThrownBy(() -> c.insertMedia(URI.create(ISO)))
            .isInstanceOf(RedfishHttpException.class)
            .hasMessageContaining("BMC stub")
            .hasMessageContaining("POST " + vm + "/Slot_1/Actions/VirtualMedia.InsertMedia")
            .hasMessageContaining("HTTP 400")
            .hasMessageContaining("ResourceAtUriInUnknownFormat");
      }
      b.wm.verify(patchRequestedFor(urlEqualTo(sys)).withHeader("If-Match", absent()));
      b.wm.verify(0, postRequestedFor(urlMatching(".*/Slot_0/.*")));
    }
  }

  @Test
  void aMissingParameterNamedByTheBmcIsAddedToTheInsert() {
    String slot = "/redfish/v1/Managers/1/VirtualMedia/2";
    try (StubBmc b = new StubBmc("hpe")) {
      b.step(
          "i",
          START,
          "asked",
          post(urlEqualTo(slot + "/Actions/VirtualMedia.InsertMedia"))
              .willReturn(StubBmc.error(400, "transfer-protocol-required")));
      b.step(
          "i",
          "asked",
          "in",
          post(urlEqualTo(slot + "/Actions/VirtualMedia.InsertMedia"))
              .withRequestBody(equalTo(golden("requests/insert-with-protocol.json")))
              .willReturn(aResponse().withStatus(204)));
      b.afterwards("i", "in", "hpe", slot, n -> n.put("Inserted", true).put("Image", ISO));
      try (RedfishClient c = b.connect()) {
        assertThat(c.insertMedia(URI.create(ISO)).inserted()).isTrue();
      }
    }
  }
}
