/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.controller.Layout;
import dev.plinth.controller.media.MaintenanceIso;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.store.BmcSlots;
import dev.plinth.controller.store.EventStore;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.LeaseLostException;
import dev.plinth.controller.store.Machine;
import dev.plinth.controller.store.MachineStore;
import dev.plinth.controller.store.StoreException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Drives jobs through their states by carrying out each state's side effects and reporting what
 * they achieved to {@link JobLifecycle}, the one writer of job state ({@link Transitions} holds the
 * table):
 *
 * <pre>
 * Pending → MediaReady → Booting → Running → Finishing → Succeeded | Failed
 *      (any active state) → Canceled (cancel requested) | TimedOut (deadline passed)
 * </pre>
 *
 * <p>Each transition is stored (compare-and-set, with an event) before the side effect that belongs
 * to the new state, and every side effect is idempotent: the task ISO is rebuilt to the same bytes,
 * a boot is re-done only while the dispatcher has not reported {@code booted}, the return to disk
 * and the ejection of media can run twice. A restart therefore resumes each job from its stored
 * state. The engine only touches jobs it holds a lease on, so several controllers sharing
 * PostgreSQL never drive one job twice. Booting → Running and Running → Finishing come from the
 * dispatcher's webhook events.
 */
public final class Engine implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Engine.class.getName());
  static final String BOOT_REQUESTED = "bmc.boot-requested";

  /** Recorded when a controller takes a job's lease (first claim, or after another's expired). */
  public static final String LEASED = "job.leased";

  /** A BMC request got no answer and is retried; {@code data.message} says so for a person. */
  public static final String BMC_RETRY = "bmc.retry";

  /** How often each controller deletes the media of ended jobs that it did not end itself. */
  private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

  private final JobStore jobs;
  private final JobLifecycle lifecycle;
  private final MachineStore machines;
  private final EventStore events;
  private final BmcDriver bmc;
  private final SecretBox box;
  private final Layout layout;
  private final JobSettings settings;
  private final InstantSource clock;
  private final String owner;
  private final String baseUrl;
  private final JobMetrics metrics;
  private final MaintenanceIso maintenance;
  private final TaskMedia media;
  private volatile Instant nextSweep = Instant.MIN;
  private volatile Instant nextRenewal = Instant.MIN;

  /**
   * Jobs in Booting whose boot this engine requested or saw requested ({@link #BOOT_REQUESTED}):
   * they wait for the dispatcher's {@code booted}, so a tick leaves them alone as it does Running
   * jobs. Memory only: after a restart the stored event decides, as before.
   */
  private final Set<String> bootRequested = ConcurrentHashMap.newKeySet();

  private static final com.fasterxml.jackson.databind.ObjectWriter JSON =
      new com.fasterxml.jackson.databind.ObjectMapper().writer();

  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> notBefore = new ConcurrentHashMap<>();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final BmcSlots slots;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wakeUp = lock.newCondition();
  private volatile boolean woken;
  private volatile boolean running = true;
  private Thread loop;

  /**
   * @param owner this controller's lease identity
   * @param baseUrl where BMCs and machines reach this controller (media, webhooks)
   * @param metrics where BMC call times go
   * @param maintenance the ISO every job boots, beside its task ISO
   */
  public Engine(
      JobStore jobs,
      MachineStore machines,
      EventStore events,
      BmcDriver bmc,
      SecretBox box,
      TaskBuilder tasks,
      Layout layout,
      JobSettings settings,
      InstantSource clock,
      String owner,
      String baseUrl,
      JobMetrics metrics,
      MaintenanceIso maintenance) {
    this.metrics = metrics;
    this.maintenance = maintenance;
    this.jobs = jobs;
    this.lifecycle = new JobLifecycle(jobs, settings, clock);
    this.slots = new BmcSlots(jobs.database());
    this.machines = machines;
    this.events = events;
    this.bmc = bmc;
    this.box = box;
    this.layout = layout;
    this.settings = settings;
    this.clock = clock;
    this.owner = owner;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.media = new TaskMedia(jobs, tasks, box, machines, layout, this.baseUrl, maintenance);
  }

  /** Makes a job's media here when a BMC asks this controller for a file another one wrote. */
  public TaskMedia media() {
    return media;
  }

  /** This controller's lease identity, as the job events name it. */
  public String owner() {
    return owner;
  }

  /** Starts the engine's loop on a virtual thread. */
  public Engine start() {
    loop = Thread.ofVirtual().name("plinth-engine").start(this::run);
    return this;
  }

  /** Makes the loop look for work now (a submission, a cancel, a webhook event). */
  public void wake() {
    lock.lock();
    try {
      woken = true;
      wakeUp.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (running) {
      try {
        tick();
      } catch (StoreException e) {
        LOG.log(Level.WARNING, "engine: state database unavailable, retrying: " + e.getMessage());
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "engine: unexpected error, continuing", e);
      }
      await(settings.tick());
    }
  }

  private void await(Duration d) {
    lock.lock();
    try {
      if (!woken && running) {
        wakeUp.await(d.toMillis(), TimeUnit.MILLISECONDS);
      }
      woken = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * One pass: renew leases (every third of the lease), claim free jobs up to the limit, start a
   * worker for each job that has something to do now.
   */
  void tick() {
    Instant now = clock.instant();
    Instant until = now.plus(settings.lease());
    // Each renewal rewrites every held row; once per third of the lease keeps every lease at least
    // two thirds of its length ahead, with a tick every second and a wake-up per webhook event.
    boolean renewed = !now.isBefore(nextRenewal);
    if (renewed) {
      jobs.renewLeases(owner, until);
      slots.renew(owner, until);
      nextRenewal = now.plus(settings.lease().dividedBy(3));
    }
    List<JobStore.HeldJob> held = jobs.heldJobs(owner);
    if (renewed) {
      Set<String> ids = new java.util.HashSet<>();
      held.forEach(h -> ids.add(h.id()));
      bootRequested.retainAll(ids);
    }
    int room = settings.maxActive() - held.size();
    if (room > 0) {
      List<Job> won = jobs.claim(owner, now, until, room);
      for (Job j : won) {
        // Who drives a job, and from when: a takeover shows as a second lease event.
        events.record(j.id(), LEASED, null, json("owner", owner), now);
        LOG.log(Level.INFO, "job {0}: leased by {1}", j.id(), owner);
      }
      held = new java.util.ArrayList<>(held);
      won.forEach(j -> bootRequested.remove(j.id()));
      held.addAll(won.stream().map(JobStore.HeldJob::of).toList());
    }
    if (!now.isBefore(nextSweep)) {
      nextSweep = now.plus(SWEEP_EVERY);
      media.sweep(jobs, inFlight);
    }
    for (JobStore.HeldJob j : held) {
      if (waiting(j, now)) {
        continue;
      }
      Instant nb = notBefore.get(j.id());
      boolean due = nb == null || !now.isBefore(nb) || j.cancelRequested();
      if (due && inFlight.add(j.id())) {
        try {
          workers.submit(() -> drive(j.id()));
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // close() shut the workers down during this tick: the job stays leased for the next.
          inFlight.remove(j.id());
          return;
        }
      }
    }
  }

  /**
   * Whether a held job only waits for its dispatcher (Running, or Booting after its boot), with no
   * cancel to act on and its deadline not passed: {@link #advance} would do nothing for it, so the
   * tick does not read it again. A webhook event that moves it wakes the engine.
   */
  private boolean waiting(JobStore.HeldJob j, Instant now) {
    if (j.cancelRequested() || (j.deadlineAt() != null && now.isAfter(j.deadlineAt()))) {
      return false;
    }
    return j.state() == JobState.RUNNING
        || (j.state() == JobState.BOOTING && bootRequested.contains(j.id()));
  }

  private void drive(String id) {
    try {
      while (running) {
        Job j = jobs.get(id).orElse(null);
        if (j == null || j.state().terminal() || !holds(j)) {
          return;
        }
        if (!advance(j)) {
          return;
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "job " + id + ": unexpected error; will retry", e);
      backoff(id);
    } finally {
      inFlight.remove(id);
    }
  }

  /**
   * Whether this controller holds {@code j}'s lease now: its owner, and not expired. A controller
   * that could not renew in time (a stall longer than the lease) stops before its next step, as
   * another controller may have claimed the job meanwhile.
   */
  private boolean holds(Job j) {
    return owner.equals(j.leaseOwner())
        && j.leaseUntil() != null
        && j.leaseUntil().isAfter(clock.instant());
  }

  /**
   * Does the next thing for {@code j}; false when the job now waits for something else, or when
   * this controller's write was refused because it no longer holds the job's lease (the job is then
   * dropped from this engine's memory; the next tick claims it again only if its lease is free).
   */
  boolean advance(Job j) {
    Instant now = clock.instant();
    try {
      if (j.cancelRequested()) {
        return end(j, LifecycleEvent.CANCEL, "canceled by request");
      }
      if (j.deadlineAt() != null && now.isAfter(j.deadlineAt())) {
        return end(
            j,
            LifecycleEvent.DEADLINE_PASSED,
            "no progress in " + j.state().wire() + " within " + settings.deadline(j.state()));
      }
      return step(j, now);
    } catch (LeaseLostException e) {
      // Another controller drives the job now (or may at any moment): forget it here, no cleanup.
      LOG.log(Level.WARNING, "{0}; dropping the job", e.getMessage());
      notBefore.remove(j.id());
      bootRequested.remove(j.id());
      failures.remove(j.id());
      return false;
    }
  }

  private boolean step(Job j, Instant now) {
    try {
      return switch (j.state()) {
        case PENDING -> prepare(j);
        case MEDIA_READY -> move(j, LifecycleEvent.BOOT_STARTED, null) && boot(j);
        case BOOTING -> bootedAlready(j) ? false : boot(j);
        case RUNNING -> false;
        case FINISHING -> finish(j);
        case SUCCEEDED, FAILED, CANCELED, TIMED_OUT -> false;
      };
    } catch (BmcDriver.BmcException e) {
      events.record(j.id(), "bmc.error", j.lastStep(), json("message", e.getMessage()), now);
      if (!e.transientFailure()) {
        return end(j, LifecycleEvent.FAIL, "BMC: " + e.getMessage());
      }
      LOG.log(Level.WARNING, "job {0}: BMC error, will retry: {1}", j.id(), e.getMessage());
      backoff(j.id());
      return false;
    }
  }

  /** Whether {@code j}'s boot was requested (by this controller, or stored by any). */
  private boolean bootedAlready(Job j) {
    if (bootRequested.contains(j.id())) {
      return true;
    }
    if (events.has(j.id(), BOOT_REQUESTED)) {
      bootRequested.add(j.id());
      return true;
    }
    return false;
  }

  /** Pending → MediaReady: build the task ISO (same bytes every time). */
  private boolean prepare(Job j) {
    Machine m = machines.byName(j.machineName()).orElse(null);
    if (m == null) {
      return end(j, LifecycleEvent.FAIL, "machine " + j.machineName() + " was deleted");
    }
    try {
      media.writeTaskIso(j);
    } catch (TaskBuilder.TaskException e) {
      return end(j, LifecycleEvent.FAIL, e.getMessage());
    } catch (IOException e) {
      LOG.log(Level.WARNING, "job {0}: cannot write the task ISO: {1}", j.id(), e.getMessage());
      backoff(j.id());
      return false;
    }
    return move(j, LifecycleEvent.TASK_ISO_BUILT, null);
  }

  /**
   * In Booting: insert the maintenance ISO and, in a second slot, the task ISO (one slot: the job's
   * own maintenance ISO naming the task ISO's URL); boot once from CD, power on; then wait for
   * {@code booted}.
   */
  private boolean boot(Job j) {
    Job now = jobs.get(j.id()).orElseThrow();
    Machine m = machines.byName(now.machineName()).orElse(null);
    if (m == null) {
      return end(now, LifecycleEvent.FAIL, "machine " + now.machineName() + " was deleted");
    }
    if (!maintenance.present()) {
      return end(now, LifecycleEvent.FAIL, maintenance.missing());
    }
    // BMCs read media from the data plane when it serves them (MediaFiles), else from here.
    URI maintenanceIso = maintenance.forBmc(baseUrl, MaintenanceIso.PATH);
    String taskPath = "/media/" + now.mediaId() + "/task.iso";
    String ownPath = "/media/" + now.mediaId() + "/" + MaintenanceIso.JOB_ISO;
    URI iso = maintenance.forBmc(baseUrl, taskPath);
    // A BMC with one slot boots the job's own maintenance ISO, which names the task ISO's URL on
    // the controller (the same on every controller, so every controller makes the same bytes).
    URI own = maintenance.forBmc(baseUrl, ownPath);
    URI named = URI.create(baseUrl + taskPath);
    URI ownHere = URI.create(baseUrl + ownPath);
    java.util.function.Supplier<URI> oneSlot =
        () -> {
          try {
            maintenance.remasterFor(MaintenanceIso.jobIso(layout, j.id()), named);
            return own;
          } catch (IOException | IllegalArgumentException e) {
            throw new RemasterException(e);
          }
        };
    // After a restart the boot may have happened before the crash: a second one would reset a
    // machine whose dispatcher is already running.
    try {
      withBmc(
          j,
          m,
          s -> {
            // Either URL form: the data plane may not have served media yet before a restart.
            if (!s.bootedWith(iso)
                && !s.bootedWith(own)
                && !s.bootedWith(named)
                && !s.bootedWith(ownHere)) {
              s.bootFromMedia(maintenanceIso, iso, oneSlot);
            }
          });
    } catch (RemasterException e) {
      return end(
          now,
          LifecycleEvent.FAIL,
          "the BMC has one virtual media slot and the job's own maintenance ISO could not be made: "
              + e.getCause().getMessage());
    }
    events.record(
        j.id(),
        BOOT_REQUESTED,
        null,
        json(Map.of("machine", m.name(), "by", owner)),
        clock.instant());
    bootRequested.add(j.id());
    failures.remove(j.id());
    return false;
  }

  /** The per-job maintenance ISO (one-slot BMCs) could not be written. */
  private static final class RemasterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RemasterException(Exception cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** In Finishing: eject, boot from disk, then Succeeded or Failed as the dispatcher reported. */
  private boolean finish(Job j) {
    Machine m = machines.byName(j.machineName()).orElse(null);
    if (m != null) {
      withBmc(j, m, BmcDriver.Session::bootFromDisk);
    }
    boolean ok = "succeeded".equals(j.reason());
    return move(j, ok ? LifecycleEvent.RETURNED_TO_DISK : LifecycleEvent.FAIL, null) && cleanup(j);
  }

  /**
   * Ends a job (cancel, timeout, failure), then ejects media where some may be inserted. The end is
   * stored first, fenced by the lease: a controller that lost the job touches neither its BMC nor
   * its media (a crash between the two leaves media in, which the next job's boot ejects first).
   */
  private boolean end(Job j, LifecycleEvent to, String reason) {
    boolean mediaIn =
        j.state() == JobState.BOOTING
            || j.state() == JobState.RUNNING
            || j.state() == JobState.FINISHING;
    if (!move(j, to, reason)) {
      return false;
    }
    if (mediaIn) {
      machines
          .byName(j.machineName())
          .ifPresent(
              m -> {
                try {
                  withBmc(j, m, BmcDriver.Session::ejectMedia);
                } catch (BmcDriver.BmcException e) {
                  // The job ends anyway; the next job's boot ejects stale media first.
                  LOG.log(Level.WARNING, "job {0}: eject failed: {1}", j.id(), e.getMessage());
                }
              });
    }
    return cleanup(j);
  }

  /**
   * Stores {@code event}'s transition through the lifecycle, fenced by this controller's lease;
   * false when it did not apply.
   *
   * @throws LeaseLostException when the lease is no longer this controller's: nothing was stored
   */
  private boolean move(Job j, LifecycleEvent event, String reason) {
    var stored = lifecycle.fire(j, event, reason, owner);
    stored.ifPresent(after -> LOG.log(Level.INFO, "job", fields(j, after.state(), reason)));
    return stored.isPresent();
  }

  private boolean cleanup(Job j) {
    notBefore.remove(j.id());
    bootRequested.remove(j.id());
    failures.remove(j.id());
    media.delete(j.id());
    return false;
  }

  private void withBmc(Job j, Machine m, java.util.function.Consumer<BmcDriver.Session> action) {
    long start = System.nanoTime();
    boolean ok = false;
    try {
      withBmcSession(j, m, action);
      ok = true;
    } finally {
      metrics.bmcCall("session", ok, System.nanoTime() - start);
    }
  }

  /**
   * Runs {@code action} in a session on {@code m}'s BMC once one of the host's {@code maxPerBmc}
   * slots is free: the slots are held in the store, so every controller sharing it counts against
   * the same limit, and tick() renews them with the job leases while a session lasts.
   */
  private void withBmcSession(
      Job j, Machine m, java.util.function.Consumer<BmcDriver.Session> action) {
    String host = JobService.bmcHost(m.bmcUrl());
    String holder = slot(host);
    // Each retry of an unanswered BMC request is a job event: jobs watch shows why it waits.
    java.util.function.Consumer<String> progress =
        line -> events.record(j.id(), BMC_RETRY, null, json("message", line), clock.instant());
    try (BmcDriver.Session session = bmc.open(BmcTargets.of(m, box), progress)) {
      session.inOneSequence(() -> action.accept(session));
    } finally {
      slots.release(host, holder);
    }
  }

  /** Waits for a slot of {@code host}; the holder token. */
  private String slot(String host) {
    long waitMs = 20;
    while (true) {
      Instant now = clock.instant();
      var held =
          slots.tryAcquire(host, settings.maxPerBmc(), owner, now, now.plus(settings.lease()));
      if (held.isPresent()) {
        return held.get();
      }
      try {
        Thread.sleep(waitMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for a session slot on " + host, e);
      }
      waitMs = Math.min(500, waitMs * 2);
    }
  }

  private void backoff(String id) {
    int n = failures.merge(id, 1, Integer::sum);
    long ms = Math.min(30_000, 250L << Math.min(n, 7));
    notBefore.put(id, clock.instant().plusMillis(ms));
  }

  private static Map<String, Object> fields(Job j, JobState to, String reason) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("job", j.id());
    f.put("machine", j.machineName());
    f.put("from", j.state().wire());
    f.put("to", to.wire());
    if (reason != null) {
      f.put("reason", reason);
    }
    return f;
  }

  private static String json(String k, String v) {
    return json(Map.of(k, v == null ? "" : v));
  }

  private static String json(Map<String, String> m) {
    try {
      return JSON.writeValueAsString(m);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops driving jobs and gives up this controller's leases so another can take over at once. */
  @Override
  public void close() {
    running = false;
    wake();
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
      if (loop != null) {
        loop.join(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
