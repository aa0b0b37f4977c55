/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.plinth.controller.redfish.BmcEndpoint;
import dev.plinth.controller.redfish.BootMode;
import dev.plinth.controller.redfish.BootTarget;
import dev.plinth.controller.redfish.Credentials;
import dev.plinth.controller.redfish.Inventory;
import dev.plinth.controller.redfish.MediaSlot;
import dev.plinth.controller.redfish.PowerAction;
import dev.plinth.controller.redfish.PowerState;
import dev.plinth.controller.redfish.RedfishClient;
import dev.plinth.controller.redfish.RedfishException;
import dev.plinth.controller.redfish.RedfishOptions;
import dev.plinth.controller.redfish.TlsPolicy;
import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.Faults;
import dev.plinth.simulator.bmc.Flavour;
import dev.plinth.simulator.bmc.SimulatedBmc;
import dev.plinth.simulator.bmc.qemu.QemuBmcOptions;
import dev.plinth.simulator.bmc.qemu.QemuMachine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code plinth bmc}: check and drive a BMC over Redfish before (or without) adding it. */
@Command(
    name = "bmc",
    mixinStandardHelpOptions = true,
    description = "Talk to a BMC over Redfish: inspect, power, virtual media, one-time boot.",
    subcommands = {
      BmcCommand.Inspect.class,
      BmcCommand.Power.class,
      BmcCommand.Media.class,
      BmcCommand.BootOnce.class,
      BmcCommand.Simulate.class,
    })
