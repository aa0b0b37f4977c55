/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.redfish.model.Task;
import java.time.Duration;
import java.time.Instant;

/** Requests with Redfish semantics on top of {@link Transport}: If-Match ladder and tasks. */
final class Calls {
  private final Transport t;
  private volatile Quirks quirks = Quirks.generic();

  Calls(Transport t) {
    this.t = t;
  }

  Transport transport() {
    return t;
  }

  Quirks quirks() {
    return quirks;
  }

  void quirks(Quirks q) {
    this.quirks = q;
  }

  String bmc() {
    return t.bmc();
  }

  Response get(String link) {
    return t.get(link);
  }

  <T> T get(String link, Class<T> type) {
    return t.get(link).as(type);
  }

  /**
   * PATCH with the resource's ETag, following sushy's 412 ladder: a fresh ETag, then the strong
   * form of a weak one, then no If-Match. A 428 (XCC without If-Match) fetches the ETag first.
   */
  Response patch(String link, JsonNode body, String etag) {
    String tag = quirks.ifMatchOnPatch() ? sanitize(etag) : null;
    Response r = t.send("PATCH", link, body, tag, true);
    if (r.status() == 428) {
      // QUIRK(Lenovo XCC, Huawei iBMC): a PATCH without If-Match is refused.
      tag = sanitize(t.get(link).etag());
      r = t.send("PATCH", link, body, tag == null ? "*" : tag, true);
    }
    if (r.status() == 412) {
      String fresh = sanitize(t.get(link).etag());
      if (fresh != null && !fresh.equals(tag)) {
        tag = fresh;
        r = t.send("PATCH", link, body, tag, true);
      }
    }
    if (r.status() == 412 && tag != null && tag.startsWith("W/")) {
      // QUIRK(Gigabyte and gzip-compressing BMCs): a weak ETag is not accepted back.
      r = t.send("PATCH", link, body, tag.substring(2), true);
    }
    if (r.status() == 412 && tag != null) {
      r = t.send("PATCH", link, body, null, true);
    }
    return followTask(r.orThrow(bmc()));
  }

  /** POST an action; no If-Match (iDRAC10 answers 412 to it). Returns the final response. */
  Response action(String target, JsonNode body, boolean idempotent) {
    return followTask(t.send("POST", target, body, null, idempotent).orThrow(bmc()));
  }

  /** QUIRK(Dell iDRAC): ETags of gzip responses end in "-gzip" inside the quotes. */
  static String sanitize(String etag) {
    if (etag == null || etag.isBlank() || etag.equals("\"\"")) {
      return null;
    }
    String e = etag.trim();
    if (e.endsWith("-gzip\"")) {
      e = e.substring(0, e.length() - 6) + "\"";
    }
    return e;
  }

  /** Follows a 202 task monitor until the task ends; other responses pass through. */
  Response followTask(Response r) {
    if (r.status() != 202) {
      return r;
    }
    String monitor = r.header("Location");
    Task task = taskIn(r);
    if (monitor == null && (task == null || task.odataId() == null)) {
      throw new RedfishHttpException(
          bmc(),
          r.resource(),
          202,
          java.util.List.of(
              new dev.plinth.controller.redfish.model.Message(
                  null, "202 Accepted without a task monitor Location", null, null, null, null)));
    }
    String link = monitor;
    if (task != null && task.odataId() != null && (quirks.pollTaskResource() || monitor == null)) {
      link = task.odataId();
    }
    return pollTask(link, r);
  }

  private Response pollTask(String link, Response first) {
    Instant deadline = Instant.now().plus(t.options().taskTimeout());
    int missing = 0;
    Response last = first;
    while (true) {
      Transport.sleep(t.options().pollInterval());
      Response r = t.send("GET", link, null, null, true);
      if (r.status() == 404) {
        // QUIRK(Dell iDRAC10): fresh job URLs 404 for a while, and finished tasks get purged.
        if (++missing > 3) {
          return last;
        }
      } else if (r.status() == 202) {
        Task task = taskIn(r);
        if (task != null && task.failed()) {
          throw new RedfishTaskException(bmc(), "GET " + link, task.taskState(), task.messages());
        }
      } else if (!r.ok()) {
        throw r.error(bmc());
      } else {
        Task task = taskIn(r);
        if (task == null || !task.inProgress()) {
          if (task != null && task.failed()) {
            throw new RedfishTaskException(bmc(), "GET " + link, task.taskState(), task.messages());
          }
          return r;
        }
        // QUIRK(HPE iLO, Dell): the monitor may say done while TaskState still runs.
      }
      last = r;
      if (Instant.now().isAfter(deadline)) {
        throw new RedfishTimeoutException(
            bmc(), "GET " + link, "task still running after " + pretty(t.options().taskTimeout()));
      }
    }
  }

  private static Task taskIn(Response r) {
    JsonNode n = r.json();
    if (!n.isObject() || !n.has("TaskState")) {
      return null;
    }
    return Json.convert(n, Task.class);
  }

  static String pretty(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
