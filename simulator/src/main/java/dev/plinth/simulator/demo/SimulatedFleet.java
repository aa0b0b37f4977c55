/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.demo;

import dev.plinth.contract.Task;
import dev.plinth.contract.TaskIsoV1;
import dev.plinth.dispatcher.Dispatcher;
import dev.plinth.dispatcher.DispatcherOptions;
import dev.plinth.dispatcher.disks.BlockDisk;
import dev.plinth.dispatcher.intake.IntakeException;
import dev.plinth.dispatcher.runner.LocalRunner;
import dev.plinth.dispatcher.runner.PullingRunner;
import dev.plinth.dispatcher.runner.StepRunner;
import dev.plinth.dispatcher.sys.Commands;
import dev.plinth.iso.IsoReader;
import dev.plinth.iso.IsoTree;
import dev.plinth.iso.IsoWriter;
import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.Faults;
import dev.plinth.simulator.bmc.SimulatedBmc;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * N simulated BMCs, each with a simulated server behind it: when the BMC boots it from virtual CD,
 * the server downloads the ISO, checks it as Task ISO v1 and runs the real {@link Dispatcher} with
 * its {@link LocalRunner} in this process, reporting to the controller by webhook. One 480 GB SATA
 * disk per server; nothing is written outside the fleet's directory.
 */
