/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import dev.plinth.controller.api.Endpoint.Call;
import dev.plinth.controller.api.Wire.BmcIn;
import dev.plinth.controller.api.Wire.MachineIn;
import dev.plinth.controller.api.Wire.MachineOut;
import dev.plinth.controller.jobs.BmcDriver;
import dev.plinth.controller.jobs.BmcTargets;
import dev.plinth.controller.jobs.Ids;
import dev.plinth.controller.jobs.MachineEvent;
import dev.plinth.controller.jobs.MachineLifecycle;
import dev.plinth.controller.security.Role;
import dev.plinth.controller.store.Machine;
import dev.plinth.controller.store.MachineState;
import dev.plinth.controller.store.MachineStates;
import dev.plinth.controller.store.MachineStatus;
import dev.plinth.controller.store.Page;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/machines}: create (checking the BMC and reading its inventory unless {@code
 * ?validate=false}), list, get, update (If-Match), delete, power, inventory.
 */
final class MachinesApi implements HttpService {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?");
  private static final Set<String> POWER =
      Set.of("On", "ForceOff", "GracefulShutdown", "ForceRestart", "GracefulRestart", "PowerCycle");

  private final ApiContext ctx;
  private final MachineStates states;
  private final MachineLifecycle lifecycle;

  MachinesApi(ApiContext ctx) {
    this.ctx = ctx;
    this.states = new MachineStates(ctx.jobs().database());
    this.lifecycle = new MachineLifecycle(states, ctx.clock());
  }

  @Override
  public void routing(HttpRules r) {
    var auth = ctx.auth();
    r.get("/machines", Endpoint.guarded(auth, Role.VIEWER, this::list));
    r.post("/machines", Endpoint.guarded(auth, Role.OPERATOR, this::create));
    r.get("/machines/{name}", Endpoint.guarded(auth, Role.VIEWER, this::get));
    r.patch("/machines/{name}", Endpoint.guarded(auth, Role.OPERATOR, this::update));
    r.delete("/machines/{name}", Endpoint.guarded(auth, Role.OPERATOR, this::delete));
    r.post("/machines/{name}/power", Endpoint.guarded(auth, Role.OPERATOR, this::power));
    r.post("/machines/{name}/inventory", Endpoint.guarded(auth, Role.OPERATOR, this::inventory));
  }

  private void list(Call c) {
    Map<String, String> labels = new HashMap<>();
    for (String l : c.req().query().all("label", List::of)) {
      int eq = l.indexOf('=');
      if (eq <= 0) {
        throw ApiException.bad("label filters are KEY=VALUE, got '" + l + "'");
      }
      labels.put(l.substring(0, eq), l.substring(eq + 1));
    }
    MachineState state;
    try {
      state = c.req().query().first("state").map(MachineState::parse).orElse(null);
    } catch (IllegalArgumentException e) {
      throw ApiException.bad(e.getMessage() + "; states: " + MachineLifecycleApi.STATES);
    }
    Page<Machine> p =
        ctx.machines()
            .list(
                labels,
                state,
                search(c),
                c.req().query().first("after").orElse(null),
                Endpoint.limit(c.req()));
    Map<String, MachineStatus> st = states.get(p.items().stream().map(Machine::id).toList());
    ApiJson.send(
        c.res(),
        new Wire.PageOut<>(
            p.items().stream().map(m -> MachineOut.of(m, st.get(m.id()))).toList(), p.next()));
  }

  /** {@code ?q=}: part of a machine's name (names are lower case, so is the search). */
  private static String search(Call c) {
    String q = c.req().query().first("q").orElse("").strip();
    if (q.length() > 63) {
      throw ApiException.bad("q is part of a machine name: at most 63 characters");
    }
    return q.isEmpty() ? null : q.toLowerCase(java.util.Locale.ROOT);
  }

