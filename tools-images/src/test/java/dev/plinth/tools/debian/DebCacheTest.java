/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download cache against a local mirror (a JDK HTTP server serving pool paths). */
class DebCacheTest {
  private final Map<String, byte[]> pool = new ConcurrentHashMap<>();
  private final List<String> requests = new ArrayList<>();
  private HttpServer server;
  private String mirror;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/debian/",
        ex -> {
          String path = ex.getRequestURI().getPath().substring("/debian/".length());
          synchronized (requests) {
            requests.add(path);
          }
          byte[] body = pool.get(path);
          if (body == null) {
            ex.sendResponseHeaders(404, -1);
          } else {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          }
          ex.close();
        });
    server.start();
    mirror = "http://127.0.0.1:" + server.getAddress().getPort() + "/debian";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** A real .deb (dpkg-deb --build) with one file, ./usr/bin/hello. */
  private static byte[] deb(Path dir) throws Exception {
    Path root = dir.resolve("pkg");
    Files.createDirectories(root.resolve("DEBIAN"));
    Files.createDirectories(root.resolve("usr/bin"));
    Files.writeString(
        root.resolve("DEBIAN/control"),
        "Package: hello\nVersion: 1.0-1\nArchitecture: arm64\nMaintainer: t <t@t>\n"
            + "Description: test\n");
    Files.writeString(root.resolve("usr/bin/hello"), "#!/bin/sh\necho hi\n");
    Path out = dir.resolve("hello.deb");
    Process p =
        new ProcessBuilder(
                "dpkg-deb",
                "--root-owner-group",
                "-Zgzip",
                "--build",
                root.toString(),
                out.toString())
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    return Files.readAllBytes(out);
  }

  @Test
  void fetchVerifiesCachesAndExtractsTheFileSystemTar(@TempDir Path dir) throws Exception {
    byte[] deb = deb(dir);
    String path = "pool/main/h/hello/hello_1.0-1+b1_arm64.deb";
    pool.put(path, deb);
    LockEntry e = new LockEntry("hello", "1.0-1+b1", "arm64", sha256(deb), deb.length, path);
    DebCache cache = new DebCache(dir.resolve("cache"), mirror + "/");
    Path tar = cache.fetchAll(List.of(e)).get(e);
    assertThat(Files.readAllBytes(cache.fetch(e))).isEqualTo(deb);
    assertThat(requests).containsExactly("pool/main/h/hello/hello_1.0-1+b1_arm64.deb");
    try (TarFile tf = new TarFile(tar)) {
      assertThat(tf.getEntries()).extracting(TarArchiveEntry::getName).contains("./usr/bin/hello");
    }
    assertThat(cache.fsysTar(e)).isEqualTo(tar);
    Files.write(cache.fetch(e), "damaged".getBytes());
    assertThat(Files.readAllBytes(cache.fetch(e)))
        .as("a damaged entry is fetched again")
        .isEqualTo(deb);
    assertThat(requests).hasSize(2);
  }

  @Test
  void aVersionTheMirrorNoLongerServesFailsNamingPackageVersionAndRefresh(@TempDir Path dir) {
    LockEntry gone =
        new LockEntry(
            "gdisk",
            "1.0.9-2.1",
            "arm64",
            "0".repeat(64),
            12,
            "pool/main/g/gdisk/gdisk_1.0.9-2.1_arm64.deb");
    DebCache cache = new DebCache(dir.resolve("cache"), mirror);
    DebGoneException e = assertThrows(DebGoneException.class, () -> cache.fetchAll(List.of(gone)));
    assertThat(e.getMessage())
        .contains("gdisk 1.0.9-2.1 (arm64)", "404", "tools-images/build.sh lock refresh");
    assertThat(requests).hasSize(1);
  }

  @Test
  void bytesThatDoNotMatchTheLockAreRefusedAndNotCached(@TempDir Path dir) throws Exception {
    String path = "pool/main/x/x_1_amd64.deb";
    pool.put(path, "tampered".getBytes());
    LockEntry e = new LockEntry("x", "1", "amd64", sha256("original".getBytes()), 8, path);
    Path cacheDir = dir.resolve("cache");
    DebCache cache = new DebCache(cacheDir, mirror);
    IOException ex = assertThrows(IOException.class, () -> cache.fetch(e));
    assertThat(ex.getMessage()).contains("does not match the lock", "x 1 (amd64)");
    try (var s = Files.list(cacheDir)) {
      assertThat(s.toList()).isEmpty();
    }
  }

  @Test
  void poolPathsArePercentEncoded() {
    assertThat(DebCache.encode("pool/main/g/gcc-14/libstdc++6_14.2.0-19_amd64.deb"))
        .isEqualTo("pool/main/g/gcc-14/libstdc%2B%2B6_14.2.0-19_amd64.deb");
  }
}
