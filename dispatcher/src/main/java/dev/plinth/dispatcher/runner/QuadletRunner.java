/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import dev.plinth.contract.ImageRef;
import dev.plinth.contract.StepMount;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskStep;
import dev.plinth.dispatcher.sys.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Runs steps as Quadlet units under systemd, inside the maintenance OS.
 *
 * <p>{@link #prepare} writes the registry credentials ({@code auth.json}, 0600, user = job id,
 * password = job token, or the task's {@code registryUsername}/{@code registryPassword} for an
 * external registry) and the CA bundle ({@code certs/<registry host>/ca.crt}) into the runtime
 * directory, renders one unit per step into the unit directory and runs {@code systemctl
 * daemon-reload}. Each attempt then pulls the image by digest ({@code podman pull --authfile
 * --cert-dir}: Quadlet 4.4 units never pull), resets and starts the unit, waits until it is no
 * longer active, and reads {@code Result}/{@code ExecMainStatus} and the journal of that
 * invocation.
 *
 * <pre>
 * unitDir/      (default /run/containers/systemd)  plinth-step-NN-name.container, one per step
 * runtimeDir/   (default /run/plinth-dispatcher)
 * ├── auth.json                     containers-auth.json(5) for the task's registry host
 * ├── certs/HOST[:PORT]/ca.crt      the task's CA bundle, for podman --cert-dir
 * ├── tool-policy.json              policy.json(5) from the task's toolSigningKeys, when it has them
 * └── tool-signing/key-N.pub        those keys, one PEM file each
 * outputDir/    (the job's output/ in the state directory, see StateLayout)
 * └── NN-name/attempt-N.log         the attempt's stdout and stderr, appended by systemd
 * </pre>
 *
 * <p>Step output ({@link #withOutput}): each unit sends its container's output to a file of its own
 * attempt ({@code StandardOutput=append:}, podman's {@code passthrough} log driver), which the
 * dispatcher tails to stream it to the controller. A file, not a {@code journalctl -f} follower:
 * systemd opens it before podman starts, so nothing is lost between the start and a follower
 * attaching, podman's own errors land in it too, journald's rate limit (10,000 messages in 30 s per
 * service) cannot drop a chatty tool's lines, and there is no child process to keep alive: a
 * restarted dispatcher finds the running attempt's file by its name (step and attempt number) and
 * goes on from where it was. A retry renders the step's unit again for its attempt's file and
 * reloads systemd. The log tail of the result is the file's last lines (the journal no longer has
 * the tool's output; it is read only when the file has nothing, e.g. when systemd could not start
 * the unit). While an attempt runs, a file over {@link #MAX_OUTPUT_BYTES} is emptied (the root file
 * system of the maintenance OS is RAM); when the job has finished, {@link #finish} removes the
 * directory.
 *
 * <p>Image signatures: with {@code toolSigningKeys} in the task, every pull uses {@code
 * tool-policy.json}: a step image from the task's registry host must carry a sigstore signature
 * (cosign layout, read through the baked {@code registries.d}) by one of those keys, and anything
 * else is rejected. Without them, the maintenance OS's baked policy applies when the OS holds a
 * site key ({@link #TOOL_SIGNING_KEY}); with neither, pulls are not checked.
 */
public final class QuadletRunner implements StepRunner {

  private static final System.Logger LOG = System.getLogger(QuadletRunner.class.getName());
  private static final int LOG_TAIL_LINES = 50;

  /**
   * The most an attempt's output file holds on the machine; past it, it is emptied and goes on
   * growing from nothing (the dispatcher sends at most 256 KiB of an attempt to the controller).
   */
  static final long MAX_OUTPUT_BYTES = 16L << 20;

  private final Path unitDir;
  private final Path runtimeDir;
  private final Commands commands;
  private final Duration pullTimeout;
  private final Duration pollInterval;
  private final Duration pullRetryFor;
  private Path toolPolicy = TOOL_POLICY;
  private Path toolKey = TOOL_SIGNING_KEY;
  private Path outputDir;

  /**
   * The maintenance OS's policy for tool images (baked in, maintenance-os/src/main/mos): every
   * image must carry a sigstore signature (cosign layout) by {@link #TOOL_SIGNING_KEY}.
   */
  public static final Path TOOL_POLICY = Path.of("/etc/containers/policy-plinth-tools.json");

  /**
   * The site's image-signing public key (SPKI PEM, {@code ci keygen}'s signing.pub). When the
   * maintenance OS holds it, every pull is checked against {@link #TOOL_POLICY} and an image whose
   * signature does not verify fails the step without running it.
   */
  public static final Path TOOL_SIGNING_KEY = Path.of("/etc/plinth/tool-signing.pub");

  /** Another policy and key for tool-image signatures (tests). */
  public QuadletRunner withToolSignatures(Path policy, Path key) {
    this.toolPolicy = policy;
    this.toolKey = key;
    return this;
  }

  /**
   * Sends each attempt's output to a file under {@code dir} ({@code NN-name/attempt-N.log}), which
   * {@link #outputFile} names for streaming; without it, the output goes to the journal only.
   */
  public QuadletRunner withOutput(Path dir) {
    this.outputDir = dir.toAbsolutePath();
    return this;
  }

  /** A runner that does not retry a failed pull (podman itself tries three times). */
  public QuadletRunner(
      Path unitDir,
      Path runtimeDir,
      Commands commands,
      Duration pullTimeout,
      Duration pollInterval) {
    this(unitDir, runtimeDir, commands, pullTimeout, pollInterval, Duration.ZERO);
  }

  /**
   * @param pullRetryFor how long a failed pull is tried again, with backoff, before the attempt
   *     fails: the registry is the controller, and a controller restarting (or a network blip) must
   *     not fail a job that its webhooks would have ridden out
   */
  public QuadletRunner(
      Path unitDir,
      Path runtimeDir,
      Commands commands,
      Duration pullTimeout,
      Duration pollInterval,
      Duration pullRetryFor) {
    this.unitDir = unitDir;
    this.runtimeDir = runtimeDir;
    this.commands = commands;
    this.pullTimeout = pullTimeout;
    this.pollInterval = pollInterval;
    this.pullRetryFor = pullRetryFor;
  }

  /** Where a step container finds the job's registry credentials (containers-auth.json). */
  public static final String TOOL_AUTH_FILE = "/run/plinth/auth.json";

  /** Where a step container finds the CA bundle to trust for the registry. */
  public static final String TOOL_CA_FILE = "/run/plinth/ca.pem";

  /** The production setup: /run/containers/systemd, /run/plinth-dispatcher, real commands. */
  public static QuadletRunner system() {
    return new QuadletRunner(
        Path.of("/run/containers/systemd"),
        Path.of("/run/plinth-dispatcher"),
        Commands.system(),
        Duration.ofMinutes(30),
        Duration.ofSeconds(2),
        Duration.ofMinutes(10));
  }

  @Override
  public String name() {
    return "quadlet";
  }

  @Override
  public void prepare(Task task) throws IOException, InterruptedException {
    Files.createDirectories(runtimeDir);
    writePrivate(runtimeDir.resolve("auth.json"), authJson(task));
    writeToolPolicy(task);
    if (task.caBundle() != null) {
      Path certs = certDir(task);
      Files.createDirectories(certs);
      writePrivate(certs.resolve("ca.crt"), task.caBundle().getBytes(StandardCharsets.US_ASCII));
      // The same bundle at a path without the registry's "host:port": podman's -v splits on ':'.
      writePrivate(
          runtimeDir.resolve("registry-ca.pem"),
          task.caBundle().getBytes(StandardCharsets.US_ASCII));
    }
    Files.createDirectories(unitDir);
    for (Map.Entry<String, String> u :
        QuadletRenderer.renderAll(withRuntime(task), this::outputPath).entrySet()) {
      writeAtomically(unitDir.resolve(u.getKey()), u.getValue().getBytes(StandardCharsets.UTF_8));
    }
    Commands.Result reload = systemctl("daemon-reload");
    if (!reload.ok()) {
      throw new IOException("systemctl daemon-reload failed: " + reload.output().strip());
    }
  }

  @Override
  public StepResult run(StepAttempt a) throws InterruptedException {
    long start = System.nanoTime();
    String unit = QuadletRenderer.serviceName(a);
    try {
      Commands.Result pull = pullWithRetries(a);
      if (!pull.ok()) {
        return new StepResult(
            StepResult.NOT_STARTED,
            since(start),
            tailLines(pull.output()),
            signatureRefused(a.task(), pull)
                ? "image "
                    + a.step().image()
                    + " refused: its signature does not verify against the site's key ("
                    + keysInForce(a.task())
                    + ")"
                : "image pull failed");
      }
      renderFor(a);
      String before = show(unit).getOrDefault("InvocationID", "");
      systemctl("reset-failed", unit);
      Commands.Result started = systemctl("start", unit);
      if (!started.ok()) {
        LOG.log(
            System.Logger.Level.WARNING,
            "systemctl start {0}: {1}",
            unit,
            started.output().strip());
      }
      return awaitEnd(a, start, before, started.output().strip());
    } catch (IOException e) {
      return new StepResult(
          StepResult.NOT_STARTED, since(start), "", "cannot run step: " + e.getMessage());
    }
  }

  @Override
  public Optional<Path> outputFile(StepAttempt a) {
    return Optional.ofNullable(outputPath(a));
  }

  /** Removes the job's output files: the controller has what it was sent, the job is over. */
  @Override
  public void finish(Task task) throws IOException {
    if (outputDir == null || !Files.exists(outputDir)) {
      return;
    }
    try (var files = Files.walk(outputDir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private Path outputPath(StepAttempt a) {
    return outputDir == null
        ? null
        : outputDir.resolve(a.slug()).resolve("attempt-" + a.attempt() + ".log");
  }

  /**
   * Makes the step's unit send its output to this attempt's file: {@link #prepare} rendered every
   * unit for attempt 1, so a retry (or an attempt after a restart) writes the unit again and
   * reloads systemd. The directory is created here: systemd creates the file, not its parents.
   */
  private void renderFor(StepAttempt a) throws IOException, InterruptedException {
    Path out = outputPath(a);
    if (out == null) {
      return;
    }
    Files.createDirectories(out.getParent());
    Path file = unitDir.resolve(QuadletRenderer.fileName(a));
    String unit =
        QuadletRenderer.render(new StepAttempt(withRuntime(a.task()), a.index(), a.attempt()), out);
    if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(unit)) {
      return;
    }
    writeAtomically(file, unit.getBytes(StandardCharsets.UTF_8));
    Commands.Result reload = systemctl("daemon-reload");
    if (!reload.ok()) {
      throw new IOException("systemctl daemon-reload failed: " + reload.output().strip());
    }
  }

  @Override
  public Optional<StepResult> reattach(StepAttempt a) throws InterruptedException {
    String unit = QuadletRenderer.serviceName(a);
    try {
      Map<String, String> p = show(unit);
      boolean ran = !p.getOrDefault("ExecMainStartTimestampMonotonic", "0").equals("0");
      boolean active = isRunning(p);
      if (!ran && !active) {
        return Optional.empty();
      }
      return Optional.of(awaitEnd(a, System.nanoTime(), null, ""));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Waits until the unit is no longer active and maps its result. {@code before} is the invocation
   * id seen before {@code systemctl start} (null when re-attaching): if it did not change, the unit
   * never ran, whatever its stale {@code Result} says.
   */
  private StepResult awaitEnd(StepAttempt a, long start, String before, String startOutput)
      throws IOException, InterruptedException {
    String unit = QuadletRenderer.serviceName(a);
    Map<String, String> p = show(unit);
    while (isRunning(p)) {
      Thread.sleep(pollInterval);
      capOutput(a);
      p = show(unit);
    }
    if ("not-found".equals(p.get("LoadState"))) {
      return new StepResult(
          StepResult.NOT_STARTED,
          since(start),
          startOutput,
          "unit "
              + unit
              + " not found: Quadlet did not generate it (check podman-system-generator --dryrun)");
    }
    String invocation = p.getOrDefault("InvocationID", "");
    if (before != null && (invocation.isEmpty() || invocation.equals(before))) {
      return new StepResult(
          StepResult.NOT_STARTED, since(start), startOutput, "unit " + unit + " did not start");
    }
    String result = p.getOrDefault("Result", "");
    int status = parseInt(p.get("ExecMainStatus"), -1);
    int exit =
        switch (result) {
          case "success" -> 0;
          case "timeout" -> StepResult.TIMED_OUT;
          case "exit-code" -> status == 0 ? 1 : status;
          default -> status > 0 ? status : StepResult.NOT_STARTED;
        };
    String tail = outputTail(a);
    if (tail.isBlank()) {
      tail = journalTail(unit, p.get("InvocationID"));
    }
    StepResult r = StepResult.of(exit, since(start), tail);
    if (exit != 0 && !"exit-code".equals(result) && !"timeout".equals(result)) {
      return new StepResult(exit, r.duration(), tail, "unit ended with result " + result);
    }
    return r;
  }

  /**
   * Whether the step's container still runs. The units keep {@code RemainAfterExit=yes}: a step
   * that succeeded stays {@code active (exited)} with its result, instead of being unloaded by
   * systemd's garbage collection, which dropped the invocation id and the exit status of every
   * successful step (the runner then saw a unit that "did not start").
   */
  private static boolean isRunning(Map<String, String> p) {
    String state = p.get("ActiveState");
    if (state == null) {
      return false;
    }
    return switch (state) {
      case "activating", "deactivating", "reloading" -> true;
      case "active" -> !"exited".equals(p.get("SubState"));
      default -> false;
    };
  }

  /**
   * The runner's part of the tool runtime contract (docs/tools.md): the job's registry credentials
   * and CA as read-only files at fixed paths, and the host's {@code /dev} for steps that touch
   * disks, so partitions a step creates are visible to it and to the steps after it (podman's
   * {@code --privileged} copies only the device nodes that exist when the container starts).
   */
  Task withRuntime(Task task) {
    List<TaskStep> steps = new ArrayList<>();
    for (TaskStep s : task.steps()) {
      Map<String, String> env = new TreeMap<>(s.env());
      List<StepMount> mounts = new ArrayList<>(s.mounts());
      env.put("REGISTRY_AUTH_FILE", TOOL_AUTH_FILE);
      mounts.add(new StepMount(runtimeDir.resolve("auth.json").toString(), TOOL_AUTH_FILE, true));
      if (task.caBundle() != null) {
        env.put("PLINTH_CA_FILE", TOOL_CA_FILE);
        mounts.add(
            new StepMount(runtimeDir.resolve("registry-ca.pem").toString(), TOOL_CA_FILE, true));
      }
      if (!s.devices().isEmpty()) {
        mounts.add(new StepMount("/dev", "/dev", false));
      }
      steps.add(s.resolved(s.devices(), env, mounts));
    }
    return task.withSteps(steps);
  }

  /** Pulls, trying again for {@code pullRetryFor} with backoff from 2 s to 30 s. */
  private Commands.Result pullWithRetries(StepAttempt a) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + pullRetryFor.toNanos();
    Duration wait = Duration.ofSeconds(2);
    int tries = 1;
    Commands.Result r = pull(a);
    while (!r.ok()
        && !signatureRefused(a.task(), r)
        && System.nanoTime() + wait.toNanos() < deadline) {
      LOG.log(
          System.Logger.Level.WARNING,
          "pull of {0} failed (try {1}), again in {2} s: {3}",
          a.step().image(),
          tries,
          wait.toSeconds(),
          tailLines(r.output()).strip());
      Thread.sleep(wait);
      wait =
          wait.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
              ? Duration.ofSeconds(30)
              : wait.multipliedBy(2);
      tries++;
      r = pull(a);
    }
    return r;
  }

  private Commands.Result pull(StepAttempt a) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("podman", "pull", "--quiet"));
    cmd.add("--authfile=" + runtimeDir.resolve("auth.json"));
    if (a.task().registryPlainHttp()) {
      // The task says the registry is plain HTTP (a lab, or the QEMU end-to-end test).
      cmd.add("--tls-verify=false");
    }
    if (a.task().caBundle() != null) {
      cmd.add("--cert-dir=" + certDir(a.task()));
    }
    Path policy = policyInForce(a.task());
    if (policy != null) {
      cmd.add("--signature-policy=" + policy);
    }
    cmd.add(ImageRef.parse(a.step().image()).toString());
    return commands.run(cmd, pullTimeout);
  }

  /**
   * Whether containers/image refused the image by policy (no signature, or one that does not verify
   * against the site's key): not worth trying again.
   */
  private boolean signatureRefused(Task task, Commands.Result pull) {
    return policyInForce(task) != null && pull.output().contains("Source image rejected");
  }

  /** The task's policy when it names keys, else the baked one when the OS has a key, else null. */
  private Path policyInForce(Task task) {
    if (task.toolSigningKeys() != null) {
      return runtimeDir.resolve("tool-policy.json");
    }
    return Files.isRegularFile(toolKey) ? toolPolicy : null;
  }

  private String keysInForce(Task task) {
    if (task.toolSigningKeys() != null) {
      int n = task.toolSigningKeys().size();
      return n == 1 ? "the task's toolSigningKeys" : "any of the task's " + n + " toolSigningKeys";
    }
    return toolKey.toString();
  }

  /** Writes the task's keys and the policy that requires them (nothing when it has none). */
  private void writeToolPolicy(Task task) throws IOException {
    if (task.toolSigningKeys() == null) {
      return;
    }
    Path dir = runtimeDir.resolve("tool-signing");
    Files.createDirectories(dir);
    List<Path> keys = new ArrayList<>();
    for (int i = 0; i < task.toolSigningKeys().size(); i++) {
      Path k = dir.resolve("key-" + (i + 1) + ".pub");
      writeAtomically(k, task.toolSigningKeys().get(i).getBytes(StandardCharsets.US_ASCII));
      keys.add(k);
    }
    writeAtomically(
        runtimeDir.resolve("tool-policy.json"),
        toolPolicy(task.registryHost(), keys).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * containers-policy.json(5) for step images: images from {@code registryHost} must carry a
   * sigstore signature by one of {@code keys} ({@code keyPaths}: any one key suffices; a list of
   * rules would require all of them) naming the repository they are pulled from ({@code
   * matchRepository}: cosign signs the repository without a tag); every other image is rejected.
   */
  static String toolPolicy(String registryHost, List<Path> keys) {
    StringBuilder paths = new StringBuilder();
    for (Path k : keys) {
      paths.append(paths.isEmpty() ? "" : ", ").append(jsonString(k.toString()));
    }
    return "{\n"
        + "  \"default\": [{\"type\": \"reject\"}],\n"
        + "  \"transports\": {\n"
        + "    \"docker\": {\n"
        + "      "
        + jsonString(registryHost)
        + ": [\n"
        + "        {\n"
        + "          \"type\": \"sigstoreSigned\",\n"
        + "          \"keyPaths\": ["
        + paths
        + "],\n"
        + "          \"signedIdentity\": {\"type\": \"matchRepository\"}\n"
        + "        }\n"
        + "      ]\n"
        + "    }\n"
        + "  }\n"
        + "}\n";
  }

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  private Map<String, String> show(String unit) throws IOException, InterruptedException {
    Commands.Result r =
        systemctl(
            "show",
            unit,
            "--property=LoadState,ActiveState,SubState,Result,ExecMainStatus,ExecMainStartTimestampMonotonic,InvocationID");
    if (!r.ok()) {
      throw new IOException("systemctl show " + unit + ": " + r.output().strip());
    }
    Map<String, String> props = new HashMap<>();
    for (String line : r.output().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        props.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return props;
  }

  /**
   * Empties the attempt's output file when it is over {@link #MAX_OUTPUT_BYTES}. systemd opened it
   * with {@code O_APPEND}, so the tool's next write lands at the new end; the dispatcher's reader
   * sees the file shrink and reads it from the start again.
   */
  private void capOutput(StepAttempt a) {
    Path out = outputPath(a);
    if (out == null) {
      return;
    }
    try {
      if (Files.exists(out) && Files.size(out) > MAX_OUTPUT_BYTES) {
        LOG.log(
            System.Logger.Level.WARNING,
            "output of {0} is over {1} bytes: emptied",
            a.slug(),
            MAX_OUTPUT_BYTES);
        try (var ch =
            java.nio.channels.FileChannel.open(out, java.nio.file.StandardOpenOption.WRITE)) {
          ch.truncate(0);
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot cap the output of {0}: {1}", a.slug(), e);
    }
  }

  /** The last {@link #LOG_TAIL_LINES} lines of the attempt's output file ("" without one). */
  private String outputTail(StepAttempt a) {
    Path out = outputPath(a);
    if (out == null || !Files.exists(out)) {
      return "";
    }
    try (var ch = java.nio.channels.FileChannel.open(out, java.nio.file.StandardOpenOption.READ)) {
      // The tail is read from the last 64 KiB: 50 lines of a tool's output fit in it.
      long size = ch.size();
      long from = Math.max(0, size - 64 * 1024);
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) (size - from));
      while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
        // reading
      }
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
      return tailLines(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
    } catch (IOException e) {
      return "(output unavailable: " + e.getMessage() + ")";
    }
  }

  private String journalTail(String unit, String invocation) throws InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "journalctl",
                "--no-pager",
                "-o",
                "cat",
                "-n",
                String.valueOf(LOG_TAIL_LINES),
                "-u",
                unit));
    if (invocation != null && !invocation.isEmpty()) {
      cmd.add("_SYSTEMD_INVOCATION_ID=" + invocation);
    }
    try {
      return commands.run(cmd, Duration.ofSeconds(30)).output();
    } catch (IOException e) {
      return "(journal unavailable: " + e.getMessage() + ")";
    }
  }

  private Commands.Result systemctl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("systemctl");
    cmd.addAll(List.of(args));
    return commands.run(cmd, Duration.ofSeconds(QuadletRenderer.START_TIMEOUT_SECONDS + 30));
  }

  private Path certDir(Task task) {
    return runtimeDir.resolve("certs").resolve(task.registryHost());
  }

  /**
   * containers-auth.json(5) for the registry host: user = job id and password = job token (the
   * embedded registry), or the task's registry credentials (an external registry's read-only
   * account).
   */
  public static byte[] authJson(Task task) {
    var c = task.credentials();
    String auth =
        Base64.getEncoder()
            .encodeToString(
                (c.pullUser(task.jobId()) + ":" + c.pullPassword())
                    .getBytes(StandardCharsets.UTF_8));
    String json = "{\"auths\":{\"" + task.registryHost() + "\":{\"auth\":\"" + auth + "\"}}}\n";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static void writePrivate(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String tailLines(String s) {
    String[] lines = s.split("\n");
    int from = Math.max(0, lines.length - LOG_TAIL_LINES);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static int parseInt(String s, int dflt) {
    try {
      return s == null ? dflt : Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }
}
