/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks an image's layers, in order, into a directory: what a container runtime would see as the
 * root file system. Whiteouts ({@code .wh.NAME}, {@code .wh..wh..opq}) delete what lower layers put
 * there. Entries never escape the directory: {@code ..} is refused and every parent is checked to
 * resolve inside it.
 */
public final class Materializer {
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  private Materializer() {}

  /** The layer blobs of {@code refName} for {@code arch}, lowest first. */
  public static List<Path> layers(OciLayout layout, String refName, String arch)
      throws IOException {
    JsonNode target = null;
    for (JsonNode e : layout.index().path("manifests")) {
      if (refName.equals(e.path("annotations").path(OciJson.REF_NAME).asText(null))) {
        target = e;
      }
    }
    if (target == null) {
      throw new IOException("layout " + layout.dir() + " has no image tagged " + refName);
    }
    JsonNode doc = layout.json(target.path("digest").asText());
    if (doc.has("manifests")) {
      JsonNode pick = null;
      for (JsonNode m : doc.path("manifests")) {
        if (arch.equals(m.path("platform").path("architecture").asText())) {
          pick = m;
        }
      }
      if (pick == null) {
        throw new IOException(refName + " has no linux/" + arch + " image");
      }
      doc = layout.json(pick.path("digest").asText());
    }
    List<Path> out = new ArrayList<>();
    for (JsonNode l : doc.path("layers")) {
      out.add(layout.blob(l.path("digest").asText()));
    }
    return out;
  }

  /** Unpacks the image {@code refName} for {@code arch} into {@code dir} (created if needed). */
  public static void materialize(OciLayout layout, String refName, String arch, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    Path root = dir.toRealPath();
    for (Path layer : layers(layout, refName, arch)) {
      extract(layer, root);
    }
  }

  /** Unpacks one tar+gzip layer over {@code root} (a real path). */
  public static void extract(Path layer, Path root) throws IOException {
    try (InputStream in =
            new GzipCompressorInputStream(
                new BufferedInputStream(Files.newInputStream(layer), 1 << 16));
        TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8")) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        String path = LayerTree.normalize(e.getName());
        if (path.isEmpty()) {
          continue;
        }
        Path target = inside(root, path);
        String base = target.getFileName().toString();
        if (base.equals(OPAQUE)) {
          clearChildren(target.getParent());
        } else if (base.startsWith(WHITEOUT)) {
          deleteTree(target.resolveSibling(base.substring(WHITEOUT.length())));
        } else {
          write(tar, e, root, target);
        }
      }
    }
  }

  private static void write(TarArchiveInputStream tar, TarArchiveEntry e, Path root, Path target)
      throws IOException {
    int mode = e.getMode() & 07777;
    if (e.isDirectory()) {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(target);
      }
      Files.createDirectories(target);
      Files.setAttribute(target, "unix:mode", mode);
      return;
    }
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(target);
    } else {
      Files.deleteIfExists(target);
    }
    if (e.isSymbolicLink()) {
      Files.createSymbolicLink(target, Path.of(e.getLinkName()));
    } else if (e.isLink()) {
      Files.createLink(target, inside(root, LayerTree.normalize(e.getLinkName())));
    } else if (e.isFile()) {
      Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
      Files.setAttribute(target, "unix:mode", mode);
      Files.setLastModifiedTime(target, FileTime.fromMillis(e.getModTime().getTime()));
    } else {
      throw new FileAlreadyExistsException(target.toString(), null, "unsupported tar entry type");
    }
  }

  /** {@code root/path}, after checking that its parent resolves inside {@code root}. */
  private static Path inside(Path root, String path) throws IOException {
    Path p = root.resolve(path);
    Path parent = p.getParent();
    Files.createDirectories(parent);
    if (!parent.toRealPath().startsWith(root)) {
      throw new IOException("layer entry " + path + " would be written outside " + root);
    }
    return p;
  }

  private static void clearChildren(Path dir) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path c : s.toList()) {
          deleteTree(c);
        }
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.walk(p)) {
        for (Path c : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(c);
        }
      }
    } else {
      Files.delete(p);
    }
  }
}
