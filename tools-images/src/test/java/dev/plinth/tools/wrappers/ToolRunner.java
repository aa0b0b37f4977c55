/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs a wrapper {@code plinth-<tool>} the way a step container would: its argv, the runtime
 * contract's environment, host {@code /dev}. By default (mode {@code host}) the wrapper runs on
 * this machine with the library found through {@code PLINTH_TOOL_LIB}; with the system property
 * {@code plinth.tools.root=DIR/%s} (a materialized image root per tool, {@code %s} = tool) it runs
 * chrooted into that root in a private mount namespace, with /dev, /proc and /sys bound in.
 */
final class ToolRunner {
  static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  static final Path LIB = MODULE.resolve("base/rootfs/usr/lib/plinth/tool.sh");

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

  ToolRunner(String tool) {
    this.tool = tool;
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("PLINTH_JOB_ID", "job-test");
    env.put("PLINTH_STEP", tool);
    env.put("PLINTH_RETRY_DELAY", "0");
  }

  ToolRunner env(String key, String value) {
    env.put(key, value);
    return this;
  }

  Path wrapper() {
    return MODULE.resolve(tool + "/rootfs/usr/local/bin/plinth-" + tool);
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    String root = System.getProperty("plinth.tools.root", "");
    if (root.isEmpty()) {
      cmd.add("bash");
      cmd.add(wrapper().toString());
      env.put("PLINTH_TOOL_LIB", LIB.toString());
    } else {
      String dir = root.formatted(tool);
      cmd.addAll(
          List.of(
              "unshare",
              "--mount",
              "--fork",
              "sh",
              "-c",
              "mount --rbind /dev \"$0/dev\" && mount -t proc proc \"$0/proc\" && mount --rbind /sys"
                  + " \"$0/sys\" && mount -t tmpfs tmpfs \"$0/tmp\" && mount -t tmpfs tmpfs \"$0/run\""
                  + " && exec chroot \"$0\" \"$@\"",
              dir,
              "/usr/local/bin/plinth-" + tool));
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
      System.out.println("plinth-" + tool + " " + String.join(" ", args) + " -> " + r);
      return r;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
