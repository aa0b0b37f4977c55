/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.release;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The release tarball {@code plinth-VERSION-linux.tar.gz}:
 *
 * <pre>
 * plinth-VERSION/
 * ├── plinth                 launcher (finds a JDK 21+)
 * ├── plinth.jar             the controller; its manifest Class-Path points at lib/
 * ├── lib/*.jar              runtime dependencies, unchanged from Maven Central
 * ├── plinth.service         hardened systemd unit
 * ├── plinth.yaml.example    configuration with comments; starts as shipped (loopback)
 * ├── README.md              the project's README
 * ├── docs/*.md              the documentation (the unit's Documentation= points here)
 * └── SHA256SUMS             of every other file, sorted by path
 * </pre>
 *
 * <p>Installed as docs/operations.md says: unpacked in /opt, {@code /opt/plinth} a symbolic link to
 * {@code /opt/plinth-VERSION} (an upgrade or a rollback moves the link).
 *
 * @param version the release version
 * @param controllerTarget the controller's build directory (plinth.jar and lib/)
 * @param dist the directory with the launcher, unit and example configuration
 * @param docs the documentation directory (docs/, with README.md in its parent)
 */
public record ReleaseTarball(String version, Path controllerTarget, Path dist, Path docs) {

  /** The file name of the archive. */
  public String fileName() {
    return "plinth-" + version + "-linux.tar.gz";
  }

  /** Writes the archive and its {@code .sha256} into {@code outDir}; returns the archive. */
  public Path write(Path outDir, long sourceDateEpoch) throws IOException {
    String top = "plinth-" + version + "/";
    List<TarEntry> entries = new ArrayList<>();
    entries.add(new TarEntry(top + "plinth", require(dist.resolve("plinth")), true));
    entries.add(
        new TarEntry(top + "plinth.service", require(dist.resolve("plinth.service")), false));
    entries.add(
        new TarEntry(
            top + "plinth.yaml.example", require(dist.resolve("plinth.yaml.example")), false));
    entries.add(
        new TarEntry(top + "plinth.jar", require(controllerTarget.resolve("plinth.jar")), false));
    entries.add(
        new TarEntry(top + "README.md", require(docs.resolve("../README.md").normalize()), false));
    try (Stream<Path> md = Files.list(require(docs))) {
      for (Path d : md.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        entries.add(new TarEntry(top + "docs/" + d.getFileName(), d, false));
      }
    }
    Path lib = require(controllerTarget.resolve("lib"));
    try (Stream<Path> jars = Files.list(lib)) {
      for (Path j : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        entries.add(new TarEntry(top + "lib/" + j.getFileName(), j, false));
      }
    }
    Files.createDirectories(outDir);
    Path staging = Files.createDirectories(outDir.resolve("release-staging"));
    Path sums = staging.resolve("SHA256SUMS");
    Files.writeString(sums, sha256sums(entries, top), StandardCharsets.UTF_8);
    entries.add(new TarEntry(top + "SHA256SUMS", sums, false));

    Path archive = outDir.resolve(fileName());
    ReproducibleTarGz.write(entries, sourceDateEpoch, archive);
    Files.writeString(
        outDir.resolve(fileName() + ".sha256"), sha256(archive) + "  " + fileName() + "\n");
    return archive;
  }

  /** {@code sha256sum}-compatible lines for every entry, by path relative to the top directory. */
  static String sha256sums(List<TarEntry> entries, String top) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (TarEntry e : entries.stream().sorted(Comparator.comparing(TarEntry::name)).toList()) {
      sb.append(sha256(e.source()))
          .append("  ")
          .append(e.name().substring(top.length()))
          .append('\n');
    }
    return sb.toString();
  }

  static String sha256(Path p) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(p), newSha256())) {
      MessageDigest md = ((DigestInputStream) in).getMessageDigest();
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(md.digest());
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path require(Path p) throws IOException {
    if (!Files.exists(p)) {
      throw new IOException(
          p + " is missing: build the controller first (./mvnw package), from a whole checkout");
    }
    return p;
  }
}
