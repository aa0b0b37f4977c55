/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A small dist directory built in a test: a controller tarball with three jars, a tool image whose
 * packages come from a lock, closures and a deb cache, a local Maven repository with their POMs.
 */
public final class DistFixture {
  public final Path dist;
  public final Path source;
  public final Path m2;
  public final Path debs;

  public DistFixture(Path root) throws IOException {
    dist = Files.createDirectories(root.resolve("dist"));
    source = Files.createDirectories(root.resolve("src"));
    m2 = Files.createDirectories(root.resolve("m2"));
    debs = Files.createDirectories(root.resolve("debs"));
    pom(
        "com.fasterxml.jackson.core",
        "jackson-databind",
        "2.22.4",
        "The Apache Software License, Version 2.0");
    pom("info.picocli", "picocli", "4.7.7", "The Apache License, Version 2.0");
    pom("org.example", "odd", "1.0", "MIT License");
    Path tgz = dist.resolve("plinth-0.1.0.tar.gz");
    try (OutputStream out = Files.newOutputStream(tgz);
        GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      add(
          tar,
          "plinth-0.1.0/lib/jackson-databind-2.22.4.jar",
          jar("com.fasterxml.jackson.core", "jackson-databind", "2.22.4"));
      add(tar, "plinth-0.1.0/lib/picocli-4.7.7.jar", jar("info.picocli", "picocli", "4.7.7"));
      add(tar, "plinth-0.1.0/lib/odd-1.0-linux-x86_64.jar", jar("org.example", "odd", "1.0"));
      add(tar, "plinth-0.1.0/plinth.jar", jar("dev.plinth", "plinth-controller", "0.1.0"));
    }
    Path debian = Files.createDirectories(source.resolve("tools-images/debian"));
    String gawk = deb("gawk", "GPL-3+");
    String libssl = deb("libssl3t64", "Apache-2.0");
    String grub = deb("grub-pc-bin", null);
    String grubCommon = deb("grub-common", "GPL-3+ or BSD-3-clause");
    Files.writeString(
        debian.resolve("trixie.lock"),
        "package\tversion\tarch\tsha256\tsize\tfilename\n"
            + "gawk\t1:5.2.1-2+b1\tamd64\t"
            + gawk
            + "\t1\tpool/main/g/gawk/gawk_5.2.1-2+b1_amd64.deb\n"
            + "grub-common\t2.12-9\tamd64\t"
            + grubCommon
            + "\t1\tpool/main/g/grub2/grub-common_2.12-9_amd64.deb\n"
            + "grub-pc-bin\t2.12-9\tamd64\t"
            + grub
            + "\t1\tpool/main/g/grub2/grub-pc-bin_2.12-9_amd64.deb\n"
            + "libssl3t64\t3.5.1-1\tamd64\t"
            + libssl
            + "\t1\tpool/main/o/openssl/libssl3t64_3.5.1-1_amd64.deb\n");
    Files.writeString(debian.resolve("base.closure"), "amd64\tgawk\namd64\tlibssl3t64\n");
    Files.writeString(debian.resolve("sgdisk.closure"), "amd64\tgrub-common\namd64\tgrub-pc-bin\n");
    Files.createDirectories(dist.resolve("images"));
    Files.writeString(
        dist.resolve("images/tools.tar"), "not read: the closures give the architectures");
    inventory();
  }

  public void inventory() throws IOException {
    byte[] t = Files.readAllBytes(dist.resolve("plinth-0.1.0.tar.gz"));
    new Inventory(
            "0.1.0",
            "0123abc",
            1764892800L,
            List.of(
                new Artifact(
                    "controller-tarball",
                    Artifact.Kind.FILE,
                    "plinth-0.1.0.tar.gz",
                    null,
                    null,
                    "sha256:" + JavaComponents.sha256(t),
                    t.length,
                    "application/gzip",
                    true),
                new Artifact(
                    "tools/sgdisk",
                    Artifact.Kind.IMAGE,
                    "images/tools.tar",
                    "plinth/tools/sgdisk",
                    "0.1.0",
                    "sha256:" + "a".repeat(64),
                    500,
                    "application/vnd.oci.image.index.v1+json",
                    true)))
        .write(dist);
  }

  public SbomGenerator generator() {
    return new SbomGenerator(
        source,
        new JavaComponents(new MavenRepo(m2)),
        new DebLicences(List.of(debs), null),
        null,
        "test");
  }

  void pom(String g, String a, String v, String licence) throws IOException {
    Path dir = Files.createDirectories(m2.resolve(g.replace('.', '/')).resolve(a).resolve(v));
    Files.writeString(
        dir.resolve(a + "-" + v + ".pom"),
        "<project><modelVersion>4.0.0</modelVersion><groupId>"
            + g
            + "</groupId><artifactId>"
            + a
            + "</artifactId><version>"
            + v
            + "</version><licenses><license><name>"
            + licence
            + "</name></license></licenses></project>");
  }

  /** Replaces a POM's licence (a tampered or changed licence upstream). */
  public void relicense(String g, String a, String v, String licence) throws IOException {
    pom(g, a, v, licence);
  }

  static byte[] jar(String g, String a, String v) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(b)) {
      z.putNextEntry(entry("META-INF/maven/" + g + "/" + a + "/pom.properties"));
      z.write(
          ("groupId=" + g + "\nartifactId=" + a + "\nversion=" + v + "\n")
              .getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
      z.putNextEntry(entry(a.replace('-', '/') + "/Main.class"));
      z.write(new byte[] {(byte) 0xca, (byte) 0xfe});
      z.closeEntry();
    }
    return b.toByteArray();
  }

  private static ZipEntry entry(String name) {
    ZipEntry e = new ZipEntry(name);
    e.setTime(946684800000L);
    return e;
  }

  static void add(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  /** A data tar in the deb cache; licence null makes the doc directory a symlink to grub-common. */
  String deb(String name, String licence) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(b)) {
      if (licence == null) {
        TarArchiveEntry l =
            new TarArchiveEntry("./usr/share/doc/" + name, TarArchiveEntry.LF_SYMLINK);
        l.setLinkName("grub-common");
        tar.putArchiveEntry(l);
        tar.closeArchiveEntry();
      } else {
        add(
            tar,
            "./usr/share/doc/" + name + "/copyright",
            ("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
                    + "Upstream-Name: "
                    + name
                    + "\n\nFiles: *\nCopyright: someone\nLicense: "
                    + licence
                    + "\n\nLicense: "
                    + licence.split(" ")[0]
                    + "\n text\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    String sha = JavaComponents.sha256((name + licence).getBytes(StandardCharsets.UTF_8));
    Files.write(debs.resolve(sha + ".tar"), b.toByteArray());
    return sha;
  }
}
