/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.build;

import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import dev.plinth.ci.publish.Oci;
import dev.plinth.ci.publish.OciArchive;
import dev.plinth.ci.release.ReleaseTarballCommand;
import dev.plinth.ci.release.ReproducibleTarGz;
import dev.plinth.ci.release.TarEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Assembles a release's dist directory from one commit: the controller tarball, the dispatcher
 * archive, the tool images, the maintenance OS image and ISO and the CI-only test OS artifacts,
 * then {@code artifacts.json} and {@code SHA256SUMS}.
 *
 * <p>The jars come from the Maven build ({@code controller/BUILD}, {@code dispatcher/BUILD}); the
 * images and the ISO are built here unless already-built outputs are named (the Maven reactor's
 * {@code tools-images/BUILD/images}, {@code tools-images/BUILD/ci-os}, {@code
 * maintenance-os/BUILD/mos-a}), so CI does not build them a third time.
 *
 * @param repo the repository's top directory (a git work tree)
 * @param buildDir Maven build directory name ({@code target})
 * @param version release version without {@code v}
 * @param toolsImages already-built tool images (a directory with the OCI archive), or null
 * @param ciOs already-built CI-only OS artifacts (a directory with the OCI archive), or null
 * @param mos already-built maintenance OS outputs, or null
 * @param skip parts not to build: {@code mos}, {@code tools}, {@code ci-os}
 * @param rev the commit to stamp (git revision; HEAD by default): pinned so two builds in a working
 *     tree others commit to agree
 * @param out progress lines
 */