  private void create(Call c) {
    boolean check = validate(c);
    MachineIn in = ApiJson.read(c.req(), MachineIn.class);
    if (in.name() == null || !NAME.matcher(in.name()).matches()) {
      throw invalid("/name", "must be 1-63 of a-z 0-9 . _ - (starting and ending alphanumeric)");
    }
    BmcIn b = in.bmc();
    if (b == null) {
      throw invalid("/bmc", "is required");
    }
    checkUrl(b.url());
    if (b.username() == null || b.username().isBlank()) {
      throw invalid("/bmc/username", "is required");
    }
    if (b.password() == null || b.password().isEmpty()) {
      throw invalid("/bmc/password", "is required");
    }
    oneTrust(Boolean.TRUE.equals(b.insecure()), b.caPem(), b.fingerprint());
    Instant now = ctx.clock().instant();
    String id = Ids.timeOrdered("m", now);
    Machine m =
        new Machine(
            id,
            in.name(),
            b.url(),
            b.username(),
            ctx.box().seal(b.password(), BmcTargets.context(id)),
            Boolean.TRUE.equals(b.insecure()),
            caPem(b.caPem()),
            fingerprint(b.fingerprint()),
            in.labels() == null ? Map.of() : in.labels(),
            null,
            1,
            now,
            now);
    if (check) {
      m = withInventory(m, checkBmc(m), now);
    }
    try {
      ctx.machines().create(m);
    } catch (dev.plinth.controller.store.ConflictException e) {
      throw new ApiException(
          ProblemType.CONFLICT,
          "a machine named "
              + m.name()
              + " already exists: choose another name, or remove it first (DELETE"
              + " /api/v1/machines/"
              + m.name()
              + ", plinth machines rm "
              + m.name()
              + ")");
    }
    // Enrolling until the BMC was checked and the inventory read (now, or by .../inventory).
    MachineStatus st =
        check
            ? lifecycle.fire(
                m.id(),
                m.name(),
                MachineEvent.ENROLLED,
                "BMC checked, inventory read",
                c.principal().name())
            : states.get(m.id()).orElse(null);
    c.res().header(HeaderNames.LOCATION, "/api/v1/machines/" + m.name());
    etag(c, m);
    ApiJson.send(c.res(), Status.CREATED_201, MachineOut.of(m, st));
  }

