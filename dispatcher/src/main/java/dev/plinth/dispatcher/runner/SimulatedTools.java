/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in simulated tools of the {@link LocalRunner}, one per tool image of {@code
 * tools-images/} plus a few for tests. A simulated tool prints what the real one would print, never
 * touches a disk, and appends one line {@code <step> <tool> <args>} to {@code
 * $PLINTH_SANDBOX/actions.log} in place of its writes.
 *
 * <p>Environment knobs (set them in a step's {@code env}): {@code SIM_DELAY_MS} (how long the tool
 * works, default 100), {@code SIM_EXIT} (exit status, default 0), {@code SIM_FAIL_TIMES} (fail with
 * status 1 on the first N attempts of the step, then succeed).
 */
public final class SimulatedTools {

  /** The tools, by the last segment of the image repository (e.g. {@code plinth/tools/sgdisk}). */
  public static final Set<String> NAMES =
      Set.of(
          "sgdisk",
          "linux-imager",
          "wimapply",
          "linux-bootloader",
          "windows-bootloader",
          "config-drive",
          "vendor-firmware",
          "sleep",
          "fail",
          "echo");

  private SimulatedTools() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0 || !NAMES.contains(argv[0])) {
      System.err.println("usage: SimulatedTools <" + String.join("|", NAMES) + "> [args...]");
      System.exit(64);
    }
    System.exit(run(argv[0], List.of(argv).subList(1, argv.length), System.getenv(), System.out));
  }

  /** Runs a tool, writing its output to {@code out}; returns its exit status. */
  static int run(String tool, List<String> args, Map<String, String> env, PrintStream out)
      throws IOException, InterruptedException {
    String step = env.getOrDefault("PLINTH_STEP", "?");
    Path sandbox = Path.of(env.getOrDefault("PLINTH_SANDBOX", "."));
    out.println("[simulated " + tool + "] " + String.join(" ", args));
    out.flush();
    long delay = Long.parseLong(env.getOrDefault("SIM_DELAY_MS", "100"));
    switch (tool) {
      case "sleep" ->
          delay = (long) (Double.parseDouble(args.isEmpty() ? "1" : args.get(0)) * 1000);
      case "fail" -> {
        out.println("simulated failure");
        return args.isEmpty() ? 1 : Integer.parseInt(args.get(0));
      }
      default -> {}
    }
    progress(tool, delay, out);
    int failTimes = Integer.parseInt(env.getOrDefault("SIM_FAIL_TIMES", "0"));
    if (failTimes > 0 && countAttempt(sandbox, step) <= failTimes) {
      out.println(tool + ": simulated transient failure");
      return 1;
    }
    Files.writeString(
        sandbox.resolve("actions.log"),
        (step + " " + tool + " " + String.join(" ", args)).strip() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    out.println(successLine(tool, env));
    return Integer.parseInt(env.getOrDefault("SIM_EXIT", "0"));
  }

  /**
   * Works for {@code delay} ms, printing a progress line at each quarter as the real tools do, so
   * that a simulated step has output to stream (the dispatcher's step logs).
   */
  private static void progress(String tool, long delay, PrintStream out)
      throws InterruptedException {
    for (int q = 1; q <= 4; q++) {
      Thread.sleep(delay / 4);
      out.println(tool + ": " + (q * 25) + "% (" + (delay * q / 4) + " ms of simulated work)");
      out.flush();
    }
    Thread.sleep(delay % 4);
  }

  private static String successLine(String tool, Map<String, String> env) {
    return switch (tool) {
      case "sgdisk" -> "The operation has completed successfully.";
      case "linux-imager" ->
          "wrote "
              + env.getOrDefault("IMAGE_URL", "image")
              + " to "
              + env.getOrDefault("TARGET_DISK", "disk");
      case "wimapply" -> "Applying image 1 to disk: done";
      case "linux-bootloader", "windows-bootloader" -> "boot entry installed";
      case "config-drive" -> "config drive written";
      case "vendor-firmware" -> "firmware settings applied";
      default -> "done";
    };
  }

  private static int countAttempt(Path sandbox, String step) throws IOException {
    Path counter = sandbox.resolve(".sim-attempts-" + step);
    int n = Files.exists(counter) ? Integer.parseInt(Files.readString(counter).strip()) + 1 : 1;
    Files.writeString(counter, String.valueOf(n));
    return n;
  }
}
