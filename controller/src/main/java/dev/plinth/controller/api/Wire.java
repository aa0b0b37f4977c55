/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.store.ApiToken;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobEvent;
import dev.plinth.controller.store.Machine;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The wire forms of API v1 (documented in openapi.yaml); the domain records carry no JSON. */
final class Wire {
  private Wire() {}

  /**
   * BMC settings in a request; {@code password} is write-only. {@code caPem} (CA certificates, PEM)
   * or {@code fingerprint} (SHA-256 of the certificate) say how to trust its certificate.
   */
  record BmcIn(
      String url,
      String username,
      String password,
      Boolean insecure,
      String caPem,
      String fingerprint) {
    @Override
    public String toString() {
      return "BmcIn[" + url + "]";
    }
  }

  /** POST /machines, PATCH /machines/{name}. */
  record MachineIn(String name, BmcIn bmc, Map<String, String> labels) {}

  record BmcOut(String url, String username, boolean insecure, String caPem, String fingerprint) {}

  record MachineOut(
      String id,
      String name,
      BmcOut bmc,
      Map<String, String> labels,
      JsonNode inventory,
      long version,
      String createdAt,
      String updatedAt,
      String state,
      String stateReason,
      String stateSince) {
    static MachineOut of(Machine m) {
      return of(m, null);
    }

    /** The machine with its lifecycle state ({@code state} null when {@code st} is). */
    static MachineOut of(Machine m, dev.plinth.controller.store.MachineStatus st) {
      return new MachineOut(
          m.id(),
          m.name(),
          new BmcOut(
              m.bmcUrl(), m.bmcUsername(), m.bmcInsecure(), m.bmcCaPem(), m.bmcFingerprint()),
          m.labels(),
          ApiJson.tree(m.inventory()),
          m.version(),
          ts(m.createdAt()),
          ts(m.updatedAt()),
          st == null ? null : st.state().wire(),
          st == null ? null : st.reason(),
          st == null ? null : ts(st.since()));
    }
  }

  /** One entry of GET /machines/{name}/history: a state transition, who made it and why. */
  record TransitionOut(String at, String from, String to, String by, String reason) {
    static TransitionOut of(dev.plinth.controller.store.MachineHistory.Entry e) {
      return new TransitionOut(ts(e.at()), e.from().wire(), e.to().wire(), e.actor(), e.reason());
    }
  }

  /** POST /machines/{name}/maintenance: {@code enabled} true enters maintenance, false ends it. */
  record MaintenanceIn(Boolean enabled, String reason) {}

  /** POST /machines/{name}/decommission. */
  record DecommissionIn(String reason) {}

  /** POST /machines/{name}/power. */
  record PowerIn(String action) {}

  /** The answer to POST /machines/{name}/power: {@code sent} is the ResetType the BMC got. */
  record PowerOut(String machine, String action, String sent) {}

  /**
   * POST /jobs: the recipe as an object, or as YAML/JSON text in {@code recipeText}; {@code inputs}
   * an object of strings ({@code ${inputs.NAME}}).
   */
  record JobIn(String machine, JsonNode recipe, String recipeText, JsonNode inputs) {}

  record JobOut(
      String id,
      String machine,
      String state,
      String reason,
      String lastStep,
      boolean cancelRequested,
      String deadline,
      String createdAt,
      String updatedAt,
      String finishedAt,
      Map<String, String> inputs,
      JsonNode recipe) {
    static JobOut of(Job j, boolean withRecipe) {
      return new JobOut(
          j.id(),
          j.machineName(),
          j.state().wire(),
          j.reason(),
          j.lastStep(),
          j.cancelRequested(),
          ts(j.deadlineAt()),
          ts(j.createdAt()),
          ts(j.updatedAt()),
          ts(j.finishedAt()),
          j.inputs(),
          withRecipe ? ApiJson.tree(j.recipe()) : null);
    }
  }

  record EventOut(
      long id, String type, String step, Long seq, String eventId, String at, JsonNode data) {
    static EventOut of(JobEvent e) {
      return new EventOut(
          e.id(), e.type(), e.step(), e.seq(), e.eventId(), ts(e.at()), ApiJson.tree(e.data()));
    }
  }

  /** POST /tokens. */
  record TokenIn(String name, String role, Long expiresInSeconds) {}

  record TokenOut(String id, String name, String role, String createdAt, String expiresAt) {
    static TokenOut of(ApiToken t) {
      return new TokenOut(t.id(), t.name(), t.role(), ts(t.createdAt()), ts(t.expiresAt()));
    }
  }

  /** The answer to POST /tokens: the only time the secret is shown. */
  record TokenCreated(TokenOut token, String secret) {}

  record PageOut<T>(List<T> items, String next) {}

  /** POST /recipes/validate. */
  record ValidationOut(boolean valid, List<Map<String, String>> errors) {}

  static String ts(Instant i) {
    return i == null ? null : i.toString();
  }
}
