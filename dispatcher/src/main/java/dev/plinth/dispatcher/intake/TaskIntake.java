/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.intake;

import dev.plinth.contract.ContractException;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskIsoV1;
import dev.plinth.dispatcher.sys.Commands;
import dev.plinth.iso.IsoEntry;
import dev.plinth.iso.IsoReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Finds, reads and verifies the task. Sources, in the order {@link #discover} tries them: {@code
 * plinth.task=URL} on the kernel command line (BMCs with a single virtual media slot), the {@code
 * /dev/disk/by-label/PLINTH-TASK} link, {@code blkid -L PLINTH-TASK}. A block device is read with
 * the iso-builder reader (its volume is copied to a file first: a task ISO is small); when that
 * fails it is mounted read-only instead.
 */
public final class TaskIntake {

  private static final System.Logger LOG = System.getLogger(TaskIntake.class.getName());
  private static final long MAX_ISO_BYTES = 64L << 20;
  private static final Duration FETCH_RETRY = Duration.ofSeconds(2);

  private final Commands commands;
  private final Path procCmdline;
  private final Path byLabelDir;
  private final Path workDir;

  /**
   * @param commands how to run blkid and mount
   * @param procCmdline {@code /proc/cmdline}
   * @param byLabelDir {@code /dev/disk/by-label}
   * @param workDir where a fetched or copied ISO is kept (the state directory)
   */
  public TaskIntake(Commands commands, Path procCmdline, Path byLabelDir, Path workDir) {
    this.commands = commands;
    this.procCmdline = procCmdline;
    this.byLabelDir = byLabelDir;
    this.workDir = workDir;
  }

  /** The real system's paths. */
  public static TaskIntake system(Path workDir) {
    return new TaskIntake(
        Commands.system(), Path.of("/proc/cmdline"), Path.of("/dev/disk/by-label"), workDir);
  }

