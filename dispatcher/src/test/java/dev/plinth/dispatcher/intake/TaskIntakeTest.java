/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import dev.plinth.contract.ContractFixtures;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskIsoV1;
import dev.plinth.dispatcher.sys.Commands;
import dev.plinth.iso.IsoTree;
import dev.plinth.iso.IsoWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskIntakeTest {

  @TempDir Path tmp;
  private final Task task = ContractFixtures.exampleTask();

  private TaskIntake intake(Commands c, String cmdline) throws IOException {
    Path proc = tmp.resolve("cmdline");
    Files.writeString(proc, cmdline + "\n");
    Files.createDirectories(tmp.resolve("by-label"));
    return new TaskIntake(c, proc, tmp.resolve("by-label"), tmp.resolve("state"));
  }

  private static Commands noBlkid() {
    return (cmd, t) -> new Commands.Result(2, "");
  }

  @Test
  void readsAndVerifiesATaskIsoWrittenWithTheIsoBuilder() throws Exception {
    Path iso = tmp.resolve("task.iso");
    TaskIsoImage.write(task, 1_700_000_000L, iso);
    assertThat(intake(noBlkid(), "").load(iso)).isEqualTo(task);
  }

  @Test
  void sameTaskAndDateGiveTheSameIsoBytes() throws Exception {
    TaskIsoImage.write(task, 1_700_000_000L, tmp.resolve("a.iso"));
    TaskIsoImage.write(task, 1_700_000_000L, tmp.resolve("b.iso"));
    assertThat(Files.readAllBytes(tmp.resolve("a.iso")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("b.iso")));
  }

  @Test
  void refusesAnIsoWithAnotherLabelOrAlteredContent() throws Exception {
    Path wrongLabel = tmp.resolve("other.iso");
    IsoTree tree = IsoTree.create();
    TaskIsoV1.files(task).forEach(tree::addFile);
    IsoWriter.builder()
        .volumeId("SOMETHING-ELSE")
        .sourceDateEpoch(0)
        .build()
        .write(tree, wrongLabel);
    assertThat(
            assertThrows(IntakeException.class, () -> intake(noBlkid(), "").load(wrongLabel))
                .getMessage())
        .contains("volume label is SOMETHING-ELSE");

    Path altered = tmp.resolve("altered.iso");
    IsoTree t2 =
        IsoTree.create()
            .addFile("task.json", TaskIsoV1.files(task).get("task.json").clone())
            .addFile("SHA256SUMS", TaskIsoV1.sums(java.util.Map.of("task.json", new byte[] {1})));
    IsoWriter.builder().volumeId("PLINTH-TASK").sourceDateEpoch(0).build().write(t2, altered);
    assertThat(
            assertThrows(IntakeException.class, () -> intake(noBlkid(), "").load(altered))
                .getMessage())
        .contains("refused", "SHA-256 does not match");
  }

  @Test
  void readsAMountedDirectory() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("mnt"));
    for (var f : TaskIsoV1.files(task).entrySet()) {
      Files.write(dir.resolve(f.getKey()), f.getValue());
    }
    assertThat(intake(noBlkid(), "").load(dir).jobId()).isEqualTo("job-0001");
  }

  @Test
  void discoversTheIsoByLabelLinkOrBlkid() throws Exception {
    Path iso = tmp.resolve("task.iso");
    TaskIsoImage.write(task, 1_700_000_000L, iso);
    TaskIntake byLink = intake(noBlkid(), "quiet");
    Files.createSymbolicLink(tmp.resolve("by-label/PLINTH-TASK"), iso);
    assertThat(byLink.discover(Duration.ZERO)).isEqualTo(task);
    Files.delete(tmp.resolve("by-label/PLINTH-TASK"));

    Commands blkid =
        (cmd, t) ->
            cmd.equals(List.of("blkid", "-L", "PLINTH-TASK"))
                ? new Commands.Result(0, iso + "\n")
                : new Commands.Result(2, "");
    assertThat(intake(blkid, "").discover(Duration.ZERO).jobId()).isEqualTo("job-0001");
    assertThat(
            assertThrows(IntakeException.class, () -> intake(noBlkid(), "").discover(Duration.ZERO))
                .getMessage())
        .contains("no volume labelled PLINTH-TASK");
  }

  @Test
  void fetchesTheTaskFromTheKernelCommandLineUrl() throws Exception {
    Path iso = tmp.resolve("served.iso");
    TaskIsoImage.write(task, 1_700_000_000L, iso);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/media/task.iso",
        x -> {
          byte[] b = Files.readAllBytes(iso);
          x.sendResponseHeaders(200, b.length);
          x.getResponseBody().write(b);
          x.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/media/task.iso";
      TaskIntake in = intake(noBlkid(), "BOOT_IMAGE=/vmlinuz ro plinth.task=" + url + " quiet");
      assertThat(in.kernelTaskUrl()).contains(url);
      assertThat(in.discover(Duration.ZERO)).isEqualTo(task);
      assertThat(tmp.resolve("state/task.iso")).exists();
      IntakeException e =
          assertThrows(
              IntakeException.class,
              () -> in.fetch(URI.create(url.replace("task.iso", "nope.iso"))));
      assertThat(e.getMessage()).contains("HTTP 404");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aKernelCommandLineUrlIsTriedAgainWhileTheControllerAnswers5xxButNot404() throws Exception {
    Path iso = tmp.resolve("served.iso");
    TaskIsoImage.write(task, 1_700_000_000L, iso);
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/media/task.iso",
        x -> {
          if (calls.incrementAndGet() <= 2) {
            x.sendResponseHeaders(503, -1);
          } else {
            byte[] b = Files.readAllBytes(iso);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
          }
          x.close();
        });
    server.createContext(
        "/media/gone.iso",
        x -> {
          calls.incrementAndGet();
          x.sendResponseHeaders(404, -1);
          x.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/media/";
      assertThat(
              intake(noBlkid(), "plinth.task=" + base + "task.iso").discover(Duration.ofMinutes(1)))
          .isEqualTo(task);
      assertThat(calls.get()).isEqualTo(3);
      calls.set(0);
      IntakeException e =
          assertThrows(
              IntakeException.class,
              () ->
                  intake(noBlkid(), "plinth.task=" + base + "gone.iso")
                      .discover(Duration.ofMinutes(1)));
      assertThat(e.getMessage()).contains("HTTP 404");
      assertThat(calls.get()).isEqualTo(1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void copiesTheVolumeOffADeviceLikeFile() throws Exception {
    // A FIFO stands in for a block device: not a regular file, readable once as a stream.
    Path iso = tmp.resolve("task.iso");
    TaskIsoImage.write(task, 1_700_000_000L, iso);
    Path fifo = tmp.resolve("sr1");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo unavailable");
    Thread feeder =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (var out = Files.newOutputStream(fifo)) {
                    out.write(Files.readAllBytes(iso));
                    out.write(new byte[4096]);
                  } catch (IOException e) {
                    // the reader stopped early
                  }
                });
    assertThat(intake(noBlkid(), "").load(fifo)).isEqualTo(task);
    feeder.join(5000);
  }

  @Test
  void kernelCommandLineWithoutTaskHasNoUrl() throws Exception {
    assertThat(intake(noBlkid(), "ro quiet plinth.task=").kernelTaskUrl()).isEmpty();
    assertThat(new TaskIntake(noBlkid(), tmp.resolve("missing"), tmp, tmp).kernelTaskUrl())
        .isEmpty();
  }
}
