/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plinth-linux-imager: an image from a (test) registry onto a loop disk or partition. */
class LinuxImagerIT {
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

  ToolRunner tool(LoopDisk d) throws Exception {
    Path auth = tmp.resolve("auth.json");
    Files.writeString(auth, registry.authJson());
    return new ToolRunner("linux-imager")
        .env("PLINTH_TARGET_DISK", d.dev)
        .env("PLINTH_REGISTRY", registry.host())
        .env("PLINTH_REGISTRY_SCHEME", "http")
        .env("REGISTRY_AUTH_FILE", auth.toString())
        .share(auth);
  }

  /** A rootfs tree packed as tar (kept as rootfs.tar), compressed with gzip or zstd. */
  byte[] rootfsTar(String compress) throws Exception {
    Path tree = tmp.resolve("tree");
    Files.createDirectories(tree.resolve("etc"));
    Files.createDirectories(tree.resolve("usr/bin"));
    Files.writeString(tree.resolve("etc/hostname"), "plinth-test\n");
    Files.writeString(tree.resolve(".hidden"), "dot\n");
    Files.writeString(tree.resolve("usr/bin/hello"), "#!/bin/sh\necho hello\n");
    Sh.run("chmod", "0755", tree.resolve("usr/bin/hello").toString());
    Sh.run("chown", "1234:2345", tree.resolve("etc/hostname").toString());
    Files.createSymbolicLink(tree.resolve("bin"), Path.of("usr/bin"));
    Path out = tmp.resolve("rootfs.tar");
    Sh.run("tar", "--numeric-owner", "-C", tree.toString(), "-cf", out.toString(), ".");
    Sh.run(compress, "-q", "-k", "-f", out.toString());
    return Files.readAllBytes(Path.of(out + (compress.equals("gzip") ? ".gz" : ".zst")));
  }

  /** A 3 MiB raw disk image: a GPT with one partition, random bytes inside it. */
  byte[] rawImage() throws Exception {
    Path img = tmp.resolve("disk.raw");
    byte[] b = new byte[3 << 20];
    new Random(7).nextBytes(b);
    Arrays.fill(b, 0, 1 << 20, (byte) 0);
    Arrays.fill(b, b.length - (64 << 10), b.length, (byte) 0);
    Files.write(img, b);
    Sh.run("sgdisk", "-o", "-n", "1:0:0", "-c", "1:imaged", img.toString());
    return Files.readAllBytes(img);
  }

  LoopDisk partitioned() throws Exception {
    LoopDisk d = LoopDisk.create(tmp, 96L << 20);
    Sh.run("sgdisk", "-o", "-n", "1:0:+8M", "-c", "1:ESP", "-n", "2:0:0", "-c", "2:root", d.dev);
    Sh.run("mkfs.ext4", "-q", "-F", "-L", "root", d.part(2));
    return d;
  }

  String listing(LoopDisk d) throws Exception {
    Path mnt = Files.createDirectories(tmp.resolve("mnt"));
    Sh.run("mount", d.part(2), mnt.toString());
    try {
      return Sh.sh(
          "cd "
              + mnt
              + " && find . | sort && stat -c '%n %u:%g %a' etc/hostname usr/bin/hello 2>&1 || true");
    } finally {
      Sh.run("umount", mnt.toString());
    }
  }

