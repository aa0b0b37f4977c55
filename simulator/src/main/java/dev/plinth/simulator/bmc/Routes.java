/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.simulator.bmc.Flavour.Behaviour;
import dev.plinth.simulator.bmc.SimulatedBmc.SimTask;
import dev.plinth.simulator.bmc.SimulatedBmc.SlotState;
import dev.plinth.simulator.bmc.SimulatedBmc.SystemState;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Routes one request of a {@link SimulatedBmc} (called under its lock). */
final class Routes {
  private static final String RESET = "/Actions/ComputerSystem.Reset";
  private static final String INSERT = "/Actions/VirtualMedia.InsertMedia";
  private static final String EJECT = "/Actions/VirtualMedia.EjectMedia";
  private static final String MONITORS = "/redfish/v1/TaskService/TaskMonitors/";
  private static final String TASKS = "/redfish/v1/TaskService/Tasks/";

  private final SimulatedBmc bmc;
  private final Flavour flavour;
  private final Flavour.Shape shape;

  Routes(SimulatedBmc bmc) {
    this.bmc = bmc;
    this.flavour = bmc.flavour();
    this.shape = flavour.shape();
  }

  Replies route(SimulatedBmc.Request req, String path) {
    JsonNode body;
    try {
      body = req.body().length == 0 ? null : MockupTree.JSON.readTree(req.body());
    } catch (IOException e) {
      return Replies.error(400, "Base.1.18.MalformedJSON", "The request body is malformed JSON.");
    }
    String m = req.method();
    if (path.equals(MockupTree.ROOT)) {
      return "GET".equals(m) ? bmc.rendered(path, "", this::root) : notAllowed();
    }
    if (path.equals(bmc.sessionsPath())) {
      return switch (m) {
        case "POST" -> body == null ? missing("UserName") : bmc.login(body);
        case "GET" -> sessionList();
        default -> notAllowed();
      };
    }
    if (path.startsWith(bmc.sessionsPath() + "/")) {
      return session(m, path);
    }
    SystemState sys = bmc.systems().get(path);
    if (sys != null) {
      return switch (m) {
        case "GET" ->
            bmc.rendered(path, sys.version + " " + bmc.powerOf(sys), () -> system(path, sys));
        case "PATCH" -> patchSystem(req, path, sys, body);
        default -> notAllowed();
      };
    }
    if (bmc.tree().managers().contains(path) && "GET".equals(m)) {
      return bmc.rendered(path, "", () -> manager(path));
    }
    if (path.endsWith(RESET) && bmc.systems().containsKey(cut(path, RESET))) {
      return "POST".equals(m)
          ? reset(req, bmc.systems().get(cut(path, RESET)), body)
          : notAllowed();
    }
    if (path.endsWith("/Settings") && flavour.has(Behaviour.BOOT_ONLY_IN_SETTINGS)) {
      SystemState s = bmc.systems().get(cut(path, "/Settings"));
      if (s != null) {
        return settings(req, path, s, body);
      }
    }
    if (path.equals(bmc.mediaCollection())) {
      return "GET".equals(m) ? mediaCollection() : notAllowed();
    }
    SlotState slot = bmc.slots().get(path);
    if (slot != null) {
      bmc.refresh(path, slot);
      return switch (m) {
        case "GET" -> bmc.rendered(path, slot.version, () -> slot(path, slot));
        case "PATCH" -> new MediaRoutes(bmc, this).patch(req, path, slot, body);
        default -> notAllowed();
      };
    }
    if (path.endsWith(INSERT) && bmc.slots().containsKey(cut(path, INSERT))) {
      SlotState s = bmc.slots().get(cut(path, INSERT));
      bmc.refresh(cut(path, INSERT), s);
      return "POST".equals(m) && s.spec.insertAction()
          ? new MediaRoutes(bmc, this).insert(req, cut(path, INSERT), s, body)
          : notAllowed();
    }
    if (path.endsWith(EJECT) && bmc.slots().containsKey(cut(path, EJECT))) {
      SlotState s = bmc.slots().get(cut(path, EJECT));
      bmc.refresh(cut(path, EJECT), s);
      return "POST".equals(m) && s.spec.ejectAction()
          ? new MediaRoutes(bmc, this).eject(req, cut(path, EJECT), s)
          : notAllowed();
    }
    if (path.startsWith(MONITORS)
        || (path.startsWith(TASKS) && bmc.tasks().containsKey(path.substring(TASKS.length())))) {
      return task(path);
    }
    byte[] stat = bmc.tree().bytes(path);
    if (stat != null) {
      return "GET".equals(m) ? Replies.raw(200, stat) : notAllowed();
    }
    return Replies.error(
        404,
        "Base.1.18.ResourceMissingAtURI",
        "The resource at the URI " + path + " was not found.",
        path);
  }