final class BmcCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** Options every BMC command shares. */
  static final class Target {
    /** The command this is mixed into: its stderr gets the retry lines. */
    @Spec(picocli.CommandLine.Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(
        names = "--url",
        required = true,
        paramLabel = "URL",
        description = "BMC base URL, e.g. https://10.0.0.5")
    String url;

    @Option(
        names = {"-u", "--username"},
        required = true,
        paramLabel = "USER")
    String username;

    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description = "File holding the password (first line). Default: \\$PLINTH_BMC_PASSWORD.")
    Path passwordFile;

    @Option(
        names = "--system",
        paramLabel = "ID",
        description = "ComputerSystem Id or UUID, when the BMC has several.")
    String system;

    @ArgGroup(exclusive = true)
    Trust trust;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        defaultValue = "10m",
        description =
            "Deadline for power changes and BMC tasks (e.g. 90s, 10m; default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "text",
        description = "Output format: text or json (default ${DEFAULT-VALUE}).")
    String output;

    static final class Trust {
      @Option(
          names = "--insecure",
          description = "Do not verify the BMC's TLS certificate (labs only; logs a warning).")
      boolean insecure;

      @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust these CAs.")
      Path caFile;

      @Option(
          names = "--fingerprint",
          paramLabel = "SHA256",
          description = "Trust exactly the certificate with this SHA-256 fingerprint.")
      String fingerprint;
    }

    TlsPolicy tls() {
      if (trust == null) {
        return new TlsPolicy.SystemTrust();
      }
      if (trust.insecure) {
        return new TlsPolicy.Insecure();
      }
      if (trust.caFile != null) {
        return new TlsPolicy.CaBundle(trust.caFile);
      }
      return new TlsPolicy.PinnedSha256(trust.fingerprint);
    }

    Credentials credentials() {
      String pw;
      if (passwordFile != null) {
        try {
          pw =
              Files.readString(passwordFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
        } catch (NoSuchFileException e) {
          throw new UserException(
              "the password file "
                  + passwordFile
                  + " does not exist: write the BMC's password into it (first line), give another"
                  + " --password-file, or set PLINTH_BMC_PASSWORD instead",
              e);
        } catch (AccessDeniedException e) {
          throw new UserException(
              "cannot read the password file "
                  + passwordFile
                  + ": permission denied (check its owner and mode)",
              e);
        } catch (IOException e) {
          throw new UserException(
              "cannot read the password file " + passwordFile + ": " + e.getMessage(), e);
        }
      } else {
        pw = System.getenv("PLINTH_BMC_PASSWORD");
        if (pw == null) {
          throw new UserException("give --password-file FILE (or set PLINTH_BMC_PASSWORD)");
        }
      }
      return new Credentials(username, pw);
    }

    void checkOutput() {
      if (!output.equals("text") && !output.equals("json")) {
        throw new UserException("unknown output format '" + output + "': use text or json");
      }
    }

    /** Connects, runs {@code body}, prints its result, always logs out. */
    int run(PrintWriter out, Function<RedfishClient, Map<String, Object>> body) {
      checkOutput();
      BmcEndpoint endpoint;
      try {
        endpoint = new BmcEndpoint(null, URI.create(url), system);
      } catch (IllegalArgumentException e) {
        throw new UserException("bad --url: " + e.getMessage());
      }
      // A person at the terminal sees why it takes long (BMC down, wrong address): on stderr.
      PrintWriter err = mixee.commandLine().getErr();
      RedfishOptions options =
          RedfishOptions.defaults()
              .withDeadlines(timeout, timeout)
              .withRetryListener(
                  r -> {
                    err.println(r.describe());
                    err.flush();
                  });
      try (RedfishClient client = RedfishClient.connect(endpoint, credentials(), tls(), options)) {
        Map<String, Object> result = body.apply(client);
        print(out, result);
        return 0;
      } catch (RedfishException e) {
        throw new UserException(e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage(), e);
      }
    }

    void print(PrintWriter out, Map<String, Object> result) {
      if (output.equals("json")) {
        try {
          out.println(JSON.writeValueAsString(result));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      } else {
        result.forEach((k, v) -> out.printf("%-20s %s%n", k + ":", text(v)));
      }
      out.flush();
    }

    private static String text(Object v) {
      if (v instanceof List<?> l) {
        return l.isEmpty() ? "-" : String.join(", ", l.stream().map(String::valueOf).toList());
      }
      return v == null ? "-" : String.valueOf(v);
    }
  }

  static Map<String, Object> inventoryMap(Inventory inv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("vendor", inv.identity().vendor());
    m.put("manufacturer", inv.identity().manufacturer());
    m.put("model", inv.identity().model());
    m.put("bmcModel", inv.identity().managerModel());
    m.put("bmcFirmware", inv.identity().firmwareVersion());
    m.put("redfishVersion", inv.identity().redfishVersion());
    m.put("system", inv.systemId());
    m.put("systems", inv.systems());
    m.put("serialNumber", inv.serialNumber());
    m.put("uuid", inv.uuid());
    m.put("powerState", inv.powerState());
    m.put("bootMode", inv.bootMode());
    m.put("bootOverride", inv.bootTarget() + " (" + inv.bootEnabled() + ")");
    m.put("bootTargets", inv.allowedBootTargets());
    m.put("resetTypes", inv.allowedResetTypes());
    m.put("macAddresses", inv.macAddresses());
    List<String> disks = new ArrayList<>();
    inv.disks().forEach(d -> disks.add(d.name() + " " + d.model() + " " + d.capacityBytes()));
    m.put("disks", disks);
    m.put("mediaSlots", slots(inv.mediaSlots()));
    return m;
  }

  static List<String> slots(List<MediaSlot> slots) {
    return slots.stream()
        .map(
            s ->
                s.id()
                    + " "
                    + s.mediaTypes()
                    + (s.inserted() ? " inserted " + s.image() : " empty")
                    + (s.canInsert() ? "" : " (no insert)"))
        .toList();
  }

  /** {@code plinth bmc inspect}. */
  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description = "Log in and show model, serial, UUID, MACs, power, boot and media slots.")
  static final class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Target target;

    @Override
    public Integer call() {
      return target.run(spec.commandLine().getOut(), c -> inventoryMap(c.inventory()));
    }
  }

  /** {@code plinth bmc power}. */
  @Command(
      name = "power",
      mixinStandardHelpOptions = true,
      description = "Power on, off (forced), shutdown (graceful), restart or cycle; waits.")
  static final class Power implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Target target;

    @Parameters(paramLabel = "ACTION", description = "on, off, shutdown, restart, cycle, status")
    String action;

    @Option(names = "--no-wait", description = "Return once the BMC accepted the request.")
    boolean noWait;

    @Override
    public Integer call() {
      String a = action.toLowerCase(Locale.ROOT);
      PowerAction pa =
          switch (a) {
            case "on" -> PowerAction.ON;
            case "off" -> PowerAction.FORCE_OFF;
            case "shutdown" -> PowerAction.GRACEFUL_SHUTDOWN;
            case "restart" -> PowerAction.FORCE_RESTART;
            case "cycle" -> PowerAction.POWER_CYCLE;
            case "status" -> null;
            default ->
                throw new UserException(
                    "unknown power action '"
                        + action
                        + "': use on, off, shutdown, restart, cycle or status");
          };
      return target.run(
          spec.commandLine().getOut(),
          c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bmc", c.endpoint().name());
            if (pa != null) {
              m.put("action", a);
              // What was sent, which is not always what was asked (PowerCycle not allowed).
              m.put("resetType", c.power(pa));
              PowerState want =
                  pa == PowerAction.FORCE_OFF || pa == PowerAction.GRACEFUL_SHUTDOWN
                      ? PowerState.OFF
                      : PowerState.ON;
              if (!noWait) {
                c.waitForPowerState(want, target.timeout);
              }
            }
            m.put("powerState", c.powerState());
            return m;
          });
    }
  }

  /** {@code plinth bmc media}. */
  @Command(
      name = "media",
      mixinStandardHelpOptions = true,
      description = "Virtual media: insert an ISO URL, eject, list slots.",
      subcommands = {Media.Insert.class, Media.Eject.class, Media.List.class})
  static final class Media implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code plinth bmc media insert}. */
    @Command(
        name = "insert",
        mixinStandardHelpOptions = true,
        description = "Eject stale media, then insert an ISO URL into a CD/DVD slot.")
    static final class Insert implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin Target target;

      @Option(names = "--image", required = true, paramLabel = "URL", description = "ISO URL")
      String image;

      @Option(names = "--no-eject", description = "Do not eject media already inserted.")
      boolean noEject;

      @Override
      public Integer call() {
        URI uri = URI.create(image);
        return target.run(
            spec.commandLine().getOut(),
            c -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("bmc", c.endpoint().name());
              if (!noEject) {
                m.put("ejected", slots(c.ejectMedia()));
              }
              MediaSlot s = c.insertMedia(uri);
              m.put("slot", s.id());
              m.put("image", s.image());
              m.put("inserted", s.inserted());
              return m;
            });
      }
    }

    /** {@code plinth bmc media eject}. */
    @Command(
        name = "eject",
        mixinStandardHelpOptions = true,
        description = "Eject every CD, DVD, USB stick and removable-disk slot that holds media.")
    static final class Eject implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin Target target;

      @Override
      public Integer call() {
        return target.run(
            spec.commandLine().getOut(),
            c -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("bmc", c.endpoint().name());
              m.put("ejected", slots(c.ejectMedia()));
              return m;
            });
      }
    }

    /** {@code plinth bmc media list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List media slots.")
    static final class List implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin Target target;

      @Override
      public Integer call() {
        return target.run(
            spec.commandLine().getOut(),
            c -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("bmc", c.endpoint().name());
              m.put("slots", slots(c.mediaSlots()));
              return m;
            });
      }
    }
  }

  /** {@code plinth bmc boot-once}. */
  @Command(
      name = "boot-once",
      mixinStandardHelpOptions = true,
      description = "Set a one-time boot override (takes effect at the next power-on or reset).")
  static final class BootOnce implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Target target;

    @Parameters(paramLabel = "DEVICE", description = "cd, hdd or pxe")
    String device;

    @Option(
        names = "--mode",
        defaultValue = "uefi",
        description = "uefi or legacy (default ${DEFAULT-VALUE})")
    String mode;

    @Override
    public Integer call() {
      BootTarget t =
          switch (device.toLowerCase(Locale.ROOT)) {
            case "cd" -> BootTarget.CD;
            case "hdd", "disk" -> BootTarget.HDD;
            case "pxe" -> BootTarget.PXE;
            default ->
                throw new UserException("unknown boot device '" + device + "': use cd, hdd or pxe");
          };
      BootMode bm =
          switch (mode.toLowerCase(Locale.ROOT)) {
            case "uefi" -> BootMode.UEFI;
            case "legacy" -> BootMode.LEGACY;
            default ->
                throw new UserException("unknown boot mode '" + mode + "': use uefi or legacy");
          };
      return target.run(
          spec.commandLine().getOut(),
          c -> {
            c.bootOnce(t, bm);
            Inventory inv = c.inventory();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bmc", c.endpoint().name());
            m.put("bootTarget", inv.bootTarget());
            m.put("bootEnabled", inv.bootEnabled());
            m.put("bootMode", inv.bootMode());
            return m;
          });
    }
  }

  /**
   * {@code plinth bmc simulate}: the simulator, standalone (listed: the README sends new users
   * without hardware to it).
   */
  @Command(
      name = "simulate",
      mixinStandardHelpOptions = true,
      description =
          "Run simulated BMCs until stopped (a simulation, for trying Plinth without hardware):"
              + " one BMC on --listen, or N on 127.10.x.y:PORT.")
  static final class Simulate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--count", defaultValue = "1", description = "How many BMCs.")
    int count;

    @Option(
        names = "--listen",
        defaultValue = "127.0.0.1:8000",
        paramLabel = "HOST:PORT",
        description = "Host (one BMC) and port (default ${DEFAULT-VALUE}).")
    String listen;

    @Option(
        names = "--flavour",
        split = ",",
        defaultValue = "generic",
        description =
            "generic, dell, hpe-ilo5, hpe-ilo6, supermicro, lenovo, openbmc, bladed"
                + " (a list is used round-robin).")
    List<String> flavours;

    @Option(names = "--https", description = "Serve HTTPS with a new self-signed certificate.")
    boolean https;

    @Option(
        names = "--username",
        defaultValue = "admin",
        description = "The BMCs' login user name (default ${DEFAULT-VALUE}).")
    String username;

    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description = "File holding the BMCs' password (default: the password is \"password\").")
    Path passwordFile;

    @Option(
        names = "--latency",
        defaultValue = "0",
        paramLabel = "DURATION",
        description = "Added to every answer, e.g. 250ms (default ${DEFAULT-VALUE}).")
    Duration latency;

    /** Before the one duration syntax; kept hidden for old scripts. */
    @Option(names = "--latency-ms", hidden = true, paramLabel = "MS")
    Long latencyMs;

    @Option(names = "--error-rate", defaultValue = "0", description = "Share of 503 answers.")
    double errorRate;

    @Option(names = "--drop-rate", defaultValue = "0", description = "Share of dropped requests.")
    double dropRate;

    @Option(
        names = "--session-ttl",
        defaultValue = "0",
        paramLabel = "DURATION",
        description =
            "Session lifetime, e.g. 30m (default ${DEFAULT-VALUE}: sessions never expire).")
    Duration sessionTtl;

    /** Before the one duration syntax; kept hidden for old scripts. */
    @Option(names = "--session-ttl-s", hidden = true, paramLabel = "SECONDS")
    Long sessionTtlSeconds;

    /** The faults every BMC starts with. */
    Faults faults() {
      return Faults.NONE
          .withLatency(latencyMs != null ? Duration.ofMillis(latencyMs) : latency)
          .withErrorRate(errorRate)
          .withDropRate(dropRate)
          .withSessionTtl(
              sessionTtlSeconds != null ? Duration.ofSeconds(sessionTtlSeconds) : sessionTtl)
          .withAsyncActions(asyncActions)
          .withFailTasks(failTasks);
    }

    @Option(names = "--async-actions", description = "Actions answer 202 with a task.")
    boolean asyncActions;

    @Option(names = "--fail-tasks", description = "Those tasks fail.")
    boolean failTasks;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "text",
        description = "text or json")
    String output;

    @Option(
        names = "--qemu",
        description =
            "Each BMC drives a QEMU VM over QMP (power, boot override, virtual CDs, disk).")
    boolean qemu;

    @Option(
        names = "--qemu-disk-size",
        defaultValue = "8G",
        paramLabel = "SIZE",
        description = "Each VM's qcow2 disk (default ${DEFAULT-VALUE}).")
    String qemuDiskSize;

    @Option(
        names = "--qemu-firmware",
        defaultValue = "ovmf",
        description = "ovmf (UEFI) or seabios (default ${DEFAULT-VALUE}).")
    String qemuFirmware;

    @Option(
        names = "--qemu-dir",
        paramLabel = "DIR",
        description = "Where each VM's directory goes: DIR/<bmc>/serial.log (default: a new one).")
    Path qemuDir;

    @Option(names = "--qemu-keep-disk", description = "Keep the disk images at exit.")
    boolean qemuKeepDisk;

    /** The VM settings of --qemu, or null without it. */
    QemuBmcOptions qemuOptions() throws IOException {
      if (!qemu) {
        return null;
      }
      QemuBmcOptions.Firmware fw;
      try {
        fw = QemuBmcOptions.Firmware.parse(qemuFirmware);
      } catch (IllegalArgumentException e) {
        throw new UserException("--qemu-firmware takes ovmf or seabios, not " + qemuFirmware);
      }
      Path dir = qemuDir != null ? qemuDir : Files.createTempDirectory("plinth-bmcsim-qemu-");
      return QemuBmcOptions.defaults(dir)
          .withFirmware(fw)
          .withDiskSize(qemuDiskSize)
          .withKeepDisk(qemuKeepDisk);
    }

    @Override
    public Integer call() throws Exception {
      int colon = listen.lastIndexOf(':');
      if (colon < 0) {
        throw new UserException("--listen takes HOST:PORT");
      }
      String password =
          passwordFile == null
              ? "password"
              : Files.readString(passwordFile, StandardCharsets.UTF_8)
                  .lines()
                  .findFirst()
                  .orElse("");
      Faults faults = faults();
      List<Flavour> fs;
      try {
        fs = flavours.stream().map(Flavour::parse).toList();
      } catch (IllegalArgumentException e) {
        throw new UserException("unknown flavour in " + flavours);
      }
      QemuBmcOptions vm = qemuOptions();
      BmcSimulator sim;
      try {
        sim =
            BmcSimulator.builder()
                .count(count)
                .host(listen.substring(0, colon))
                .port(Integer.parseInt(listen.substring(colon + 1)))
                .flavours(fs)
                .https(https)
                .credentials(username, password)
                .faults(faults)
                .hardware(vm == null ? null : vm.factory())
                .start();
      } catch (UncheckedIOException e) {
        throw new UserException(e.getMessage(), e);
      }
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    sim.close();
                    stop.countDown();
                  },
                  "bmcsim-shutdown"));
      PrintWriter out = spec.commandLine().getOut();
      if (output.equals("json")) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (SimulatedBmc b : sim.bmcs()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", b.id());
          m.put("url", b.url().toString());
          m.put("flavour", b.flavour());
          if (b.hardware() instanceof QemuMachine q) {
            m.put("serialLog", q.serialLog().toString());
            m.put("systemSerial", b.systemSerial());
            m.put("systemUuid", b.systemUuid());
          }
          list.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("bmcs", list);
        doc.put("username", username);
        doc.put("certificateSha256", sim.certificate() == null ? null : sim.certificate().sha256());
        out.println(JSON.writeValueAsString(doc));
      } else {
        out.printf(
            "plinth bmc simulate: %d BMC(s), %s, login %s / %s%n",
            count,
            fs,
            username,
            passwordFile == null ? password : "(the password in " + passwordFile + ")");
        int shown = Math.min(count, 5);
        for (int i = 0; i < shown; i++) {
          SimulatedBmc b = sim.bmc(i);
          out.printf("  %s %s %s%n", b.id(), b.url(), b.flavour());
          if (b.hardware() instanceof QemuMachine q) {
            out.printf(
                "    QEMU VM, serial %s, UUID %s, console log %s%n",
                b.systemSerial(), b.systemUuid(), q.serialLog());
          }
        }
        if (count > shown) {
          SimulatedBmc b = sim.bmc(count - 1);
          out.printf("  ... %s %s %s%n", b.id(), b.url(), b.flavour());
        }
        if (sim.certificate() != null) {
          out.println("  certificate SHA-256: " + sim.certificate().sha256());
        }
      }
      out.flush();
      stop.await();
      return 0;
    }
  }
}
