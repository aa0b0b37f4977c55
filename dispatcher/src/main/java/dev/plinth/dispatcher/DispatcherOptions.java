/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher;

import dev.plinth.contract.Task;
import dev.plinth.dispatcher.disks.DiskInventory;
import dev.plinth.dispatcher.intake.IntakeException;
import dev.plinth.dispatcher.intake.MachineIdentity;
import dev.plinth.dispatcher.report.Backoff;
import dev.plinth.dispatcher.report.StateLayout;
import dev.plinth.dispatcher.runner.LocalRunner;
import dev.plinth.dispatcher.runner.StepRunner;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * How to run: where the task comes from, where state lives, which runner, and the timings.
 *
 * @param stateDir state directory (event journal, sandbox, fetched ISO); must survive a restart of
 *     the dispatcher
 * @param task supplies the verified task (intake); called once per run
 * @param runner makes a runner for the task (it may need the job's state directory)
 * @param machine this machine's identity, or null to skip the check (tests, demo)
 * @param heartbeatInterval how often a running step reports a heartbeat
 * @param retryDelay pause between a failed attempt and the next
 * @param backoff delivery backoff
 * @param drainTimeout how long to wait after the last step for every event to be acknowledged
 * @param requestTimeout timeout of one webhook post
 * @param clock the clock events are stamped with
 * @param random jitter source
 * @param disks the machine's disks, for {@code target-disk} and {@code all-disks}
 * @param webhookHttp one HTTP client for the webhook shared by many simulated machines in one JVM,
 *     or null (a real machine) to build one from the task; a task with a CA bundle gets its own
 */
public record DispatcherOptions(
    Path stateDir,
    TaskSupplier task,
    Function<RunContext, StepRunner> runner,
    MachineIdentity machine,
    Duration heartbeatInterval,
    Duration retryDelay,
    Backoff backoff,
    Duration drainTimeout,
    Duration requestTimeout,
    Clock clock,
    RandomGenerator random,
    TaskResolver.Disks disks,
    HttpClient webhookHttp) {

  public DispatcherOptions {
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(runner, "runner");
  }

  /** Supplies the task; the CLI's is task intake. */
  @FunctionalInterface
  public interface TaskSupplier {
    Task get() throws IntakeException, InterruptedException;
  }

  /**
   * What a runner factory gets to know.
   *
   * @param task the verified task
   * @param jobDir this job's state directory (the local runner puts its sandbox under it)
   */
  public record RunContext(Task task, Path jobDir) {}

  /**
   * Options for a simulated machine, as the end-to-end tests and {@code plinth demo} want: the
   * {@link LocalRunner} with in-process simulated tools in {@code STATE/jobs/JOB/sandbox}, the
   * simulated disks, no DMI check, a 1 s heartbeat and retry delay, backoff 0.2 s..5 s. Adjust
   * further through the builder.
   */
  public static Builder localSimulation(Path stateDir, TaskSupplier task) {
    StateLayout layout = new StateLayout(stateDir);
    return builder(
            stateDir,
            task,
            ctx -> new LocalRunner(layout.sandbox(ctx.task().jobId()), java.util.Map.of(), true))
        .disks(DiskInventory::simulated)
        .heartbeatInterval(Duration.ofSeconds(1))
        .retryDelay(Duration.ofSeconds(1))
        .backoff(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5)));
  }

  /** Options with production defaults for the given essentials. */
  public static Builder builder(
      Path stateDir, TaskSupplier task, Function<RunContext, StepRunner> runner) {
    return new Builder(stateDir, task, runner);
  }

  /** Fills the defaults: heartbeat 30 s, retry delay 5 s, backoff 1 s..60 s, drain 24 h. */
  public static final class Builder {
    private final Path stateDir;
    private final TaskSupplier task;
    private final Function<RunContext, StepRunner> runner;
    private MachineIdentity machine;
    private Duration heartbeat = Duration.ofSeconds(30);
    private Duration retryDelay = Duration.ofSeconds(5);
    private Backoff backoff = Backoff.defaults();
    private Duration drain = Duration.ofHours(24);
    private Duration requestTimeout = Duration.ofSeconds(15);
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = RandomGenerator.getDefault();
    private TaskResolver.Disks disks = () -> DiskInventory.system().disks();
    private HttpClient webhookHttp;

    private Builder(Path stateDir, TaskSupplier task, Function<RunContext, StepRunner> runner) {
      this.stateDir = stateDir;
      this.task = task;
      this.runner = runner;
    }

    public Builder machine(MachineIdentity m) {
      this.machine = m;
      return this;
    }

    public Builder heartbeatInterval(Duration d) {
      this.heartbeat = d;
      return this;
    }

    public Builder retryDelay(Duration d) {
      this.retryDelay = d;
      return this;
    }

    public Builder backoff(Backoff b) {
      this.backoff = b;
      return this;
    }

    public Builder drainTimeout(Duration d) {
      this.drain = d;
      return this;
    }

    public Builder requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public Builder random(RandomGenerator r) {
      this.random = r;
      return this;
    }

    public Builder disks(TaskResolver.Disks d) {
      this.disks = d;
      return this;
    }

    /** See {@link DispatcherOptions#webhookHttp()}: for simulations only. */
    public Builder webhookHttp(HttpClient h) {
      this.webhookHttp = h;
      return this;
    }

    public DispatcherOptions build() {
      return new DispatcherOptions(
          stateDir,
          task,
          runner,
          machine,
          heartbeat,
          retryDelay,
          backoff,
          drain,
          requestTimeout,
          clock,
          random,
          disks,
          webhookHttp);
    }
  }
}
