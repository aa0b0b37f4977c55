/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
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

class ReleaseTarballTest {

  @TempDir Path tmp;

  /** Lays out a fake controller build and dist directory, creating files in the given order. */
  private ReleaseTarball fixture(Path root, List<String> libOrder, long mtime) throws IOException {
    Path target = Files.createDirectories(root.resolve("controller"));
    Path lib = Files.createDirectories(target.resolve("lib"));
    Path dist = Files.createDirectories(root.resolve("dist"));
    Files.writeString(target.resolve("plinth.jar"), "jar-bytes");
    for (String name : libOrder) {
      Files.writeString(lib.resolve(name), "content of " + name);
    }
    Files.writeString(dist.resolve("plinth"), "#!/bin/sh\n");
    Files.writeString(dist.resolve("plinth.service"), "[Service]\n");
    Files.writeString(dist.resolve("plinth.yaml.example"), "listen: 127.0.0.1:8080\n");
    Path docs = Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("README.md"), "# Plinth\n");
    Files.writeString(docs.resolve("operations.md"), "# Operations\n");
    Files.writeString(docs.resolve("notes.txt"), "not documentation\n");
    try (var s = Files.walk(root)) {
      for (Path p : s.toList()) {
        Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(mtime)));
      }
    }
    return new ReleaseTarball("1.2.3", target, dist, docs);
  }

  @Test
  void twoBuildsFromShuffledTimeShiftedInputsAreByteIdentical() throws IOException {
    List<String> libs = new ArrayList<>(List.of("a.jar", "b.jar", "z.jar", "m.jar", "É.jar"));
    Path one = fixture(tmp.resolve("one"), libs, 1_000).write(tmp.resolve("out1"), 1_700_000_000L);
    Collections.shuffle(libs, new Random(7));
    Path two =
        fixture(tmp.resolve("two"), libs, 999_999).write(tmp.resolve("out2"), 1_700_000_000L);
    assertThat(Files.readAllBytes(one)).isEqualTo(Files.readAllBytes(two));
    // and the epoch is what the bytes depend on
    Path three = fixture(tmp.resolve("three"), libs, 5).write(tmp.resolve("out3"), 1_700_000_001L);
    assertThat(Files.readAllBytes(three)).isNotEqualTo(Files.readAllBytes(one));
  }

  @Test
  void archiveHasSortedEntriesFixedOwnersModesAndChecksums() throws IOException {
    Path archive =
        fixture(tmp.resolve("f"), List.of("b.jar", "a.jar"), 42).write(tmp.resolve("o"), 86_400L);
    assertThat(archive.getFileName()).hasToString("plinth-1.2.3-linux.tar.gz");
    Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
    Map<String, String> contents = new LinkedHashMap<>();
    try (var in =
        new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(archive)))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        entries.put(e.getName(), e);
        contents.put(e.getName(), new String(in.readAllBytes()));
      }
    }
    assertThat(entries.keySet())
        .containsExactly(
            "plinth-1.2.3/",
            "plinth-1.2.3/README.md",
            "plinth-1.2.3/SHA256SUMS",
            "plinth-1.2.3/docs/",
            "plinth-1.2.3/docs/operations.md",
            "plinth-1.2.3/lib/",
            "plinth-1.2.3/lib/a.jar",
            "plinth-1.2.3/lib/b.jar",
            "plinth-1.2.3/plinth",
            "plinth-1.2.3/plinth.jar",
            "plinth-1.2.3/plinth.service",
            "plinth-1.2.3/plinth.yaml.example");
    for (TarArchiveEntry e : entries.values()) {
      assertThat(e.getLongUserId()).isZero();
      assertThat(e.getLongGroupId()).isZero();
      assertThat(e.getModTime().toInstant()).isEqualTo(Instant.ofEpochSecond(86_400L));
    }
    assertThat(entries.get("plinth-1.2.3/plinth").getMode()).isEqualTo(0100755);
    assertThat(entries.get("plinth-1.2.3/plinth.jar").getMode()).isEqualTo(0100644);
    assertThat(entries.get("plinth-1.2.3/lib/").getMode()).isEqualTo(040755);
    String sums = contents.get("plinth-1.2.3/SHA256SUMS");
    assertThat(sums.lines()).hasSize(8).allMatch(l -> l.matches("[0-9a-f]{64}  \\S+"));
    assertThat(sums).contains("  lib/a.jar\n").contains("  plinth.jar\n");
    assertThat(Files.readString(archive.resolveSibling(archive.getFileName() + ".sha256")))
        .matches("[0-9a-f]{64}  plinth-1.2.3-linux.tar.gz\n");
  }

  @Test
  void archiveIsReadableByOthersLikeAnyDownload() throws IOException {
    Path archive = fixture(tmp.resolve("m"), List.of("a.jar"), 1).write(tmp.resolve("o"), 1L);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void gzipHeaderCarriesNoTime() throws IOException {
    Path archive = fixture(tmp.resolve("g"), List.of("a.jar"), 1).write(tmp.resolve("o"), 1L);
    byte[] b = Files.readAllBytes(archive);
    assertThat(new byte[] {b[0], b[1], b[4], b[5], b[6], b[7], b[9]})
        .containsExactly(0x1f, 0x8b, 0, 0, 0, 0, 3);
  }

  @Test
  void missingControllerBuildIsAClearError() throws IOException {
    var t = new ReleaseTarball("1", tmp.resolve("none"), tmp.resolve("dist"), tmp.resolve("docs"));
    var e = assertThrows(IOException.class, () -> t.write(tmp.resolve("o"), 1L));
    assertThat(e).hasMessageContaining("build the controller first");
  }

  @Test
  void archivePathsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new TarEntry("../x", tmp, false));
    assertThrows(IllegalArgumentException.class, () -> new TarEntry("/abs", tmp, false));
  }

  @Test
  void sourceDateEpochComesFromTheEnvironmentThenTheMavenTimestamp() {
    assertThat(ReleaseTarballCommand.sourceDateEpoch("123", "2024-01-01T00:00:00Z")).isEqualTo(123);
    assertThat(ReleaseTarballCommand.sourceDateEpoch(null, "2024-01-01T00:00:00Z"))
        .isEqualTo(1_704_067_200L);
    assertThat(ReleaseTarballCommand.sourceDateEpoch("", "1704067200")).isEqualTo(1_704_067_200L);
    assertThrows(
        IllegalArgumentException.class, () -> ReleaseTarballCommand.sourceDateEpoch(null, null));
  }
}
