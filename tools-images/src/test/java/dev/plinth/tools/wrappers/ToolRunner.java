/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import dev.plinth.tools.ToolImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a wrapper {@code plinth-<tool>} the way a step container would: its argv, the runtime
 * contract's environment, host {@code /dev}.
 *
 * <p>Mode {@code chroot} (the default): the real image {@code plinth/tools/<tool>:1} (linux/amd64)
 * from the layout the build wrote before the integration tests ({@code plinth.tools.images}) is
 * materialized once per JVM and tool under {@code plinth.tools.roots} (default: {@code tool-roots/}
 * next to the images), and the wrapper runs chrooted into it in a private mount namespace ({@code
 * unshare --mount --fork}) with /dev, /proc, /sys bound in and a fresh tmpfs on /tmp and /run: the
 * trixie binaries of the image, not the host's. {@code -Dplinth.tools.root=DIR/%s} uses roots
 * materialized elsewhere ({@code %s} = tool). Host paths a test hands to the wrapper are bound in
 * with {@link #share} (same path) or {@link #input} (at {@code /plinth/input}, read-only, as the
 * dispatcher does).
 *
 * <p>Mode {@code host} ({@code -Dplinth.tools.mode=host}), a fallback for quick edits: the wrapper
 * from the source tree runs on this machine with the source library ({@code PLINTH_TOOL_LIB}).
 */
final class ToolRunner {
  static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  static final Path LIB = MODULE.resolve("base/rootfs/usr/lib/plinth/tool.sh");
  static final String MODE = System.getProperty("plinth.tools.mode", "chroot");

  private static final Map<String, Path> ROOTS = new ConcurrentHashMap<>();

  record Result(int exit, String stdout, String stderr) {
    String all() {
      return stdout + stderr;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  private final String tool;
  private final Map<String, String> env = new TreeMap<>();
  private final Map<String, String> binds = new LinkedHashMap<>();

  ToolRunner(String tool) {
    this.tool = tool;
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("PLINTH_JOB_ID", "job-test");
    env.put("PLINTH_STEP", tool);
    env.put("PLINTH_RETRY_DELAY", "0");
  }

  static boolean chroot() {
    return !MODE.equals("host");
  }

  ToolRunner env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** Makes the host directory or file {@code p} visible to the wrapper at the same path. */
  ToolRunner share(Path p) {
    binds.put(p.toAbsolutePath().toString(), p.toAbsolutePath().toString());
    return this;
  }

  /**
   * Chroot mode: binds the host directory or file {@code host} at {@code inside} in the image (a
   * site's files the dispatcher would bind, e.g. flashers). Host mode has no such place: the test
   * uses the wrapper's override variable instead.
   */
  ToolRunner bind(Path host, String inside) {
    binds.put(host.toAbsolutePath().toString(), inside);
    return this;
  }

  /** The step's input directory: {@code /plinth/input} (read-only) in the image. */
  ToolRunner input(Path dir) {
    if (chroot()) {
      binds.put(dir.toAbsolutePath().toString(), "/plinth/input:ro");
    } else {
      env.put("PLINTH_INPUT_DIR", dir.toAbsolutePath().toString());
    }
    return this;
  }

  Path wrapper() {
    return MODULE.resolve(tool + "/rootfs/usr/local/bin/plinth-" + tool);
  }

  /** The materialized image root of {@code tool} (chroot mode). */
  static Path root(String tool) {
    String fixed = System.getProperty("plinth.tools.root", "");
    if (!fixed.isEmpty()) {
      return Path.of(fixed.formatted(tool));
    }
    return ROOTS.computeIfAbsent(tool, ToolRunner::materialize);
  }

  private static Path materialize(String tool) {
    String images = System.getProperty("plinth.tools.images", "");
    if (images.isEmpty()) {
      throw new IllegalStateException(
          "plinth.tools.images is not set: run the ITs through Maven (the build writes the images"
              + " in pre-integration-test) or pass -Dplinth.tools.mode=host");
    }
    Path layout = Path.of(images).toAbsolutePath();
    Path roots =
        Path.of(
            System.getProperty(
                "plinth.tools.roots", layout.resolveSibling("tool-roots").toString()));
    Path dir = roots.resolve(tool);
    try {
      // Nothing is ever mounted here in this mount namespace (the binds live in the wrapper's
      // private one), so deleting an earlier run's root cannot reach host /dev.
      deleteTree(dir);
      long t0 = System.nanoTime();
      ToolImages.materialize(layout, tool, "amd64", dir);
      System.out.printf(
          "materialized plinth/tools/%s:1 (amd64) in %d ms at %s%n",
          tool, (System.nanoTime() - t0) / 1_000_000, dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The host command that runs the wrapper in the image root, in its own mount namespace. */
  List<String> chrootCommand(Path root) {
    StringBuilder sh = new StringBuilder("set -e; r=$1; ");
    sh.append("mount --rbind /dev \"$r/dev\"; mount -t proc proc \"$r/proc\"; ");
    sh.append("mount --rbind /sys \"$r/sys\"; ");
    sh.append("mount -t tmpfs tmpfs \"$r/tmp\"; mount -t tmpfs tmpfs \"$r/run\"; ");
    List<String> bindArgs = new ArrayList<>();
    for (var b : binds.entrySet()) {
      String inside = b.getValue();
      boolean ro = inside.endsWith(":ro");
      inside = ro ? inside.substring(0, inside.length() - 3) : inside;
      int i = bindArgs.size();
      bindArgs.add(b.getKey());
      bindArgs.add(inside);
      String src = "\"$" + (i + 2) + "\"";
      String dst = "\"$r$" + (i + 3) + "\"";
      sh.append("if [ -d ").append(src).append(" ]; then mkdir -p ").append(dst);
      sh.append("; else mkdir -p \"$(dirname ").append(dst).append(")\"; : > ").append(dst);
      sh.append("; fi; mount --bind ").append(src).append(' ').append(dst).append("; ");
      if (ro) {
        sh.append("mount -o remount,bind,ro ").append(dst).append("; ");
      }
    }
    sh.append("shift ").append(1 + bindArgs.size()).append("; ");
    sh.append("exec chroot \"$r\" /usr/local/bin/plinth-").append(tool).append(" \"$@\"");
    // $0 = sh, $1 = the root, then the bind pairs, then the wrapper's argv. Positional
    // parameters above 9 need braces: rewrite "$NN".
    String script = sh.toString().replaceAll("\\$(\\d{2,})", "\\${$1}");
    List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--fork", "sh", "-c"));
    cmd.add(script);
    cmd.add("sh");
    cmd.add(root.toString());
    cmd.addAll(bindArgs);
    return cmd;
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (chroot()) {
      cmd.addAll(chrootCommand(root(tool)));
    } else {
      cmd.add("bash");
      cmd.add(wrapper().toString());
      env.put("PLINTH_TOOL_LIB", LIB.toString());
    }
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().putAll(env);
    Path out = Files.createTempFile("plinth-tool", ".out");
    Path err = Files.createTempFile("plinth-tool", ".err");
    try {
      pb.redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      Process p = pb.start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("plinth-" + tool + " did not finish in 180 s");
      }
      Result r =
          new Result(
              p.exitValue(),
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      System.out.println(
          "plinth-" + tool + " (" + MODE + ") " + String.join(" ", args) + " -> " + r);
      return r;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