  static String cut(String path, String suffix) {
    return path.substring(0, path.length() - suffix.length());
  }

  static Replies notAllowed() {
    return Replies.error(405, "Base.1.18.OperationNotAllowed", "The operation is not allowed.");
  }

  static Replies missing(String property) {
    return Replies.error(
        400,
        "Base.1.18.PropertyMissing",
        "The property " + property + " is a required property and must be included in the request.",
        property);
  }

  private Replies root() {
    ObjectNode r = bmc.tree().object(MockupTree.ROOT);
    if (shape.vendor() != null) {
      r.put("Vendor", shape.vendor());
      r.put("Product", shape.model());
    }
    if (shape.oemKey() != null) {
      r.putObject("Oem").putObject(shape.oemKey());
    }
    return Replies.json(200, r);
  }

  private Replies sessionList() {
    ObjectNode c = MockupTree.JSON.createObjectNode();
    c.put("@odata.id", bmc.sessionsPath());
    c.put("@odata.type", "#SessionCollection.SessionCollection");
    ArrayNode members = c.putArray("Members");
    bmc.sessions().values().forEach(s -> members.addObject().put("@odata.id", s.link(bmc)));
    c.put("Members@odata.count", members.size());
    return Replies.json(200, c);
  }

  private Replies session(String method, String path) {
    for (Map.Entry<String, SimulatedBmc.Session> e : bmc.sessions().entrySet()) {
      if (e.getValue().link(bmc).equals(path)) {
        if ("DELETE".equals(method)) {
          bmc.sessions().remove(e.getKey());
          return Replies.empty(204);
        }
        return "GET".equals(method)
            ? Replies.json(200, bmc.sessionJson(e.getValue()))
            : notAllowed();
      }
    }
    return Replies.error(404, "Base.1.18.ResourceMissingAtURI", "No such session.", path);
  }

  String etag(long version) {
    return switch (shape.etagStyle()) {
      case WEAK -> "W/\"" + version + "\"";
      case STRONG -> "\"" + version + "\"";
      // QUIRK(Dell iDRAC): the ETag of a compressed answer ends in -gzip and never matches.
      case DELL_GZIP -> "\"" + version + "-gzip\"";
    };
  }

  /** Checks If-Match against a resource version; null when the request may go on. */
  Replies ifMatch(SimulatedBmc.Request req, long version) {
    String h = req.header("if-match");
    if (h == null) {
      if (flavour.has(Behaviour.IF_MATCH_REQUIRED)) {
        // QUIRK(Lenovo XCC): a PATCH without If-Match is refused with 428.
        return Replies.error(
            428,
            "Base.1.18.PreconditionRequired",
            "A precondition header or annotation is required to change this resource.");
      }
      return null;
    }
    String strong = "\"" + version + "\"";
    String got = h.trim();
    boolean ok =
        got.equals("*")
            || got.equals(strong)
            || (shape.etagStyle() != Flavour.EtagStyle.DELL_GZIP && got.equals("W/" + strong));
    return ok
        ? null
        : Replies.error(
            412,
            "Base.1.18.PreconditionFailed",
            "The ETag supplied did not match the ETag required to change this resource.");
  }

