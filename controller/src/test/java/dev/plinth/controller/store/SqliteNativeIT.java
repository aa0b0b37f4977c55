/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sqlite-jdbc's native library, unpacked once into the controller's directory and loaded from
 * there. Each case runs in a fresh JVM: a JVM loads the library once.
 */
class SqliteNativeIT {

  @TempDir Path dir;

  /** Run in a child JVM: point sqlite-jdbc at the cache in args[0], then open args[1]. */
  public static void main(String[] args) throws Exception {
    Path lib = SqliteNative.useCacheIn(Path.of(args[0]));
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + args[1]);
        var r = c.createStatement().executeQuery("SELECT sqlite_version()")) {
      r.next();
      System.out.println("lib=" + lib + " version=" + r.getString(1));
    }
  }

  private String child(Path tmp) throws Exception {
    Files.createDirectories(tmp);
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                System.getProperty("java.class.path"),
                SqliteNativeIT.class.getName(),
                dir.resolve("native").toString(),
                dir.resolve("test.db").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static List<Path> unpackedIn(Path tmp) throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(f -> f.getFileName().toString().contains("sqlitejdbc")).toList();
    }
  }

  private Path cached() throws Exception {
    try (Stream<Path> s = Files.walk(dir.resolve("native"))) {
      return s.filter(Files::isRegularFile).toList().getFirst();
    }
  }

  @Test
  void theLibraryIsUnpackedOnceAndLoadedFromTheCache() throws Exception {
    String first = child(dir.resolve("tmp1"));
    assertThat(first).contains("lib=" + dir.resolve("native")).contains("version=3.");
    assertThat(unpackedIn(dir.resolve("tmp1")))
        .as("nothing unpacked into java.io.tmpdir")
        .isEmpty();
    Path lib = cached();
    long modified = Files.getLastModifiedTime(lib).toMillis();
    String second = child(dir.resolve("tmp2"));
    assertThat(second).contains("version=3.");
    assertThat(Files.getLastModifiedTime(lib).toMillis()).isEqualTo(modified);
    assertThat(unpackedIn(dir.resolve("tmp2"))).isEmpty();
  }

  @Test
  void aTruncatedCacheIsUnpackedAgain() throws Exception {
    child(dir.resolve("tmp1"));
    Path lib = cached();
    long size = Files.size(lib);
    Files.writeString(lib, "not a library");
    assertThat(child(dir.resolve("tmp2"))).contains("version=3.");
    assertThat(Files.size(lib)).isEqualTo(size);
    assertThat(unpackedIn(dir.resolve("tmp2"))).isEmpty();
  }

  @Test
  void aDamagedCacheOfTheRightSizeFallsBackToSqliteJdbcsOwnCopy() throws Exception {
    child(dir.resolve("tmp1"));
    Path lib = cached();
    Files.write(lib, new byte[(int) Files.size(lib)]);
    assertThat(child(dir.resolve("tmp2"))).contains("version=3.");
  }
}
