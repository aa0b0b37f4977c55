/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import dev.plinth.contract.ImageRef;
import dev.plinth.contract.LogTail;
import dev.plinth.contract.Task;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Runs steps as local processes in a sandbox directory: for tests and {@code plinth demo}, never on
 * a real machine. A step's image maps to a command by the last segment of its repository ({@code
 * plinth/tools/sgdisk} → {@code sgdisk}): first in the {@code commands} given to the constructor,
 * else to the built-in {@link SimulatedTools} (run in a fresh JVM). Arguments are the step's args;
 * the environment is the step's env plus {@code PLINTH_JOB_ID}, {@code PLINTH_STEP}, {@code
 * PLINTH_ATTEMPT}, {@code PLINTH_SANDBOX} and {@code PLINTH_DEVICES}; nothing of the dispatcher's
 * own environment leaks in except {@code PATH}.
 *
 * <pre>
 * sandbox/
 * ├── runs.log                    one line per attempt started: "NN-name attempt N"
 * ├── actions.log                 what the simulated tools "did", one line each
 * └── steps/NN-name/attempt-N/    the attempt's working directory
 *     ├── output.log              stdout and stderr
 *     ├── pid                     the process id while it runs
 *     └── result.properties       exit status, duration, message: written when it ends
 * </pre>
 */
public final class LocalRunner implements StepRunner {

  private static final int LOG_TAIL_CHARS = 4096;

  private final Path sandbox;
  private final Map<String, List<String>> commands;
  private final boolean inProcess;

  /**
   * @param sandbox the sandbox directory (created if missing)
   * @param commands commands by repository short name that take precedence over the simulated tools
   */
  public LocalRunner(Path sandbox, Map<String, List<String>> commands) {
    this(sandbox, commands, false);
  }

  /**
   * @param inProcess run the simulated tools on virtual threads of this JVM instead of child JVMs
   *     (for simulating many machines at once; {@code commands} still run as processes)
   */
  public LocalRunner(Path sandbox, Map<String, List<String>> commands, boolean inProcess) {
    this.sandbox = sandbox.toAbsolutePath();
    this.commands = Map.copyOf(commands);
    this.inProcess = inProcess;
  }

  @Override
  public String name() {
    return "local";
  }

  public Path sandbox() {
    return sandbox;
  }

  @Override
  public void prepare(Task task) throws IOException {
    Files.createDirectories(sandbox.resolve("steps"));
  }

  @Override
  public StepResult run(StepAttempt a) throws InterruptedException {
    long start = System.nanoTime();
    Path dir = attemptDir(a);
    try {
      Files.createDirectories(dir);
      Files.writeString(
          sandbox.resolve("runs.log"),
          a.slug() + " attempt " + a.attempt() + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Optional<List<String>> cmd = command(a);
      if (cmd.isEmpty()) {
        return finish(
            dir,
            new StepResult(
                StepResult.NOT_STARTED,
                since(start),
                "",
                "no local tool for image repository "
                    + ImageRef.parse(a.step().image()).repository()
                    + " (built-in: "
                    + String.join(", ", new java.util.TreeSet<>(SimulatedTools.NAMES))
                    + ")"));
      }
      int exit =
          inProcess && !commands.containsKey(tool(a)) && SimulatedTools.NAMES.contains(tool(a))
              ? runInProcess(a, dir)
              : runProcess(a, dir, cmd.get());
      String tail =
          LogTail.clip(
              Files.readString(dir.resolve("output.log"), StandardCharsets.UTF_8), LOG_TAIL_CHARS);
      StepResult r = StepResult.of(exit, since(start), tail);
      if (exit == StepResult.TIMED_OUT) {
        r =
            new StepResult(
                exit, r.duration(), tail, "timed out after " + a.step().timeoutSeconds() + " s");
      }
      return finish(dir, r);
    } catch (IOException e) {
      return new StepResult(
          StepResult.NOT_STARTED, since(start), "", "cannot start step: " + e.getMessage());
    }
  }

  private int runProcess(StepAttempt a, Path dir, List<String> cmd)
      throws IOException, InterruptedException {
    Process p = start(a, dir, cmd);
    try {
      if (p.waitFor(a.step().timeoutSeconds(), TimeUnit.SECONDS)) {
        return p.exitValue();
      }
      kill(p.toHandle());
      return StepResult.TIMED_OUT;
    } catch (InterruptedException e) {
      kill(p.toHandle());
      throw e;
    }
  }

  /** A simulated tool on a virtual thread of this JVM: for simulations of many machines. */
  private int runInProcess(StepAttempt a, Path dir) throws IOException, InterruptedException {
    Map<String, String> env = environment(a, Map.of());
    int[] exit = {StepResult.NOT_STARTED};
    try (PrintStream out =
        new PrintStream(
            Files.newOutputStream(dir.resolve("output.log")), true, StandardCharsets.UTF_8)) {
      Thread t =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      exit[0] = SimulatedTools.run(tool(a), a.step().args(), env, out);
                    } catch (IOException | RuntimeException e) {
                      out.println(e);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      try {
        if (!t.join(Duration.ofSeconds(a.step().timeoutSeconds()))) {
          t.interrupt();
          t.join();
          return StepResult.TIMED_OUT;
        }
      } catch (InterruptedException e) {
        t.interrupt();
        throw e;
      }
    }
    return exit[0];
  }

  private static String tool(StepAttempt a) {
    return ImageRef.parse(a.step().image()).shortName();
  }

  @Override
  public Optional<StepResult> reattach(StepAttempt a) throws InterruptedException {
    Path dir = attemptDir(a);
    try {
      Path result = dir.resolve("result.properties");
      if (Files.exists(result)) {
        Properties p = new Properties();
        try (var in = Files.newInputStream(result)) {
          p.load(in);
        }
        return Optional.of(
            new StepResult(
                Integer.parseInt(p.getProperty("exit")),
                Duration.ofMillis(Long.parseLong(p.getProperty("durationMs"))),
                Files.exists(dir.resolve("output.log"))
                    ? LogTail.clip(Files.readString(dir.resolve("output.log")), LOG_TAIL_CHARS)
                    : "",
                p.getProperty("message", "")));
      }
      Path pid = dir.resolve("pid");
      if (Files.exists(pid)) {
        // The process outlived the dispatcher that started it: its result would be lost, so stop
        // it.
        // Only if it started before the pid file was written: a reused pid is someone else's.
        java.time.Instant written = Files.getLastModifiedTime(pid).toInstant().plusSeconds(1);
        ProcessHandle.of(Long.parseLong(Files.readString(pid).strip()))
            .filter(h -> h.info().startInstant().map(t -> t.isBefore(written)).orElse(false))
            .ifPresent(LocalRunner::kill);
      }
    } catch (IOException | NumberFormatException e) {
      // Unreadable leftovers: treat the attempt as interrupted.
    }
    return Optional.empty();
  }

  private Process start(StepAttempt a, Path dir, List<String> cmd) throws IOException {
    // The child writes its own pid file before it execs the tool (same pid), so the file exists
    // even if this JVM is killed the instant after starting it: a restart can then find it.
    List<String> wrapped =
        new ArrayList<>(List.of("/bin/sh", "-c", "echo $$ > pid && exec \"$@\"", "plinth-step"));
    wrapped.addAll(cmd);
    ProcessBuilder pb =
        new ProcessBuilder(wrapped)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("output.log").toFile());
    Map<String, String> env = environment(a, pb.environment());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }

