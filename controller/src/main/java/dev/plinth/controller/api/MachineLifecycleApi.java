/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import dev.plinth.controller.api.Endpoint.Call;
import dev.plinth.controller.jobs.MachineEvent;
import dev.plinth.controller.jobs.MachineLifecycle;
import dev.plinth.controller.security.Role;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.Machine;
import dev.plinth.controller.store.MachineHistory;
import dev.plinth.controller.store.MachineState;
import dev.plinth.controller.store.MachineStates;
import dev.plinth.controller.store.MachineStatus;
import dev.plinth.controller.store.Page;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The operator's lifecycle verbs on a machine ({@code POST /machines/{name}/maintenance}, {@code
 * POST /machines/{name}/decommission}) and the fleet's counts by state ({@code GET /fleet}). Each
 * verb goes through {@link MachineLifecycle}; a verb the machine's state does not allow is a 409
 * {@code machine-state} saying why. {@code GET /machines/{name}/history} lists the transitions
 * (newest first, paged by {@code ?before=}).
 */
final class MachineLifecycleApi implements HttpService {

  static final String STATES =
      Arrays.stream(MachineState.values())
          .map(MachineState::wire)
          .collect(Collectors.joining(", "));

  private final ApiContext ctx;
  private final MachineStates states;
  private final MachineLifecycle lifecycle;
  private final MachineHistory history;

  MachineLifecycleApi(ApiContext ctx) {
    this.ctx = ctx;
    this.states = new MachineStates(ctx.jobs().database());
    this.history = new MachineHistory(ctx.jobs().database());
    this.lifecycle = new MachineLifecycle(states, ctx.clock());
  }

  @Override
  public void routing(HttpRules r) {
    var auth = ctx.auth();
    r.post(
        "/machines/{name}/maintenance", Endpoint.guarded(auth, Role.OPERATOR, this::maintenance));
    r.post(
        "/machines/{name}/decommission", Endpoint.guarded(auth, Role.OPERATOR, this::decommission));
    r.get("/fleet", Endpoint.guarded(auth, Role.VIEWER, this::fleet));
    r.get("/machines/{name}/history", Endpoint.guarded(auth, Role.VIEWER, this::history));
  }

  /** The machine's state transitions, newest first, paged by {@code before}. */
  private void history(Call c) {
    Machine m = find(c);
    Page<MachineHistory.Entry> p;
    try {
      p =
          history.list(
              m.id(), c.req().query().first("before").orElse(null), Endpoint.limit(c.req()));
    } catch (IllegalArgumentException e) {
      throw ApiException.bad("before must be the next cursor of a previous page");
    }
    ApiJson.send(
        c.res(),
        new Wire.PageOut<>(p.items().stream().map(Wire.TransitionOut::of).toList(), p.next()));
  }

  private void maintenance(Call c) {
    Machine m = find(c);
    Wire.MaintenanceIn in = ApiJson.read(c.req(), Wire.MaintenanceIn.class);
    if (in.enabled() == null) {
      throw MachinesApi.invalid("/enabled", "is required: true enters maintenance, false ends it");
    }
    MachineStatus st =
        in.enabled()
            ? lifecycle.fire(
                m.id(),
                m.name(),
                MachineEvent.MAINTENANCE_ON,
                reason(in.reason(), "maintenance", c),
                c.principal().name())
            : lifecycle.fire(
                m.id(),
                m.name(),
                MachineEvent.MAINTENANCE_OFF,
                reason(in.reason(), "maintenance ended", c),
                c.principal().name());
    ApiJson.send(c.res(), Wire.MachineOut.of(m, st));
  }

  private void decommission(Call c) {
    Machine m = find(c);
    Wire.DecommissionIn in =
        c.req().content().hasEntity()
            ? ApiJson.read(c.req(), Wire.DecommissionIn.class)
            : new Wire.DecommissionIn(null);
    MachineStatus st =
        lifecycle.fire(
            m.id(),
            m.name(),
            MachineEvent.DECOMMISSION,
            reason(in.reason(), "decommissioned", c),
            c.principal().name());
    ApiJson.send(c.res(), Wire.MachineOut.of(m, st));
  }

  private void fleet(Call c) {
    Map<String, Long> machines = new LinkedHashMap<>();
    Map<MachineState, Long> byState = states.countByState();
    for (MachineState s : MachineState.values()) {
      machines.put(s.wire(), byState.getOrDefault(s, 0L));
    }
    Map<String, Long> jobs = new LinkedHashMap<>();
    Map<JobState, Long> jobStates = ctx.jobs().countByState();
    for (JobState s : JobState.values()) {
      jobs.put(s.wire(), jobStates.getOrDefault(s, 0L));
    }
    ApiJson.send(c.res(), Map.of("machines", machines, "jobs", jobs));
  }

  /** The operator's reason, else {@code what} by the token's name. */
  private static String reason(String given, String what, Call c) {
    if (given != null && !given.isBlank()) {
      return given.length() > 500 ? given.substring(0, 500) : given;
    }
    return what + " by " + c.principal().name();
  }

  private Machine find(Call c) {
    String name = c.param("name");
    return ctx.machines().byName(name).orElseThrow(() -> ApiException.notFound("machine " + name));
  }
}