public record ReleaseBuild(
    Path repo,
    String buildDir,
    String version,
    Path toolsImages,
    Path ciOs,
    Path mos,
    Set<String> skip,
    String rev,
    PrintWriter out) {

  static final String GZIP = "application/gzip";
  static final String ISO = "application/vnd.efi.iso";

  /** The commit's time, SOURCE_DATE_EPOCH for every archive. */
  public long sourceDateEpoch() throws IOException {
    return Long.parseLong(Proc.output(repo, "git", "log", "-1", "--format=%ct", rev));
  }

  public String commit() throws IOException {
    return Proc.output(repo, "git", "rev-parse", rev + "^{commit}");
  }

  /** Builds everything into {@code dist}; returns the inventory written. */
  public Inventory build(Path dist) throws IOException {
    long epoch = sourceDateEpoch();
    String commit = commit();
    Files.createDirectories(dist);
    Path work = Files.createDirectories(dist.resolve(".work"));
    out.printf("ci build: %s at %s, SOURCE_DATE_EPOCH=%d%n", version, commit, epoch);
    List<Artifact> artifacts = new ArrayList<>();
    artifacts.add(controllerTarball(dist, work, epoch));
    artifacts.add(dispatcher(dist, epoch));
    Path images = Files.createDirectories(dist.resolve("images"));
    if (!skip.contains("tools")) {
      Path dir = toolsImages != null ? toolsImages : buildTools(work, epoch, commit);
      artifacts.addAll(images(dist, single(dir, ".tar"), images, "tools", true));
    }
    if (!skip.contains("ci-os")) {
      Path dir = ciOs != null ? ciOs : buildCiOs(work);
      artifacts.addAll(images(dist, single(dir, ".tar"), images, "ci-only", false));
    }
    if (!skip.contains("mos")) {
      Path dir = mos != null ? mos : buildMos(work, epoch, commit);
      Path iso = dir.resolve("maintenance.iso");
      Path isoOut = dist.resolve("plinth-maintenance-" + version + ".iso");
      link(iso, isoOut);
      artifacts.add(file("maintenance-iso", dist, isoOut, ISO));
      Path oci;
      try (Stream<Path> s = Files.list(dir)) {
        oci =
            s.filter(p -> p.getFileName().toString().matches("plinth-maintenance-os-.*\\.tar"))
                .findFirst()
                .orElseThrow(() -> new IOException(dir + ": no plinth-maintenance-os-*.tar"));
      }
      artifacts.addAll(images(dist, oci, images, "maintenance", true));
    }
    deleteTree(work);
    Inventory inv = new Inventory(version, commit, epoch, artifacts);
    inv.write(dist);
    Sums.write(dist);
    for (Artifact a : inv.artifacts()) {
      out.printf("  %-28s %s %s%n", a.name(), a.digest(), a.path());
    }
    out.printf("ci build: %d artifacts in %s%n", artifacts.size(), dist);
    out.flush();
    return inv;
  }

  private Artifact controllerTarball(Path dist, Path work, long epoch) throws IOException {
    Path controller = repo.resolve("controller").resolve(buildDir);
    out.println(
        "ci build: sqlite-jdbc native libraries in lib/: "
            + String.join(", ", sqliteNatives(controller)));
    // Through the command line of ci release-tarball (owned by another stage): its options are
    // its contract, so a new one (--docs) is passed when it exists.
    Path outDir = work.resolve("tarball");
    picocli.CommandLine cl = new picocli.CommandLine(new ReleaseTarballCommand());
    List<String> args =
        new ArrayList<>(
            List.of(
                "--version",
                version,
                "--controller",
                controller.toString(),
                "--dist",
                repo.resolve("ci/src/main/dist").toString(),
                "--out",
                outDir.toString(),
                "--output-timestamp",
                Long.toString(epoch)));
    if (cl.getCommandSpec().findOption("--docs") != null) {
      args.addAll(List.of("--docs", repo.resolve("docs").toString()));
    }
    java.io.StringWriter msgs = new java.io.StringWriter();
    int rc =
        cl.setOut(new PrintWriter(msgs))
            .setErr(new PrintWriter(msgs))
            .execute(args.toArray(String[]::new));
    if (rc != 0) {
      throw new IOException("ci release-tarball failed: " + msgs);
    }
    Path tarball = outDir.resolve("plinth-" + version + "-linux.tar.gz");
    Path to = dist.resolve(tarball.getFileName());
    Files.move(tarball, to, StandardCopyOption.REPLACE_EXISTING);
    return file("controller-tarball", dist, to, GZIP);
  }

  /**
   * The sqlite-jdbc jar's Linux native libraries; the tarball runs on amd64 and arm64 only if both
   * are there, so a missing one fails the build.
   */
  static List<String> sqliteNatives(Path controller) throws IOException {
    Path jar;
    try (Stream<Path> s = Files.list(controller.resolve("lib"))) {
      jar =
          s.filter(p -> p.getFileName().toString().startsWith("sqlite-jdbc-"))
              .findFirst()
              .orElseThrow(() -> new IOException(controller + "/lib: no sqlite-jdbc jar"));
    }
    List<String> found = new ArrayList<>();
    try (ZipFile z = new ZipFile(jar.toFile())) {
      for (String arch : List.of("x86_64", "aarch64")) {
        String entry = "org/sqlite/native/Linux/" + arch + "/libsqlitejdbc.so";
        if (z.getEntry(entry) == null) {
          throw new IOException(
              jar.getFileName() + " has no " + entry + ": the tarball would not run on " + arch);
        }
        found.add(jar.getFileName() + "!/" + entry);
      }
    }
    return found;
  }

  private Artifact dispatcher(Path dist, long epoch) throws IOException {
    Path target = repo.resolve("dispatcher").resolve(buildDir);
    String top = "plinth-dispatcher-" + version + "/";
    List<TarEntry> entries = new ArrayList<>();
    entries.add(
        new TarEntry(
            top + "plinth-dispatcher.jar",
            require(target.resolve("plinth-dispatcher.jar")),
            false));
    try (Stream<Path> s = Files.list(require(target.resolve("lib")))) {
      for (Path j : s.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        entries.add(new TarEntry(top + "lib/" + j.getFileName(), j, false));
      }
    }
    Path to = dist.resolve("plinth-dispatcher-" + version + ".tar.gz");
    ReproducibleTarGz.write(entries, epoch, to);
    return file("dispatcher", dist, to, GZIP);
  }

  private Path buildTools(Path work, long epoch, String commit) throws IOException {
    Path outDir = work.resolve("tools-images");
    out.println("ci build: building the tool images (tools-images/build.sh build)...");
    Proc.run(
        repo,
        List.of(
            "bash",
            "tools-images/build.sh",
            "build",
            "--out",
            outDir.toString(),
            "--version",
            version,
            "--source-date-epoch",
            Long.toString(epoch),
            "--revision",
            commit),
        Map.of("PLINTH_BUILD_DIR", buildDir),
        Duration.ofMinutes(30),
        work.resolve("tools-images.log"));
    return outDir;
  }

  private Path buildCiOs(Path work) throws IOException {
    Path t = repo.resolve("tools-images").resolve(buildDir);
    Path outDir = work.resolve("ci-os");
    out.println("ci build: building the CI-only test OS artifacts (CiOsMain)...");
    Proc.run(
        repo,
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            require(t.resolve("plinth-tools-images.jar")) + ":" + t.resolve("lib") + "/*",
            "dev.plinth.tools.cios.CiOsMain",
            "--sources",
            repo.resolve("tools-images").toString(),
            "--out",
            outDir.toString()),
        Map.of(),
        Duration.ofMinutes(20),
        work.resolve("ci-os.log"));
    return outDir;
  }

  private Path buildMos(Path work, long epoch, String commit) throws IOException {
    Path outDir = work.resolve("mos");
    out.println(
        "ci build: building the maintenance OS (maintenance-os/build.sh, 2-4 min, root)...");
    Proc.run(
        repo,
        List.of("bash", "maintenance-os/build.sh", "--out", outDir.toString()),
        Map.of(
            "SOURCE_DATE_EPOCH", Long.toString(epoch),
            "MOS_REVISION", commit,
            "MOS_VERSION", version,
            "PLINTH_BUILD_DIR", buildDir),
        Duration.ofMinutes(40),
        work.resolve("mos.log"));
    return outDir;
  }

  /**
   * One IMAGE artifact per repository in an OCI archive (several tags of one digest are one
   * artifact; its tag is the one that is not the contract tag {@code 1} when there is one).
   */
  private List<Artifact> images(
      Path dist, Path archive, Path imagesDir, String kind, boolean channel) throws IOException {
    Path to = imagesDir.resolve(archive.getFileName());
    link(archive, to);
    Map<String, OciArchive.Ref> byRepo = new TreeMap<>();
    try (OciArchive a = new OciArchive(to)) {
      for (OciArchive.Ref r : a.refs()) {
        String repoName;
        String tag;
        if (r.name() == null) {
          throw new IOException(archive + ": an index entry without ref.name");
        } else if (r.name().contains(":")) {
          repoName = r.name().substring(0, r.name().lastIndexOf(':'));
          tag = r.name().substring(r.name().lastIndexOf(':') + 1);
        } else {
          repoName = "plinth/maintenance";
          tag = r.name();
        }
        OciArchive.Ref prev = byRepo.get(repoName);
        if (prev != null && !prev.digest().equals(r.digest())) {
          throw new IOException(archive + ": " + repoName + " has two digests");
        }
        if (prev == null || tagOf(prev).equals("1")) {
          byRepo.put(
              repoName,
              new OciArchive.Ref(repoName + ":" + tag, r.mediaType(), r.digest(), r.size()));
        }
      }
    }
    String rel = dist.relativize(to).toString().replace('\\', '/');
    List<Artifact> list = new ArrayList<>();
    byRepo.forEach(
        (repoName, r) -> {
          String name =
              kind.equals("tools")
                  ? "tools/" + repoName.substring(repoName.lastIndexOf('/') + 1)
                  : kind.equals("maintenance") ? "maintenance-os" : repoName;
          list.add(
              new Artifact(
                  name,
                  Artifact.Kind.IMAGE,
                  rel,
                  repoName,
                  tagOf(r),
                  r.digest(),
                  r.size(),
                  r.mediaType(),
                  channel && !repoName.startsWith("ci-only/")));
        });
    return list;
  }

  private static String tagOf(OciArchive.Ref r) {
    return r.name().substring(r.name().lastIndexOf(':') + 1);
  }

  private static Artifact file(String name, Path dist, Path f, String mediaType)
      throws IOException {
    String digest;
    try (InputStream in = Files.newInputStream(f)) {
      digest = Oci.sha256(in);
    }
    return new Artifact(
        name,
        Artifact.Kind.FILE,
        dist.relativize(f).toString().replace('\\', '/'),
        null,
        null,
        digest,
        Files.size(f),
        mediaType,
        true);
  }

  /** A single file ending in {@code suffix} directly in {@code dir}. */
  static Path single(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(require(dir))) {
      List<Path> l =
          s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p))
              .sorted()
              .toList();
      if (l.size() != 1) {
        throw new IOException(dir + ": expected one *" + suffix + ", found " + l);
      }
      return l.get(0);
    }
  }

  /** Hard-links (same file system) or copies. */
  static void link(Path from, Path to) throws IOException {
    Files.deleteIfExists(to);
    try {
      Files.createLink(to, require(from));
    } catch (FileSystemException | UnsupportedOperationException e) {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static Path require(Path p) throws IOException {
    if (!Files.exists(p)) {
      throw new IOException(p + " does not exist (build it first: ./mvnw -DskipTests package)");
    }
    return p;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
