/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.Layout;
import dev.plinth.controller.app.Controller;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.jobs.RecipesModuleCheck;
import dev.plinth.controller.jobs.RedfishBmcDriver;
import dev.plinth.controller.security.AdminToken;
import dev.plinth.controller.security.RegistryAccess;
import dev.plinth.registry.Registry;
import dev.plinth.registry.transfer.Progress;
import dev.plinth.registry.transfer.Transfer;
import dev.plinth.simulator.bmc.BmcSimulator;
import dev.plinth.simulator.bmc.SimulatedBmc;
import dev.plinth.simulator.bmc.qemu.QemuBmcOptions;
import dev.plinth.simulator.bmc.qemu.QemuMachine;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code plinth demo --qemu}: the real flow on one machine, for a person to watch. The controller
 * (SQLite, embedded registry holding the real tool images and the test OS images), one QEMU VM per
 * machine behind a QEMU-backed simulated BMC; each VM boots the real maintenance ISO from the
 * controller by virtual media, its dispatcher runs the recipe's tool images against the VM's disk,
 * and the final reboot starts the installed OS. Exits 0 only when every job succeeded.
 *
 * <p>The controller listens on 127.0.0.1; its public URL is {@code http://10.0.2.2:PORT}, the
 * host's address as a user-mode-networking guest sees it (the BMC, on the host, opens media URLs on
 * that address as 127.0.0.1).
 */
final class QemuDemo {

  static final String USER = "admin";
  static final String PASSWORD = "plinth-demo";

  /** What a QEMU demo runs. */
  record Settings(
      Path dir,
      int machines,
      Path maintenanceIso,
      List<Path> bundles,
      String recipe,
      Duration timeout,
      QemuBmcOptions vm) {}

  private final Settings s;

  QemuDemo(Settings s) {
    this.s = s;
  }

  /** Settings from {@code plinth demo --qemu}'s options; missing pieces are a clear error. */
  static QemuDemo fromOptions(DemoCommand o) throws IOException {
    Path root = repositoryRoot();
    Path iso =
        o.maintenanceIso != null
            ? o.maintenanceIso
            : System.getenv("PLINTH_MAINTENANCE_ISO") != null
                ? Path.of(System.getenv("PLINTH_MAINTENANCE_ISO"))
                : under(root, "maintenance-os/target/mos/maintenance.iso");
    need(
        iso,
        "the maintenance ISO",
        "build it as root with maintenance-os/build.sh (it writes"
            + " maintenance-os/target/mos/maintenance.iso), or pass --maintenance-iso PATH");
    Path tools =
        o.toolsBundle != null
            ? o.toolsBundle
            : newest(under(root, "tools-images/target/images"), "plinth-tools-");
    need(
        tools,
        "the tool images bundle (plinth-tools-VERSION.tar)",
        "build it with tools-images/build.sh build --out tools-images/target/images, or pass"
            + " --tools-bundle PATH");
    List<Path> bundles = new ArrayList<>(List.of(tools));
    if (o.osBundles != null && !o.osBundles.isEmpty()) {
      for (Path p : o.osBundles) {
        need(p, "the OS bundle " + p, "check the --os-bundle path");
        bundles.add(p);
      }
    } else {
      Path os = newest(under(root, "tools-images/target/ci-os"), "plinth-ci-os-");
      need(
          os,
          "the test OS images bundle (plinth-ci-os-VERSION.tar)",
          "build it with tools-images/ci-os/bundle.sh --out tools-images/target/ci-os, or pass"
              + " --os-bundle PATH");
      bundles.add(os);
    }
    String recipe;
    if (o.recipe != null) {
      recipe = o.recipeText();
    } else {
      Path r = under(root, "src/test/resources/e2e/linux-qemu.yaml");
      if (r != null && !Files.exists(r)) {
        r = under(root, "e2e/src/test/resources/e2e/linux-qemu.yaml");
      }
      need(r, "a recipe", "pass -f/--recipe FILE (one that uses the imported images)");
      recipe = Files.readString(r);
    }
    if (!onPath("qemu-system-x86_64") || !onPath("qemu-img")) {
      throw new UserException(
          "plinth demo --qemu needs QEMU: apt-get install qemu-system-x86 qemu-utils"
              + " qemu-block-extra ovmf");
    }
    QemuBmcOptions.Firmware fw;
    try {
      fw = QemuBmcOptions.Firmware.parse(o.qemuFirmware);
    } catch (IllegalArgumentException e) {
      throw new UserException("--qemu-firmware takes ovmf or seabios, not " + o.qemuFirmware);
    }
    if (fw == QemuBmcOptions.Firmware.OVMF && !Files.exists(QemuBmcOptions.OVMF_BIOS)) {
      throw new UserException(
          "no "
              + QemuBmcOptions.OVMF_BIOS
              + ": apt-get install ovmf, or use --qemu-firmware seabios");
    }
    Path dir = o.data != null ? o.data : Files.createTempDirectory("plinth-demo-qemu-");
    QemuBmcOptions vm =
        QemuBmcOptions.defaults(dir.resolve("vms"))
            .withFirmware(fw)
            .withDiskSize(o.qemuDiskSize)
            .withKeepDisk(true);
    return new QemuDemo(
        new Settings(
            dir,
            o.machines == null ? 1 : o.machines,
            iso.toAbsolutePath(),
            bundles,
            recipe,
            o.timeout == null ? Duration.ofMinutes(45) : o.timeout,
            vm));
  }

