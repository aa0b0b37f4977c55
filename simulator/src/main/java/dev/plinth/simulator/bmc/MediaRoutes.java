/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.simulator.bmc.Flavour.Behaviour;
import dev.plinth.simulator.bmc.SimulatedBmc.SlotState;
import java.util.Locale;

/** VirtualMedia requests of a {@link SimulatedBmc}: InsertMedia, EjectMedia, PATCH. */
final class MediaRoutes {
  private final SimulatedBmc bmc;
  private final Routes routes;
  private final Flavour flavour;

  MediaRoutes(SimulatedBmc bmc, Routes routes) {
    this.bmc = bmc;
    this.routes = routes;
    this.flavour = bmc.flavour();
  }

  Replies insert(SimulatedBmc.Request req, String path, SlotState s, JsonNode body) {
    Replies pre = routes.actionIfMatch(req);
    if (pre != null) {
      return pre;
    }
    String image = body == null ? null : Routes.text(body, "Image");
    if (image == null) {
      return Replies.error(
          400,
          "Base.1.18.ActionParameterMissing",
          "The action VirtualMedia.InsertMedia requires the parameter Image to be present in the request body.",
          "VirtualMedia.InsertMedia",
          "Image");
    }
    if (flavour.has(Behaviour.INSERT_REJECTS_INSERTED)) {
      // QUIRK(Supermicro X11/X12): Inserted and WriteProtected are not accepted.
      for (String p : new String[] {"Inserted", "WriteProtected"}) {
        if (body.has(p)) {
          return Replies.error(
              400,
              "Base.1.18.PropertyUnknown",
              "The property " + p + " is not in the list of valid properties for the resource.",
              p);
        }
      }
    }
    String protocol = Routes.text(body, "TransferProtocolType");
    if (flavour.has(Behaviour.HTTPS_IMAGES_ONLY)) {
      // QUIRK(OpenBMC bmcweb): only https:// and smb:// images; the protocol must match.
      String lower = image.toLowerCase(Locale.ROOT);
      String scheme =
          lower.startsWith("https://") ? "HTTPS" : lower.startsWith("smb://") ? "CIFS" : null;
      if (scheme == null) {
        return Replies.error(
            400,
            "Base.1.18.ResourceAtUriInUnknownFormat",
            "The resource at " + image + " is in a format not recognized by the service.",
            image);
      }
      if (protocol != null && !protocol.equals(scheme)) {
        return Replies.error(
            400,
            "Base.1.18.PropertyValueConflict",
            "The property TransferProtocolType could not be written because its value would conflict with the value of the Image property.",
            "TransferProtocolType",
            "Image");
      }
      if (body.has("Inserted") && !body.path("Inserted").asBoolean(true)) {
        return Routes.notInList("false", "Inserted");
      }
    }
    if (s.inserted) {
      return Replies.error(
          409,
          "Base.1.18.ResourceInUse",
          "The change to the requested resource failed because the resource is in use or in transition.");
    }
    boolean inserted = body.path("Inserted").asBoolean(true);
    boolean wp = body.path("WriteProtected").asBoolean(true);
    return routes.async(() -> bmc.insertMedia(path, s, image, inserted, wp, protocol));
  }

  Replies eject(SimulatedBmc.Request req, String path, SlotState s) {
    Replies pre = routes.actionIfMatch(req);
    if (pre != null) {
      return pre;
    }
    if (req.body().length == 0) {
      if (flavour.has(Behaviour.EJECT_WITHOUT_BODY_400)) {
        // QUIRK(Dell iDRAC): EjectMedia without a JSON body is a 400.
        return Replies.error(400, "Base.1.18.MalformedJSON", "The request body is malformed JSON.");
      }
      if (flavour.has(Behaviour.EJECT_WITHOUT_BODY_415)) {
        // QUIRK(HPE iLO): EjectMedia without a JSON body is a 415.
        return Replies.error(415, "Base.1.18.UnsupportedMediaType", "Unsupported media type.");
      }
    }
    if (!s.inserted && flavour.has(Behaviour.EJECT_EMPTY_FAILS)) {
      // QUIRK(HPE iLO): ejecting an empty slot fails.
      return Replies.error(400, "iLO.2.14.UnableToEjectMedia", "No media is inserted in the slot.");
    }
    boolean keep = flavour.has(Behaviour.KEEPS_IMAGE_AFTER_EJECT);
    return routes.async(() -> bmc.ejectMedia(path, s, keep));
  }

  Replies patch(SimulatedBmc.Request req, String path, SlotState s, JsonNode body) {
    if (s.spec.insertAction() || s.spec.ejectAction()) {
      return Routes.notAllowed().withHeader("Allow", "GET");
    }
    Replies pre = routes.ifMatch(req, s.version);
    if (pre != null) {
      return pre;
    }
    if (body == null || !body.isObject()) {
      return Replies.error(400, "Base.1.18.MalformedJSON", "The request body is malformed JSON.");
    }
    JsonNode image = body.path("Image");
    boolean ejecting =
        image.isNull() || (body.has("Inserted") && !body.path("Inserted").asBoolean());
    if (ejecting) {
      return routes.async(() -> bmc.ejectMedia(path, s, false));
    }
    if (!image.isTextual()) {
      return Routes.missing("Image");
    }
    if (s.inserted) {
      return Replies.error(
          409,
          "Base.1.18.ResourceInUse",
          "The change to the requested resource failed because the resource is in use or in transition.");
    }
    // QUIRK(Lenovo XCC SD530): without Inserted in the PATCH the image is not attached.
    boolean inserted =
        body.has("Inserted")
            ? body.path("Inserted").asBoolean()
            : !flavour.has(Behaviour.PATCH_NEEDS_INSERTED);
    boolean wp = body.path("WriteProtected").asBoolean(true);
    String protocol = Routes.text(body, "TransferProtocolType");
    return routes.async(() -> bmc.insertMedia(path, s, image.asText(), inserted, wp, protocol));
  }
}