public final class SimulatedFleet implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SimulatedFleet.class.getName());

  /** The BMC login every simulated BMC accepts. */
  public static final String USER = "admin";

  public static final String PASSWORD = "plinth-demo";

  /**
   * The volume label of the stand-in maintenance ISO ({@link #writeMaintenanceIso}); a simulated
   * server boots only such a medium. (The maintenance-os module's real ISO is labelled PLINTH-MOS;
   * the controller serves either without reading the label.)
   */
  public static final String MAINTENANCE_VOLUME_LABEL = "PLINTH-MAINT";

  private final BmcSimulator sim;
  private final Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  // One webhook client for every simulated machine, as the dispatchers' own (HTTP/1.1, 15 s connect
  // timeout): a JDK client per machine costs a selector thread and a pool each, which is the
  // harness's cost, not the controller's.
  private final HttpClient webhookHttp =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(15))
          .build();
  private final Semaphore running;
  private final Map<String, Thread> current = new ConcurrentHashMap<>();

  /** Errors of simulated servers (a failed download, a bad ISO), by BMC id. */
  public final Map<String, String> errors = new ConcurrentHashMap<>();

  /**
   * How long the simulated hardware takes: every BMC answer, every power change, and the boot of
   * the maintenance OS (firmware POST plus the OS) before its dispatcher starts. Zero by default;
   * benchmarks set them so that the critical path is that of real hardware.
   */
  public record Timing(Duration bmcLatency, Duration powerTransition, Duration bootTime) {
    public static final Timing NONE = new Timing(Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  private final Duration bootTime;

  /**
   * @param concurrency how many dispatchers run at once (each step is a process)
   */
  public SimulatedFleet(int machines, Path dir, int concurrency) throws IOException {
    this(machines, dir, concurrency, Timing.NONE);
  }

  /**
   * @param concurrency how many dispatchers run at once (each step is a process)
   * @param timing the simulated hardware's latencies
   */
  public SimulatedFleet(int machines, Path dir, int concurrency, Timing timing) throws IOException {
    this(machines, dir, concurrency, timing, Duration.ZERO);
  }

  /**
   * @param concurrency how many dispatchers run at once (each step is a process)
   * @param timing the simulated hardware's latencies
   * @param sessionTimeout how long a BMC login session lasts before the BMC drops it (zero: until
   *     logout), as a real BMC's {@code SessionService.SessionTimeout} ends the sessions of a
   *     client that died without logging out
   */
  public SimulatedFleet(
      int machines, Path dir, int concurrency, Timing timing, Duration sessionTimeout)
      throws IOException {
    this.dir = Files.createDirectories(dir);
    this.bootTime = timing.bootTime();
    // PLINTH_DEMO_DISPATCHERS overrides it (benchmarks: every simulated server at once).
    String env = System.getenv("PLINTH_DEMO_DISPATCHERS");
    this.running =
        new Semaphore(env == null || env.isBlank() ? concurrency : Integer.parseInt(env.strip()));
    this.sim =
        BmcSimulator.builder()
            .count(machines)
            .credentials(USER, PASSWORD)
            .faults(
                Faults.NONE
                    .withLatency(timing.bmcLatency())
                    .withPowerTransition(timing.powerTransition())
                    .withSessionTtl(sessionTimeout))
            .bootListener(this::booted)
            .start();
  }

  public List<SimulatedBmc> bmcs() {
    return sim.bmcs();
  }

  private volatile boolean pullImages;

  /**
   * Makes every simulated server pull each step's image from the task's registry, with the task's
   * credentials, before it simulates the step ({@link PullingRunner}: a real {@code skopeo copy}),
   * as a real one pulls with podman. Off by default: the demo's placeholder images hold nothing,
   * and a large fleet's pulls would measure the registry rather than the controller.
   */
  public SimulatedFleet pullImages(boolean pull) {
    this.pullImages = pull;
    return this;
  }

  private StepRunner runner(DispatcherOptions.RunContext ctx) {
    LocalRunner local = new LocalRunner(ctx.jobDir().resolve("sandbox"), Map.of(), true);
    return pullImages
        ? new PullingRunner(local, ctx.jobDir().resolve("pull"), Commands.system(), PULL_TIMEOUT)
        : local;
  }

  private static final Duration PULL_TIMEOUT = Duration.ofMinutes(2);

  private static final int PVD_OFFSET = 16 * 2048;

  private void booted(String bmcId, List<URI> media) {
    if (media.isEmpty()) {
      return;
    }
    // What boots is the first medium: a server only runs the dispatcher from a maintenance ISO.
    String label;
    try {
      label = bootLabel(media.getFirst());
    } catch (IOException e) {
      errors.put(bmcId, "cannot read the boot medium " + media.getFirst() + ": " + e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!MAINTENANCE_VOLUME_LABEL.equals(label)) {
      errors.put(bmcId, "booted volume '" + label + "', not a maintenance ISO");
      LOG.log(Level.WARNING, "simulated server {0}: {1}", bmcId, errors.get(bmcId));
      return;
    }
    List<URI> attached = List.copyOf(media.subList(1, media.size()));
    Path state = dir.resolve(bmcId);
    // A reset stops whatever the server was running: the previous dispatcher dies here.
    Thread previous = current.put(bmcId, Thread.currentThread());
    if (previous != null && previous.isAlive()) {
      previous.interrupt();
      try {
        previous.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!bootTime.isZero()) {
      // Firmware POST and the maintenance OS's boot; a reset meanwhile interrupts it.
      try {
        Thread.sleep(bootTime);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    running.acquireUninterruptibly();
    try {
      DispatcherOptions o =
          DispatcherOptions.builder(state, () -> fetch(attached, state), this::runner)
              .retryDelay(Duration.ofMillis(200))
              .heartbeatInterval(Duration.ofSeconds(5))
              .drainTimeout(Duration.ofMinutes(5))
              .webhookHttp(webhookHttp)
              .disks(
                  () ->
                      List.of(
                          new BlockDisk(
                              "sda",
                              480_000_000_000L,
                              false,
                              false,
                              "sata",
                              "SIMDISK",
                              "SN-" + bmcId,
                              null,
                              List.of())))
              .build();
      Dispatcher.run(o);
    } catch (IntakeException | IOException e) {
      errors.put(bmcId, e.getMessage());
      LOG.log(Level.WARNING, "simulated server {0}: {1}", bmcId, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      running.release();
    }
  }

  /**
   * Finds the task ISO among the attached media by its volume label, downloads and checks it,
   * retrying for two minutes as a real dispatcher does.
   */
  private Task fetch(List<URI> attached, Path state) throws IntakeException, InterruptedException {
    long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      try {
        return fetchOnce(attached, state);
      } catch (IntakeException e) {
        if (System.nanoTime() > until) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  private Task fetchOnce(List<URI> attached, Path state)
      throws IntakeException, InterruptedException {
    List<String> seen = new java.util.ArrayList<>();
    for (URI iso : attached) {
      try {
        String label = volumeLabel(iso);
        if (TaskIsoV1.VOLUME_LABEL.equals(label)) {
          return download(iso, state);
        }
        seen.add(label);
      } catch (IOException e) {
        throw new IntakeException("medium " + iso + ": " + e, e);
      }
    }
    throw new IntakeException("no " + TaskIsoV1.VOLUME_LABEL + " volume among " + seen);
  }

  private Task download(URI iso, Path state) throws IntakeException, InterruptedException {
    try {
      Files.createDirectories(state);
      Path file = state.resolve("task.iso");
      HttpResponse<Path> r =
          http.send(HttpRequest.newBuilder(iso).build(), HttpResponse.BodyHandlers.ofFile(file));
      if (r.statusCode() != 200) {
        throw new IntakeException("GET " + iso + ": HTTP " + r.statusCode());
      }
      try (IsoReader reader = IsoReader.open(file)) {
        if (!TaskIsoV1.VOLUME_LABEL.equals(reader.volumeId())) {
          throw new IntakeException("not a task ISO: volume " + reader.volumeId());
        }
        return TaskIsoV1.verify(
            Map.of(
                TaskIsoV1.TASK_JSON,
                reader.readAllBytes(TaskIsoV1.TASK_JSON, TaskIsoV1.MAX_FILE_BYTES),
                TaskIsoV1.SHA256SUMS,
                reader.readAllBytes(TaskIsoV1.SHA256SUMS, TaskIsoV1.MAX_FILE_BYTES)));
      }
    } catch (IOException | dev.plinth.contract.ContractException e) {
      throw new IntakeException("task ISO " + iso + ": " + e, e);
    }
  }

  /**
   * The boot medium's label, retried for two minutes: the controller serving it may be restarting
   * (a BMC's virtual media retries its reads too).
   */
  private String bootLabel(URI medium) throws IOException, InterruptedException {
    long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      try {
        return volumeLabel(medium);
      } catch (IOException e) {
        if (System.nanoTime() > until) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  /**
   * The ISO 9660 volume label of a medium, read as firmware and blkid do: the primary volume
   * descriptor in sector 16, fetched with a range request.
   */
  String volumeLabel(URI medium) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(medium)
                .header("Range", "bytes=" + PVD_OFFSET + "-" + (PVD_OFFSET + 2047))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    byte[] b = r.body();
    int at = r.statusCode() == 206 ? 0 : r.statusCode() == 200 ? PVD_OFFSET : -1;
    if (at < 0 || b.length < at + 72) {
      throw new IOException("GET " + medium + ": HTTP " + r.statusCode());
    }
    if (b[at] != 1 || !"CD001".equals(new String(b, at + 1, 5, StandardCharsets.US_ASCII))) {
      return "(not ISO 9660)";
    }
    return new String(b, at + 40, 32, StandardCharsets.US_ASCII).strip();
  }

  /**
   * Writes the stand-in maintenance ISO simulated servers boot: labelled {@value
   * #MAINTENANCE_VOLUME_LABEL}, holding only a note, as a simulated server runs the dispatcher
   * in-process rather than booting an OS.
   */
  public static void writeMaintenanceIso(Path target) throws IOException {
    IsoTree tree = IsoTree.create();
    tree.addFile(
        "README.txt",
        ("Stand-in maintenance ISO for simulated servers (plinth demo, tests).\n"
                + "It boots nothing: a simulated server that boots it runs the dispatcher in-process.\n"
                + "Real servers boot the maintenance-os module's ISO.\n")
            .getBytes(StandardCharsets.UTF_8),
        0444);
    IsoWriter w =
        IsoWriter.builder()
            .volumeId(MAINTENANCE_VOLUME_LABEL)
            .sourceDateEpoch(0)
            .rockRidge(true)
            .joliet(true)
            .build();
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path staged = Files.createTempFile(target.toAbsolutePath().getParent(), ".maint-", ".iso");
    try {
      try (var ch = FileChannel.open(staged, StandardOpenOption.WRITE)) {
        w.write(tree, ch);
        ch.force(true);
      }
      Files.move(
          staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(staged);
    }
  }

  @Override
  public void close() {
    sim.close();
  }
}
