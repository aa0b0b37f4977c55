/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The Java libraries an artifact carries, read from the artifact itself: every {@code .jar} in a
 * tarball (or the jar itself) is hashed as shipped and identified by its {@code
 * META-INF/maven/<g>/<a>/pom.properties} (the one whose artifactId-version starts the file name;
 * the rest is the classifier), else by the file of that name and hash in the local Maven
 * repository. Licences come from the POMs in the local repository (the build resolved them there).
 * Libraries shaded into a jar (further pom.properties) are listed too, marked {@code
 * plinth:shaded-in}. A thin jar's {@code Class-Path} libraries that the artifact does not contain
 * are looked up by name in the local repository.
 */
public final class JavaComponents {
  /** The project's own group: its licence is the repository's (LICENSE). */
  static final String PROJECT_GROUP = "dev.plinth";

  static final String PROJECT_LICENCE = "AGPL-3.0-or-later";

  private final MavenRepo repo;
  private Map<String, List<Path>> repoIndex;

  public JavaComponents(MavenRepo repo) {
    this.repo = repo;
  }

  /** The libraries in a FILE artifact: a tar(.gz), a jar, else none. */
  public List<Part> of(Path file) {
    String n = file.getFileName().toString();
    try {
      if (n.endsWith(".tar.gz") || n.endsWith(".tgz") || n.endsWith(".tar")) {
        return fromTar(file, !n.endsWith(".tar"));
      }
      if (n.endsWith(".jar")) {
        byte[] bytes = Files.readAllBytes(file);
        List<Part> out = new ArrayList<>(jar(n, bytes));
        out.addAll(classPath(bytes, file.getParent(), out));
        return out;
      }
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private List<Part> fromTar(Path file, boolean gzip) throws IOException {
    List<Part> out = new ArrayList<>();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        InputStream in = gzip ? new GzipCompressorInputStream(raw) : raw;
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (e.isFile() && e.getName().endsWith(".jar")) {
          String base = e.getName().substring(e.getName().lastIndexOf('/') + 1);
          out.addAll(jar(base, tar.readAllBytes()));
        }
      }
    }
    return out;
  }

