/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import dev.plinth.contract.ImageRef;
import dev.plinth.contract.Task;
import dev.plinth.dispatcher.sys.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Pulls each attempt's image from the task's registry, then lets another runner run the step: for
 * the simulated fleet, whose {@link LocalRunner} maps images to simulated tools and never pulls.
 * The pull is real: {@code skopeo copy} (containers/image, the library {@code podman pull} uses)
 * with the same {@code auth.json} ({@link QuadletRunner#authJson}) and CA directory the {@link
 * QuadletRunner} gives podman, by digest, into a {@code dir:} that is deleted afterwards. So the
 * task's registry host, credentials and CA are checked against a real registry, as on a machine. A
 * failed pull is the step's failure (exit -1, "image pull failed", the pull's output as the log
 * tail), as with podman. What is simulated: signature policy ({@code --insecure-policy}; the real
 * runner passes the site's policy) and the container itself.
 *
 * <pre>
 * dir/
 * ├── auth.json              containers-auth.json(5), 0600
 * ├── certs/HOST[:PORT]/ca.crt   the task's caBundle, when it has one
 * └── pull-NN-name-N/        one attempt's pulled image, deleted after the pull
 * </pre>
 */
public final class PullingRunner implements StepRunner {

  private static final int LOG_TAIL_LINES = 40;

  private final StepRunner inner;
  private final Path dir;
  private final Commands commands;
  private final Duration timeout;

  /**
   * @param inner runs the step once its image is pulled
   * @param dir where the credentials file and the pulls go (created if missing)
   */
  public PullingRunner(StepRunner inner, Path dir, Commands commands, Duration timeout) {
    this.inner = inner;
    this.dir = dir.toAbsolutePath();
    this.commands = commands;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return inner.name() + "+pull";
  }

  @Override
  public void prepare(Task task) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    writePrivate(dir.resolve("auth.json"), QuadletRunner.authJson(task));
    if (task.caBundle() != null) {
      Path certs = Files.createDirectories(certDir(task));
      writePrivate(certs.resolve("ca.crt"), task.caBundle().getBytes(StandardCharsets.US_ASCII));
    }
    inner.prepare(task);
  }

  @Override
  public StepResult run(StepAttempt a) throws InterruptedException {
    long start = System.nanoTime();
    Path target = dir.resolve("pull-" + a.slug() + "-" + a.attempt());
    try {
      Commands.Result r = commands.run(command(a, target), timeout);
      if (!r.ok()) {
        return new StepResult(
            StepResult.NOT_STARTED,
            Duration.ofNanos(System.nanoTime() - start),
            tail(r.output()),
            "image pull failed");
      }
    } catch (IOException e) {
      return new StepResult(
          StepResult.NOT_STARTED,
          Duration.ofNanos(System.nanoTime() - start),
          "",
          "image pull failed: cannot run skopeo: " + e.getMessage());
    } finally {
      deleteTree(target);
    }
    return inner.run(a);
  }

  @Override
  public Optional<StepResult> reattach(StepAttempt a) throws InterruptedException {
    return inner.reattach(a);
  }

  /** The pull: what {@code podman pull --authfile [--tls-verify=false] [--cert-dir]} does. */
  List<String> command(StepAttempt a, Path target) {
    Task task = a.task();
    List<String> cmd = new ArrayList<>(List.of("skopeo", "--insecure-policy", "copy", "--quiet"));
    cmd.add("--authfile=" + dir.resolve("auth.json"));
    if (task.registryPlainHttp()) {
      cmd.add("--src-tls-verify=false");
    }
    if (task.caBundle() != null) {
      cmd.add("--src-cert-dir=" + certDir(task));
    }
    cmd.add("docker://" + ImageRef.parse(a.step().image()));
    cmd.add("dir:" + target);
    return cmd;
  }

  private Path certDir(Task task) {
    return dir.resolve("certs").resolve(task.registryHost());
  }

  private static String tail(String s) {
    String[] lines = s.split("\n");
    int from = Math.max(0, lines.length - LOG_TAIL_LINES);
    return String.join("\n", java.util.Arrays.asList(lines).subList(from, lines.length));
  }

  private static void writePrivate(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      // Leftover pull directories cost only space in the simulation's own directory.
    }
  }
}
