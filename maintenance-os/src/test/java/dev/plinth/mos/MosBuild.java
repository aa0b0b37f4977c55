/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.mos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code maintenance-os/build.sh} for the ITs: the first build ({@code BUILD/mos-a}) is shared
 * by every IT of the JVM; {@link ReproducibleBuildIT} makes a second one. {@code PLINTH_MOS_DIR}
 * names an existing build output instead (for working on the tests). Without root or mmdebstrap the
 * ITs are skipped with a loud message, or fail when {@code PLINTH_REQUIRE_PEERS=1}.
 */
final class MosBuild {
  static final Path MODULE = Path.of("").toAbsolutePath();
  private static Built first;

  /**
   * One SOURCE_DATE_EPOCH for every build of the run, fixed at the first: others may commit to a
   * shared working tree between the two builds.
   */
  private static String epoch;

  private static String revision;

  private MosBuild() {}

  /** One build's outputs and how long it took. */
  record Built(Path dir, Duration took) {
    Path iso() {
      return dir.resolve("maintenance.iso");
    }

    /** SHA256SUMS as file name to digest. */
    Map<String, String> sums() throws IOException {
      Map<String, String> m = new TreeMap<>();
      for (String l : Files.readAllLines(dir.resolve("SHA256SUMS"))) {
        String[] p = l.split("\\s+", 2);
        m.put(p[1].replaceFirst("^\\*", ""), p[0]);
      }
      return m;
    }
  }

  private static String location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The build directory of this module (where the test classes are). */
  static Path buildDir() {
    try {
      return Path.of(MosBuild.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .getParent();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static void requirePeers(String... tools) {
    List<String> missing = new ArrayList<>();
    if (!"0".equals(run(10, List.of("id", "-u")).strip())) {
      missing.add("root");
    }
    for (String t : tools) {
      if (!ok(List.of("sh", "-c", "command -v " + t + " || test -e " + t))) {
        missing.add(t);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    String msg =
        "\n*** maintenance-os ITs SKIPPED: the build needs "
            + missing
            + " (as root, with"
            + " mmdebstrap, qemu-system-x86, ovmf). Set PLINTH_REQUIRE_PEERS=1 to make this fail."
            + " ***\n";
    System.err.println(msg);
    if ("1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
      fail(msg);
    }
    Assumptions.abort(msg);
  }

  static synchronized Built first() throws Exception {
    if (first == null) {
      String given = System.getenv("PLINTH_MOS_DIR");
      first =
          given != null && !given.isBlank()
              ? new Built(Path.of(given), Duration.ZERO)
              : build(buildDir().resolve("mos-a"));
    }
    return first;
  }

  static Built build(Path out) throws Exception {
    requirePeers("mmdebstrap", "cpio", "zstd", "grub-mkimage", "mkfs.vfat", "mcopy");
    List<String> cmd =
        List.of("bash", MODULE.resolve("build.sh").toString(), "--out", out.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PLINTH_BUILD_DIR", buildDir().getFileName().toString());
    synchronized (MosBuild.class) {
      if (epoch == null) {
        String env = System.getenv("SOURCE_DATE_EPOCH");
        String git = run(30, List.of("git", "-C", MODULE.toString(), "log", "-1", "--format=%ct"));
        epoch = env != null && !env.isBlank() ? env : git.strip().isEmpty() ? "0" : git.strip();
      }
      pb.environment().put("SOURCE_DATE_EPOCH", epoch);
      if (revision == null) {
        revision = run(30, List.of("git", "-C", MODULE.toString(), "rev-parse", "HEAD")).strip();
      }
      pb.environment().put("MOS_REVISION", revision.isEmpty() ? "unknown" : revision);
    }
    // failsafe's java.class.path is a manifest-only jar: name the two code sources build.sh needs
    pb.environment()
        .put(
            "PLINTH_MOS_CLASSPATH",
            location(MaintenanceIso.class) + ":" + location(dev.plinth.iso.IsoWriter.class));
    Path log = out.resolveSibling(out.getFileName() + ".log");
    pb.redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(40, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("build.sh timed out; log: " + log);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    String tail = tail(log, 40);
    assertThat(p.exitValue()).as("build.sh failed (log %s):\n%s", log, tail).isZero();
    System.err.printf("maintenance-os build into %s took %d s%n", out, took.toSeconds());
    return new Built(out, took);
  }

  static String tail(Path f, int lines) throws IOException {
    List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Runs a command and returns its output, whatever its exit status ("" if it cannot start). */
  static String run(int timeoutSeconds, List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException | InterruptedException e) {
      return "";
    }
  }

  /** Whether a short command exits with 0. */
  static boolean ok(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