  Replies actionIfMatch(SimulatedBmc.Request req) {
    if (req.header("if-match") != null && flavour.has(Behaviour.IF_MATCH_ON_ACTION_412)) {
      // QUIRK(Dell iDRAC10): If-Match on an action POST gets 412.
      return Replies.error(
          412, "Base.1.18.PreconditionFailed", "If-Match is not supported on actions.");
    }
    return null;
  }

  private Replies system(String path, SystemState s) {
    ObjectNode n = bmc.tree().object(path);
    if (shape.systemId() != null) {
      n.put("Id", shape.systemId());
    }
    if (shape.manufacturer() != null) {
      n.put("Manufacturer", shape.manufacturer());
      n.put("Model", shape.model());
    }
    n.put("PowerState", bmc.powerOf(s));
    if (bmc.identity() != null && path.equals(bmc.systems().keySet().iterator().next())) {
      n.put("SerialNumber", bmc.identity().serial());
      n.put("UUID", bmc.identity().uuid());
    }
    n.set("Boot", bootJson(s, n.path("Boot")));
    ObjectNode actions = n.putObject("Actions");
    ObjectNode reset = actions.putObject("#ComputerSystem.Reset");
    reset.put("target", path + RESET);
    ArrayNode types = reset.putArray("ResetType@Redfish.AllowableValues");
    List<String> resetTypes =
        shape.resetTypes() != null
            ? shape.resetTypes()
            : List.of(
                "On",
                "ForceOff",
                "GracefulShutdown",
                "GracefulRestart",
                "ForceRestart",
                "Nmi",
                "ForceOn",
                "PushPowerButton");
    resetTypes.forEach(types::add);
    n.remove("VirtualMedia");
    if (path.equals(bmc.systems().keySet().iterator().next())
        && bmc.mediaCollection() != null
        && bmc.mediaCollection().startsWith(path + "/")) {
      n.putObject("VirtualMedia").put("@odata.id", bmc.mediaCollection());
    }
    if (flavour.has(Behaviour.BOOT_ONLY_IN_SETTINGS)) {
      ObjectNode st = n.putObject("@Redfish.Settings");
      st.put("@odata.type", "#Settings.v1_3_5.Settings");
      st.putObject("SettingsObject").put("@odata.id", path + "/Settings");
    }
    String tag = etag(s.version);
    n.put("@odata.etag", tag);
    return Replies.json(200, n, "ETag", tag, "Allow", "GET,PATCH");
  }

  private Replies manager(String path) {
    ObjectNode n = bmc.tree().object(path);
    if (shape.managerId() != null) {
      n.put("Id", shape.managerId());
    }
    if (shape.managerModel() != null) {
      n.put("Model", shape.managerModel());
      n.put("FirmwareVersion", shape.firmware());
    }
    n.remove("VirtualMedia");
    if (bmc.mediaCollection() != null && bmc.mediaCollection().startsWith(path + "/")) {
      n.putObject("VirtualMedia").put("@odata.id", bmc.mediaCollection());
    }
    return Replies.json(200, n);
  }

  private ObjectNode bootJson(SystemState s, JsonNode template) {
    ObjectNode b = MockupTree.JSON.createObjectNode();
    b.put("BootSourceOverrideEnabled", s.bootEnabled);
    b.set("BootSourceOverrideEnabled@Redfish.AllowableValues", array(shape.enabledValues()));
    b.put("BootSourceOverrideTarget", s.bootTarget);
    JsonNode allowed =
        shape.bootTargets() != null
            ? array(shape.bootTargets())
            : template.path("BootSourceOverrideTarget@Redfish.AllowableValues");
    if (!allowed.isMissingNode()) {
      b.set("BootSourceOverrideTarget@Redfish.AllowableValues", allowed);
    }
    b.put("BootSourceOverrideMode", s.bootMode);
    b.set("BootSourceOverrideMode@Redfish.AllowableValues", array(List.of("Legacy", "UEFI")));
    return b;
  }