  /** This JVM's class path with absolute entries: the tool runs in the attempt directory. */
  private static String absoluteClassPath() {
    return java.util.Arrays.stream(
            System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(e -> !e.isEmpty())
        .map(e -> Path.of(e).toAbsolutePath().toString())
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  private Map<String, String> environment(StepAttempt a, Map<String, String> inherited) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("PATH", inherited.getOrDefault("PATH", "/usr/bin:/bin"));
    env.putAll(a.step().env());
    env.put("PLINTH_JOB_ID", a.task().jobId());
    env.put("PLINTH_STEP", a.step().name());
    env.put("PLINTH_ATTEMPT", String.valueOf(a.attempt()));
    env.put("PLINTH_SANDBOX", sandbox.toString());
    env.put("PLINTH_DEVICES", String.join(",", a.step().devices()));
    return env;
  }

  private Optional<List<String>> command(StepAttempt a) {
    String tool = ImageRef.parse(a.step().image()).shortName();
    List<String> cmd = new ArrayList<>();
    if (commands.containsKey(tool)) {
      cmd.addAll(commands.get(tool));
    } else if (SimulatedTools.NAMES.contains(tool)) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      cmd.addAll(
          List.of(
              java,
              "-XX:TieredStopAtLevel=1",
              "-XX:+UseSerialGC",
              "-Xshare:auto",
              "-Xmx32m",
              "-cp",
              absoluteClassPath(),
              SimulatedTools.class.getName(),
              tool));
    } else {
      return Optional.empty();
    }
    cmd.addAll(a.step().args());
    return Optional.of(cmd);
  }

  private StepResult finish(Path dir, StepResult r) throws IOException {
    Properties p = new Properties();
    p.setProperty("exit", String.valueOf(r.exitCode()));
    p.setProperty("durationMs", String.valueOf(r.duration().toMillis()));
    p.setProperty("message", r.message());
    Path tmp = dir.resolve("result.properties.tmp");
    try (var out = Files.newOutputStream(tmp)) {
      p.store(out, null);
    }
    Files.move(
        tmp,
        dir.resolve("result.properties"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(dir.resolve("pid"));
    return r;
  }

  @Override
  public Optional<Path> outputFile(StepAttempt a) {
    return Optional.of(attemptDir(a).resolve("output.log"));
  }

  private Path attemptDir(StepAttempt a) {
    return sandbox.resolve("steps").resolve(a.slug()).resolve("attempt-" + a.attempt());
  }

  private static void kill(ProcessHandle h) {
    h.descendants().forEach(ProcessHandle::destroyForcibly);
    h.destroyForcibly();
    h.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> h).join();
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