  private static void need(Path p, String what, String how) {
    if (p == null || !Files.isRegularFile(p)) {
      throw new UserException(
          "plinth demo --qemu needs "
              + what
              + (p == null ? "" : "; there is none at " + p)
              + ": "
              + how);
    }
  }

  /** The source tree around the working directory (where the build puts the pieces), or null. */
  static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("maintenance-os"))
          && Files.isDirectory(p.resolve("tools-images"))) {
        return p;
      }
    }
    return null;
  }

  private static Path under(Path root, String rel) {
    return root == null ? null : root.resolve(rel);
  }

  /** The most recently written {@code prefix*.tar} in {@code dir}, or null. */
  static Path newest(Path dir, String prefix) throws IOException {
    if (dir == null || !Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith(prefix))
          .filter(f -> f.getFileName().toString().endsWith(".tar"))
          .max(
              Comparator.comparing(
                  f -> {
                    try {
                      return Files.getLastModifiedTime(f);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  }))
          .orElse(null);
    }
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A free port on 127.0.0.1 whose next port is free too (the registry's data plane listens there):
   * the public URL must name it before the controller starts.
   */
  static int freePort() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port;
      try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = ss.getLocalPort();
      }
      if (port < 65535 && free(port + 1)) {
        return port;
      }
    }
    throw new IOException("no two free neighbouring ports on 127.0.0.1");
  }

  private static boolean free(int port) {
    try (ServerSocket ss = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return ss.isBound();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Runs the demo; returns 0 when every job succeeded.
   *
   * @param progress where progress lines go, or null
   */
  int run(PrintWriter progress, PrintWriter out) throws Exception {
    Instant start = Instant.now();
    int port = freePort();
    PlinthConfig c =
        new PlinthConfig(new Listen("127.0.0.1", port), s.dir().resolve("var"))
            .withMaintenanceIso(s.maintenanceIso())
            .withPublicUrl("http://" + QemuMachine.GUEST_HOST_ADDRESS + ":" + port);
    Layout layout = new Layout(c.dataDir()).create();
    AdminToken admin = AdminToken.ensure(layout.adminToken(), layout.tmp());
    // As serve does: jobs pull with their own credentials (job id, job token), checked by the
    // controller once it runs; the admin token works from the start (the imports need none).
    RegistryAccess.Gate access = new RegistryAccess.Gate(admin.token());
    try (Registry registry = RegistryWiring.start(c, layout, access, null)) {
      for (Path b : s.bundles()) {
        Transfer.ImportReport r = registry.transfer().importLayout(b, null, Progress.none());
        out.printf(
            "plinth demo: imported %s: %s (%,d bytes)%n", b.getFileName(), r.imported(), r.bytes());
      }
      out.flush();
      try (Controller ctl =
              Controller.start(
                  c,
                  new Controller.Parts(
                      new RedfishBmcDriver(),
                      new RecipesModuleCheck(),
                      null,
                      JobSettings.defaults().withDeadlines(s.timeout()),
                      InstantSource.system(),
                      List.of(registry.routes())));
          BmcSimulator sim =
              BmcSimulator.builder()
                  .count(s.machines())
                  .credentials(USER, PASSWORD)
                  .hardware(s.vm().factory())
                  .start()) {
        access.bind(ctl.registryAccess());
        out.printf(
            "plinth demo --qemu: controller on %s (public URL %s), %d QEMU VM(s) (%s, TCG),"
                + " data in %s%n",
            "http://127.0.0.1:" + port, ctl.baseUrl(), s.machines(), s.vm().firmware(), s.dir());
        List<String> bmcs = new ArrayList<>();
        for (int i = 0; i < s.machines(); i++) {
          SimulatedBmc b = sim.bmc(i);
          bmcs.add(b.url().toString());
          QemuMachine m = (QemuMachine) b.hardware();
          out.printf(
              "  sim-%d: BMC %s, SMBIOS serial %s, console: tail -f %s%n",
              i, b.url(), b.systemSerial(), m.serialLog());
        }
        out.flush();
        ApiClient api =
            new ApiClient(
                ctl.baseUrl().replace(QemuMachine.GUEST_HOST_ADDRESS, "127.0.0.1"), admin.token());
        Map<String, String> jobs = DemoCommand.submit(api, bmcs, USER, PASSWORD, s.recipe());
        Map<String, JsonNode> last =
            DemoCommand.watch(api, jobs, start.plus(s.timeout()).plusSeconds(30), progress);
        long ok =
            last.values().stream()
                .filter(j -> "Succeeded".equals(j.path("state").asText()))
                .count();
        out.printf(
            "plinth demo --qemu: %d of %d machines provisioned in %.1f s%n",
            ok, s.machines(), Duration.between(start, Instant.now()).toMillis() / 1000.0);
        out.println("plinth demo --qemu: " + JobTimes.of(last.values()));
        last.forEach(
            (id, j) -> {
              String st = j.path("state").asText();
              if (!"Succeeded".equals(st)) {
                out.printf("  %s %s %s: %s%n", jobs.get(id), id, st, j.path("reason").asText("-"));
              }
            });
        // The job ends when the controller has set the boot back to disk and reset the machine;
        // the point of the demo is the installed OS booting, so wait for it (the CI test OS says
        // so on its console; an OS of a recipe of your own may print nothing).
        boolean testOs = s.recipe().contains("ci-only/os/linux-rootfs");
        int booted = 0;
        for (int i = 0; i < s.machines() && testOs && ok == s.machines(); i++) {
          QemuMachine m = (QemuMachine) sim.bmc(i).hardware();
          if (m.awaitSerialLine("PLINTH-TEST-OS-BOOTED", Duration.ofMinutes(4)).isPresent()) {
            booted++;
          }
        }
        if (testOs && ok == s.machines()) {
          out.printf(
              "plinth demo --qemu: %d of %d installed OSes booted from their disks (%.1f s)%n",
              booted, s.machines(), Duration.between(start, Instant.now()).toMillis() / 1000.0);
        }
        for (int i = 0; i < s.machines(); i++) {
          QemuMachine m = (QemuMachine) sim.bmc(i).hardware();
          String bootedLine =
              m.serialText()
                  .lines()
                  .filter(l -> l.contains("PLINTH-TEST-OS-BOOTED"))
                  .reduce((a, b) -> b)
                  .orElse("(no PLINTH-TEST-OS-BOOTED line yet)");
          out.printf("  sim-%d console %s: %s%n", i, m.serialLog(), bootedLine.strip());
        }
        out.printf("data: %s%n", s.dir());
        out.flush();
        return ok == s.machines() && (!testOs || booted == s.machines()) ? 0 : 1;
      }
    }
  }
}