  static ArrayNode array(List<String> values) {
    ArrayNode a = MockupTree.JSON.createArrayNode();
    values.forEach(a::add);
    return a;
  }

  private List<String> allowedTargets(String path) {
    if (shape.bootTargets() != null) {
      return shape.bootTargets();
    }
    JsonNode t =
        bmc.tree()
            .object(path)
            .path("Boot")
            .path("BootSourceOverrideTarget@Redfish.AllowableValues");
    List<String> out = new java.util.ArrayList<>();
    t.forEach(v -> out.add(v.asText()));
    return out;
  }

  private Replies patchSystem(SimulatedBmc.Request req, String path, SystemState s, JsonNode body) {
    Replies pre = ifMatch(req, s.version);
    if (pre != null) {
      return pre;
    }
    if (body == null || !body.isObject()) {
      return Replies.error(400, "Base.1.18.MalformedJSON", "The request body is malformed JSON.");
    }
    if (body.has("Boot") && flavour.has(Behaviour.BOOT_ONLY_IN_SETTINGS)) {
      // QUIRK(Dell iDRAC10): Boot is writable only through the @Redfish.Settings object.
      return Replies.error(
          400,
          "Base.1.18.PropertyNotWritable",
          "The property Boot is a read-only property and cannot be assigned a value.",
          "Boot");
    }
    return applyBoot(path, s, body.path("Boot"));
  }

  private Replies settings(SimulatedBmc.Request req, String path, SystemState s, JsonNode body) {
    if ("GET".equals(req.method())) {
      ObjectNode n = MockupTree.JSON.createObjectNode();
      n.put("@odata.id", path);
      n.put("@odata.type", "#ComputerSystem.v1_20_0.ComputerSystem");
      n.put("Id", "Settings");
      n.set("Boot", bootJson(s, MockupTree.JSON.createObjectNode()));
      return Replies.json(200, n, "ETag", etag(s.version));
    }
    if (!"PATCH".equals(req.method())) {
      return notAllowed();
    }
    Replies pre = ifMatch(req, s.version);
    if (pre != null) {
      return pre;
    }
    return applyBoot(
        cut(path, "/Settings"),
        s,
        body == null ? MockupTree.JSON.missingNode() : body.path("Boot"));
  }

  private Replies applyBoot(String path, SystemState s, JsonNode boot) {
    if (boot.isMissingNode()) {
      return Replies.empty(204);
    }
    if (s.inPost && flavour.has(Behaviour.REFUSES_BOOT_PATCH_DURING_POST)) {
      // QUIRK(HPE iLO): boot changes are refused while the host is in POST.
      s.inPost = false;
      return Replies.error(
          400,
          "iLO.2.14.UnableToModifyDuringSystemPOST",
          "The value for the property cannot be changed while the computer system is in POST.");
    }
    String target = text(boot, "BootSourceOverrideTarget");
    String enabled = text(boot, "BootSourceOverrideEnabled");
    String mode = text(boot, "BootSourceOverrideMode");
    List<String> targets = allowedTargets(path);
    if (target != null && !targets.isEmpty() && !targets.contains(target)) {
      return notInList(target, "BootSourceOverrideTarget");
    }
    if (enabled != null && !shape.enabledValues().contains(enabled)) {
      // QUIRK(Lenovo XCC): Continuous is not in the list.
      return notInList(enabled, "BootSourceOverrideEnabled");
    }
    if (mode != null && !List.of("UEFI", "Legacy").contains(mode)) {
      return notInList(mode, "BootSourceOverrideMode");
    }
    if (enabled == null && flavour.has(Behaviour.ENABLED_REQUIRED)) {
      // QUIRK(Supermicro): BootSourceOverrideEnabled must be sent every time.
      return missing("BootSourceOverrideEnabled");
    }
    if (target != null) {
      s.bootTarget = target;
    }
    if (enabled != null) {
      s.bootEnabled = enabled;
    }
    if (mode != null) {
      s.bootMode = mode;
    } else if (target != null && flavour.has(Behaviour.MODE_RESETS_WITHOUT_MODE)) {
      // QUIRK(Supermicro): changing only the device resets the mode to its default (Legacy).
      s.bootMode = "Legacy";
    }
    s.version++;
    return Replies.empty(204);
  }

