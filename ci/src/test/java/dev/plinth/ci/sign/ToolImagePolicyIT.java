/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import static dev.plinth.ci.sign.SignFixture.ci;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.plinth.contract.ContractJson;
import dev.plinth.contract.ControllerUrls;
import dev.plinth.contract.Event;
import dev.plinth.contract.EventType;
import dev.plinth.contract.JobCredentials;
import dev.plinth.contract.MachineRef;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskStep;
import dev.plinth.dispatcher.DispatchResult;
import dev.plinth.dispatcher.Dispatcher;
import dev.plinth.dispatcher.DispatcherOptions;
import dev.plinth.dispatcher.disks.DiskInventory;
import dev.plinth.dispatcher.report.Backoff;
import dev.plinth.dispatcher.runner.QuadletRunner;
import dev.plinth.dispatcher.sys.Commands;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The maintenance OS refuses a tool image whose signature does not verify against the site's key,
 * and the job fails with that reason: the dispatcher's real code path ({@link Dispatcher#run} with
 * the {@link QuadletRunner}, the task's {@code toolSigningKeys}, the policy file it writes) pulls
 * with the maintenance OS's own podman (trixie's 5.4.2, the locked version; {@code
 * src/test/scripts/trixie-podman.sh}) from Debian's docker-registry, where {@code ci sign} signed
 * the images; the signatures are found through the registries.d file baked into the OS.
 *
 * <p>Simulated: systemd. {@code podman run} does not work in this sandbox, so {@code systemctl} and
 * {@code journalctl} answer as for a unit that ran and exited 0; what is real is every pull, the
 * policy and the signature check. The assertions that matter are on the pull: the image is in
 * podman's storage after (a), and (b)/(c) fail before any unit is started.
 */
class ToolImagePolicyIT {

  @TempDir static Path tmp;
  static LocalRegistry registry;
  static Path keys;
  static Path otherKeys;
  static WebhookSink webhooks;
  static String podman;

