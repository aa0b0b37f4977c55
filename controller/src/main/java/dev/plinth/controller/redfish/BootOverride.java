/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.controller.redfish.model.Boot;
import dev.plinth.controller.redfish.model.ComputerSystem;
import dev.plinth.controller.redfish.model.ODataId;
import java.util.List;

/**
 * One-time boot override: validated against the AllowableValues, sent as the full triple (Target,
 * Enabled, Mode) to the system or, where Boot is read-only there, to its settings object.
 */
final class BootOverride {
  private final Calls calls;
  private final String systemLink;

  BootOverride(Calls calls, String systemLink) {
    this.calls = calls;
    this.systemLink = systemLink;
  }

  void once(BootTarget target, BootMode mode) {
    Response r = calls.get(systemLink);
    ComputerSystem s = r.as(ComputerSystem.class);
    Boot b = s.boot();
    if (b == null) {
      throw new RedfishUnsupportedException(
          calls.bmc(), "GET " + systemLink, "the system has no Boot object");
    }
    String wanted = calls.quirks().bootTarget(target, b.allowedTargets());
    check(b.allowedTargets(), wanted, "BootSourceOverrideTarget");
    check(b.allowedEnabled(), "Once", "BootSourceOverrideEnabled");
    ObjectNode body = Json.object();
    ObjectNode boot = body.putObject("Boot");
    // QUIRK(Supermicro, AMI, ASRockRack): Enabled and Mode must be sent every time, else the mode
    // falls back to its default; so the full triple always goes out.
    boot.put("BootSourceOverrideTarget", wanted);
    boot.put("BootSourceOverrideEnabled", "Once");
    // QUIRK(HPE iLO Gen9): no BootSourceOverrideMode at all: leave it out.
    boolean sendMode = b.mode() != null;
    if (sendMode) {
      check(b.allowedModes(), mode.redfish(), "BootSourceOverrideMode");
      boot.put("BootSourceOverrideMode", mode.redfish());
    }
    String settings = s.settings() == null ? null : ODataId.of(s.settings().settingsObject());
    try {
      calls.patch(systemLink, body, r.etag());
    } catch (RedfishHttpException e) {
      if (settings != null && (e.mentions("read-only") || e.mentions("PropertyNotWritable"))) {
        // QUIRK(Dell iDRAC10): Boot is writable only through the @Redfish.Settings object.
        calls.patch(settings, body, calls.get(settings).etag());
        return;
      }
      if (e.status() == 400 && sendMode && Media.names(e, "BootSourceOverrideMode")) {
        boot.remove("BootSourceOverrideMode");
        calls.patch(systemLink, body, calls.get(systemLink).etag());
      } else {
        throw e;
      }
    }
    verify(wanted);
  }

  private void check(List<String> allowed, String value, String property) {
    if (allowed != null && !allowed.isEmpty() && !allowed.contains(value)) {
      throw new RedfishUnsupportedException(
          calls.bmc(),
          "GET " + systemLink,
          property + " " + value + " is not among the allowed " + allowed);
    }
  }

  private void verify(String wanted) {
    Boot now = calls.get(systemLink, ComputerSystem.class).boot();
    if (now == null || !wanted.equals(now.target())) {
      throw new RedfishUnsupportedException(
          calls.bmc(),
          "GET " + systemLink,
          "boot override did not take: target reads "
              + (now == null ? null : now.target())
              + ", not "
              + wanted);
    }
  }
}