  /** {@code ?validate=false} skips the BMC check at enrolment (offline enrolment). */
  private static boolean validate(Call c) {
    String v = c.req().query().first("validate").orElse("true");
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw ApiException.bad("validate is true or false, not '" + v + "'");
    };
  }

  /**
   * Logs in to the machine's BMC and reads its inventory, as Ironic's {@code validate} does: a
   * wrong URL, user name, password or certificate is refused at enrolment, not at the first job.
   */
  private String checkBmc(Machine m) {
    try (BmcDriver.Session s = ctx.bmc().open(BmcTargets.of(m, ctx.box()))) {
      return s.inventoryJson();
    } catch (BmcDriver.BmcException e) {
      throw new ApiException(
          ProblemType.BMC_FAILED,
          "machine "
              + m.name()
              + " was not added: checking its BMC (log in, read the inventory) failed: "
              + e.getMessage()
              + ". Correct the BMC URL, user name or password; or, to enrol it while the BMC is"
              + " unreachable, add it unchecked (plinth machines add --no-validate, API"
              + " ?validate=false) and run plinth machines inspect "
              + m.name()
              + " later");
    }
  }

  private static Machine withInventory(Machine m, String inventory, Instant now) {
    return new Machine(
        m.id(),
        m.name(),
        m.bmcUrl(),
        m.bmcUsername(),
        m.sealedPassword(),
        m.bmcInsecure(),
        m.bmcCaPem(),
        m.bmcFingerprint(),
        m.labels(),
        inventory,
        m.version(),
        m.createdAt(),
        now);
  }

  private void get(Call c) {
    Machine m = find(c);
    etag(c, m);
    ApiJson.send(c.res(), out(m));
  }

  private void update(Call c) {
    Machine m = find(c);
    long expected = ifMatch(c, m);
    MachineIn in = ApiJson.read(c.req(), MachineIn.class);
    if (in.name() != null && !in.name().equals(m.name())) {
      throw invalid("/name", "cannot be changed (delete and add the machine)");
    }
    String url = m.bmcUrl();
    String user = m.bmcUsername();
    String sealed = m.sealedPassword();
    boolean insecure = m.bmcInsecure();
    String caPem = m.bmcCaPem();
    String fingerprint = m.bmcFingerprint();
    if (in.bmc() != null) {
      BmcIn b = in.bmc();
      if (b.url() != null) {
        checkUrl(b.url());
        url = b.url();
      }
      user = b.username() != null ? b.username() : user;
      sealed =
          b.password() != null ? ctx.box().seal(b.password(), BmcTargets.context(m.id())) : sealed;
      insecure = b.insecure() != null ? b.insecure() : insecure;
      // An empty string clears a CA bundle or a pin.
      caPem = b.caPem() == null ? caPem : caPem(b.caPem());
      fingerprint = b.fingerprint() == null ? fingerprint : fingerprint(b.fingerprint());
      oneTrust(insecure, caPem, fingerprint);
    }
    Machine next =
        new Machine(
            m.id(),
            m.name(),
            url,
            user,
            sealed,
            insecure,
            caPem,
            fingerprint,
            in.labels() != null ? in.labels() : m.labels(),
            m.inventory(),
            m.version(),
            m.createdAt(),
            ctx.clock().instant());
    Machine stored =
        ctx.machines()
            .update(next, expected)
            .orElseThrow(
                () ->
                    new ApiException(
                        ProblemType.PRECONDITION_FAILED,
                        "machine " + m.name() + " changed meanwhile"));
    etag(c, stored);
    ApiJson.send(c.res(), out(stored));
  }

  private void delete(Call c) {
    if (!ctx.machines().delete(c.param("name"))) {
      throw ApiException.notFound("machine " + c.param("name"));
    }
    c.res().status(Status.NO_CONTENT_204).send();
  }

  private void power(Call c) {
    Machine m = find(c);
    Wire.PowerIn in = ApiJson.read(c.req(), Wire.PowerIn.class);
    if (in.action() == null || !POWER.contains(in.action())) {
      throw invalid("/action", "must be one of " + POWER);
    }
    String sent;
    try (BmcDriver.Session s = ctx.bmc().open(BmcTargets.of(m, ctx.box()))) {
      sent = s.power(in.action());
    }
    // What was sent, which is not always what was asked (e.g. PowerCycle not allowed).
    ApiJson.send(
        c.res(),
        Status.ACCEPTED_202,
        new Wire.PowerOut(m.name(), in.action(), sent == null ? in.action() : sent));
  }

  private void inventory(Call c) {
    Machine m = find(c);
    String inv;
    try (BmcDriver.Session s = ctx.bmc().open(BmcTargets.of(m, ctx.box()))) {
      inv = s.inventoryJson();
    }
    Machine next =
        new Machine(
            m.id(),
            m.name(),
            m.bmcUrl(),
            m.bmcUsername(),
            m.sealedPassword(),
            m.bmcInsecure(),
            m.bmcCaPem(),
            m.bmcFingerprint(),
            m.labels(),
            inv,
            m.version(),
            m.createdAt(),
            ctx.clock().instant());
    Machine stored =
        ctx.machines()
            .update(next, m.version())
            .orElseThrow(
                () ->
                    new ApiException(
                        ProblemType.CONFLICT, "machine " + m.name() + " changed meanwhile; retry"));
    if (states.get(m.id()).map(st -> st.state() == MachineState.ENROLLING).orElse(false)) {
      lifecycle.fire(
          m.id(),
          m.name(),
          MachineEvent.ENROLLED,
          "BMC checked, inventory read",
          c.principal().name());
    }
    etag(c, stored);
    ApiJson.send(c.res(), out(stored));
  }

  /** The machine with its lifecycle state. */
  private MachineOut out(Machine m) {
    return MachineOut.of(m, states.get(m.id()).orElse(null));
  }

  private Machine find(Call c) {
    String name = c.param("name");
    return ctx.machines().byName(name).orElseThrow(() -> ApiException.notFound("machine " + name));
  }

  private static long ifMatch(Call c, Machine m) {
    String v =
        c.req()
            .headers()
            .first(HeaderNames.IF_MATCH)
            .orElseThrow(
                () ->
                    new ApiException(
                        ProblemType.PRECONDITION_REQUIRED,
                        "send If-Match with the ETag from GET /api/v1/machines/" + m.name()));
    if (!v.equals(etagOf(m)) && !v.equals("*")) {
      throw new ApiException(
          ProblemType.PRECONDITION_FAILED,
          "machine " + m.name() + " is at " + etagOf(m) + ", not " + v);
    }
    return m.version();
  }

  static String etagOf(Machine m) {
    return "\"" + m.version() + "\"";
  }

  private static void etag(Call c, Machine m) {
    c.res().header(HeaderNames.ETAG, etagOf(m));
  }

  private static void checkUrl(String url) {
    try {
      URI u = URI.create(url == null ? "" : url);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw invalid("/bmc/url", "must be an http:// or https:// URL with a host");
      }
      if (u.getRawUserInfo() != null) {
        throw invalid("/bmc/url", "must not carry credentials (use username and password)");
      }
    } catch (IllegalArgumentException e) {
      throw invalid("/bmc/url", "is not a URL");
    }
  }

  /** At most one way to trust the BMC's certificate besides the system trust store. */
  private static void oneTrust(boolean insecure, String caPem, String fingerprint) {
    int ways = (insecure ? 1 : 0) + (blank(caPem) ? 0 : 1) + (blank(fingerprint) ? 0 : 1);
    if (ways > 1) {
      throw invalid("/bmc", "takes at most one of insecure, caPem and fingerprint");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isEmpty();
  }

  /** A CA bundle that parses (null or empty: none). */
  private static String caPem(String pem) {
    if (blank(pem)) {
      return null;
    }
    try {
      BmcTargets.checkCaPem(pem);
    } catch (IllegalArgumentException e) {
      throw invalid("/bmc/caPem", "is not a PEM bundle of CA certificates: " + e.getMessage());
    }
    return pem;
  }

  /** A certificate pin in its stored form, lower-case hex (null or empty: none). */
  private static String fingerprint(String fp) {
    if (blank(fp)) {
      return null;
    }
    try {
      return BmcTargets.fingerprint(fp);
    } catch (IllegalArgumentException e) {
      throw invalid(
          "/bmc/fingerprint", "must be a SHA-256 fingerprint (SHA256:64 hex digits), not " + fp);
    }
  }

  static ApiException invalid(String pointer, String detail) {
    return new ApiException(
        ProblemType.INVALID,
        pointer.substring(1) + " " + detail,
        List.of(Map.of("pointer", pointer, "detail", detail)));
  }
}
