/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.cios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.tools.oci.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds the CI-only test OS artifacts with the real tools (downloads the trixie kernel and busybox
 * once into the cache), boots the rootfs tar's kernel and initramfs under QEMU, and checks that a
 * second build gives the same bytes and that skopeo reads the layout and the bundle.
 */
class CiOsArtifactsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path work;
  private static Path sources;
  private static List<CiOsArtifacts.Published> first;

  @BeforeAll
  static void buildOnce() throws IOException {
    String images = System.getProperty("plinth.tools.images");
    Path base = images != null ? Path.of(images).getParent() : Path.of("target");
    work = Files.createDirectories(base.resolve("ci-os-it"));
    sources = Path.of(System.getProperty("plinth.tools.sources", "."));
    first = build("a");
  }

  private static List<CiOsArtifacts.Published> build(String name) throws IOException {
    Path dir = work.resolve(name);
    CiOsBuild.run(
        sources, dir.resolve("payloads"), CiOsBuild.defaultCache(), CiOsBuild.DEFAULT_EPOCH);
    return CiOsArtifacts.publish(
        dir.resolve("payloads"),
        dir.resolve("layout"),
        dir.resolve("plinth-ci-os-1.tar"),
        CiOsBuild.DEFAULT_EPOCH,
        "1");
  }

  @Test
  void secondBuildGivesTheSameDigestsAndBundle() throws IOException {
    List<CiOsArtifacts.Published> second = build("b");
    assertThat(second).isEqualTo(first);
    assertThat(Digests.of(work.resolve("b/plinth-ci-os-1.tar")))
        .isEqualTo(Digests.of(work.resolve("a/plinth-ci-os-1.tar")));
    // Exactly the empty config, three layers and three manifests: nothing left from earlier builds.
    try (Stream<Path> blobs = Files.list(work.resolve("b/layout/blobs/sha256"))) {
      assertThat(blobs.count()).isEqualTo(7);
    }
  }

  @Test
  void manifestsAreCiOnlyArtifactsWithOneTitledLayer() throws IOException {
    assertThat(first)
        .extracting(CiOsArtifacts.Published::ref)
        .containsExactly(
            "ci-only/os/linux-rootfs:1", "ci-only/os/linux-raw:1", "ci-only/os/minimal-wim:1");
    for (CiOsArtifacts.Published p : first) {
      JsonNode m = blob(p.manifest().digest());
      assertThat(m.path("artifactType").asText()).startsWith("application/vnd.plinth.os.");
      assertThat(m.path("config").path("mediaType").asText()).isEqualTo(CiOsArtifacts.EMPTY);
      assertThat(m.path("config").path("size").asLong()).isEqualTo(2);
      assertThat(m.path("layers")).hasSize(1);
      assertThat(m.path("layers").get(0).path("annotations").path(CiOsArtifacts.TITLE).asText())
          .isNotEmpty();
      assertThat(m.path("annotations").path(CiOsArtifacts.CI_ONLY).asText()).isEqualTo("true");
      assertThat(m.path("annotations").path(CiOsArtifacts.PAYLOAD_DIGEST).asText())
          .isEqualTo(p.payloadDigest());
    }
    JsonNode index = JSON.readTree(work.resolve("a/layout/index.json").toFile());
    assertThat(index.path("manifests").findValuesAsText("org.opencontainers.image.ref.name"))
        .containsExactly(
            "ci-only/os/linux-rootfs:1", "ci-only/os/linux-raw:1", "ci-only/os/minimal-wim:1");
  }

  @Test
  void skopeoReadsTheLayoutAndTheBundle() throws Exception {
    for (CiOsArtifacts.Published p : first) {
      String fromLayout =
          run("skopeo", "inspect", "--raw", "oci:" + work.resolve("a/layout") + ":" + p.ref());
      assertThat(Digests.of(fromLayout.getBytes(StandardCharsets.UTF_8)))
          .isEqualTo(p.manifest().digest());
    }
    String rootfs =
        run(
            "skopeo",
            "inspect",
            "--raw",
            "oci-archive:" + work.resolve("a/plinth-ci-os-1.tar") + ":ci-only/os/linux-rootfs:1");
    assertThat(Digests.of(rootfs.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(first.get(0).manifest().digest());
  }

  @Test
  void rootfsKernelAndInitramfsBootDirectlyAndPrintTheMarker() throws Exception {
    assertBoots("direct", "cmdline=console=ttyS0,115200");
  }

  @Test
  void rootfsBootsThroughOvmfAndGrubFromTheEspRemovablePath() throws Exception {
    assertBoots("uefi", "cmdline=BOOT_IMAGE=/boot/vmlinuz-");
  }

  private static void assertBoots(String mode, String cmdlineStart) throws Exception {
    String log =
        run(
            "bash",
            sources.resolve("ci-os/selfcheck-boot.sh").toString(),
            work.resolve("a/payloads/linux-rootfs.tar.zst").toString(),
            "120",
            mode);
    assertThat(log)
        .contains(
            "PLINTH-TEST-OS-BOOTED root=5e1fc4ec-0000-4000-8000-00000000b007"
                + " hostname=selfcheck-host "
                + cmdlineStart)
        .contains("plinth.marker=selfcheck-" + mode)
        .contains("PLINTH_TEST_OS=linux-rootfs")
        .contains("selfcheck: OK");
  }

  @Test
  void rawImageIsAGptDiskWithTheMarkerOnItsExt4Partition() throws Exception {
    Path raw = work.resolve("raw.img");
    run(
        "zstd",
        "-qdf",
        work.resolve("a/payloads/linux-raw.img.zst").toString(),
        "-o",
        raw.toString());
    assertThat(Files.size(raw)).isEqualTo(64L << 20);
    assertThat(run("sgdisk", "-p", raw.toString())).contains("plinth-raw");
    Path part = work.resolve("raw-part.img");
    run("dd", "if=" + raw, "of=" + part, "bs=512", "skip=2048", "count=126976", "status=none");
    assertThat(run("debugfs", "-R", "cat /plinth-test-raw-marker", part.toString()))
        .contains("PLINTH-TEST-RAW-MARKER v1");
    run("e2fsck", "-fn", part.toString());
  }

  @Test
  void wimHasTheWindowsLookingTreeAndABcdHive() throws Exception {
    String wim = work.resolve("a/payloads/minimal.wim").toString();
    assertThat(run("wimdir", wim, "1"))
        .contains("/Windows/Boot/EFI/bootmgfw.efi")
        .contains("/Windows/System32/config/BCD-Template")
        .contains("/plinth-test-os-release.txt");
    Path hive = work.resolve("BCD-Template");
    Files.deleteIfExists(hive);
    run("wimextract", wim, "1", "/Windows/System32/config/BCD-Template", "--dest-dir=" + work);
    assertThat(run("hivexget", hive.toString(), "\\Description", "KeyName"))
        .contains("BCD00000000");
  }

  private static JsonNode blob(String digest) throws IOException {
    return JSON.readTree(work.resolve("a/layout/blobs/sha256/" + Digests.hex(digest)).toFile());
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + ": timed out");
    }
    String s = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + "\n" + s);
    }
    return s;
  }
}
