/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.controller.redfish.model.Message;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The insert payload adapts to what a BMC's error names, one step at a time. */
class MediaAdaptTest {
  static final URI ISO = URI.create("https://ctl/media/x.iso");

  static RedfishHttpException naming(String property) {
    return new RedfishHttpException(
        "b",
        "POST /x",
        400,
        List.of(
            new Message(
                "Base.1.8.ActionParameterMissing",
                "The action requires the parameter " + property + ".",
                List.of("VirtualMedia.InsertMedia", property),
                "Warning",
                null,
                null)));
  }

  static ObjectNode image() {
    return Json.object().put("Image", ISO.toString());
  }

  @Test
  void addsWhatTheBmcAsksFor() {
    assertThat(Media.adapt(image(), naming("TransferProtocolType"), ISO).toString())
        .isEqualTo("{\"Image\":\"https://ctl/media/x.iso\",\"TransferProtocolType\":\"HTTPS\"}");
    assertThat(Media.adapt(image(), naming("TransferMethod"), ISO).path("TransferMethod").asText())
        .isEqualTo("Stream");
    // QUIRK(NVIDIA DGX): credentials even for a public image.
    assertThat(Media.adapt(image(), naming("Password"), ISO).has("UserName")).isTrue();
    // QUIRK(OpenBMC YADRO): MediaType, not to be confused with MediaTypes.
    assertThat(Media.adapt(image(), naming("MediaType"), ISO).path("MediaType").asText())
        .isEqualTo("CD");
    assertThat(Media.adapt(image(), naming("MediaTypes"), ISO)).isNull();
  }

  @Test
  void dropsWhatTheBmcRejectsAndGivesUpWhenNothingIsLeft() {
    ObjectNode full = image().put("Inserted", true).put("WriteProtected", true);
    assertThat(Media.adapt(full, naming("Inserted"), ISO).toString())
        .isEqualTo("{\"Image\":\"https://ctl/media/x.iso\"}");
    assertThat(Media.adapt(image(), naming("Inserted"), ISO)).isNull();
    ObjectNode withProtocol = image().put("TransferProtocolType", "HTTPS");
    assertThat(Media.adapt(withProtocol, naming("TransferProtocolType"), ISO)).isNull();
    assertThat(Media.adapt(image(), naming("Image"), ISO)).isNull();
  }
}