  @Test
  void tarOntoPartitionWithBearerAuthAndContentDigest() throws Exception {
    byte[] blob = rootfsTar("zstd");
    byte[] tar = Files.readAllBytes(tmp.resolve("rootfs.tar"));
    registry.requireAuth = true;
    registry.push(
        "ci-only/os/linux-rootfs",
        "1",
        "application/vnd.plinth.os.rootfs.v1.tar+zstd",
        blob,
        "rootfs.tar.zst");
    try (LoopDisk d = partitioned()) {
      var r =
          tool(d)
              .run(
                  "write",
                  "--source",
                  "ci-only/os/linux-rootfs:1",
                  "--format",
                  "tar",
                  "--compression",
                  "zstd",
                  "--target",
                  "partition=root",
                  "--digest",
                  TestRegistry.sha256(tar));
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.stderr()).contains("plinth-progress: ").contains("verified");
      assertThat(registry.requests).anyMatch(s -> s.startsWith("GET /token"));
      assertThat(listing(d))
          .contains("./etc/hostname\n", "./usr/bin/hello\n", "./bin\n", "./.hidden\n")
          .contains("etc/hostname 1234:2345 644", "usr/bin/hello 0:0 755")
          .doesNotContain(".plinth-partial");
    }
  }

  @Test
  void rawOntoDiskResumesAfterADroppedConnection() throws Exception {
    byte[] raw = rawImage();
    String m =
        registry.push(
            "ci-only/os/linux-raw", "1", "application/vnd.plinth.os.raw.v1", raw, "disk.raw");
    registry.dropOnceAfter(1_500_000);
    try (LoopDisk d = LoopDisk.create(tmp, 32L << 20)) {
      var r =
          tool(d)
              .run(
                  "write",
                  "--source",
                  "ci-only/os/linux-raw:1@" + m,
                  "--format",
                  "raw",
                  "--compression",
                  "none",
                  "--target",
                  "disk",
                  "--digest",
                  TestRegistry.sha256(raw));
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.stderr()).contains("fetch interrupted at 1500000/" + raw.length);
      assertThat(registry.rangeRequests()).isEqualTo(1);
      assertThat(registry.requests).anyMatch(s -> s.contains("Range: bytes=1500000-"));
      assertThat(d.read(0, raw.length)).isEqualTo(raw);
      assertThat(Sh.run("blkid", "-p", "-o", "value", "-s", "PART_ENTRY_NAME", d.part(1)))
          .isEqualTo("imaged\n");
    }
  }

  @Test
  void wrongDigestLeavesNothingThatLooksComplete() throws Exception {
    String wrong = "sha256:" + "0".repeat(64);
    registry.push(
        "os/rootfs",
        "1",
        "application/vnd.plinth.os.rootfs.v1.tar+gzip",
        rootfsTar("gzip"),
        "r.tar.gz");
    byte[] raw = rawImage();
    Path gz = tmp.resolve("disk.raw.gz");
    Sh.run("gzip", "-q", "-k", "-f", tmp.resolve("disk.raw").toString());
    registry.push(
        "os/raw", "1", "application/vnd.plinth.os.raw.v1+gzip", Files.readAllBytes(gz), "d.gz");
    try (LoopDisk d = partitioned()) {
      var t =
          tool(d)
              .run(
                  "write",
                  "--source",
                  "os/rootfs:1",
                  "--format",
                  "tar",
                  "--compression",
                  "gzip",
                  "--target",
                  "partition=root",
                  "--digest",
                  wrong);
      assertThat(t.exit()).as(t.toString()).isEqualTo(4);
      assertThat(t.stderr()).contains("content digest mismatch").contains(wrong);
      assertThat(listing(d))
          .isEqualTo(
              ".\n./lost+found\nstat: cannot statx 'etc/hostname': No such file or directory\nstat: cannot statx 'usr/bin/hello': No such file or directory\n");

      var w =
          tool(d)
              .run(
                  "write",
                  "--source",
                  "os/raw:1",
                  "--format",
                  "raw",
                  "--compression",
                  "gzip",
                  "--target",
                  "disk",
                  "--digest",
                  wrong);
      assertThat(w.exit()).as(w.toString()).isEqualTo(4);
      assertThat(d.read(0, 1 << 20)).containsOnly(0); // no protective MBR, no GPT header
      assertThat(d.read(1 << 20, 4096))
          .isEqualTo(Arrays.copyOfRange(raw, 1 << 20, (1 << 20) + 4096));
      assertThat(Sh.status("blkid", "-p", d.dev)).isEqualTo(2);
    }
  }

  @Test
  void imageLargerThanTheTargetIsRefused() throws Exception {
    byte[] big = new byte[40 << 20];
    new Random(3).nextBytes(big);
    registry.push("os/big", "1", "application/vnd.plinth.os.raw.v1", big, "big.raw");
    Path f = tmp.resolve("big.raw");
    Files.write(f, big);
    Sh.run("zstd", "-q", "-1", "-f", f.toString());
    registry.push(
        "os/bigz",
        "1",
        "application/vnd.plinth.os.raw.v1+zstd",
        Files.readAllBytes(Path.of(f + ".zst")),
        "big.zst");
    try (LoopDisk d = partitioned()) {
      String before = d.sha256();
      var r =
          tool(d)
              .run(
                  "write",
                  "--source",
                  "os/big:1",
                  "--format",
                  "raw",
                  "--compression",
                  "none",
                  "--target",
                  "partition=ESP");
      assertThat(r.exit()).as(r.toString()).isEqualTo(3);
      assertThat(r.stderr()).contains("nothing was written");
      assertThat(d.sha256()).isEqualTo(before);
      // compressed: the size shows only while streaming; the first MiB is never written
      var z =
          tool(d)
              .run(
                  "write",
                  "--source",
                  "os/bigz:1",
                  "--format",
                  "raw",
                  "--compression",
                  "zstd",
                  "--target",
                  "partition=ESP");
      assertThat(z.exit()).as(z.toString()).isEqualTo(3);
      assertThat(z.stderr()).contains("larger than");
      assertThat(d.read(1 << 20, 1 << 20)).containsOnly(0);
      assertThat(Sh.run("sgdisk", "-p", d.dev)).contains("root"); // the next partition is intact
    }
  }

  @Test
  void missingLabelAndDryRun() throws Exception {
    try (LoopDisk d = partitioned()) {
      String before = d.sha256();
      var r =
          tool(d)
              .run(
                  "write",
                  "--source",
                  "os/x:1",
                  "--format",
                  "tar",
                  "--compression",
                  "none",
                  "--target",
                  "partition=nope");
      assertThat(r.exit()).as(r.toString()).isEqualTo(3);
      assertThat(r.stderr()).contains("no partition labelled 'nope' on the target disk " + d.dev);
      var dry =
          tool(d)
              .run(
                  "write",
                  "--source",
                  "os/x:1",
                  "--format",
                  "raw",
                  "--compression",
                  "xz",
                  "--target",
                  "partition=root",
                  "--dry-run");
      assertThat(dry.exit()).as(dry.toString()).isZero();
      assertThat(dry.stdout())
          .contains("+ dd if=/dev/zero of=" + d.dev + "p2 bs=1M count=1 conv=fsync\n")
          .contains("+ curl -L -C <resume> http://" + registry.host() + "/v2/os/x/blobs/");
      assertThat(registry.requests).isEmpty();
      var usage =
          tool(d)
              .run(
                  "write",
                  "--source",
                  "os/x:1",
                  "--format",
                  "tar",
                  "--compression",
                  "none",
                  "--target",
                  "disk");
      assertThat(usage.exit()).isEqualTo(2);
      assertThat(d.sha256()).isEqualTo(before);
    }
  }

  @Test
  void xzRawOntoAPartitionIsVerifiedAndBytesEqual() throws Exception {
    byte[] raw = rawImage();
    Sh.run("xz", "-q", "-k", "-f", "-0", tmp.resolve("disk.raw").toString());
    byte[] xz = Files.readAllBytes(tmp.resolve("disk.raw.xz"));
    registry.push("os/rawxz", "1", "application/vnd.plinth.os.raw.v1+xz", xz, "disk.raw.xz");
    try (LoopDisk d = partitioned()) {
      var r =
          tool(d)
              .run(
                  "write",
                  "--source",
                  "os/rawxz:1",
                  "--format",
                  "raw",
                  "--compression",
                  "xz",
                  "--target",
                  "partition=ESP",
                  "--digest",
                  TestRegistry.sha256(raw));
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.stderr())
          .contains("verified os/rawxz:1 onto " + d.dev + "p1")
          .contains("content " + TestRegistry.sha256(raw))
          .contains("plinth-progress: " + xz.length + "/" + xz.length);
      // the ESP partition starts at 1 MiB: the decompressed image is there byte for byte
      assertThat(d.read(1 << 20, raw.length)).isEqualTo(raw);
      assertThat(Sh.run("sgdisk", "-p", d.dev)).contains("root"); // the table is untouched
    }
  }
}
