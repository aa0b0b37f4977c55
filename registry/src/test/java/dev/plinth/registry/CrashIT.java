/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plinth.registry.gc.Reports;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a registry process during concurrent pushes: after a restart, every acknowledged push
 * is intact and fsck finds nothing wrong.
 */
class CrashIT {

  @TempDir Path root;

  record Child(Process process, String base) {}

  Child start() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                root.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      if (line.startsWith("READY ")) {
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (r.readLine() != null) {
                      // keep the pipe from filling
                    }
                  } catch (java.io.IOException e) {
                    // child gone
                  }
                });
        drain.setDaemon(true);
        drain.start();
        return new Child(p, line.substring(6));
      }
    }
    throw new IllegalStateException("child exited: " + p.waitFor());
  }

  @Test
  void killDuringConcurrentPushesLosesNoAcknowledgedPush() throws Exception {
    Child c = start();
    Pushes client = new Pushes(c.base());
    List<Pushes.Pushed> acked = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      int id = t;
      pool.submit(
          () -> {
            Random rnd = new Random(id);
            for (int i = 0; !stop.get(); i++) {
              try {
                Pushes.Pushed p =
                    client.push("crash/r" + id, "t" + i, rnd, 16384 + rnd.nextInt(1 << 20));
                if (p != null) {
                  acked.add(p);
                }
              } catch (Exception e) {
                return null; // the server died mid-request: not acknowledged
              }
            }
            return null;
          });
    }
    while (acked.size() < 12) {
      Thread.sleep(50);
    }
    c.process().destroyForcibly(); // SIGKILL
    c.process().waitFor();
    stop.set(true);
    pool.shutdown();
    assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));

    Child again = start();
    try {
      Pushes after = new Pushes(again.base());
      List<String> problems = new ArrayList<>();
      for (Pushes.Pushed p : acked) {
        problems.addAll(after.verify(p));
      }
      assertEquals(List.of(), problems);
      // pushes work after the restart
      assertTrue(after.push("crash/after", "t", new Random(9), 4096) != null);
    } finally {
      again.process().destroyForcibly();
      again.process().waitFor();
    }
    try (Registry offline = Registry.builder().root(root).dataPlane(false).start()) {
      Reports.Fsck f = offline.maintenance().fsck(false);
      assertTrue(f.clean(), f.problems().toString());
      assertTrue(f.blobsChecked() > 12);
    }
  }
}
