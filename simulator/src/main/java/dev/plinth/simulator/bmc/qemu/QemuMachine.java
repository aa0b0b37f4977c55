/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.simulator.bmc.Hardware;
import dev.plinth.simulator.bmc.HardwareException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One QEMU VM behind a simulated BMC, driven over QMP. One process for the BMC's whole life: it
 * starts paused ({@code -S}, Redfish Off), {@code -no-shutdown} keeps it when the guest powers off,
 * and there is no {@code -no-reboot} (that would turn every reset into an exit).
 *
 * <pre>
 * Redfish                         QMP
 * Reset On / ForceRestart         qom-set bootindex (the override), system_reset, cont
 * Reset ForceOff                  stop                      (status paused: Off)
 * Reset GracefulShutdown          system_powerdown          (guest powers off: SHUTDOWN, Off)
 * PowerState                      query-status              (running: On, anything else: Off)
 * InsertMedia(Image=URL)          blockdev-change-medium    (QEMU's curl driver reads the URL)
 * EjectMedia                      eject                     (force when the guest locked it)
 * VirtualMedia GET                query-block
 * </pre>
 *
 * The machine: q35 under TCG (KVM is unusable here), OVMF or SeaBIOS, {@code virtio-scsi-pci} with
 * two removable {@code scsi-cd} drives ({@code cd0} for the slot that boots, {@code cd1} for the
 * one beside it; under OVMF an AHCI CD reads about 40 times slower), a qcow2 disk on {@code
 * virtio-blk-pci} ({@code disk0}), user-mode networking (the guest reaches the host's 127.0.0.1 as
 * 10.0.2.2), the serial console in {@code serial.log}, and SMBIOS type 1 serial and UUID equal to
 * what the BMC reports, so the dispatcher's DMI check passes.
 */
public final class QemuMachine implements Hardware {
  private static final System.Logger LOG = System.getLogger(QemuMachine.class.getName());

  /** The address a user-mode-networking guest reaches the host at. */
  public static final String GUEST_HOST_ADDRESS = "10.0.2.2";

  private static final List<String> CDS = List.of("cd0", "cd1");
  private static final List<String> CD_FIRST = List.of("cd0", "cd1", "disk0");
  private static final List<String> DISK_FIRST = List.of("disk0", "cd0", "cd1");
  private static final Duration RESET_WAIT = Duration.ofSeconds(10);

  private final String name;
  private final QemuBmcOptions options;
  private final Path dir;
  private final Path disk;
  private final Path socket;
  private final Process process;
  private final QmpClient qmp;
  private final String[] requested = new String[CDS.size()];
  private final String[] loaded = new String[CDS.size()];
  private List<String> order = DISK_FIRST;
  private volatile boolean closed;

  private QemuMachine(
      String name, QemuBmcOptions options, Path dir, Path disk, Path socket, Process process)
      throws IOException {
    this.name = name;
    this.options = options;
    this.dir = dir;
    this.disk = disk;
    this.socket = socket;
    this.process = process;
    this.qmp = connect();
    qmp.onEvent(this::event);
  }

  /**
   * Creates the disk and starts QEMU, paused, in {@code options.dir()/name/}.
   *
   * @throws IOException when {@code qemu-img} or QEMU fails (the message holds QEMU's output)
   */
  public static QemuMachine start(QemuBmcOptions options, String name, Identity identity)
      throws IOException {
    Path dir = Files.createDirectories(options.dir().resolve(name)).toAbsolutePath();
    Path disk = dir.resolve("disk.qcow2");
    if (!Files.exists(disk)) {
      run(List.of("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), options.diskSize()));
    }
    Path socket = dir.resolve("qmp.sock");
    if (socket.toString().length() > 100) {
      // A unix socket path holds at most 107 bytes.
      socket = Files.createTempDirectory(Path.of("/tmp"), "plinth-qmp-").resolve("qmp.sock");
    }
    Files.deleteIfExists(socket);
    Files.deleteIfExists(dir.resolve("serial.log"));
    List<String> cmd = command(options, disk, dir.resolve("serial.log"), socket, identity);
    LOG.log(Level.INFO, "{0}: {1}", name, String.join(" ", cmd));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("qemu.log").toFile())
            .start();
    try {
      return new QemuMachine(name, options, dir, disk, socket, p);
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  /** The QEMU command line. */
  static List<String> command(
      QemuBmcOptions o, Path disk, Path serialLog, Path socket, Identity identity) {
    List<String> c = new ArrayList<>();
    c.addAll(
        List.of(
            o.qemu(),
            "-machine",
            "q35",
            // One TCG thread for all vCPUs. With multi-threaded TCG (QEMU 7.2's default for
            // x86 on x86) a Debian 13 guest with 2 vCPUs sometimes died while systemd started:
            // a kernel oops at a static branch (`66 90`) in kmem_cache_free, executed while the
            // other vCPU patched it (CI, 2026-12-06). Cross-modifying code between vCPU threads
            // is the emulator's race; a single thread cannot have it. It costs about 15 s of a
            // 35 s maintenance OS boot (docs/redfish.md, "QEMU-backed BMCs").
            "-accel",
            "tcg,thread=single",
            "-m",
            String.valueOf(o.memoryMib()),
            "-smp",
            String.valueOf(o.cpus()),
            "-nodefaults",
            "-display",
            "none",
            "-S",
            "-no-shutdown"));
    if (o.firmware() == QemuBmcOptions.Firmware.OVMF) {
      c.addAll(List.of("-bios", QemuBmcOptions.OVMF_BIOS.toString()));
    }
    c.addAll(List.of("-qmp", "unix:" + socket + ",server=on,wait=off"));
    c.addAll(List.of("-device", "virtio-scsi-pci,id=scsi0"));
    for (int i = 0; i < CDS.size(); i++) {
      String id = CDS.get(i);
      c.addAll(List.of("-drive", "if=none,id=" + id + "drv,media=cdrom,readonly=on"));
      c.addAll(
          List.of(
              "-device",
              "scsi-cd,bus=scsi0.0,drive="
                  + id
                  + "drv,id="
                  + id
                  + ",bootindex="
                  + (DISK_FIRST.indexOf(id) + 1)));
    }
    c.addAll(
        List.of(
            "-drive",
            "file=" + option(disk.toString()) + ",format=qcow2,if=none,id=disk0drv",
            "-device",
            "virtio-blk-pci,drive=disk0drv,id=disk0,bootindex=1"));
    c.addAll(
        List.of("-netdev", "user,id=n0,ipv6=off", "-device", "virtio-net-pci,netdev=n0,romfile="));
    c.addAll(List.of("-serial", "file:" + serialLog));
    if (identity != null) {
      c.addAll(
          List.of(
              "-smbios",
              "type=1,serial=" + option(identity.serial()) + ",uuid=" + option(identity.uuid())));
    }
    return c;
  }

  /** A value inside a QEMU option list: commas are doubled. */
  private static String option(String v) {
    return v.replace(",", ",,");
  }

  /**
   * The URL QEMU opens for an image URL the BMC was given. The controller's public URL is {@code
   * http://10.0.2.2:PORT} because that is how the guest reaches it; it hands the BMC media URLs on
   * that same base. A real BMC fetches media from its own place in the network; this BMC is the
   * QEMU process on the host, where 10.0.2.2 is no address at all (it exists only inside the
   * guest's user-mode network, as the host's loopback). So the BMC turns it back into 127.0.0.1.
   */
  static URI hostUrl(URI image) {
    if (!GUEST_HOST_ADDRESS.equals(image.getHost())) {
      return image;
    }
    // Built from the raw parts: the multi-argument URI constructors would quote '%' again.
    return URI.create(
        image.getScheme()
            + "://"
            + (image.getRawUserInfo() == null ? "" : image.getRawUserInfo() + "@")
            + "127.0.0.1"
            + (image.getPort() < 0 ? "" : ":" + image.getPort())
            + image.getRawPath()
            + (image.getRawQuery() == null ? "" : "?" + image.getRawQuery())
            + (image.getRawFragment() == null ? "" : "#" + image.getRawFragment()));
  }

  private QmpClient connect() throws IOException {
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(
            name + ": QEMU exited with code " + process.exitValue() + ": " + qemuLog());
      }
      if (Files.exists(socket)) {
        try {
          return QmpClient.connect(socket, options.commandTimeout());
        } catch (IOException e) {
          if (System.nanoTime() > until) {
            throw new IOException(name + ": cannot connect to QMP at " + socket + ": " + e, e);
          }
        }
      } else if (System.nanoTime() > until) {
        throw new IOException(name + ": QEMU made no QMP socket in 20 s: " + qemuLog());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }

  private void event(JsonNode e) {
    String ev = e.path("event").asText();
    if (ev.equals("SHUTDOWN") || ev.equals("RESET") || ev.equals("GUEST_PANICKED")) {
      LOG.log(Level.INFO, "{0}: {1} {2}", name, ev, e.path("data"));
    }
  }

  /** Runs a QMP command; when QEMU is gone, says so with its exit code and output. */
  private JsonNode qmp(String command, Map<String, ?> args) {
    try {
      return qmp.execute(command, args);
    } catch (QmpException e) {
      if (e.errorClass() == null && !process.isAlive()) {
        throw new HardwareException(
            name + ": QEMU is not running (exit code " + process.exitValue() + "): " + qemuLog(),
            e);
      }
      throw e;
    }
  }

  /** The run state: {@code prelaunch}, {@code running}, {@code paused}, {@code shutdown} ... */
  public String status() {
    return qmp("query-status", Map.of()).path("status").asText();
  }

  @Override
  public int drives() {
    // One slot: QEMU keeps its second CD drive, empty, but the BMC shows no slot for it.
    return options.mediaSlots();
  }

  @Override
  public boolean poweredOn() {
    return "running".equals(status());
  }

  @Override
  public void start(String device, String later) {
    applyOrder(orderFor(device));
    var reset = qmp.nextEvent("RESET");
    qmp("system_reset", Map.of());
    // The reset runs in QEMU's main loop after the command returns; cont before it is refused.
    if (!QmpClient.await(reset, RESET_WAIT)) {
      throw new HardwareException(name + ": QEMU did not reset within " + RESET_WAIT);
    }
    // The firmware's boot order was rebuilt by the reset: this one is for the guest's next reset.
    applyOrder(orderFor(later));
    if (!"running".equals(status())) {
      qmp("cont", Map.of());
    }
  }

  private static List<String> orderFor(String device) {
    return "Cd".equals(device) ? CD_FIRST : DISK_FIRST;
  }

  /** Sets every device's bootindex: first all to none (a duplicate index is refused), then 1..n. */
  private void applyOrder(List<String> wanted) {
    if (wanted.equals(order)) {
      return;
    }
    for (String id : wanted) {
      qomSetBootindex(id, -1);
    }
    for (int i = 0; i < wanted.size(); i++) {
      qomSetBootindex(wanted.get(i), i + 1);
    }
    order = wanted;
  }

  private void qomSetBootindex(String id, int index) {
    qmp(
        "qom-set",
        Map.of("path", "/machine/peripheral/" + id, "property", "bootindex", "value", index));
  }

  @Override
  public void forceOff() {
    if (poweredOn()) {
      qmp("stop", Map.of());
    }
  }

  @Override
  public void gracefulShutdown() {
    qmp("system_powerdown", Map.of());
  }

  @Override
  public void nmi() {
    qmp("inject-nmi", Map.of());
  }

  @Override
  public void insert(int drive, URI image) {
    URI url = hostUrl(image);
    String scheme = String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new HardwareException(
          "the image " + image + " is not an http:// or https:// URL (QEMU's curl driver)");
    }
    String id = CDS.get(drive);
    qmp(
        "blockdev-change-medium",
        Map.of(
            "id",
            id,
            "filename",
            url.toString(),
            "format",
            "raw",
            "read-only-mode",
            "read-only",
            "force",
            true));
    requested[drive] = image.toString();
    loaded[drive] = file(drive).orElse(null);
  }

  @Override
  public void eject(int drive) {
    String id = CDS.get(drive);
    try {
      qmp("eject", Map.of("id", id));
    } catch (QmpException e) {
      if (e.errorClass() == null || !e.description().contains("locked")) {
        throw e;
      }
      // The guest mounted the CD and locked the tray; a BMC's eject does not ask.
      qmp("eject", Map.of("id", id, "force", true));
    }
    requested[drive] = null;
    loaded[drive] = null;
  }

  @Override
  public Optional<String> medium(int drive) {
    Optional<String> f = file(drive);
    if (f.isPresent() && f.get().equals(loaded[drive]) && requested[drive] != null) {
      return Optional.of(requested[drive]);
    }
    return f;
  }

  /** What QEMU has in a drive: {@code query-block}'s {@code inserted.file}. */
  private Optional<String> file(int drive) {
    String id = CDS.get(drive);
    for (JsonNode b : qmp("query-block", Map.of())) {
      if (id.equals(b.path("qdev").asText()) || (id + "drv").equals(b.path("device").asText())) {
        JsonNode ins = b.get("inserted");
        return ins == null ? Optional.empty() : Optional.of(ins.path("file").asText());
      }
    }
    throw new HardwareException(name + ": QEMU has no drive " + id);
  }

  /** This VM's directory ({@code serial.log}, {@code qemu.log}, {@code disk.qcow2}). */
  public Path dir() {
    return dir;
  }

  /** The serial console's log. */
  public Path serialLog() {
    return dir.resolve("serial.log");
  }

  /** The disk image. */
  public Path disk() {
    return disk;
  }

  /** The serial console so far (empty before the first boot). */
  public String serialText() {
    try {
      return Files.readString(serialLog(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Waits until the serial console shows {@code marker}.
   *
   * @return false when the time ran out
   */
  public boolean awaitSerial(String marker, Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (!serialText().contains(marker)) {
      if (System.nanoTime() > until) {
        return false;
      }
      Thread.sleep(200);
    }
    return true;
  }

  /**
   * Waits for a whole console line (one the guest has ended with a newline) that contains {@code
   * text}. A bare {@link #awaitSerial} can see a line half written: the serial log grows while the
   * guest prints it.
   *
   * @return the last such line, or empty when the time ran out
   */
  public Optional<String> awaitSerialLine(String text, Duration timeout)
      throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (true) {
      String console = serialText();
      int end = console.lastIndexOf('\n');
      Optional<String> line =
          end < 0
              ? Optional.empty()
              : console.substring(0, end).lines().filter(l -> l.contains(text)).reduce((a, b) -> b);
      if (line.isPresent() || System.nanoTime() > until) {
        return line.map(String::strip);
      }
      Thread.sleep(200);
    }
  }

  /**
   * Waits until {@code query-status} says {@code status}.
   *
   * @return false when the time ran out
   */
  public boolean awaitStatus(String status, Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (!status.equals(status())) {
      if (System.nanoTime() > until) {
        return false;
      }
      Thread.sleep(200);
    }
    return true;
  }

  private String qemuLog() {
    try {
      String s = Files.readString(dir.resolve("qemu.log"), StandardCharsets.UTF_8).strip();
      return s.length() > 2000 ? "..." + s.substring(s.length() - 2000) : s;
    } catch (IOException e) {
      return "(no qemu.log: " + e.getMessage() + ")";
    }
  }

  private static void run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", cmd) + " failed: " + new String(out, StandardCharsets.UTF_8).strip());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Quits QEMU (killed after 5 s), deletes the disk unless kept and the QMP socket. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (process.isAlive() && qmp.isOpen()) {
        qmp.execute("quit", Map.of());
      }
    } catch (QmpException e) {
      LOG.log(Level.DEBUG, "{0}: quit: {1}", name, e.getMessage());
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        LOG.log(Level.WARNING, "{0}: QEMU did not quit in 5 s; killing it", name);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    qmp.close();
    try {
      Files.deleteIfExists(socket);
      if (!socket.getParent().equals(dir)) {
        Files.deleteIfExists(socket.getParent());
      }
      if (!options.keepDisk()) {
        Files.deleteIfExists(disk);
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "{0}: cleaning up: {1}", name, e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "QemuMachine[" + name + ", " + dir + "]";
  }
}
