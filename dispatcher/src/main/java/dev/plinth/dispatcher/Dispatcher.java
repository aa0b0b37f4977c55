/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher;

import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import dev.plinth.contract.OnFailure;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskStep;
import dev.plinth.dispatcher.intake.IntakeException;
import dev.plinth.dispatcher.report.EventJournal;
import dev.plinth.dispatcher.report.LogStreamer;
import dev.plinth.dispatcher.report.Reporter;
import dev.plinth.dispatcher.report.StateLayout;
import dev.plinth.dispatcher.report.WebhookClient;
import dev.plinth.dispatcher.runner.StepAttempt;
import dev.plinth.dispatcher.runner.StepResult;
import dev.plinth.dispatcher.runner.StepRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Runs one task: reports {@code booted}, runs the steps in order with their retries and on-failure
 * policy, reports every attempt, a heartbeat while a step runs, and {@code finished}; then waits
 * until the controller has every event. Safe to stop at any moment and run again: the event journal
 * says which steps already ended, and those are not run again.
 */
public final class Dispatcher {

  private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());

  private final DispatcherOptions options;
  private final StateLayout layout;
  private Task task;
  private final EventJournal journal;
  private final StepRunner runner;

  /** Streams each attempt's output to the controller (null: not at all). */
  private LogStreamer logs;

  private Dispatcher(
      DispatcherOptions options,
      Task task,
      EventJournal journal,
      StepRunner runner,
      StateLayout layout) {
    this.options = options;
    this.layout = layout;
    this.task = task;
    this.journal = journal;
    this.runner = runner;
  }

  /** Takes the task, runs it to the end (or resumes it) and delivers its events. */
  public static DispatchResult run(DispatcherOptions o)
      throws IntakeException, IOException, InterruptedException {
    Task task = o.task().get();
    if (o.machine() != null) {
      o.machine().check(task.machine());
    }
    StateLayout layout = new StateLayout(o.stateDir());
    EventJournal journal = EventJournal.open(layout, task.jobId());
    StepRunner runner =
        o.runner().apply(new DispatcherOptions.RunContext(task, layout.job(task.jobId())));
    WebhookClient client = new WebhookClient(task, o.clock(), o.requestTimeout(), o.webhookHttp());
    try (Reporter reporter = Reporter.start(journal, client, o.backoff(), o.random())) {
      Dispatcher d = new Dispatcher(o, task, journal, runner, layout);
      d.logs = new LogStreamer(task, client::sendLogs, LogStreamer.Limits.defaults(), o.clock());
      List<String> failed = d.execute();
      boolean delivered = reporter.awaitDrained(o.drainTimeout());
      if (!delivered) {
        LOG.log(
            Level.ERROR,
            "{0} events still undelivered after {1}: {2}",
            journal.pendingCount(),
            o.drainTimeout(),
            reporter.lastProblem());
      }
      return new DispatchResult(task.jobId(), failed.isEmpty(), failed, delivered);
    }
  }

  private List<String> execute() throws IOException, InterruptedException {
    List<Event> history = journal.history();
    List<StepProgress> progress = StepProgress.replay(history, task.steps().size());
    if (StepProgress.finished(history)) {
      LOG.log(Level.INFO, "job {0} already finished; delivering what is left", task.jobId());
      List<String> failed = new ArrayList<>(failedSteps(progress));
      Event fin =
          history.stream().filter(e -> e.type() == EventType.FINISHED).findFirst().orElseThrow();
      if (failed.isEmpty() && !Event.OUTCOME_SUCCEEDED.equals(fin.outcome())) {
        failed.add("(" + fin.message() + ")");
      }
      finishRunner();
      return failed;
    }
    emit(EventType.BOOTED, b -> b.message(bootMessage(history, progress)));
    try {
      task =
          TaskResolver.resolve(
              task, options.disks(), layout.files(task.jobId()), layout.targetDisk(task.jobId()));
    } catch (TaskResolver.NoTargetDisk e) {
      LOG.log(Level.ERROR, e.getMessage());
      emit(EventType.FINISHED, b -> b.outcome(Event.OUTCOME_FAILED).message(e.getMessage()));
      return List.of("(no target disk)");
    }
    runner.prepare(task);
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < task.steps().size(); i++) {
      TaskStep step = task.steps().get(i);
      boolean ok = finishStep(i, progress.get(i));
      if (!ok) {
        failed.add(step.name());
        if (step.onFailure() == OnFailure.ABORT) {
          break;
        }
      }
    }
    int succeeded =
        (int)
            StepProgress.replay(journal.history(), task.steps().size()).stream()
                .filter(p -> p.state() == StepProgress.State.SUCCEEDED)
                .count();
    String message =
        failed.isEmpty()
            ? succeeded + " of " + task.steps().size() + " steps succeeded"
            : "step "
                + failed.get(0)
                + " failed; "
                + succeeded
                + " of "
                + task.steps().size()
                + " steps succeeded";
    emit(
        EventType.FINISHED,
        b ->
            b.outcome(failed.isEmpty() ? Event.OUTCOME_SUCCEEDED : Event.OUTCOME_FAILED)
                .message(message));
    finishRunner();
    return failed;
  }

  /** Brings one step to its end from wherever the history left it; true if it succeeded. */
  private boolean finishStep(int i, StepProgress p) throws IOException, InterruptedException {
    int interrupted = p.interrupted();
    int next;
    switch (p.state()) {
      case SUCCEEDED -> {
        return true;
      }
      case FAILED -> {
        return false;
      }
      case RUNNING -> {
        StepAttempt a = new StepAttempt(task, i, p.lastAttempt());
        Optional<StepResult> r;
        // The attempt still runs: its output goes on being streamed from where it was.
        LogStreamer.Follow output = followOutput(a);
        try {
          r = runner.reattach(a);
        } finally {
          if (output != null) {
            output.close();
          }
        }
        if (r.isPresent()) {
          Verdict v = record(a, r.get(), interrupted);
          if (v != Verdict.RETRY) {
            return v == Verdict.SUCCEEDED;
          }
        } else {
          interrupted++;
          StepResult cut =
              new StepResult(
                  StepResult.INTERRUPTED,
                  java.time.Duration.ZERO,
                  "",
                  "interrupted: the dispatcher restarted while this attempt ran");
          emit(
              EventType.STEP_FAILED,
              b ->
                  b.step(i, a.step().name(), a.attempt())
                      .result(cut.exitCode(), 0, "")
                      .willRetry(true)
                      .message(cut.message()));
        }
        next = p.lastAttempt() + 1;
      }
      case RETRYING -> next = p.lastAttempt() + 1;
      default -> next = 1;
    }
    for (int attempt = next; ; attempt++) {
      StepAttempt a = new StepAttempt(task, i, attempt);
      emit(EventType.STEP_STARTED, b -> b.step(i, a.step().name(), a.attempt()));
      StepResult r = runWithHeartbeat(a);
      Verdict v = record(a, r, interrupted);
      if (v != Verdict.RETRY) {
        return v == Verdict.SUCCEEDED;
      }
      Thread.sleep(options.retryDelay());
    }
  }

  private enum Verdict {
    SUCCEEDED,
    RETRY,
    FAILED
  }

  private Verdict record(StepAttempt a, StepResult r, int interrupted) throws IOException {
    String name = a.step().name();
    if (r.succeeded()) {
      emit(
          EventType.STEP_SUCCEEDED,
          b ->
              b.step(a.index(), name, a.attempt()).result(0, r.duration().toMillis(), r.logTail()));
      return Verdict.SUCCEEDED;
    }
    boolean retry = a.attempt() < a.step().maxAttempts() + interrupted;
    LOG.log(
        Level.WARNING,
        "step {0} attempt {1} failed: {2}{3}",
        name,
        a.attempt(),
        r.message(),
        retry ? "; retrying" : "");
    emit(
        EventType.STEP_FAILED,
        b ->
            b.step(a.index(), name, a.attempt())
                .result(r.exitCode(), r.duration().toMillis(), r.logTail())
                .willRetry(retry)
                .message(r.message()));
    return retry ? Verdict.RETRY : Verdict.FAILED;
  }

  private StepResult runWithHeartbeat(StepAttempt a) throws InterruptedException {
    Thread beat =
        Thread.ofVirtual()
            .name("plinth-heartbeat")
            .start(
                () -> {
                  try {
                    while (true) {
                      Thread.sleep(options.heartbeatInterval());
                      journal.appendUnlessPending(
                          EventType.HEARTBEAT,
                          seq ->
                              Event.builder(
                                      task.jobId(),
                                      seq,
                                      EventType.HEARTBEAT,
                                      options.clock().instant())
                                  .step(a.index(), a.step().name(), a.attempt())
                                  .build());
                    }
                  } catch (InterruptedException e) {
                    // The step ended.
                  } catch (IOException e) {
                    LOG.log(Level.ERROR, "cannot spool a heartbeat: " + e);
                  }
                });
    LogStreamer.Follow output = followOutput(a);
    try {
      return runner.run(a);
    } finally {
      beat.interrupt();
      beat.join();
      if (output != null) {
        output.close();
      }
    }
  }

  /** Starts streaming the attempt's output, when the runner writes it to a file. */
  private LogStreamer.Follow followOutput(StepAttempt a) {
    return logs == null
        ? null
        : runner
            .outputFile(a)
            .map(f -> logs.follow(a.step().name(), a.index(), a.attempt(), f))
            .orElse(null);
  }

  /** Lets the runner drop what it kept for the steps; a failure there does not fail the job. */
  private void finishRunner() {
    try {
      runner.finish(task);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "the {0} runner could not clean up: {1}", runner.name(), e);
    }
  }

  private void emit(EventType type, UnaryOperator<Event.Builder> fill) throws IOException {
    try {
      Event e =
          journal.append(
              seq ->
                  fill.apply(Event.builder(task.jobId(), seq, type, options.clock().instant()))
                      .build());
      LOG.log(
          Level.INFO,
          "event {0} {1}{2}",
          e.sequence(),
          e.type(),
          e.step() == null ? "" : " " + e.step() + " #" + e.attempt());
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private String bootMessage(List<Event> history, List<StepProgress> progress) {
    String base =
        "plinth-dispatcher (" + runner.name() + " runner) on machine " + task.machine().id();
    if (history.isEmpty()) {
      return base;
    }
    long done = progress.stream().filter(p -> p.state() == StepProgress.State.SUCCEEDED).count();
    return base + "; restarted, resuming after " + done + " finished step(s)";
  }

  private List<String> failedSteps(List<StepProgress> progress) {
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < progress.size(); i++) {
      if (progress.get(i).state() == StepProgress.State.FAILED) {
        failed.add(task.steps().get(i).name());
      }
    }
    return failed;
  }
}
