/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One simulated BMC: its state (power, boot override, media slots, sessions, tasks) and the answers
 * to Redfish requests. Requests to one BMC are served one at a time under its lock, after any
 * injected latency.
 */
public final class SimulatedBmc {

  /** A boot the simulated server went through: the device and, from CD, the media URLs. */
  public record BootRecord(String device, List<URI> media) {}

  /** One request, as the HTTP layer hands it over (header names in lower case). */
  record Request(String method, String path, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  private final String id;
  private final Flavour flavour;
  private final URI url;
  private final MockupTree tree;
  private final String username;
  private final String password;
  private final BootListener listener;
  private final ReentrantLock lock = new ReentrantLock();
  private final SplittableRandom random;
  private final Map<String, SystemState> systems = new LinkedHashMap<>();
  private final Map<String, SlotState> slots = new LinkedHashMap<>();
  private final Map<String, Session> sessions = new LinkedHashMap<>();
  private final Map<String, SimTask> tasks = new LinkedHashMap<>();
  private final List<BootRecord> boots = new ArrayList<>();
  private final String mediaCollection;
  private final Hardware hardware;
  private final Hardware.Identity identity;
  private final Map<String, Integer> drives = new LinkedHashMap<>();
  private final Map<String, Rendered> rendered = new java.util.HashMap<>();
  private volatile Faults faults;
  private int sessionCounter;
  private int sessionHighWater;
  private int taskCounter;
  private long requests;

  SimulatedBmc(
      String id,
      Flavour flavour,
      URI url,
      String username,
      String password,
      Faults faults,
      long seed,
      BootListener listener) {
    this(id, flavour, url, username, password, faults, seed, listener, null, null);
  }

  /**
   * @param hardware the machine behind this BMC, or null for the in-memory simulation
   * @param identity the serial number and UUID its system reports (null: the mockup's)
   */
  SimulatedBmc(
      String id,
      Flavour flavour,
      URI url,
      String username,
      String password,
      Faults faults,
      long seed,
      BootListener listener,
      Hardware hardware,
      Hardware.Identity identity) {
    this.id = id;
    this.hardware = hardware;
    this.identity = identity;
    this.flavour = flavour;
    this.url = url;
    this.tree = MockupTree.of(flavour);
    this.username = username;
    this.password = password;
    this.faults = faults;
    this.random = new SplittableRandom(seed);
    this.listener = listener;
    for (String s : tree.systems()) {
      systems.put(s, new SystemState(tree.object(s)));
    }
    Flavour.Shape shape = flavour.shape();
    String primary = tree.systems().isEmpty() ? null : tree.systems().get(0);
    String owner =
        shape.mediaOnManager() && !tree.managers().isEmpty() ? tree.managers().get(0) : primary;
    this.mediaCollection =
        owner == null || shape.slots().isEmpty() ? null : owner + "/VirtualMedia";
    if (hardware == null) {
      for (Flavour.SlotSpec spec : shape.slots()) {
        slots.put(mediaCollection + "/" + spec.id(), new SlotState(spec));
      }
    } else {
      attachDrives(shape.slots());
    }
  }

  /**
   * With hardware, the BMC shows only the slots that have a drive, empty at start: drive 0 is the
   * first bootable CD slot, drive 1 the next slot taking a CD (else a USB stick), which is where
   * the controller puts the task ISO beside the boot ISO.
   */
  private void attachDrives(List<Flavour.SlotSpec> specs) {
    Flavour.SlotSpec boot =
        specs.stream()
            .filter(s -> s.bootable() && s.mediaTypes().contains("CD"))
            .findFirst()
            .orElse(null);
    Flavour.SlotSpec beside =
        specs.stream()
            .filter(s -> s != boot && s.mediaTypes().contains("CD"))
            .findFirst()
            .or(
                () ->
                    specs.stream()
                        .filter(s -> s != boot && s.mediaTypes().contains("USBStick"))
                        .findFirst())
            .orElse(null);
    for (Flavour.SlotSpec spec : specs) {
      // Drive 0 backs the boot slot, drive 1 the slot beside it: hardware with one drive (a
      // one-slot BMC, as OpenBMC) shows no second slot.
      if ((spec == boot && hardware.drives() > 0) || (spec == beside && hardware.drives() > 1)) {
        Flavour.SlotSpec empty =
            new Flavour.SlotSpec(
                spec.id(),
                spec.mediaTypes(),
                spec.insertAction(),
                spec.ejectAction(),
                spec.bootable(),
                null,
                false,
                "NotConnected");
        String path = mediaCollection + "/" + spec.id();
        slots.put(path, new SlotState(empty));
        drives.put(path, spec == boot ? 0 : 1);
      }
    }
  }

  /** Its id ({@code bmc-0} ...), as given to the {@link BootListener}. */
  public String id() {
    return id;
  }

  public Flavour flavour() {
    return flavour;
  }

  /** Its base URL: the service root is at {@code url + /redfish/v1/}. */
  public URI url() {
    return url;
  }

  /** Changes the faults from now on. */
  public void faults(Faults f) {
    this.faults = f;
  }

  public Faults faults() {
    return faults;
  }

  /** Expires every session now: the next request with a token gets 401. */
  public void expireSessions() {
    locked(() -> sessions.clear());
  }

  public int sessionCount() {
    return locked(sessions::size);
  }

  /**
   * The most sessions this BMC has had open at once: logged in, not logged out, and not expired
   * ({@link Faults#sessionTtl()}; a client that dies without logging out leaves its session open
   * until then, as on a real BMC).
   */
  public int sessionHighWater() {
    return locked(() -> sessionHighWater);
  }

  /** The primary system's power state as Redfish shows it now. */
  public String powerState() {
    return locked(() -> powerOf(primary()));
  }

  /** The machine behind this BMC, or null when it is simulated in memory. */
  public Hardware hardware() {
    return hardware;
  }

  /** The primary system's serial number, as its Redfish resource reports it. */
  public String systemSerial() {
    return identity != null
        ? identity.serial()
        : tree.object(tree.systems().getFirst()).path("SerialNumber").asText(null);
  }

  /** The primary system's UUID, as its Redfish resource reports it. */
  public String systemUuid() {
    return identity != null
        ? identity.uuid()
        : tree.object(tree.systems().getFirst()).path("UUID").asText(null);
  }

  /** The identity that replaces the mockup's serial and UUID, or null. */
  Hardware.Identity identity() {
    return identity;
  }

  /** A system's power state: from the hardware for the primary system when there is hardware. */
  String powerOf(SystemState s) {
    if (hardware != null && s == primary()) {
      return hardware.poweredOn() ? "On" : "Off";
    }
    return s.power(faults.powerTransition());
  }

  /** Whether {@code s} is backed by hardware. */
  boolean onHardware(SystemState s) {
    return hardware != null && s == primary();
  }

  /**
   * A power action on the hardware. A boot goes to the override device (consumed when Once, as
   * {@link #boot} does); later boots by the guest go to the override only when Continuous.
   */
  void hardwarePower(SystemState s, String type) {
    boolean on = hardware.poweredOn();
    switch (type) {
      case "On", "ForceOn" -> {
        if (!on) {
          hardwareStart(s);
        }
      }
      case "ForceOff" -> {
        if (on) {
          hardware.forceOff();
        }
      }
      case "GracefulShutdown" -> {
        if (on) {
          hardware.gracefulShutdown();
        }
      }
      case "ForceRestart", "GracefulRestart", "PowerCycle" -> hardwareStart(s);
      case "PushPowerButton" -> {
        if (on) {
          hardware.gracefulShutdown();
        } else {
          hardwareStart(s);
        }
      }
      case "Nmi" -> hardware.nmi();
      default -> {}
    }
  }

  private void hardwareStart(SystemState s) {
    String device = boot(s);
    String later = "Continuous".equals(s.bootEnabled) ? hardwareDevice(s.bootTarget) : "None";
    hardware.start(device, later);
  }

  private String hardwareDevice(String target) {
    boolean usbCd = flavour.has(Flavour.Behaviour.CD_NEEDS_USBCD);
    if (usbCd ? "UsbCd".equals(target) : "Cd".equals(target)) {
      return "Cd";
    }
    return "Hdd".equals(target) ? "Hdd" : "None";
  }

  /** Reads a slot's medium back from its drive: the guest or QEMU may have changed it. */
  void refresh(String path, SlotState s) {
    Integer drive = drives.get(path);
    if (drive == null) {
      return;
    }
    java.util.Optional<String> m = hardware.medium(drive);
    if (m.isEmpty()) {
      if (s.inserted) {
        s.eject(false);
      }
    } else if (!s.inserted || !m.get().equals(s.image)) {
      s.insert(m.get(), true, true, s.transferProtocol);
    }
  }

  /** Inserts media into a slot, and into its drive first when it has one. */
  void insertMedia(
      String path, SlotState s, String image, boolean inserted, boolean wp, String protocol) {
    Integer drive = drives.get(path);
    if (drive != null && inserted) {
      URI uri;
      try {
        uri = URI.create(image);
      } catch (IllegalArgumentException e) {
        throw new HardwareException("the image " + image + " is not a URL: " + e.getMessage(), e);
      }
      hardware.insert(drive, uri);
    }
    s.insert(image, inserted, wp, protocol);
  }

  /** Ejects a slot's media, and its drive's first when it has one. */
  void ejectMedia(String path, SlotState s, boolean keepImage) {
    Integer drive = drives.get(path);
    if (drive != null) {
      hardware.eject(drive);
    }
    s.eject(keepImage);
  }

  /** Stops the hardware, if any. */
  void closeHardware() {
    if (hardware != null) {
      hardware.close();
    }
  }

  /** The primary system's override: target, enabled, mode. */
  public List<String> bootOverride() {
    return locked(() -> List.of(primary().bootTarget, primary().bootEnabled, primary().bootMode));
  }

  /** URLs of media that is inserted, by slot id. */
  public Map<String, String> insertedMedia() {
    return locked(
        () -> {
          Map<String, String> m = new LinkedHashMap<>();
          slots.values().stream().filter(s -> s.inserted).forEach(s -> m.put(s.spec.id(), s.image));
          return m;
        });
  }

  /** Every boot since start, oldest first. */
  public List<BootRecord> bootHistory() {
    return locked(() -> List.copyOf(boots));
  }

  /** Requests answered so far. */
  public long requestCount() {
    return locked(() -> requests);
  }

  private <T> T locked(java.util.function.Supplier<T> s) {
    lock.lock();
    try {
      return s.get();
    } finally {
      lock.unlock();
    }
  }

  private void locked(Runnable r) {
    lock.lock();
    try {
      r.run();
    } finally {
      lock.unlock();
    }
  }

  private SystemState primary() {
    return systems.values().iterator().next();
  }

  Replies handle(Request req) {
    Faults f = faults;
    if (!f.latency().isZero()) {
      try {
        Thread.sleep(f.latency());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Replies.DROP;
      }
    }
    lock.lock();
    try {
      requests++;
      if (f.dropRate() > 0 && random.nextDouble() < f.dropRate()) {
        return Replies.DROP;
      }
      if (f.errorRate() > 0 && random.nextDouble() < f.errorRate()) {
        return Replies.error(
                503,
                "Base.1.18.ServiceTemporarilyUnavailable",
                "The service is temporarily unavailable.",
                "0")
            .withHeader("Retry-After", "0");
      }
      String path = normalize(req.path());
      Replies denied = authenticate(req, path);
      if (denied != null) {
        return denied;
      }
      if (flavour.has(Flavour.Behaviour.CONTENT_TYPE_REQUIRED)
          && req.body().length > 0
          && !String.valueOf(req.header("content-type")).contains("application/json")) {
        // QUIRK(HPE iLO Gen9/Gen10): a body without Content-Type: application/json is refused.
        return Replies.error(415, "Base.1.18.UnsupportedMediaType", "Unsupported media type.");
      }
      try {
        Replies r = new Routes(this).route(req, path);
        return f.closeAfterAnswerRate() > 0 && random.nextDouble() < f.closeAfterAnswerRate()
            ? r.closing()
            : r;
      } catch (HardwareException e) {
        // A QMP error (or QEMU gone) is the BMC's failure: the client sees it, never a silent OK.
        return Replies.error(
            500,
            "Base.1.18.InternalError",
            "The request failed due to an internal service error: " + e.getMessage());
      }
    } finally {
      lock.unlock();
    }
  }

  static String normalize(String path) {
    String p = path;
    int q = p.indexOf('?');
    if (q >= 0) {
      p = p.substring(0, q);
    }
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private Replies authenticate(Request req, String path) {
    boolean open =
        ("GET".equals(req.method()) && (path.equals(MockupTree.ROOT) || path.equals("/redfish")))
            || ("POST".equals(req.method()) && path.equals(sessionsPath()));
    if (open) {
      return null;
    }
    String token = req.header("x-auth-token");
    if (token != null) {
      Session s = sessions.get(token);
      Duration ttl = faults.sessionTtl();
      if (s != null && !ttl.isZero() && s.created.plus(ttl).isBefore(Instant.now())) {
        sessions.remove(token);
        s = null;
      }
      if (s != null) {
        return null;
      }
      return Replies.error(401, "Base.1.18.NoValidSession", "There is no valid session.");
    }
    String auth = req.header("authorization");
    if (auth != null && auth.startsWith("Basic ")) {
      String pair =
          new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
      if (pair.equals(username + ":" + password)) {
        return null;
      }
    }
    return Replies.error(401, "Base.1.18.InsufficientPrivilege", "Authentication required.")
        .withHeader("WWW-Authenticate", "Basic realm=\"Redfish\"");
  }

  String sessionsPath() {
    return MockupTree.ROOT + "/SessionService/Sessions";
  }

  Replies login(JsonNode body) {
    String user = body.path("UserName").asText(null);
    String pass = body.path("Password").asText(null);
    if (user == null || pass == null || !user.equals(username) || !pass.equals(password)) {
      return Replies.error(401, "Base.1.18.ResourceAtUriUnauthorized", "Invalid credentials.");
    }
    if (sessions.size() >= flavour.shape().maxSessions()) {
      // QUIRK(Lenovo XCC): at most 16 sessions; clients must log out.
      return Replies.error(
          503,
          "Base.1.18.SessionLimitExceeded",
          "The session establishment failed due to the"
              + " number of simultaneous sessions exceeding the limit of the implementation.");
    }
    byte[] raw = new byte[16];
    random.nextBytes(raw);
    String token = HexFormat.of().formatHex(raw);
    String sid = String.valueOf(++sessionCounter);
    Session s = new Session(sid, user, Instant.now());
    sessions.put(token, s);
    sessionHighWater = Math.max(sessionHighWater, liveSessions(s.created()));
    return Replies.json(201, sessionJson(s), "X-Auth-Token", token, "Location", s.link(this));
  }

  private int liveSessions(Instant now) {
    Duration ttl = faults.sessionTtl();
    return (int)
        sessions.values().stream()
            .filter(x -> ttl.isZero() || !x.created().plus(ttl).isBefore(now))
            .count();
  }

  ObjectNode sessionJson(Session s) {
    ObjectNode n = MockupTree.JSON.createObjectNode();
    n.put("@odata.id", s.link(this));
    n.put("@odata.type", "#Session.v1_7_0.Session");
    n.put("Id", s.id);
    n.put("Name", "User Session");
    n.put("UserName", s.user);
    return n;
  }

  Map<String, Session> sessions() {
    return sessions;
  }

  Map<String, SystemState> systems() {
    return systems;
  }

  Map<String, SlotState> slots() {
    return slots;
  }

  Map<String, SimTask> tasks() {
    return tasks;
  }

  String mediaCollection() {
    return mediaCollection;
  }

  MockupTree tree() {
    return tree;
  }

  String nextTaskId() {
    return String.valueOf(++taskCounter);
  }

  /**
   * The server starts: it boots from the override (once) or its disk; a CD boot calls back. Returns
   * the device it boots: {@code Cd}, {@code Hdd} or {@code None} (the default order).
   */
  String boot(SystemState sys) {
    String device = "Hdd";
    if ("Once".equals(sys.bootEnabled) || "Continuous".equals(sys.bootEnabled)) {
      device = sys.bootTarget;
      if ("Once".equals(sys.bootEnabled)) {
        sys.bootEnabled = "Disabled";
        sys.bootTarget = "None";
        sys.version++;
      }
    }
    boolean usbCd = flavour.has(Flavour.Behaviour.CD_NEEDS_USBCD);
    // QUIRK(Supermicro X11/X12): Cd means the physical drive; only UsbCd boots the virtual CD.
    boolean cd = usbCd ? "UsbCd".equals(device) : "Cd".equals(device);
    List<URI> media = new ArrayList<>();
    if (cd && sys == primary()) {
      for (SlotState s : slots.values()) {
        if (s.spec.bootable() && s.inserted && s.image != null) {
          media.add(URI.create(s.image));
        }
      }
      if (!media.isEmpty()) {
        // The booted OS sees every other attached medium too (a task ISO on a virtual USB stick).
        for (SlotState s : slots.values()) {
          if (!s.spec.bootable() && s.inserted && s.image != null) {
            media.add(URI.create(s.image));
          }
        }
      }
    }
    boots.add(new BootRecord(cd ? "Cd" : device, List.copyOf(media)));
    if (!media.isEmpty()) {
      String bmcId = id;
      List<URI> m = List.copyOf(media);
      Thread.ofVirtual()
          .name("bmcsim-boot-" + id)
          .start(() -> listener.bootedFromVirtualMedia(bmcId, m));
    }
    return cd ? "Cd" : "Hdd".equals(device) ? "Hdd" : "None";
  }

  /** An answer rendered for a resource in one state ({@code key}). */
  private record Rendered(Object key, Replies reply) {}

  /**
   * The answer for {@code path} in the state {@code key}: rendered once and reused while the key
   * stays the same (the resource's version and anything else its JSON shows), so that a resource
   * read again and again is not parsed and serialized again. Called under the lock.
   */
  Replies rendered(String path, Object key, java.util.function.Supplier<Replies> render) {
    Rendered r = rendered.get(path);
    if (r != null && r.key().equals(key)) {
      return r.reply();
    }
    Replies reply = render.get();
    rendered.put(path, new Rendered(key, reply));
    return reply;
  }

  /** A login session. */
  record Session(String id, String user, Instant created) {
    String link(SimulatedBmc b) {
      return b.sessionsPath() + "/" + id;
    }
  }

  /** Power and boot override of one system. */
  static final class SystemState {
    String power;
    Instant changedAt = Instant.EPOCH;
    String bootTarget;
    String bootEnabled;
    String bootMode;
    long version = 1;
    boolean conflictArmed;
    boolean inPost;

    SystemState(ObjectNode template) {
      power = template.path("PowerState").asText("Off");
      JsonNode b = template.path("Boot");
      bootTarget = b.path("BootSourceOverrideTarget").asText("None");
      bootEnabled = b.path("BootSourceOverrideEnabled").asText("Disabled");
      bootMode = b.path("BootSourceOverrideMode").asText("UEFI");
    }

    String power(Duration transition) {
      if (!transition.isZero() && changedAt.plus(transition).isAfter(Instant.now())) {
        return "On".equals(power) ? "PoweringOn" : "PoweringOff";
      }
      return power;
    }
  }

  /** One VirtualMedia slot. */
  static final class SlotState {
    final Flavour.SlotSpec spec;
    String image;
    String imageName;
    boolean inserted;
    boolean writeProtected = true;
    String connectedVia;
    String transferProtocol;
    long version = 1;

    SlotState(Flavour.SlotSpec spec) {
      this.spec = spec;
      this.image = spec.image();
      this.imageName = spec.image() == null ? null : lastSegment(spec.image());
      this.inserted = spec.inserted();
      this.connectedVia = spec.connectedVia();
    }

    void insert(String img, boolean ins, boolean wp, String protocol) {
      image = img;
      imageName = lastSegment(img);
      inserted = ins;
      writeProtected = wp;
      connectedVia = ins ? "URI" : "NotConnected";
      transferProtocol = protocol;
      version++;
    }

    void eject(boolean keepImage) {
      if (!keepImage) {
        image = null;
        imageName = null;
        transferProtocol = null;
      }
      inserted = false;
      connectedVia = "NotConnected";
      version++;
    }

    static String lastSegment(String s) {
      int i = s.lastIndexOf('/');
      return i < 0 ? s : s.substring(i + 1);
    }
  }

  /** A task started by an asynchronous action; it ends after two polls. */
  static final class SimTask {
    final String id;
    final boolean fail;
    final Runnable effect;
    int polls;
    String state = "New";
    String failure;

    SimTask(String id, boolean fail, Runnable effect) {
      this.id = id;
      this.fail = fail;
      this.effect = effect;
    }

    void poll() {
      polls++;
      if (polls == 1) {
        state = "Running";
      } else if ("Running".equals(state)) {
        if (fail) {
          state = "Exception";
        } else {
          try {
            effect.run();
            state = "Completed";
          } catch (HardwareException e) {
            state = "Exception";
            failure = e.getMessage();
          }
        }
      }
    }

    boolean done() {
      return "Completed".equals(state) || "Exception".equals(state);
    }
  }
}
