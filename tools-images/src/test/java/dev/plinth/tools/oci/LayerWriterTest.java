/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerWriterTest {
  static final long EPOCH = 1795305600L;

  /**
   * The golden diff_id (digest of the uncompressed tar) of {@link #sample()}: changes only if the
   * layer format changes (then check that the change is intended: every image digest changes with
   * it). The gzip bytes also depend on the JDK's zlib, so they are compared between builds, not to
   * a constant.
   */
  static final String GOLDEN =
      "sha256:50ded4eb59b7d4c75a9cf6e58a7816ebd7fc2f699d7e72885c82e2a686a766c2";

  static LayerEntry.File file(String path, int mode, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return new LayerEntry.File(path, mode, b.length, () -> new ByteArrayInputStream(b));
  }

  /** Directories (some implied), files, a setuid file, symlinks, a hardlink group, a long name. */
  static List<LayerEntry> sample() {
    List<LayerEntry> l = new ArrayList<>();
    l.add(new LayerEntry.Symlink("bin", "usr/bin"));
    l.add(new LayerEntry.Dir("tmp", 01777));
    l.add(file("usr/bin/dash", 0755, "ELF dash"));
    l.add(new LayerEntry.Symlink("usr/bin/sh", "dash"));
    l.add(file("usr/bin/mount", 04755, "ELF mount"));
    l.add(file("usr/bin/perl5.40", 0755, "ELF perl"));
    l.add(new LayerEntry.Hardlink("usr/bin/perl", "usr/bin/perl5.40"));
    l.add(new LayerEntry.Hardlink("usr/bin/aperl", "usr/bin/perl5.40"));
    l.add(file("usr/share/doc/" + "x".repeat(120) + "/copyright", 0644, "GPL"));
    l.add(file("etc/passwd", 0644, "root:x:0:0::/root:/bin/sh\n"));
    return l;
  }

  static String write(List<LayerEntry> entries, Path out) throws Exception {
    LayerTree t = new LayerTree();
    entries.forEach(t::put);
    return LayerWriter.write(t.entries(), EPOCH, out).blob().digest();
  }

  @Test
  void anyInsertionOrderGivesTheSameBytes(@TempDir Path dir) throws Exception {
    String first = write(sample(), dir.resolve("a"));
    for (int seed = 1; seed <= 5; seed++) {
      List<LayerEntry> shuffled = new ArrayList<>(sample());
      Collections.shuffle(shuffled, new Random(seed));
      Path out = dir.resolve("s" + seed);
      assertThat(write(shuffled, out)).isEqualTo(first);
      assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(dir.resolve("a")));
    }
    assertThat(Digests.of(dir.resolve("a"))).isEqualTo(first);
  }

  @Test
  void goldenDigestOfASmallLayer(@TempDir Path dir) throws Exception {
    LayerTree t = new LayerTree();
    sample().forEach(t::put);
    assertThat(LayerWriter.write(t.entries(), EPOCH, dir.resolve("a")).diffId()).isEqualTo(GOLDEN);
  }

  @Test
  void gzipHeaderHasNoNameAndNoTime(@TempDir Path dir) throws Exception {
    write(sample(), dir.resolve("a"));
    byte[] b = Files.readAllBytes(dir.resolve("a"));
    assertThat(b[0] & 0xff).isEqualTo(0x1f);
    assertThat(b[1] & 0xff).isEqualTo(0x8b);
    assertThat(b[3]).as("FLG: no name, no comment").isZero();
    assertThat(new byte[] {b[4], b[5], b[6], b[7]}).as("MTIME").containsOnly(0);
    assertThat(b[9]).as("OS = Unix").isEqualTo((byte) 3);
  }

  @Test
  void entriesKeepTypesModesAndLinksWithRootOwnerAndEpochTime(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("a");
    LayerTree t = new LayerTree();
    sample().forEach(t::put);
    LayerWriter.Layer layer = LayerWriter.write(t.entries(), EPOCH, out);
    Map<String, TarArchiveEntry> got = new LinkedHashMap<>();
    try (InputStream in = new GzipCompressorInputStream(Files.newInputStream(out));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        got.put(e.getName(), e);
      }
    }
    assertThat(layer.diffId()).startsWith("sha256:").isNotEqualTo(layer.blob().digest());
    assertThat(got.keySet())
        .containsExactly(
            "bin",
            "etc/",
            "etc/passwd",
            "tmp/",
            "usr/",
            "usr/bin/",
            "usr/bin/aperl",
            "usr/bin/dash",
            "usr/bin/mount",
            "usr/bin/perl",
            "usr/bin/perl5.40",
            "usr/bin/sh",
            "usr/share/",
            "usr/share/doc/",
            "usr/share/doc/" + "x".repeat(120) + "/",
            "usr/share/doc/" + "x".repeat(120) + "/copyright");
    assertThat(got.get("bin").isSymbolicLink()).isTrue();
    assertThat(got.get("bin").getLinkName()).isEqualTo("usr/bin");
    assertThat(got.get("tmp/").getMode() & 07777).isEqualTo(01777);
    assertThat(got.get("usr/bin/mount").getMode() & 07777).isEqualTo(04755);
    assertThat(got.get("usr/bin/aperl").isFile()).as("first of the hardlink group").isTrue();
    assertThat(got.get("usr/bin/aperl").getSize()).isEqualTo(8);
    assertThat(got.get("usr/bin/perl").isLink()).isTrue();
    assertThat(got.get("usr/bin/perl").getLinkName()).isEqualTo("usr/bin/aperl");
    assertThat(got.get("usr/bin/perl5.40").getLinkName()).isEqualTo("usr/bin/aperl");
    // A link carries its file's mode: podman applies a link entry's mode to the shared inode.
    assertThat(got.get("usr/bin/perl").getMode() & 07777).isEqualTo(0755);
    assertThat(got.get("usr/bin/perl5.40").getMode() & 07777).isEqualTo(0755);
    for (TarArchiveEntry e : got.values()) {
      assertThat(e.getLongUserId()).isZero();
      assertThat(e.getLongGroupId()).isZero();
      assertThat(e.getModTime().getTime()).isEqualTo(EPOCH * 1000);
    }
  }

  @Test
  void unsafePathsAndDanglingHardlinksAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> LayerTree.normalize("usr/../../etc"));
    assertThrows(IllegalArgumentException.class, () -> LayerTree.normalize("a//b"));
    assertThat(LayerTree.normalize("./usr/bin/")).isEqualTo("usr/bin");
    assertThat(LayerTree.normalize("./")).isEmpty();
    LayerTree t = new LayerTree().put(new LayerEntry.Hardlink("a", "missing"));
    assertThrows(IllegalStateException.class, t::entries);
    LayerTree u = new LayerTree().put(new LayerEntry.Symlink("d", "x")).put(file("d/f", 0644, ""));
    assertThrows(IllegalStateException.class, u::entries);
    assertThrows(IllegalArgumentException.class, () -> new LayerTree().put(file("/abs", 0644, "")));
  }
}
