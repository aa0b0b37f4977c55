/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Finds a locked package's copyright file in the build's .deb caches and reads its licence.
 *
 * <p>Where the build keeps packages: {@code ~/.cache/plinth/debs/<sha256>.tar} (the tool images'
 * cache: the data tar) or {@code <sha256>.deb}, and {@code ~/.cache/plinth/mos-debs/} (the
 * maintenance OS's apt archive, {@code name_version_arch.deb}). A .deb is used only when its
 * SHA-256 is the lock's, and is read with {@code dpkg-deb --fsys-tarfile}. The copyright text found
 * is kept in {@code <cache>/<sha256>.copyright} so later runs read one small file. A package whose
 * doc directory is a symlink to another package's takes that package's copyright.
 */
public final class DebLicences {
  private final List<Path> debDirs;
  private final Path copyrightCache;

  /**
   * @param debDirs directories holding .deb files or data tars
   * @param copyrightCache where extracted copyright files are kept (created on demand), or null
   */
  public DebLicences(List<Path> debDirs, Path copyrightCache) {
    this.debDirs = List.copyOf(debDirs);
    this.copyrightCache = copyrightCache;
  }

  /** The default caches: PLINTH_DEB_CACHE or ~/.cache/plinth/debs, and ~/.cache/plinth/mos-debs. */
  public static DebLicences defaults() {
    Path home = Path.of(System.getProperty("user.home"), ".cache", "plinth");
    List<Path> dirs = new ArrayList<>();
    String env = System.getenv("PLINTH_DEB_CACHE");
    dirs.add(env == null || env.isBlank() ? home.resolve("debs") : Path.of(env));
    String mos = System.getenv("MOS_DEB_CACHE");
    dirs.add(mos == null || mos.isBlank() ? home.resolve("mos-debs") : Path.of(mos));
    return new DebLicences(dirs, home.resolve("copyright"));
  }

  /** The copyright text of a package, if the build has it. */
  public Optional<String> copyright(DebPackage p, List<DebPackage> lock) {
    return copyright(p, lock, 0);
  }

  private Optional<String> copyright(DebPackage p, List<DebPackage> lock, int depth) {
    Path cached = copyrightCache == null ? null : copyrightCache.resolve(p.sha256() + ".copyright");
    try {
      if (cached != null && Files.isRegularFile(cached)) {
        return Optional.of(Files.readString(cached, StandardCharsets.UTF_8));
      }
      Optional<Found> found = find(p);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      Found f = found.get();
      if (f.text != null) {
        if (cached != null) {
          Files.createDirectories(copyrightCache);
          Path tmp = Files.createTempFile(copyrightCache, ".cr", ".tmp");
          Files.writeString(tmp, f.text, StandardCharsets.UTF_8);
          Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING);
        }
        return Optional.of(f.text);
      }
      if (f.linkTo != null && depth < 3) {
        for (DebPackage other : lock) {
          if (other.name().equals(f.linkTo) && other.lockArch().equals(p.lockArch())) {
            return copyright(other, lock, depth + 1);
          }
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the copyright of " + p.name(), e);
    }
  }

  private record Found(String text, String linkTo) {}

  private Optional<Found> find(DebPackage p) throws IOException {
    for (Path dir : debDirs) {
      Path tar = dir.resolve(p.sha256() + ".tar");
      if (Files.isRegularFile(tar)) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar))) {
          return Optional.of(scan(in, p.name()));
        }
      }
      String apt = p.name() + "_" + p.version().replace(":", "%3a") + "_" + p.arch() + ".deb";
      String pool = p.filename().substring(p.filename().lastIndexOf('/') + 1);
      for (String n : List.of(p.sha256() + ".deb", apt, pool)) {
        Path deb = dir.resolve(n);
        if (Files.isRegularFile(deb) && sha256(deb).equals(p.sha256())) {
          return Optional.of(fromDeb(deb, p.name()));
        }
      }
    }
    return Optional.empty();
  }

  private static Found fromDeb(Path deb, String name) throws IOException {
    Process proc =
        new ProcessBuilder("dpkg-deb", "--fsys-tarfile", deb.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (InputStream in = new BufferedInputStream(proc.getInputStream())) {
      Found f = scan(org.apache.commons.io.input.CloseShieldInputStream.wrap(in), name);
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return f;
    } finally {
      try {
        proc.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        proc.destroy();
      }
    }
  }

  private static Found scan(InputStream in, String name) throws IOException {
    String doc = "usr/share/doc/" + name;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String n = e.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
        if (n.equals(doc + "/copyright") && e.isFile()) {
          return new Found(new String(tar.readAllBytes(), StandardCharsets.UTF_8), null);
        }
        if (n.equals(doc) && e.isSymbolicLink()) {
          String target = e.getLinkName().replaceFirst("/$", "");
          return new Found(null, target.substring(target.lastIndexOf('/') + 1));
        }
      }
    }
    return new Found(null, null);
  }

  private static String sha256(Path f) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(f)) {
        byte[] buf = new byte[1 << 16];
        for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
          md.update(buf, 0, r);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