  /** The components of one jar (itself first, then what is shaded into it). */
  public List<Part> jar(String fileName, byte[] bytes) throws IOException {
    String sha = sha256(bytes);
    List<Properties> poms = new ArrayList<>();
    try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        if (e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties")) {
          Properties p = new Properties();
          p.load(new ByteArrayInputStream(z.readAllBytes()));
          if (p.getProperty("groupId") != null && p.getProperty("artifactId") != null) {
            poms.add(p);
          }
        }
      }
    }
    String stem =
        fileName.endsWith(".jar") ? fileName.substring(0, fileName.length() - 4) : fileName;
    Properties own = null;
    String classifier = null;
    for (Properties p : poms) {
      String prefix = p.getProperty("artifactId") + "-" + p.getProperty("version");
      if (stem.equals(prefix) || stem.startsWith(prefix + "-")) {
        own = p;
        classifier = stem.equals(prefix) ? null : stem.substring(prefix.length() + 1);
        break;
      }
    }
    if (own == null) {
      // A jar built with a finalName (plinth.jar, plinth-dispatcher.jar): its own pom.properties is
      // the only one, or the one whose artifactId the file name starts with.
      for (Properties p : poms) {
        if (poms.size() == 1 || stem.startsWith(p.getProperty("artifactId"))) {
          own = p;
          break;
        }
      }
    }
    List<Part> out = new ArrayList<>();
    TreeMap<String, String> props = new TreeMap<>();
    props.put("plinth:file", fileName);
    if (own != null) {
      out.add(
          maven(
              own.getProperty("groupId"),
              own.getProperty("artifactId"),
              own.getProperty("version"),
              classifier,
              sha,
              props));
    } else {
      Optional<String[]> gav = findInRepo(fileName, sha);
      if (gav.isPresent()) {
        String[] g = gav.get();
        props.put("plinth:identified-by", "local-repository");
        out.add(maven(g[0], g[1], g[2], g[3], sha, props));
      } else {
        props.put("plinth:licence-source", "none");
        out.add(new Part(null, null, fileName, null, sha, null, props));
      }
    }
    for (Properties p : poms) {
      if (p == own) {
        continue;
      }
      TreeMap<String, String> sp = new TreeMap<>();
      sp.put("plinth:shaded-in", fileName);
      out.add(
          maven(
              p.getProperty("groupId"),
              p.getProperty("artifactId"),
              p.getProperty("version"),
              null,
              null,
              sp));
    }
    return out;
  }

  private List<Part> classPath(byte[] jar, Path dir, List<Part> have) throws IOException {
    Manifest mf = null;
    try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(jar))) {
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        if (e.getName().equals("META-INF/MANIFEST.MF")) {
          mf = new Manifest(new ByteArrayInputStream(z.readAllBytes()));
          break;
        }
      }
    }
    String cp = mf == null ? null : mf.getMainAttributes().getValue("Class-Path");
    if (cp == null || cp.isBlank()) {
      return List.of();
    }
    List<Part> out = new ArrayList<>();
    for (String entry : cp.strip().split("\\s+")) {
      String base = entry.substring(entry.lastIndexOf('/') + 1);
      Path beside = dir == null ? null : dir.resolve(entry);
      if (beside != null && Files.isRegularFile(beside)) {
        out.addAll(jar(base, Files.readAllBytes(beside)));
        continue;
      }
      for (Path p : index().getOrDefault(base, List.of())) {
        out.addAll(jar(base, Files.readAllBytes(p)));
        break;
      }
    }
    return out;
  }

  private Optional<String[]> findInRepo(String fileName, String sha) throws IOException {
    for (Path p : index().getOrDefault(fileName, List.of())) {
      if (sha256(Files.readAllBytes(p)).equals(sha)) {
        // <root>/<group path>/<artifact>/<version>/<file>
        Path versionDir = p.getParent();
        String version = versionDir.getFileName().toString();
        String artifact = versionDir.getParent().getFileName().toString();
        Path groupDir = versionDir.getParent().getParent();
        Path rel = repo.root().relativize(groupDir);
        String group = rel.toString().replace('/', '.');
        String stem = fileName.substring(0, fileName.length() - 4);
        String prefix = artifact + "-" + version;
        String classifier =
            stem.length() > prefix.length() ? stem.substring(prefix.length() + 1) : null;
        return Optional.of(new String[] {group, artifact, version, classifier});
      }
    }
    return Optional.empty();
  }

  private Map<String, List<Path>> index() throws IOException {
    if (repoIndex == null) {
      Path root = repo.root();
      if (!Files.isDirectory(root)) {
        repoIndex = Map.of();
      } else {
        try (Stream<Path> s = Files.walk(root)) {
          repoIndex =
              s.filter(p -> p.toString().endsWith(".jar"))
                  .sorted()
                  .collect(
                      Collectors.groupingBy(
                          p -> p.getFileName().toString(), HashMap::new, Collectors.toList()));
        }
      }
    }
    return repoIndex;
  }

  private Part maven(
      String g, String a, String v, String classifier, String sha, TreeMap<String, String> props) {
    TreeMap<String, String> q = new TreeMap<>();
    if (classifier != null) {
      q.put("classifier", classifier);
    }
    q.put("type", "jar");
    String purl;
    try {
      purl = new PackageURL("maven", g, a, v, q, null).canonicalize();
    } catch (MalformedPackageURLException e) {
      throw new IllegalArgumentException("bad Maven coordinates " + g + ":" + a + ":" + v, e);
    }
    String licence = null;
    Optional<List<MavenRepo.PomLicence>> pom = repo.licences(g, a, v);
    if (pom.isPresent()) {
      List<String> ids =
          pom.get().stream()
              .map(
                  l ->
                      LicenceNames.ofPom(l.name(), l.url())
                          .orElse(LicenceNames.ref("", l.name() == null ? "unnamed" : l.name())))
              .distinct()
              .sorted()
              .toList();
      licence = String.join(" OR ", ids);
      props.put("plinth:licence-source", "pom");
    } else if (g.equals(PROJECT_GROUP) || g.startsWith(PROJECT_GROUP + ".")) {
      licence = PROJECT_LICENCE;
      props.put("plinth:licence-source", "project");
    } else {
      props.put("plinth:licence-source", "none");
    }
    return new Part(purl, g, a, v, sha, licence, props);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
