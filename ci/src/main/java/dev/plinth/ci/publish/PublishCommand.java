/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ci publish}: pushes a dist directory's images to a registry (with their SBOMs as OCI
 * referrers) and copies its files to a release directory; then pulls every image back by digest.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Push every IMAGE of DIST/artifacts.json from its OCI archive to the registry, byte for byte",
      "(same digests), tagged with its build tag, each --tag and each --channel; attach",
      "DIST/sbom/<name>.cdx.json as a referrer (artifactType application/vnd.cyclonedx+json);",
      "pull every image back by digest. ci-only/ images get only their build tag, never a channel.",
      "FILE artifacts (and their .cdx.json, .sigstore.json, SHA256SUMS) go to --release-dir/VERSION."
    })
public final class PublishCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--dist", required = true, paramLabel = "DIR")
  Path dist;

  @Option(names = "--registry", paramLabel = "URL", description = "http(s)://host:port")
  String registry;

  @Option(names = "--username", paramLabel = "USER", description = "Else $CI_REGISTRY_USERNAME.")
  String username;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "Else $CI_REGISTRY_PASSWORD.")
  Path passwordFile;

  @Option(
      names = "--tag",
      paramLabel = "TAG",
      description = "Extra tag (git SHA, vX.Y.Z-rc.N); repeatable.")
  List<String> tags = new ArrayList<>();

  @Option(
      names = "--channel",
      paramLabel = "NAME",
      description = "Channel tag (candidate, ...); repeatable.")
  List<String> channels = new ArrayList<>();

  @Option(
      names = "--release-dir",
      paramLabel = "DIR",
      description = "Copy FILE artifacts to DIR/VERSION/.")
  Path releaseDir;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Inventory inv = Inventory.read(dist);
    if (registry != null) {
      RegistryClient r = Registries.open(registry, username, passwordFile, "CI_REGISTRY");
      for (Artifact a : inv.artifacts()) {
        if (a.kind() == Artifact.Kind.IMAGE) {
          publish(r, a, out);
        }
      }
    }
    if (releaseDir != null) {
      copyFiles(inv, out);
    }
    out.flush();
    return 0;
  }

  private void publish(RegistryClient r, Artifact a, PrintWriter out) throws IOException {
    Set<String> all = new LinkedHashSet<>();
    if (a.tag() != null) {
      all.add(a.tag());
    }
    if (a.channelScoped()) {
      all.addAll(tags);
      all.addAll(channels);
    }
    try (OciArchive archive = new OciArchive(dist.resolve(a.path()))) {
      Copier.copy(archive, r, a.repository(), a.digest());
      RegistryClient.Manifest m = archive.manifest(a.digest());
      for (String t : all) {
        r.putManifest(a.repository(), t, m.bytes(), m.mediaType());
      }
      Path sbom = sbomOf(dist, a);
      String sbomRef = "";
      if (Files.exists(sbom)) {
        String d =
            Referrers.attach(
                r,
                a.repository(),
                m,
                Oci.CYCLONEDX,
                sbom.getFileName().toString(),
                Files.readAllBytes(sbom),
                Map.of("dev.plinth.artifact", a.name()));
        sbomRef = ", SBOM referrer " + d.substring(0, 19);
      }
      long bytes = Copier.pullByDigest(r, a.repository(), a.digest());
      for (String t : all) {
        String at =
            r.manifest(a.repository(), t).map(RegistryClient.Manifest::digest).orElse("none");
        if (!at.equals(a.digest())) {
          throw new IOException(
              a.name()
                  + ": "
                  + r.host()
                  + "/"
                  + a.repository()
                  + ":"
                  + t
                  + " is "
                  + at
                  + ", not "
                  + a.digest());
        }
      }
      out.printf(
          "published %s/%s@%s tags %s%s; pulled back by digest (%,d bytes checked)%n",
          r.host(), a.repository(), a.digest(), all, sbomRef, bytes);
    }
  }

  /** Where the SBOM stage writes an image's SBOM: {@code DIST/sbom/<name, / as _>.cdx.json}. */
  public static Path sbomOf(Path dist, Artifact a) {
    return dist.resolve("sbom").resolve(a.name().replace('/', '_') + ".cdx.json");
  }

  private void copyFiles(Inventory inv, PrintWriter out) throws IOException {
    Path to = Files.createDirectories(releaseDir.resolve(inv.version()));
    List<Path> files = new ArrayList<>();
    for (Artifact a : inv.artifacts()) {
      if (a.kind() == Artifact.Kind.FILE) {
        Path f = dist.resolve(a.path());
        String n = f.getFileName().toString();
        try (Stream<Path> s = Files.list(f.getParent())) {
          s.filter(p -> p.getFileName().toString().startsWith(n)).forEach(files::add);
        }
      }
    }
    try (Stream<Path> s = Files.list(dist)) {
      s.filter(p -> p.getFileName().toString().startsWith("SHA256SUMS")).forEach(files::add);
    }
    for (Path f : files) {
      Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
    // the images' SBOMs and provenance (SHA256SUMS lists sbom/*.cdx.json), same relative paths
    for (String sub : List.of("sbom", "provenance")) {
      Path dir = dist.resolve(sub);
      if (Files.isDirectory(dir)) {
        Files.createDirectories(to.resolve(sub));
        try (Stream<Path> s = Files.list(dir)) {
          for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
            Files.copy(
                f, to.resolve(sub).resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            files.add(f);
          }
        }
      }
    }
    Files.copy(
        dist.resolve(Inventory.FILE_NAME),
        to.resolve(Inventory.FILE_NAME),
        StandardCopyOption.REPLACE_EXISTING);
    out.printf("release files: %d copied to %s%n", files.size() + 1, to);
  }
}