  @BeforeAll
  static void start() throws Exception {
    podman = TrixiePodman.command();
    registry = new LocalRegistry(tmp.resolve("registry"));
    webhooks = new WebhookSink();
    keys = tmp.resolve("keys");
    otherKeys = tmp.resolve("other-keys");
    assertThat(ci("keygen", "--out", keys.toString()).exit()).isZero();
    assertThat(ci("keygen", "--out", otherKeys.toString()).exit()).isZero();
    // The registries.d file baked into the maintenance OS, where containers/image looks for a
    // user's ($HOME/.config/containers/registries.d) before /etc's: the host's stays untouched.
    Path d = tmp.resolve("home/.config/containers/registries.d");
    Files.createDirectories(d);
    Files.copy(
        Path.of("../maintenance-os/src/main/mos/etc/containers/registries.d/plinth-sigstore.yaml"),
        d.resolve("plinth-sigstore.yaml"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (webhooks != null) {
      webhooks.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** Pushes an image to {@code repo}, signs it with {@code keyDir}'s key (ci sign) unless null. */
  static String image(String repo, Path keyDir) throws Exception {
    String digest = registry.pushImage(repo, "1", "tool image " + repo);
    if (keyDir != null) {
      Path dist = tmp.resolve("dist-" + repo.replace('/', '_'));
      SignFixture.dist(dist, tmp.resolve("src"), digest, repo);
      SignFixture.Run s =
          ci(
              "sign",
              "--dist",
              dist.toString(),
              "--key",
              keyDir.resolve("signing.key").toString(),
              "--source",
              tmp.resolve("src").toString(),
              "--registry",
              registry.url());
      assertThat(s.exit()).as(s.err()).isZero();
    }
    return registry.host() + "/" + repo + "@" + digest;
  }

  static String pem(Path keyDir) throws IOException {
    return Files.readString(keyDir.resolve("signing.pub"));
  }

  /** One job of one step, run by the dispatcher; the commands it ran and the events it sent. */
  record Job(DispatchResult result, List<Event> events, List<List<String>> commands) {
    Event failed() {
      return events.stream()
          .filter(e -> e.type() == EventType.STEP_FAILED)
          .findFirst()
          .orElseThrow(() -> new AssertionError("no step.failed event: " + events));
    }

    boolean started() {
      return commands.stream().anyMatch(c -> c.size() > 1 && c.get(1).equals("start"));
    }
  }

  static Job run(String jobId, String image, List<String> signingKeys) throws Exception {
    Task task =
        new Task(
                Task.API_VERSION,
                Task.KIND,
                jobId,
                "signature-test",
                new MachineRef("m1", null, null),
                new ControllerUrls(
                    webhooks.base(),
                    webhooks.base() + "/webhooks/v1/jobs/" + jobId + "/events",
                    registry.url()),
                registry.host(),
                null,
                new JobCredentials("job-token", Base64.getEncoder().encodeToString(new byte[32])),
                List.of(TaskStep.of("wipe", image, List.of("--zap-all"))),
                null)
            .withToolSigningKeys(signingKeys);
    MaintenanceOsCommands commands = new MaintenanceOsCommands();
    Path state = tmp.resolve("state-" + jobId);
    DispatchResult r =
        Dispatcher.run(
            DispatcherOptions.builder(
                    state,
                    () -> task,
                    ctx ->
                        new QuadletRunner(
                            ctx.jobDir().resolve("units"),
                            ctx.jobDir().resolve("run"),
                            commands,
                            Duration.ofMinutes(2),
                            Duration.ofMillis(20)))
                .disks(DiskInventory::simulated)
                .heartbeatInterval(Duration.ofSeconds(30))
                .retryDelay(Duration.ofMillis(10))
                .backoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(400)))
                .drainTimeout(Duration.ofSeconds(30))
                .requestTimeout(Duration.ofSeconds(5))
                .build());
    assertThat(r.delivered()).isTrue();
    return new Job(r, webhooks.events(jobId), commands.calls);
  }

  @Test
  void anImageSignedWithTheSiteKeyIsPulledAndTheStepRuns() throws Exception {
    String image = image("plinth/tools/site-signed", keys);
    Job job = run("job-signed", image, List.of(pem(keys)));
    assertThat(job.result().succeeded()).as(job.events().toString()).isTrue();
    assertThat(job.started()).isTrue();
    List<String> pull =
        job.commands().stream().filter(c -> c.get(0).equals("podman")).findFirst().orElseThrow();
    assertThat(pull).anyMatch(a -> a.startsWith("--signature-policy=")).contains(image);
    // Really in podman's storage, by digest.
    Commands.Result exists = podman(List.of("podman", "image", "exists", image));
    assertThat(exists.exitCode()).as(exists.output()).isZero();
  }

  @Test
  void anUnsignedImageIsRefusedAndTheJobFailsWithThatReason() throws Exception {
    String image = image("plinth/tools/unsigned", null);
    Job job = run("job-unsigned", image, List.of(pem(keys)));
    assertRefused(job, image);
    assertThat(job.failed().logTail()).contains("Source image rejected");
  }

  @Test
  void anImageSignedWithAnotherKeyIsRefusedAndTheJobFailsWithThatReason() throws Exception {
    String image = image("plinth/tools/other-signed", otherKeys);
    Job job = run("job-other", image, List.of(pem(keys)));
    assertRefused(job, image);
    assertThat(job.failed().logTail()).contains("Source image rejected");
  }

  /** keyPaths: one of the task's keys is enough (a rotation lists the old and the new one). */
  @Test
  void anyOfTheTasksKeysIsEnough() throws Exception {
    String image = image("plinth/tools/rotated", otherKeys);
    Job job = run("job-rotated", image, List.of(pem(keys), pem(otherKeys)));
    assertThat(job.result().succeeded()).as(job.events().toString()).isTrue();
  }

  static void assertRefused(Job job, String image) {
    assertThat(job.result().succeeded()).isFalse();
    assertThat(job.started()).as("a refused image never starts a unit").isFalse();
    Event failed = job.failed();
    assertThat(failed.message())
        .isEqualTo(
            "image "
                + image
                + " refused: its signature does not verify against the site's key (the task's"
                + " toolSigningKeys)");
    assertThat(failed.exitCode()).isEqualTo(-1);
    Event finished = job.events().getLast();
    assertThat(finished.type()).isEqualTo(EventType.FINISHED);
    assertThat(finished.outcome()).isEqualTo(Event.OUTCOME_FAILED);
    assertThat(finished.message()).startsWith("step wipe failed");
  }

  /** The real podman for {@code podman ...}, with private storage. */
  static Commands.Result podman(List<String> command) throws IOException, InterruptedException {
    Path st = tmp.resolve("storage");
    List<String> cmd = new ArrayList<>();
    cmd.add(podman);
    cmd.addAll(
        List.of(
            "--root",
            st.resolve("root").toString(),
            "--runroot",
            st.resolve("run").toString(),
            "--storage-driver",
            "vfs"));
    cmd.addAll(command.subList(1, command.size()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("HOME", tmp.resolve("home").toString());
    if (Files.isRegularFile(TrixiePodman.containersConf())) {
      pb.environment().put("CONTAINERS_CONF_OVERRIDE", TrixiePodman.containersConf().toString());
    }
    pb.environment().put("PODMAN_IGNORE_CGROUPSV1_WARNING", "1");
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Commands.Result(Commands.Result.TIMED_OUT, out);
    }
    return new Commands.Result(p.exitValue(), out);
  }

  /** podman is real; systemd is simulated (a unit that ran and exited 0). */
  static final class MaintenanceOsCommands implements Commands {
    final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean started;

    @Override
    public Result run(List<String> command, Duration timeout)
        throws IOException, InterruptedException {
      calls.add(List.copyOf(command));
      return switch (command.get(0)) {
        case "podman" -> podman(command);
        case "systemctl" ->
            switch (command.get(1)) {
              case "start" -> {
                started = true;
                yield new Result(0, "");
              }
              case "show" ->
                  new Result(
                      0,
                      started
                          ? "LoadState=loaded\nActiveState=active\nSubState=exited\nResult=success\n"
                              + "ExecMainStatus=0\nExecMainStartTimestampMonotonic=1\nInvocationID=1\n"
                          : "LoadState=loaded\nActiveState=inactive\nSubState=dead\nInvocationID=\n");
              default -> new Result(0, "");
            };
        case "journalctl" -> new Result(0, "(simulated journal)\n");
        default -> throw new IOException("unexpected command " + command);
      };
    }
  }

  /** The controller's webhook endpoint, reduced to storing what it is sent (202). */
  static final class WebhookSink implements AutoCloseable {
    private final HttpServer server;
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());

    WebhookSink() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/webhooks/v1/jobs/",
          ex -> {
            try (ex) {
              events.add(ContractJson.readEvent(ex.getRequestBody().readAllBytes()));
              ex.sendResponseHeaders(202, -1);
            } catch (RuntimeException | dev.plinth.contract.ContractException e) {
              ex.sendResponseHeaders(422, -1);
            }
          });
      server.start();
    }

    String base() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Event> events(String jobId) {
      synchronized (events) {
        return events.stream()
            .filter(e -> e.jobId().equals(jobId) && e.type() != EventType.HEARTBEAT)
            .toList();
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
