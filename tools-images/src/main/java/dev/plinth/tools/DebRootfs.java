/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools;

import dev.plinth.tools.oci.LayerEntry;
import dev.plinth.tools.oci.LayerTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * Builds a layer's tree from Debian packages' file-system tars and a rootfs folder, doing by hand
 * (deterministically) what the maintainer scripts we never run would have done where it matters.
 * Keeps the package tars open until {@link #close()}: file contents are read from them when the
 * layer is written.
 */
final class DebRootfs implements AutoCloseable {
  /** merged-/usr: base-files makes these top-level names symlinks into /usr. */
  static final Map<String, String> MERGED =
      Map.of(
          "bin", "usr/bin",
          "sbin", "usr/sbin",
          "lib", "usr/lib",
          "lib32", "usr/lib32",
          "lib64", "usr/lib64",
          "libx32", "usr/libx32");

  private final List<TarFile> open = new ArrayList<>();

  /** Unpacks one package's file-system tar into {@code tree} (later packages win). */
  void addDeb(LayerTree tree, Path fsysTar) throws IOException {
    TarFile tf = new TarFile(fsysTar);
    open.add(tf);
    for (TarArchiveEntry e : tf.getEntries()) {
      String path = canonical(LayerTree.normalize(e.getName()), e.isSymbolicLink());
      if (path.isEmpty()) {
        continue;
      }
      int mode = e.getMode() & 07777;
      if (e.isDirectory()) {
        if (!(tree.get(path) instanceof LayerEntry.Dir)) {
          tree.put(new LayerEntry.Dir(path, mode));
        }
      } else if (e.isSymbolicLink()) {
        tree.put(new LayerEntry.Symlink(path, e.getLinkName()));
      } else if (e.isLink()) {
        tree.put(
            new LayerEntry.Hardlink(path, canonical(LayerTree.normalize(e.getLinkName()), false)));
      } else if (e.isFile()) {
        tree.put(new LayerEntry.File(path, mode, e.getSize(), () -> tf.getInputStream(e)));
      } else {
        throw new IOException(fsysTar + ": unsupported entry type for " + e.getName());
      }
    }
  }

  /** Rewrites {@code bin/x} to {@code usr/bin/x}; keeps the top-level symlinks themselves. */
  static String canonical(String path, boolean symlink) {
    int slash = path.indexOf('/');
    String first = slash < 0 ? path : path.substring(0, slash);
    String usr = MERGED.get(first);
    if (usr == null || (slash < 0 && symlink)) {
      return path;
    }
    return slash < 0 ? usr : usr + path.substring(slash);
  }

  /** Copies a rootfs folder into {@code tree}: files 0755 if executable else 0644, dirs 0755. */
  static void addRootfs(LayerTree tree, Path rootfs) throws IOException {
    if (!Files.isDirectory(rootfs)) {
      return;
    }
    try (Stream<Path> s = Files.walk(rootfs)) {
      for (Path p : s.sorted().toList()) {
        String rel = rootfs.relativize(p).toString().replace('\\', '/');
        if (rel.isEmpty()) {
          continue;
        }
        String path = canonical(LayerTree.normalize(rel), Files.isSymbolicLink(p));
        if (Files.isSymbolicLink(p)) {
          tree.put(new LayerEntry.Symlink(path, Files.readSymbolicLink(p).toString()));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          tree.put(new LayerEntry.Dir(path, 0755));
        } else {
          int mode = Files.isExecutable(p) ? 0755 : 0644;
          tree.put(new LayerEntry.File(path, mode, Files.size(p), () -> Files.newInputStream(p)));
        }
      }
    }
  }

  /**
   * The base layer's stand-ins for maintainer scripts: merged-/usr links and /bin/sh if no package
   * shipped them, awk -&gt; gawk (the alternative), the CA bundle curl reads, and the usual empty
   * directories with their modes.
   */
  static void baseFixups(LayerTree tree) throws IOException {
    for (String top : List.of("bin", "sbin", "lib")) {
      if (tree.get(top) == null) {
        tree.put(new LayerEntry.Symlink(top, MERGED.get(top)));
      }
    }
    link(tree, "usr/bin/sh", "dash", "usr/bin/dash");
    link(tree, "usr/bin/awk", "gawk", "usr/bin/gawk");
    for (String d :
        List.of("dev", "proc", "sys", "run", "etc", "var", "var/lib", "usr/local/bin")) {
      if (tree.get(d) == null) {
        tree.put(new LayerEntry.Dir(d, 0755));
      }
    }
    for (String d : List.of("tmp", "var/tmp")) {
      tree.put(new LayerEntry.Dir(d, 01777));
    }
    if (tree.get("root") == null) {
      tree.put(new LayerEntry.Dir("root", 0700));
    }
    caBundle(tree);
  }

  private static void link(LayerTree tree, String path, String target, String needs) {
    if (tree.get(path) == null && tree.get(needs) != null) {
      tree.put(new LayerEntry.Symlink(path, target));
    }
  }

  /** /etc/ssl/certs/ca-certificates.crt: every usr/share/ca-certificates/**.crt, sorted by path. */
  static void caBundle(LayerTree tree) throws IOException {
    ByteArrayOutputStream bundle = new ByteArrayOutputStream();
    for (var e : tree.view().entrySet()) {
      if (e.getKey().startsWith("usr/share/ca-certificates/")
          && e.getKey().endsWith(".crt")
          && e.getValue() instanceof LayerEntry.File f) {
        byte[] b;
        try (InputStream in = f.content().open()) {
          b = in.readAllBytes();
        }
        bundle.write(b);
        if (b.length > 0 && b[b.length - 1] != '\n') {
          bundle.write('\n');
        }
      }
    }
    if (bundle.size() > 0) {
      byte[] bytes = bundle.toByteArray();
      tree.put(
          new LayerEntry.File(
              "etc/ssl/certs/ca-certificates.crt",
              0644,
              bytes.length,
              () -> new ByteArrayInputStream(bytes)));
    }
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (TarFile t : open) {
      try {
        t.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
