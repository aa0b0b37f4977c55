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
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same tree, options and SOURCE_DATE_EPOCH give the same bytes, whatever the machine does. */
class DeterminismTest {

  @TempDir Path tmp;

  static IsoWriter writer() {
    return IsoWriter.builder().volumeId("PLINTH-TASK").sourceDateEpoch(1_700_000_000L).build();
  }

  /** The files of the test tree: path, content seed, executable. */
  private record Spec(String path, int size, boolean exec) {}

  private static List<Spec> specs() {
    List<Spec> s = new ArrayList<>();
    Random r = new Random(42);
    String[] dirs = {"", "bin/", "etc/conf.d/", "i/ı/İ/", "deep/a/b/c/d/e/f/g/h/i/"};
    for (int i = 0; i < 300; i++) {
      String dir = dirs[i % dirs.length];
      String name = (i % 7 == 0 ? "File-" : "file_") + i + (i % 3 == 0 ? ".txt" : ".Tar.GZ");
      s.add(new Spec(dir + name, r.nextInt(i % 50 == 0 ? 400_000 : 3000), i % 11 == 0));
    }
    return s;
  }

  /** Writes the tree in a shuffled order with random dates and umask-like mode differences. */
  private static void materialize(Path root, long seed) throws IOException {
    List<Spec> specs = new ArrayList<>(specs());
    Random r = new Random(seed);
    Collections.shuffle(specs, r);
    for (Spec s : specs) {
      Path p = root.resolve(s.path());
      Files.createDirectories(p.getParent());
      byte[] data = new byte[s.size()];
      new Random(s.path().hashCode()).nextBytes(data);
      Files.write(p, data);
      String perm = s.exec() ? (r.nextBoolean() ? "rwxr-xr-x" : "rwx------") : "rw-r-----";
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perm));
      Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(r.nextInt())));
    }
    Files.createSymbolicLink(root.resolve("bin/link"), Path.of("../etc/conf.d"));
    Files.setLastModifiedTime(root.resolve("bin"), FileTime.from(Instant.ofEpochSecond(seed)));
  }

  @Test
  void shuffledTimeShiftedTreesUnderOtherTimeZoneAndLocaleGiveIdenticalBytes() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    materialize(a, 1);
    materialize(b, 2);
    Path isoA = tmp.resolve("a.iso");
    Path isoB = tmp.resolve("b.iso");
    Path isoC = tmp.resolve("c.iso");
    writer().write(IsoTree.fromDirectory(a), isoA);
    TimeZone tz = TimeZone.getDefault();
    Locale locale = Locale.getDefault();
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Chatham"));
      Locale.setDefault(Locale.forLanguageTag("tr-TR"));
      writer().write(IsoTree.fromDirectory(b), isoB);
    } finally {
      TimeZone.setDefault(tz);
      Locale.setDefault(locale);
    }
    ProcessBuilder pb = buildInSubprocess(b, isoC, "-Duser.language=tr", "-Duser.country=TR");
    pb.environment().put("TZ", "Asia/Kathmandu");
    pb.environment().put("LANG", "C.UTF-8");
    pb.environment().put("LC_ALL", "C.UTF-8");
    assertThat(pb.start().waitFor()).isZero();
    String expected = sha256(isoA);
    assertThat(sha256(isoB)).isEqualTo(expected);
    assertThat(sha256(isoC)).isEqualTo(expected);
  }

  @Test
  void nonUtf8LocaleFailsLoudlyOnNonAsciiNamesInsteadOfChangingTheImage() throws Exception {
    Path a = tmp.resolve("a");
    Files.createDirectories(a);
    Files.writeString(a.resolve("caf\u00e9.txt"), "x");
    ProcessBuilder pb = buildInSubprocess(a, tmp.resolve("x.iso"));
    pb.environment().put("LANG", "POSIX");
    pb.environment().put("LC_ALL", "POSIX");
    pb.redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile());
    assertThat(pb.start().waitFor()).isNotZero();
    assertThat(Files.readString(tmp.resolve("log"))).contains("run with a UTF-8 locale");
    assertThat(tmp.resolve("x.iso")).doesNotExist();
  }

  private static ProcessBuilder buildInSubprocess(Path dir, Path iso, String... jvmArgs) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(List.of(jvmArgs));
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            BuildMain.class.getName(),
            dir.toString(),
            iso.toString()));
    return new ProcessBuilder(cmd).inheritIO();
  }

  @Test
  void inMemoryTreeInAnyInsertionOrderMatchesTheGoldenHash() throws Exception {
    Path iso1 = tmp.resolve("1.iso");
    Path iso2 = tmp.resolve("2.iso");
    writer().write(goldenTree(false), iso1);
    writer().write(goldenTree(true), iso2);
    String golden =
        new String(
                DeterminismTest.class
                    .getResourceAsStream("/golden/iso/task-tree.sha256")
                    .readAllBytes(),
                StandardCharsets.US_ASCII)
            .strip();
    assertThat(sha256(iso1)).isEqualTo(sha256(iso2)).isEqualTo(golden);
  }

  /** A fixed task-ISO-like tree, added in forward or reverse order. */
  static IsoTree goldenTree(boolean reverse) {
    List<Runnable> adds = new ArrayList<>();
    IsoTree t = IsoTree.create();
    adds.add(() -> t.addFile("task.json", "{\"apiVersion\":\"plinth.dev/v1\"}\n".getBytes()));
    adds.add(() -> t.addFile("SHA256SUMS", "0000  task.json\n".getBytes()));
    adds.add(() -> t.addFile("ca/ca-bundle.pem", "-----BEGIN CERTIFICATE-----\n".getBytes()));
    adds.add(() -> t.addFile("bin/agent", new byte[70_000], 0755));
    adds.add(() -> t.addSymlink("bin/current", "agent"));
    adds.add(() -> t.addFile("x".repeat(180) + ".long-name", "long".getBytes()));
    adds.add(() -> t.addDirectory("empty"));
    if (reverse) {
      Collections.reverse(adds);
    }
    adds.forEach(Runnable::run);
    return t;
  }

  static String sha256(Path p) throws IOException, NoSuchAlgorithmException {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
