/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.tools.oci.LayerEntry;
import dev.plinth.tools.oci.LayerTree;
import dev.plinth.tools.oci.LayerWriter;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebRootfsTest {
  private static final long EPOCH = 1795305600L;

  private static void write(Path root, String rel, String text, boolean exec, long mtime)
      throws Exception {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    Files.setPosixFilePermissions(
        p, PosixFilePermissions.fromString(exec ? "rwxr-x---" : "rw-rw----"));
    Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
  }

  private static String layerOf(Path rootfs, Path out) throws Exception {
    LayerTree t = new LayerTree();
    DebRootfs.addRootfs(t, rootfs);
    return LayerWriter.write(t.entries(), EPOCH, out).blob().digest();
  }

  @Test
  void rootfsLayersIgnoreFileTimesCreationOrderAndExactModes(@TempDir Path tmp) throws Exception {
    Path a = tmp.resolve("a");
    write(a, "usr/local/bin/plinth-x", "#!/bin/sh\n", true, 1_000_000L);
    write(a, "etc/x.conf", "k=v\n", false, 2_000_000L);
    Path b = tmp.resolve("b");
    write(b, "etc/x.conf", "k=v\n", false, 9_000_000_000L);
    write(b, "usr/local/bin/plinth-x", "#!/bin/sh\n", true, 5L);
    assertThat(layerOf(a, tmp.resolve("a.tgz"))).isEqualTo(layerOf(b, tmp.resolve("b.tgz")));
    LayerTree t = new LayerTree();
    DebRootfs.addRootfs(t, a);
    assertThat(((LayerEntry.File) t.get("usr/local/bin/plinth-x")).mode()).isEqualTo(0755);
    assertThat(((LayerEntry.File) t.get("etc/x.conf")).mode()).isEqualTo(0644);
    DebRootfs.addRootfs(t, tmp.resolve("missing"));
  }

  @Test
  void mergedUsrPathsMoveUnderUsrButTheLinksStay() {
    assertThat(DebRootfs.canonical("bin/mount", false)).isEqualTo("usr/bin/mount");
    assertThat(DebRootfs.canonical("lib/udev/rules.d", false)).isEqualTo("usr/lib/udev/rules.d");
    assertThat(DebRootfs.canonical("bin", true)).isEqualTo("bin");
    assertThat(DebRootfs.canonical("bin", false)).isEqualTo("usr/bin");
    assertThat(DebRootfs.canonical("etc/bin/x", false)).isEqualTo("etc/bin/x");
  }

  @Test
  void packagesUnpackWithLinksAndTheFixupsDoWhatMaintainerScriptsWould(@TempDir Path tmp)
      throws Exception {
    Path tar = tmp.resolve("fake.tar");
    try (OutputStream out = Files.newOutputStream(tar);
        TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      dir(t, "./");
      dir(t, "./bin/");
      file(t, "./bin/gawk", "ELF gawk", 0755);
      file(t, "./usr/bin/dash", "ELF dash", 0755);
      link(t, "./usr/bin/gawk-5", "./bin/gawk", TarConstants.LF_LINK);
      link(t, "./bin", "usr/bin", TarConstants.LF_SYMLINK);
      file(t, "./usr/share/ca-certificates/mozilla/B.crt", "B\n", 0644);
      file(t, "./usr/share/ca-certificates/mozilla/A.crt", "A", 0644);
      t.finish();
    }
    LayerTree tree = new LayerTree();
    try (DebRootfs debs = new DebRootfs()) {
      debs.addDeb(tree, tar);
      DebRootfs.baseFixups(tree);
      assertThat(tree.get("usr/bin/gawk")).isInstanceOf(LayerEntry.File.class);
      assertThat(tree.get("usr/bin/gawk-5"))
          .isEqualTo(new LayerEntry.Hardlink("usr/bin/gawk-5", "usr/bin/gawk"));
      assertThat(tree.get("bin")).isEqualTo(new LayerEntry.Symlink("bin", "usr/bin"));
      assertThat(tree.get("sbin")).isEqualTo(new LayerEntry.Symlink("sbin", "usr/sbin"));
      assertThat(tree.get("usr/bin/sh")).isEqualTo(new LayerEntry.Symlink("usr/bin/sh", "dash"));
      assertThat(tree.get("usr/bin/awk")).isEqualTo(new LayerEntry.Symlink("usr/bin/awk", "gawk"));
      assertThat(tree.get("tmp")).isEqualTo(new LayerEntry.Dir("tmp", 01777));
      LayerEntry.File ca = (LayerEntry.File) tree.get("etc/ssl/certs/ca-certificates.crt");
      try (InputStream in = ca.content().open()) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("A\nB\n");
      }
      List<LayerEntry> entries = tree.entries();
      assertThat(entries).extracting(LayerEntry::path).contains("usr", "usr/share", "etc/ssl");
      LayerWriter.write(entries, EPOCH, tmp.resolve("layer.tgz"));
    }
  }

  private static void dir(TarArchiveOutputStream t, String name) throws Exception {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(040755);
    t.putArchiveEntry(e);
    t.closeArchiveEntry();
  }

  private static void file(TarArchiveOutputStream t, String name, String text, int mode)
      throws Exception {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(0100000 | mode);
    e.setSize(b.length);
    t.putArchiveEntry(e);
    new ByteArrayInputStream(b).transferTo(t);
    t.closeArchiveEntry();
  }

  private static void link(TarArchiveOutputStream t, String name, String target, byte type)
      throws Exception {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setLinkName(target);
    t.putArchiveEntry(e);
    t.closeArchiveEntry();
  }
}
