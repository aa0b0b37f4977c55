/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our images read by xorriso and isoinfo, and xorriso's images read by our reader. */
class XorrisoReadBackIT {

  @TempDir static Path tmp;
  static Path tree;

  @BeforeAll
  static void makeTree() throws IOException {
    tree = tmp.resolve("tree");
    Random r = new Random(7);
    Files.createDirectories(tree.resolve("big-dir"));
    for (int i = 0; i < 3000; i++) {
      Files.writeString(tree.resolve("big-dir/entry-" + i + ".cfg"), "n=" + i + "\n");
    }
    Path deep = tree.resolve("d1/d2/d3/d4/d5/d6/d7/d8/d9/d10");
    Files.createDirectories(deep);
    Files.writeString(deep.resolve("bottom.txt"), "deep\n");
    Files.writeString(tree.resolve("x".repeat(240)), "long name\n");
    Files.writeString(tree.resolve("Größe — ünïcode ✓.txt"), "unicode\n");
    Files.writeString(tree.resolve("Case.txt"), "1");
    Files.writeString(tree.resolve("case.txt"), "2");
    Files.writeString(tree.resolve("CASE.TXT"), "3");
    Files.write(tree.resolve("empty"), new byte[0]);
    byte[] big = new byte[1_500_000];
    r.nextBytes(big);
    Files.write(tree.resolve("d1/blob.bin"), big);
    Path exe = tree.resolve("d1/run.sh");
    Files.writeString(exe, "#!/bin/sh\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(tree.resolve("rel-link"), Path.of("d1/d2/../blob.bin"));
    Files.createSymbolicLink(
        tree.resolve("abs-link"),
        Path.of("/usr/share/" + "y".repeat(200) + "/../" + "z".repeat(250)));
    Files.createSymbolicLink(tree.resolve("dangling"), Path.of("nowhere"));
    Files.createDirectories(tree.resolve("empty-dir"));
  }

  private static Path ours(String name, IsoWriter.Builder b) throws IOException {
    Path iso = tmp.resolve(name);
    b.build().write(IsoTree.fromDirectory(tree), iso);
    return iso;
  }

  @Test
  void xorrisoExtractsExactlyTheInputTree() throws Exception {
    Path xorriso = Peers.require("xorriso");
    Path iso = ours("ours.iso", IsoWriter.builder().volumeId("READBACK"));
    Path out = tmp.resolve("xorriso-out");
    Peers.Result res =
        Peers.run(
            120,
            xorriso.toString(),
            "-osirrox",
            "on",
            "-indev",
            iso.toString(),
            "-extract",
            "/",
            out.toString());
    assertThat(res.exit()).as(res.out()).isZero();
    assertThat(res.out()).doesNotContain("SORRY", "FAILURE", "WARNING");
    assertThat(TreeSnapshot.of(out, false)).isEqualTo(TreeSnapshot.of(tree, true));
  }

  @Test
  void isoinfoReportsJolietAndRockRidgeAndListsEveryName() throws Exception {
    Path isoinfo = Peers.require("isoinfo");
    Path iso = ours("isoinfo.iso", IsoWriter.builder().volumeId("PLINTH-TASK"));
    Peers.Result d = Peers.run(60, isoinfo.toString(), "-d", "-i", iso.toString());
    assertThat(d.out())
        .contains("Volume id: PLINTH-TASK")
        .contains("Joliet with UCS level 3 found")
        .contains("Rock Ridge signatures version 1 found");
    Peers.Result rr = Peers.run(60, isoinfo.toString(), "-R", "-l", "-i", iso.toString());
    Map<String, String> expected = TreeSnapshot.of(tree, true);
    assertThat(isoinfoPaths(rr.out())).containsExactlyInAnyOrderElementsOf(expected.keySet());
    assertThat(rr.out()).contains("lrwxrwxrwx", "abs-link -> /usr/share/yyyy", "-rwxr-xr-x");
    Peers.Result j = Peers.run(60, isoinfo.toString(), "-J", "-f", "-i", iso.toString());
    long nonLinks = expected.values().stream().filter(v -> !v.startsWith("link")).count();
    assertThat(j.out().lines().filter(l -> l.startsWith("/")).count()).isEqualTo(nonLinks);
    assertThat(j.out()).contains("/big-dir/entry-2999.cfg", "/" + "x".repeat(64) + "\n");
  }

  /** The paths in an {@code isoinfo -l} listing. */
  private static List<String> isoinfoPaths(String listing) {
    List<String> out = new java.util.ArrayList<>();
    String dir = "";
    for (String line : listing.lines().toList()) {
      if (line.startsWith("Directory listing of /")) {
        dir = line.substring("Directory listing of /".length());
        continue;
      }
      int at = line.indexOf("]  ");
      if (at < 0) {
        continue;
      }
      String name = line.substring(at + 3).stripTrailing();
      int arrow = name.indexOf(" -> ");
      if (line.startsWith("l") && arrow >= 0) {
        name = name.substring(0, arrow);
      }
      if (!name.equals(".") && !name.equals("..")) {
        out.add(dir + name);
      }
    }
    return out;
  }

  @Test
  void ourReaderSeesXorrisosImagesLikeXorrisoMadeThem() throws Exception {
    Path xorriso = Peers.require("xorriso");
    Path rr = tmp.resolve("xorriso-rr.iso");
    Peers.Result res =
        Peers.run(
            120,
            xorriso.toString(),
            "-as",
            "mkisofs",
            "-quiet",
            "-R",
            "-J",
            "-joliet-long",
            "-o",
            rr.toString(),
            tree.toString());
    assertThat(res.exit()).as(res.out()).isZero();
    Path out = tmp.resolve("ours-from-xorriso");
    try (IsoReader r = IsoReader.open(rr)) {
      assertThat(r.nameSource()).isEqualTo(IsoReader.NameSource.ROCK_RIDGE);
      r.extractAll(out);
    }
    Map<String, String> want = TreeSnapshot.of(tree, true);
    Map<String, String> got = TreeSnapshot.of(out, true);
    assertThat(got).isEqualTo(want);

    Path joliet = tmp.resolve("xorriso-joliet.iso");
    Peers.run(
        120,
        xorriso.toString(),
        "-as",
        "mkisofs",
        "-quiet",
        "-J",
        "-o",
        joliet.toString(),
        tree.toString());
    try (IsoReader r =
        IsoReader.open(
            java.nio.channels.FileChannel.open(joliet),
            IsoReader.Limits.defaults(),
            IsoReader.NameSource.JOLIET)) {
      assertThat(r.nameSource()).isEqualTo(IsoReader.NameSource.JOLIET);
      assertThat(r.find("Größe — ünïcode ✓.txt")).isPresent();
      assertThat(r.find("d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/bottom.txt")).isPresent();
      assertThat(new String(r.readAllBytes("case.txt", 10), StandardCharsets.UTF_8)).isEqualTo("2");
    }
  }

  @Test
  void directoryOfTwentyThousandEntriesReadsBackEverywhere() throws Exception {
    Path xorriso = Peers.require("xorriso");
    IsoTree t = IsoTree.create();
    for (int i = 0; i < 20_000; i++) {
      t.addFile("many/entry-with-a-longish-name-" + i + ".conf", new byte[] {(byte) i});
    }
    Path iso = tmp.resolve("many.iso");
    IsoWriter.builder().build().write(t, iso);
    try (IsoReader r = IsoReader.open(iso)) {
      assertThat(r.entries()).hasSize(20_001);
      assertThat(r.readAllBytes("many/entry-with-a-longish-name-19999.conf", 1))
          .containsExactly((byte) (19_999 & 0xff));
    }
    Peers.Result res =
        Peers.run(
            120, xorriso.toString(), "-indev", iso.toString(), "-find", "/many", "-type", "f");
    assertThat(res.exit()).as(res.out()).isZero();
    assertThat(res.out().lines().filter(l -> l.contains("/many/entry-")).count()).isEqualTo(20_000);
  }

  @Test
  void multiExtentFilesAreOneFileForXorrisoAndForUs() throws Exception {
    Path xorriso = Peers.require("xorriso");
    byte[] data = new byte[5 * 8192 + 100];
    new Random(3).nextBytes(data);
    IsoTree t = IsoTree.create().addFile("split.bin", data).addFile("after.txt", "a".getBytes());
    Path iso = tmp.resolve("multi.iso");
    IsoWriter.builder().maxExtent(8192).build().write(t, iso);
    try (IsoReader r = IsoReader.open(iso)) {
      IsoEntry e = r.find("split.bin").orElseThrow();
      assertThat(e.extents()).hasSize(6);
      assertThat(e.size()).isEqualTo(data.length);
      assertThat(r.readAllBytes("split.bin", data.length)).isEqualTo(data);
    }
    Path out = tmp.resolve("multi-out");
    Peers.Result res =
        Peers.run(
            60,
            xorriso.toString(),
            "-osirrox",
            "on",
            "-indev",
            iso.toString(),
            "-extract",
            "/",
            out.toString());
    assertThat(res.exit()).as(res.out()).isZero();
    assertThat(Files.readAllBytes(out.resolve("split.bin"))).isEqualTo(data);
    assertThat(out.resolve("after.txt")).hasContent("a");
  }
}