  static Replies notInList(String value, String property) {
    return Replies.error(
        400,
        "Base.1.18.PropertyValueNotInList",
        "The value "
            + value
            + " for the property "
            + property
            + " is not in the list of acceptable values.",
        value,
        property);
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isTextual() ? v.asText() : null;
  }

  private Replies reset(SimulatedBmc.Request req, SystemState s, JsonNode body) {
    Replies pre = actionIfMatch(req);
    if (pre != null) {
      return pre;
    }
    String type = body == null ? null : text(body, "ResetType");
    List<String> types =
        shape.resetTypes() != null
            ? shape.resetTypes()
            : List.of(
                "On",
                "ForceOff",
                "GracefulShutdown",
                "GracefulRestart",
                "ForceRestart",
                "Nmi",
                "ForceOn",
                "PushPowerButton");
    if (type == null) {
      return Replies.error(
          400,
          "Base.1.18.ActionParameterMissing",
          "The action ComputerSystem.Reset requires the parameter ResetType to be present in the request body.",
          "ComputerSystem.Reset",
          "ResetType");
    }
    if (!types.contains(type)) {
      return Replies.error(
          400,
          "Base.1.18.ActionParameterNotSupported",
          "The parameter ResetType for the action ComputerSystem.Reset is not supported on the target resource.",
          type,
          "ComputerSystem.Reset");
    }
    boolean on = "On".equals(bmc.powerOf(s));
    switch (type) {
      case "On", "ForceOn" -> {
        if (on && flavour.has(Behaviour.ALREADY_ON_409)) {
          return Replies.error(409, "IDRAC.2.9.PSU501", "Server is already powered ON.");
        }
        if (s.conflictArmed && flavour.has(Behaviour.ON_CONFLICT_AFTER_OFF)) {
          // QUIRK(Dell iDRAC10): On is refused with 409 for a while after a power-off.
          s.conflictArmed = false;
          return Replies.error(
              409,
              "Base.1.18.ActionParameterValueConflict",
              "The parameter ResetType with value On conflicts with the current state.",
              "ResetType",
              "On");
        }
      }
      default -> {}
    }
    return async(() -> power(s, type));
  }

  private void power(SystemState s, String type) {
    if (bmc.onHardware(s)) {
      bmc.hardwarePower(s, type);
      return;
    }
    boolean on = "On".equals(s.power);
    switch (type) {
      case "On", "ForceOn" -> {
        if (!on) {
          powerOn(s);
        }
      }
      case "ForceOff", "GracefulShutdown" -> {
        if (on) {
          s.power = "Off";
          s.changedAt = Instant.now();
          s.conflictArmed = true;
        }
      }
      case "ForceRestart", "GracefulRestart", "PowerCycle" -> powerOn(s);
      case "PushPowerButton" -> {
        if (on) {
          s.power = "Off";
          s.changedAt = Instant.now();
        } else {
          powerOn(s);
        }
      }
      default -> {}
    }
  }

  private void powerOn(SystemState s) {
    s.power = "On";
    s.changedAt = Instant.now();
    s.inPost = true;
    bmc.boot(s);
  }

