/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundTripTest {

  @TempDir Path tmp;

  static IsoTree sampleTree() {
    IsoTree t = IsoTree.create();
    t.addFile("task.json", "{\"job\":\"j-1\"}\n".getBytes(StandardCharsets.UTF_8));
    t.addFile("SHA256SUMS", "abc  task.json\n".getBytes(StandardCharsets.UTF_8));
    t.addFile("bin/run.sh", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8), 0755);
    t.addFile("empty", new byte[0]);
    t.addDirectory("empty-dir");
    t.addSymlink("bin/latest", "run.sh");
    t.addSymlink("abs", "/etc/../usr/./lib");
    t.addFile("Ünïcödé/名前.txt", "x".getBytes(StandardCharsets.UTF_8));
    t.addFile("a".repeat(200) + ".dat", new byte[5000]);
    t.addFile("same/Name.txt", "1".getBytes(StandardCharsets.UTF_8));
    t.addFile("same/NAME.txt", "2".getBytes(StandardCharsets.UTF_8));
    t.addFile("same/name.TXT", "3".getBytes(StandardCharsets.UTF_8));
    return t;
  }

  @Test
  void writtenTreeReadsBackWithRockRidgeNamesModesAndLinks() throws IOException {
    Path iso = tmp.resolve("t.iso");
    IsoWriter.builder()
        .volumeId("PLINTH-TASK")
        .sourceDateEpoch(1_700_000_000L)
        .build()
        .write(sampleTree(), iso);
    try (IsoReader r = IsoReader.open(iso)) {
      assertThat(r.volumeId()).isEqualTo("PLINTH-TASK");
      assertThat(r.nameSource()).isEqualTo(IsoReader.NameSource.ROCK_RIDGE);
      Map<String, String> seen = new TreeMap<>();
      for (IsoEntry e : r.entries()) {
        seen.put(
            e.path(),
            e.type()
                + " "
                + Integer.toOctalString(e.mode())
                + " "
                + e.size()
                + " "
                + e.linkTarget());
      }
      assertThat(seen)
          .containsEntry("task.json", "FILE 644 14 null")
          .containsEntry("bin/run.sh", "FILE 755 18 null")
          .containsEntry("bin/latest", "SYMLINK 777 0 run.sh")
          .containsEntry("abs", "SYMLINK 777 0 /etc/../usr/./lib")
          .containsEntry("empty", "FILE 644 0 null")
          .containsEntry("empty-dir", "DIRECTORY 755 0 null")
          .containsEntry("Ünïcödé/名前.txt", "FILE 644 1 null")
          .containsEntry("a".repeat(200) + ".dat", "FILE 644 5000 null")
          .containsKeys("same/Name.txt", "same/NAME.txt", "same/name.TXT");
      assertThat(new String(r.readAllBytes("task.json", 100), StandardCharsets.UTF_8))
          .isEqualTo("{\"job\":\"j-1\"}\n");
      assertThat(new String(r.readAllBytes("same/NAME.txt", 10), StandardCharsets.UTF_8))
          .isEqualTo("2");
      assertThat(r.find("bin/latest").orElseThrow().modified().getEpochSecond())
          .isEqualTo(1_700_000_000L);
      assertThrows(IOException.class, () -> r.readAllBytes("task.json", 3));
      assertThrows(NoSuchFileException.class, () -> r.readAllBytes("missing", 3));
    }
  }

  @Test
  void jolietAndPlainNamesAreUsedWhenAsked() throws IOException {
    Path iso = tmp.resolve("t.iso");
    IsoWriter.builder().build().write(sampleTree(), iso);
    try (IsoReader r =
        IsoReader.open(
            java.nio.channels.FileChannel.open(iso),
            IsoReader.Limits.defaults(),
            IsoReader.NameSource.JOLIET)) {
      assertThat(r.nameSource()).isEqualTo(IsoReader.NameSource.JOLIET);
      assertThat(r.find("Ünïcödé/名前.txt")).isPresent();
      assertThat(r.find("bin/latest")).isEmpty();
      assertThat(r.find("a".repeat(60) + ".dat")).isPresent();
    }
    try (IsoReader r =
        IsoReader.open(
            java.nio.channels.FileChannel.open(iso),
            IsoReader.Limits.defaults(),
            IsoReader.NameSource.ISO9660)) {
      assertThat(r.find("TASK.JSON")).isPresent();
      assertThat(r.find("SAME/NAME.TXT")).isPresent();
      assertThat(r.find("SAME/NAME_1.TXT")).isPresent();
      assertThat(r.find("SAME/NAME_2.TXT")).isPresent();
    }
  }

  @Test
  void imageWithoutExtensionsUsesPlainNames() throws IOException {
    Path iso = tmp.resolve("plain.iso");
    IsoWriter.builder().rockRidge(false).joliet(false).build().write(sampleTree(), iso);
    try (IsoReader r = IsoReader.open(iso)) {
      assertThat(r.nameSource()).isEqualTo(IsoReader.NameSource.ISO9660);
      assertThat(new String(r.readAllBytes("BIN/RUN.SH", 100), StandardCharsets.UTF_8))
          .startsWith("#!/bin/sh");
    }
  }

  @Test
  void oneTreeWritesTheSameImageTwiceWithBootEntries() throws Exception {
    IsoTree t =
        sampleTree().addFile("boot/bios.img", new byte[4096]).addFile("efi.img", new byte[8192]);
    IsoWriter w = IsoWriter.builder().biosBoot("boot/bios.img", 4, true).efiBoot("efi.img").build();
    Path a = tmp.resolve("a.iso");
    Path b = tmp.resolve("b.iso");
    w.write(t, a);
    w.write(t, b);
    assertThat(DeterminismTest.sha256(a)).isEqualTo(DeterminismTest.sha256(b));
    try (IsoReader r = IsoReader.open(a)) {
      assertThat(r.find("boot.catalog")).isPresent();
      byte[] patched = r.readAllBytes("boot/bios.img", 4096);
      // Boot info table: the primary volume descriptor is at block 16.
      assertThat(patched[8]).isEqualTo((byte) 16);
    }
  }

  @Test
  void deviceThatReportsNoSizeIsReadUsingTheVolumeSize() throws IOException {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    IsoWriter.builder()
        .volumeId("PLINTH-TASK")
        .build()
        .write(sampleTree(), java.nio.channels.Channels.newChannel(buf));
    byte[] img = buf.toByteArray();
    MemoryChannel device =
        new MemoryChannel(img) {
          @Override
          public long size() {
            return 0; // as FileChannel.size() of /dev/sr0
          }
        };
    try (IsoReader r = IsoReader.open(device, IsoReader.Limits.defaults(), null)) {
      assertThat(r.volumeId()).isEqualTo("PLINTH-TASK");
      assertThat(r.readAllBytes("task.json", 100)).hasSize(14);
    }
    assertThrows(
        IOException.class,
        () ->
            IsoReader.open(
                new MemoryChannel(new byte[100]) {
                  @Override
                  public long size() {
                    return 0;
                  }
                },
                IsoReader.Limits.defaults(),
                null));
  }

  @Test
  void badOptionsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> IsoWriter.builder().volumeId(""));
    assertThrows(
        IllegalArgumentException.class, () -> IsoWriter.builder().volumeId("x".repeat(33)));
    assertThrows(IllegalArgumentException.class, () -> IsoWriter.builder().sourceDateEpoch(-1));
    assertThrows(
        IllegalArgumentException.class, () -> IsoTree.create().addFile("../x", new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> IsoTree.create().addFile("/", new byte[0]));
    IsoTree t = IsoTree.create().addFile("f", new byte[1]);
    assertThrows(IllegalArgumentException.class, () -> t.addFile("f/g", new byte[1]));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            IsoWriter.builder()
                .biosBoot("missing.bin", 4, true)
                .build()
                .write(t, tmp.resolve("x")));
  }

  @Test
  void extractAllRecreatesTheTree() throws IOException {
    Path iso = tmp.resolve("t.iso");
    IsoWriter.builder().build().write(sampleTree(), iso);
    Path out = tmp.resolve("out");
    try (IsoReader r = IsoReader.open(iso)) {
      r.extractAll(out);
    }
    assertThat(out.resolve("bin/run.sh")).hasContent("#!/bin/sh\necho hi\n");
    assertThat(Files.isExecutable(out.resolve("bin/run.sh"))).isTrue();
    assertThat(Files.readSymbolicLink(out.resolve("bin/latest"))).isEqualTo(Path.of("run.sh"));
    assertThat(out.resolve("Ünïcödé/名前.txt")).hasContent("x");
    assertThat(out.resolve("empty")).isEmptyFile();
    assertThat(out.resolve("empty-dir")).isEmptyDirectory();
  }
}
