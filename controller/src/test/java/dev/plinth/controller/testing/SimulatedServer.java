/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.testing;

import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskIsoV1;
import dev.plinth.contract.TaskStep;
import dev.plinth.dispatcher.report.WebhookClient;
import dev.plinth.iso.IsoReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a server does when its BMC boots it from the task ISO, minus the disk writes: downloads the
 * ISO from the controller's media URL, checks it as the dispatcher does (Task ISO v1), and reports
 * through the real Webhook v1 client: booted, each step started and succeeded (or the named step
 * failed), finished. Runs on a virtual thread, as a real boot happens in the background.
 */
public final class SimulatedServer {

  private final Path work;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Set<String> failSteps = ConcurrentHashMap.newKeySet();

  /** Tasks that were read, in order. */
  public final List<Task> tasks = new CopyOnWriteArrayList<>();

  /** Errors the simulated machines hit (a test fails when it is not empty). */
  public final List<String> errors = new CopyOnWriteArrayList<>();

  /** How many events each job's dispatcher posted, by job id. */
  public final Map<String, Integer> posted = new ConcurrentHashMap<>();

  public volatile Duration stepTime = Duration.ZERO;

  public SimulatedServer(Path work) {
    this.work = work;
  }

  /** Makes steps with this name fail. */
  public SimulatedServer failing(String step) {
    failSteps.add(step);
    return this;
  }

  /** The hook for {@link FakeBmc#onIsoBoot}. */
  public void boot(String machine, URI iso) {
    Thread.ofVirtual().start(() -> run(machine, iso));
  }

  private void run(String machine, URI iso) {
    try {
      Path file = Files.createTempFile(work, machine + "-", ".iso");
      HttpResponse<Path> r = fetch(iso, file);
      if (r.statusCode() != 200) {
        errors.add(machine + ": GET " + iso + " answered " + r.statusCode());
        return;
      }
      Task task;
      try (IsoReader reader = IsoReader.open(file)) {
        if (!TaskIsoV1.VOLUME_LABEL.equals(reader.volumeId())) {
          errors.add(machine + ": volume label " + reader.volumeId());
          return;
        }
        task =
            TaskIsoV1.verify(
                Map.of(
                    TaskIsoV1.TASK_JSON,
                    reader.readAllBytes(TaskIsoV1.TASK_JSON, TaskIsoV1.MAX_FILE_BYTES),
                    TaskIsoV1.SHA256SUMS,
                    reader.readAllBytes(TaskIsoV1.SHA256SUMS, TaskIsoV1.MAX_FILE_BYTES)));
      }
      Files.delete(file);
      tasks.add(task);
      report(task);
    } catch (Exception e) {
      errors.add(machine + ": " + e);
    }
  }

  /**
   * GETs the task ISO, retrying for 30 s while the controller cannot be reached, as a dispatcher
   * does: a restart test may stop the controller just after the boot it asked for.
   */
  private HttpResponse<Path> fetch(URI iso, Path file) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return http.send(
            HttpRequest.newBuilder(iso).build(), HttpResponse.BodyHandlers.ofFile(file));
      } catch (java.io.IOException e) {
        if (System.nanoTime() > until) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private void report(Task task) throws Exception {
    WebhookClient client = new WebhookClient(task, Clock.systemUTC(), Duration.ofSeconds(10));
    long seq = 1;
    String job = task.jobId();
    send(client, Event.builder(job, seq++, EventType.BOOTED, now()).build());
    boolean ok = true;
    String why = null;
    for (int i = 0; i < task.steps().size(); i++) {
      TaskStep s = task.steps().get(i);
      send(
          client,
          Event.builder(job, seq++, EventType.STEP_STARTED, now()).step(i, s.name(), 1).build());
      if (!stepTime.isZero()) {
        Thread.sleep(stepTime);
      }
      if (failSteps.contains(s.name())) {
        send(
            client,
            Event.builder(job, seq++, EventType.STEP_FAILED, now())
                .step(i, s.name(), 1)
                .result(3, 1, "simulated failure")
                .willRetry(false)
                .message("exit status 3")
                .build());
        ok = false;
        why = "step " + s.name() + " failed";
        break;
      }
      send(
          client,
          Event.builder(job, seq++, EventType.STEP_SUCCEEDED, now())
              .step(i, s.name(), 1)
              .result(0, 1, "ok")
              .build());
    }
    var fin =
        Event.builder(job, seq, EventType.FINISHED, now())
            .outcome(ok ? Event.OUTCOME_SUCCEEDED : Event.OUTCOME_FAILED);
    send(client, why == null ? fin.build() : fin.message(why).build());
  }

  private void send(WebhookClient client, Event e) throws InterruptedException {
    // 30 s of retries, as long as a restart test may keep the controller away.
    for (int attempt = 0; attempt < 300; attempt++) {
      WebhookClient.Answer a = client.send(e);
      switch (a.outcome()) {
        case ACKED -> {
          posted.merge(e.jobId(), 1, Integer::sum);
          return;
        }
        case REJECTED -> {
          errors.add(
              e.jobId()
                  + ": event "
                  + e.sequence()
                  + " rejected: "
                  + a.status()
                  + " "
                  + a.detail());
          return;
        }
        case RETRY -> Thread.sleep(100);
      }
    }
    errors.add(e.jobId() + ": event " + e.sequence() + " never acknowledged");
  }

  private static java.time.Instant now() {
    return java.time.Instant.now();
  }
}