  /** Runs {@code effect} now (204) or, with asynchronous faults, as a task (202). */
  Replies async(Runnable effect) {
    Faults f = bmc.faults();
    if (!f.asyncActions()) {
      effect.run();
      return Replies.empty(204);
    }
    String id = bmc.nextTaskId();
    SimTask t = new SimTask(id, f.failTasks(), effect);
    bmc.tasks().put(id, t);
    return Replies.json(202, taskJson(t), "Location", MONITORS + id);
  }

  private ObjectNode taskJson(SimTask t) {
    ObjectNode n = MockupTree.JSON.createObjectNode();
    n.put("@odata.id", TASKS + t.id);
    n.put("@odata.type", "#Task.v1_7_4.Task");
    n.put("Id", t.id);
    n.put("Name", "Task " + t.id);
    n.put("TaskState", t.state);
    n.put("TaskStatus", "Exception".equals(t.state) ? "Critical" : "OK");
    n.put("TaskMonitor", MONITORS + t.id);
    if ("Exception".equals(t.state)) {
      ObjectNode m = n.putArray("Messages").addObject();
      m.put("MessageId", "Base.1.18.InternalError");
      m.put(
          "Message",
          t.failure != null
              ? "The request failed due to an internal service error: " + t.failure
              : "The request failed due to an internal service error (injected).");
      m.put("Severity", "Critical");
    }
    return n;
  }

  private Replies task(String path) {
    boolean monitor = path.startsWith(MONITORS);
    String id = path.substring(monitor ? MONITORS.length() : TASKS.length());
    SimTask t = bmc.tasks().get(id);
    if (t == null) {
      return Replies.error(404, "Base.1.18.ResourceMissingAtURI", "No such task.", path);
    }
    t.poll();
    ObjectNode json = taskJson(t);
    if (!t.done()) {
      return monitor ? Replies.json(202, json, "Location", path) : Replies.json(200, json);
    }
    if (monitor && flavour.has(Behaviour.MONITOR_DELETES_TASK)) {
      // QUIRK(Lenovo XCC): reading a finished task's monitor deletes the task.
      bmc.tasks().remove(id);
    }
    return Replies.json(200, json);
  }

  private Replies mediaCollection() {
    ObjectNode c = MockupTree.JSON.createObjectNode();
    c.put("@odata.id", bmc.mediaCollection());
    c.put("@odata.type", "#VirtualMediaCollection.VirtualMediaCollection");
    c.put("Name", "Virtual Media Services");
    ArrayNode members = c.putArray("Members");
    bmc.slots().keySet().forEach(p -> members.addObject().put("@odata.id", p));
    c.put("Members@odata.count", members.size());
    return Replies.json(200, c);
  }

  private Replies slot(String path, SlotState s) {
    ObjectNode n = bmc.tree().object(path);
    if (n == null) {
      n = MockupTree.JSON.createObjectNode();
      n.put("@odata.id", path);
      n.put("@odata.type", "#VirtualMedia.v1_6_0.VirtualMedia");
      n.put("Id", s.spec.id());
      n.put("Name", "Virtual Removable Media");
    }
    n.set("MediaTypes", array(s.spec.mediaTypes()));
    n.put("Image", s.image);
    n.put("ImageName", s.imageName);
    n.put("Inserted", s.inserted);
    n.put("WriteProtected", s.writeProtected);
    n.put("ConnectedVia", s.connectedVia);
    if (s.transferProtocol != null) {
      n.put("TransferProtocolType", s.transferProtocol);
    }
    if (s.spec.insertAction() || s.spec.ejectAction()) {
      ObjectNode actions = n.putObject("Actions");
      if (s.spec.insertAction()) {
        actions.putObject("#VirtualMedia.InsertMedia").put("target", path + INSERT);
      }
      if (s.spec.ejectAction()) {
        actions.putObject("#VirtualMedia.EjectMedia").put("target", path + EJECT);
      }
    }
    String tag = etag(s.version);
    n.put("@odata.etag", tag);
    return Replies.json(200, n, "ETag", tag, "Allow", shape.allow());
  }
}
