/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * plinth-wimapply: a small WIM (made here with wimcapture) from the test registry onto the NTFS
 * partition of a loop disk, read back with wimdir, ntfsls and ntfscat (ntfs-3g).
 */
class WimapplyIT {
  static final String WIM_TYPE = "application/vnd.plinth.os.wim.v1";

  @TempDir Path tmp;
  TestRegistry registry;

  @BeforeAll
  static void root() {
    Privileges.assumeRoot();
  }

  @BeforeEach
  void start() throws Exception {
    registry = new TestRegistry();
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  /** The tree captured into the WIM: a few Windows-like paths, a space, a binary file. */
  Path tree() throws Exception {
    Path t = tmp.resolve("tree");
    Files.createDirectories(t.resolve("Windows/System32/drivers/etc"));
    Files.createDirectories(t.resolve("Program Files/Plinth"));
    Files.writeString(t.resolve("Windows/System32/drivers/etc/hosts"), "127.0.0.1 localhost\r\n");
    Files.writeString(t.resolve("Windows/win.ini"), "; for 16-bit app support\r\n[fonts]\r\n");
    Files.writeString(t.resolve("Program Files/Plinth/readme.txt"), "applied by plinth\n");
    byte[] big = new byte[300 << 10];
    new Random(11).nextBytes(big);
    Files.write(t.resolve("Windows/System32/kernel.bin"), big);
    return t;
  }

  byte[] wim(Path tree) throws Exception {
    Path w = tmp.resolve("minimal.wim");
    Sh.run("wimcapture", tree.toString(), w.toString(), "Plinth test", "--compress=fast");
    return Files.readAllBytes(w);
  }

  LoopDisk ntfsDisk() throws Exception {
    LoopDisk d = LoopDisk.create(tmp, 64L << 20);
    Sh.run("sgdisk", "-o", "-n", "1:0:0", "-t", "1:0700", "-c", "1:windows", d.dev);
    Sh.run("mkntfs", "-Q", "-F", "-L", "Windows", d.part(1));
    return d;
  }

  ToolRunner tool(LoopDisk d) {
    return new ToolRunner("wimapply")
        .env("PLINTH_TARGET_DISK", d.dev)
        .env("PLINTH_REGISTRY", registry.host())
        .env("PLINTH_REGISTRY_SCHEME", "http");
  }

  static String ntfsls(String dev, String path) throws Exception {
    return Sh.run("ntfsls", "-p", path, dev);
  }

  @Test
  void appliesTheImageOntoNtfs() throws Exception {
    Path tree = tree();
    byte[] wim = wim(tree);
    registry.push("ci-only/os/minimal-wim", "1", WIM_TYPE, wim, "minimal.wim");
    try (LoopDisk d = ntfsDisk()) {
      var r =
          tool(d)
              .run(
                  "apply",
                  "--source",
                  "ci-only/os/minimal-wim:1",
                  "--index",
                  "1",
                  "--target",
                  "partition=windows",
                  "--digest",
                  TestRegistry.sha256(wim));
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.stderr())
          .contains("verified ci-only/os/minimal-wim:1")
          .contains("applied image 1 of ci-only/os/minimal-wim:1 onto " + d.dev + "p1");
      String part = d.part(1);
      // every file wimdir lists is on the volume with the bytes of the tree it was captured from
      List<String> files = new ArrayList<>();
      for (String line : Sh.run("wimdir", tmp.resolve("minimal.wim").toString(), "1").split("\n")) {
        if (!line.isBlank() && Files.isRegularFile(tree.resolve(line.substring(1)))) {
          files.add(line);
        }
      }
      assertThat(files)
          .containsExactlyInAnyOrder(
              "/Windows/System32/drivers/etc/hosts",
              "/Windows/win.ini",
              "/Program Files/Plinth/readme.txt",
              "/Windows/System32/kernel.bin");
      for (String f : files) {
        Path out = tmp.resolve("read-back");
        Sh.sh("ntfscat " + part + " '" + f + "' > " + out);
        assertThat(Files.readAllBytes(out))
            .as(f)
            .isEqualTo(Files.readAllBytes(tree.resolve(f.substring(1))));
      }
      assertThat(ntfsls(part, "/")).contains("Windows\n", "Program Files\n");
      assertThat(ntfsls(part, "/Windows/System32")).contains("drivers\n", "kernel.bin\n");
      assertThat(Sh.run("blkid", "-p", "-o", "value", "-s", "LABEL", part)).isEqualTo("Windows\n");
    }
  }

  @Test
  void wrongDigestAndWrongIndexLeaveTheVolumeAlone() throws Exception {
    byte[] wim = wim(tree());
    registry.push("ci-only/os/minimal-wim", "1", WIM_TYPE, wim, "minimal.wim");
    try (LoopDisk d = ntfsDisk()) {
      String before = ntfsls(d.part(1), "/");
      var digest =
          tool(d)
              .run(
                  "apply",
                  "--source",
                  "ci-only/os/minimal-wim:1",
                  "--index",
                  "1",
                  "--target",
                  "partition=windows",
                  "--digest",
                  "sha256:" + "0".repeat(64));
      assertThat(digest.exit()).as(digest.toString()).isEqualTo(4);
      assertThat(digest.stderr()).contains("content digest mismatch").contains("0".repeat(64));
      assertThat(ntfsls(d.part(1), "/")).isEqualTo(before).doesNotContain("Windows");

      var index =
          tool(d)
              .run(
                  "apply",
                  "--source",
                  "ci-only/os/minimal-wim:1",
                  "--index",
                  "2",
                  "--target",
                  "partition=windows");
      assertThat(index.exit()).as(index.toString()).isEqualTo(2);
      assertThat(index.stderr()).contains("--index 2: ci-only/os/minimal-wim:1 holds 1 image(s)");
      assertThat(ntfsls(d.part(1), "/")).isEqualTo(before);

      var label =
          tool(d)
              .run(
                  "apply",
                  "--source",
                  "ci-only/os/minimal-wim:1",
                  "--index",
                  "1",
                  "--target",
                  "partition=C");
      assertThat(label.exit()).as(label.toString()).isEqualTo(3);

      Sh.run("mkfs.ext4", "-q", "-F", d.part(1));
      var notNtfs =
          tool(d)
              .run(
                  "apply",
                  "--source",
                  "ci-only/os/minimal-wim:1",
                  "--index",
                  "1",
                  "--target",
                  "partition=windows");
      assertThat(notNtfs.exit()).as(notNtfs.toString()).isEqualTo(3);
      assertThat(notNtfs.stderr()).contains("holds no NTFS filesystem");
    }
  }
}
