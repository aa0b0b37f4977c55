/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.redfish.model.Chassis;
import dev.plinth.controller.redfish.model.Collection;
import dev.plinth.controller.redfish.model.ComputerSystem;
import dev.plinth.controller.redfish.model.ErrorBody;
import dev.plinth.controller.redfish.model.EventService;
import dev.plinth.controller.redfish.model.Manager;
import dev.plinth.controller.redfish.model.ServiceRoot;
import dev.plinth.controller.redfish.model.SessionService;
import dev.plinth.controller.redfish.model.Task;
import dev.plinth.controller.redfish.model.UpdateService;
import dev.plinth.controller.redfish.model.VirtualMedia;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The wire records read the DMTF mockups (OEM blocks and unknown properties included). */
class ModelParsingTest {
  static final String MOCKUP = "/dev/plinth/simulator/bmc/mockups/public-rackmount1/";

  static <T> T read(String rel, Class<T> type) throws IOException {
    try (InputStream in = ModelParsingTest.class.getResourceAsStream(MOCKUP + rel + "index.json")) {
      return Json.MAPPER.readValue(in, type);
    }
  }

  @Test
  void serviceRootLinksEverythingTheClientNavigates() throws IOException {
    ServiceRoot r = read("", ServiceRoot.class);
    assertThat(r.redfishVersion()).isEqualTo("1.15.0");
    assertThat(r.systems().id()).isEqualTo("/redfish/v1/Systems");
    assertThat(r.sessionsLink()).isEqualTo("/redfish/v1/SessionService/Sessions");
    assertThat(r.tasks().id()).isEqualTo("/redfish/v1/TaskService");
    assertThat(r.updateService().id()).isEqualTo("/redfish/v1/UpdateService");
    assertThat(r.eventService().id()).isEqualTo("/redfish/v1/EventService");
  }

  @Test
  void computerSystemWithBootResetAndOemBlocks() throws IOException {
    ComputerSystem s = read("Systems/437XR1138R2/", ComputerSystem.class);
    assertThat(s.serialNumber()).isEqualTo("437XR1138R2");
    assertThat(s.boot().target()).isEqualTo("Pxe");
    assertThat(s.boot().allowedTargets()).contains("Cd", "Hdd", "Pxe");
    assertThat(s.boot().mode()).isEqualTo("UEFI");
    assertThat(s.resetAction().allowedResetTypes()).contains("On", "ForceOff");
    assertThat(s.managedBy()).extracting(l -> l.id()).containsExactly("/redfish/v1/Managers/BMC");
    assertThat(s.virtualMedia().id()).endsWith("/VirtualMedia");
  }

  @Test
  void managerVirtualMediaSessionTaskChassisEventAndUpdateServices() throws IOException {
    assertThat(read("Managers/BMC/", Manager.class).firmwareVersion())
        .isEqualTo("1.45.455b66-rev4");
    VirtualMedia cd = read("Systems/437XR1138R2/VirtualMedia/CD1/", VirtualMedia.class);
    assertThat(cd.mediaTypes()).containsExactly("CD", "DVD");
    assertThat(cd.inserted()).isTrue();
    assertThat(cd.insertTarget()).isNull();
    assertThat(read("Systems/437XR1138R2/VirtualMedia/", Collection.class).members()).hasSize(3);
    assertThat(read("SessionService/", SessionService.class).sessionTimeout()).isEqualTo(30);
    Task t = read("TaskService/Tasks/545/", Task.class);
    assertThat(t.inProgress()).isFalse();
    assertThat(t.failed()).isFalse();
    assertThat(t.messages())
        .extracting(m -> m.messageId())
        .contains("Base.1.0.PropertyNotWritable");
    assertThat(read("Chassis/1U/", Chassis.class).chassisType()).isEqualTo("RackMount");
    assertThat(read("EventService/", EventService.class).serviceEnabled()).isTrue();
    assertThat(read("UpdateService/", UpdateService.class).firmwareInventory()).isNotNull();
  }

  @Test
  void errorBodiesKeepEveryExtendedInfoMessage() throws IOException {
    ErrorBody e =
        Json.MAPPER.readValue(
            StubBmc.golden("errors/supermicro-inserted-unknown.json"), ErrorBody.class);
    assertThat(e.messages()).hasSize(1);
    assertThat(e.messages().get(0).messageId()).isEqualTo("Base.1.10.PropertyUnknown");
    assertThat(e.messages().get(0).relatedProperties()).containsExactly("#/Inserted");
    var ex = new RedfishHttpException("b", "POST /x", 400, e.messages());
    assertThat(Media.names(ex, "Inserted")).isTrue();
    assertThat(Media.names(ex, "Image")).isFalse();
  }

  @Test
  void anErrorWhoseExtendedInfoHasOnlyMessageIdsKeepsTheErrorMessage() throws IOException {
    ErrorBody e =
        Json.MAPPER.readValue(
            StubBmc.golden("errors/sushy-tools-message-id-only.json"), ErrorBody.class);
    assertThat(e.messages())
        .extracting(m -> m.summary())
        .containsExactly(
            "Base.1.0.GeneralError: Cannot download virtual media: got error 404 from the server");
    // Where every entry has its words, the generic error.message stays out.
    ErrorBody full =
        Json.MAPPER.readValue(StubBmc.golden("errors/not-found.json"), ErrorBody.class);
    assertThat(full.messages())
        .extracting(m -> m.messageId())
        .containsExactly("Base.1.8.ResourceMissingAtURI");
  }
}
