/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.debian;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Downloads pinned .deb files by pool path into a cache directory and verifies size and SHA256
 * before anything uses them (also on every cache hit: a damaged entry is fetched again). Files are
 * named by their SHA256 ({@code <sha256>.deb}) and written atomically (staged, verified, renamed).
 * The file-system tar of each deb ({@code dpkg-deb --fsys-tarfile}) is cached next to it as {@code
 * <sha256>.tar}.
 *
 * <pre>
 * cache/
 *   &lt;sha256&gt;.deb    the package, verified
 *   &lt;sha256&gt;.tar    its data.tar, uncompressed (dpkg-deb --fsys-tarfile)
 * </pre>
 */
public final class DebCache {
  /** The default mirror (override with PLINTH_DEBIAN_MIRROR). */
  public static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";

  private static final int PARALLEL = 4;
  private static final int ATTEMPTS = 3;
  private final Path dir;
  private final String mirror;
  private final HttpClient http;

  public DebCache(Path dir, String mirror) {
    this.dir = dir;
    this.mirror = mirror.endsWith("/") ? mirror.substring(0, mirror.length() - 1) : mirror;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** The mirror from PLINTH_DEBIAN_MIRROR, else {@link #DEFAULT_MIRROR}. */
  public static String mirrorFromEnvironment() {
    String m = System.getenv("PLINTH_DEBIAN_MIRROR");
    return m == null || m.isBlank() ? DEFAULT_MIRROR : m;
  }

  /** The default cache: -Dplinth.debCache, PLINTH_DEB_CACHE, else ~/.cache/plinth/debs. */
  public static Path defaultDirectory() {
    String p = System.getProperty("plinth.debCache");
    if (p == null || p.isBlank()) {
      p = System.getenv("PLINTH_DEB_CACHE");
    }
    return p == null || p.isBlank()
        ? Path.of(System.getProperty("user.home"), ".cache", "plinth", "debs")
        : Path.of(p);
  }

  /**
   * Fetches and unpacks every entry, a few at a time; returns each entry's file-system tar (see
   * {@link #fsysTar}), in input order.
   */
  public Map<LockEntry, Path> fetchAll(Collection<LockEntry> entries)
      throws IOException, InterruptedException {
    Map<LockEntry, Path> out = new LinkedHashMap<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(PARALLEL)) {
      List<Future<Path>> fs = new ArrayList<>();
      for (LockEntry e : entries) {
        fs.add(pool.submit(() -> fsysTar(e)));
      }
      int i = 0;
      for (LockEntry e : entries) {
        try {
          out.put(e, fs.get(i++).get());
        } catch (ExecutionException ex) {
          if (ex.getCause() instanceof IOException io) {
            throw io;
          }
          throw new IOException(ex.getCause());
        }
      }
    }
    return out;
  }

  /** The verified .deb of {@code e}, downloaded if the cache lacks it. */
  public Path fetch(LockEntry e) throws IOException, InterruptedException {
    Path target = dir.resolve(e.sha256() + ".deb");
    if (Files.isRegularFile(target)) {
      if (Files.size(target) == e.size() && sha256Hex(target).equals(e.sha256())) {
        return target;
      }
      Files.delete(target);
      Files.deleteIfExists(dir.resolve(e.sha256() + ".tar"));
    }
    Files.createDirectories(dir);
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        download(e, target);
        return target;
      } catch (DebGoneException | MismatchException fatal) {
        throw fatal;
      } catch (IOException io) {
        last = io;
        Thread.sleep(500L * attempt);
      }
    }
    throw last;
  }

  private void download(LockEntry e, Path target) throws IOException, InterruptedException {
    URI uri = URI.create(mirror + "/" + encode(e.filename()));
    HttpResponse<InputStream> res =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (res.statusCode() == 404 || res.statusCode() == 410) {
      res.body().close();
      throw new DebGoneException(e, uri);
    }
    if (res.statusCode() != 200) {
      res.body().close();
      throw new IOException("GET " + uri + ": HTTP " + res.statusCode());
    }
    Path staged = Files.createTempFile(dir, ".fetch-", ".part");
    try {
      MessageDigest md = sha256();
      try (InputStream in = new DigestInputStream(res.body(), md);
          OutputStream out = Files.newOutputStream(staged)) {
        in.transferTo(out);
      }
      long size = Files.size(staged);
      String hex = HexFormat.of().formatHex(md.digest());
      if (size != e.size() || !hex.equals(e.sha256())) {
        throw new MismatchException(
            uri
                + " does not match the lock for "
                + e.label()
                + ": got "
                + size
                + " bytes sha256 "
                + hex
                + ", want "
                + e.size()
                + " bytes sha256 "
                + e.sha256());
      }
      Files.move(
          staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(staged);
    }
  }

  /** The uncompressed file-system tar of a verified .deb (dpkg-deb --fsys-tarfile), cached. */
  public Path fsysTar(LockEntry e) throws IOException, InterruptedException {
    Path deb = fetch(e);
    Path tar = dir.resolve(e.sha256() + ".tar");
    if (Files.isRegularFile(tar)) {
      return tar;
    }
    Path staged = Files.createTempFile(dir, ".fsys-", ".part");
    Path err = Files.createTempFile(dir, ".fsys-", ".err");
    try {
      Process p =
          new ProcessBuilder("dpkg-deb", "--fsys-tarfile", deb.toString())
              .redirectOutput(staged.toFile())
              .redirectError(err.toFile())
              .start();
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IOException(
            "dpkg-deb --fsys-tarfile "
                + deb
                + " ("
                + e.label()
                + ") failed: "
                + Files.readString(err));
      }
      Files.move(staged, tar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return tar;
    } finally {
      Files.deleteIfExists(staged);
      Files.deleteIfExists(err);
    }
  }

  /** Percent-encodes the characters of pool paths that are not valid in a URI path ({@code +}). */
  static String encode(String path) {
    StringBuilder sb = new StringBuilder();
    for (char c : path.toCharArray()) {
      if (Character.isLetterOrDigit(c) || "/._-~".indexOf(c) >= 0) {
        sb.append(c);
      } else {
        for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
          sb.append('%').append(String.format("%02X", b & 0xff));
        }
      }
    }
    return sb.toString();
  }

  /** The mirror served other bytes than the lock pins: not retried. */
  private static final class MismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    MismatchException(String message) {
      super(message);
    }
  }

  private static String sha256Hex(Path file) throws IOException {
    MessageDigest md = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