  /** Looks for the task until it appears or {@code wait} runs out (virtual media attach late). */
  public Task discover(Duration wait) throws IntakeException, InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    Optional<String> url = kernelTaskUrl();
    if (url.isPresent()) {
      // One slot: the task is at a URL. The controller may be restarting (or the network still
      // coming up): connection failures and 5xx are tried again until the wait runs out.
      URI u = URI.create(url.get());
      while (true) {
        try {
          return fetch(u);
        } catch (IntakeException e) {
          if (!retryable(e) || System.nanoTime() > deadline) {
            throw e;
          }
          LOG.log(Level.WARNING, "{0}; trying again", e.getMessage());
          Thread.sleep(FETCH_RETRY.toMillis());
        }
      }
    }
    while (true) {
      Optional<Path> dev = findByLabel();
      if (dev.isPresent()) {
        return load(dev.get());
      }
      if (System.nanoTime() > deadline) {
        throw new IntakeException(
            "no task: no plinth.task= on the kernel command line and no volume labelled "
                + TaskIsoV1.VOLUME_LABEL
                + " appeared within "
                + wait.toSeconds()
                + " s");
      }
      Thread.sleep(2000);
    }
  }

  /** Reads a task from an ISO file, a block device or a directory (a mounted ISO). */
  public Task load(Path source) throws IntakeException, InterruptedException {
    try {
      if (Files.isDirectory(source)) {
        return verify(readDirectory(source), source.toString());
      }
      Path iso = source;
      if (!Files.isRegularFile(source)) {
        iso = copyVolume(source);
      }
      try {
        return verify(readIso(iso), source.toString());
      } catch (IOException e) {
        if (iso.equals(source)) {
          throw e;
        }
        LOG.log(
            Level.WARNING,
            "reading {0} as ISO 9660 failed ({1}); mounting it read-only",
            source,
            e.getMessage());
        return verify(readMounted(source), source.toString());
      }
    } catch (IOException e) {
      throw new IntakeException("cannot read the task from " + source + ": " + e.getMessage(), e);
    }
  }

  /** Downloads a task ISO (system trust store) and loads it. */
  public Task fetch(URI url) throws IntakeException, InterruptedException {
    Path target = workDir.resolve("task.iso");
    try {
      Files.createDirectories(workDir);
      HttpClient http =
          HttpClient.newBuilder()
              .followRedirects(HttpClient.Redirect.NORMAL)
              .connectTimeout(Duration.ofSeconds(20))
              .build();
      HttpResponse<Path> res =
          http.send(
              HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2)).build(),
              HttpResponse.BodyHandlers.ofFile(workDir.resolve("task.iso.part")));
      if (res.statusCode() != 200) {
        throw new IntakeException("fetching the task from " + url + ": HTTP " + res.statusCode());
      }
      if (Files.size(res.body()) > MAX_ISO_BYTES) {
        Files.delete(res.body());
        throw new IntakeException(
            "fetching the task from " + url + ": larger than " + MAX_ISO_BYTES + " bytes");
      }
      Files.move(
          res.body(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return verify(readIso(target), url.toString());
    } catch (IOException e) {
      throw new IntakeException("fetching the task from " + url + ": " + e.getMessage(), e);
    }
  }

  /** Whether a failed fetch may work later: no connection, a timeout, or a 5xx/429 answer. */
  static boolean retryable(IntakeException e) {
    if (e.getCause() instanceof IOException io) {
      return !(io instanceof dev.plinth.iso.IsoFormatException);
    }
    String m = e.getMessage();
    return m != null && (m.matches(".*: HTTP 5\\d\\d$") || m.endsWith(": HTTP 429"));
  }

  /** The value of {@code plinth.task=} on the kernel command line, if any. */
  public Optional<String> kernelTaskUrl() {
    try {
      for (String word : Files.readString(procCmdline).strip().split("\\s+")) {
        if (word.startsWith("plinth.task=") && word.length() > "plinth.task=".length()) {
          return Optional.of(word.substring("plinth.task=".length()));
        }
      }
    } catch (IOException e) {
      // No /proc/cmdline (not Linux, or a test): no URL.
    }
    return Optional.empty();
  }

  private Optional<Path> findByLabel() throws InterruptedException {
    Path link = byLabelDir.resolve(TaskIsoV1.VOLUME_LABEL);
    if (Files.exists(link)) {
      return Optional.of(link);
    }
    try {
      Commands.Result r =
          commands.run(List.of("blkid", "-L", TaskIsoV1.VOLUME_LABEL), Duration.ofSeconds(30));
      if (r.ok() && !r.output().isBlank()) {
        return Optional.of(Path.of(r.output().strip().lines().findFirst().orElseThrow()));
      }
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "blkid unavailable: {0}", e.getMessage());
    }
    return Optional.empty();
  }

  private static Task verify(Map<String, byte[]> files, String from) throws IntakeException {
    try {
      return TaskIsoV1.verify(files);
    } catch (ContractException e) {
      throw new IntakeException("task from " + from + " refused: " + e.getMessage(), e);
    }
  }

  /** The root files of an ISO image, checking its volume label. */
  static Map<String, byte[]> readIso(Path iso) throws IOException, IntakeException {
    try (IsoReader r = IsoReader.open(iso)) {
      if (!TaskIsoV1.VOLUME_LABEL.equals(r.volumeId())) {
        throw new IntakeException(
            "volume label is " + r.volumeId() + ", not " + TaskIsoV1.VOLUME_LABEL);
      }
      Map<String, byte[]> files = new TreeMap<>();
      for (IsoEntry e : r.entries()) {
        if (e.type() == IsoEntry.Type.FILE && !e.path().contains("/")) {
          files.put(e.path(), r.readAllBytes(e.path(), TaskIsoV1.MAX_FILE_BYTES));
        }
      }
      return files;
    }
  }

  private static Map<String, byte[]> readDirectory(Path dir) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        if (Files.size(p) > TaskIsoV1.MAX_FILE_BYTES) {
          throw new IOException(p + " is larger than a task file can be");
        }
        files.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    return files;
  }

  /** Copies the ISO 9660 volume at the start of a device to a file, by its volume space size. */
  private Path copyVolume(Path device) throws IOException {
    Files.createDirectories(workDir);
    Path out = workDir.resolve("task.iso");
    try (InputStream in = Files.newInputStream(device)) {
      byte[] head = in.readNBytes(17 * 2048);
      if (head.length < 17 * 2048
          || head[16 * 2048] != 1
          || !"CD001"
              .equals(
                  new String(head, 16 * 2048 + 1, 5, java.nio.charset.StandardCharsets.US_ASCII))) {
        throw new IOException(device + " does not hold an ISO 9660 volume");
      }
      ByteBuffer pvd =
          ByteBuffer.wrap(head, 16 * 2048, 2048).slice().order(ByteOrder.LITTLE_ENDIAN);
      long blocks = Integer.toUnsignedLong(pvd.getInt(80));
      long size = blocks * Short.toUnsignedInt(pvd.getShort(128));
      if (size <= head.length || size > MAX_ISO_BYTES) {
        throw new IOException(device + ": implausible task volume size " + size);
      }
      try (OutputStream o = Files.newOutputStream(out)) {
        o.write(head);
        long left = size - head.length;
        byte[] buf = new byte[64 * 1024];
        while (left > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            throw new IOException(device + " ended before its volume did");
          }
          o.write(buf, 0, n);
          left -= n;
        }
      }
    }
    return out;
  }

  private Map<String, byte[]> readMounted(Path device) throws IOException, InterruptedException {
    Path mnt = Files.createTempDirectory("plinth-task-");
    Commands.Result m =
        commands.run(
            List.of("mount", "-o", "ro", device.toString(), mnt.toString()),
            Duration.ofSeconds(60));
    if (!m.ok()) {
      Files.deleteIfExists(mnt);
      throw new IOException("mount -o ro " + device + ": " + m.output().strip());
    }
    try {
      return readDirectory(mnt);
    } finally {
      commands.run(List.of("umount", mnt.toString()), Duration.ofSeconds(60));
      Files.deleteIfExists(mnt);
    }
  }
}
