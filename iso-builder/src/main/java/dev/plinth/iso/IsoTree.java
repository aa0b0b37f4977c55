/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The content of an image: directories, files (bytes in memory or a path read while writing) and
 * symbolic links, addressed by slash-separated relative paths such as {@code boot/grub/grub.cfg}.
 * Missing parent directories are created. The order of insertion never matters: the writer sorts
 * names byte-wise (UTF-8).
 *
 * <pre>{@code
 * IsoTree tree = IsoTree.create()
 *     .addFile("task.json", jsonBytes)
 *     .addFile("SHA256SUMS", sums)
 *     .addFile("bin/tool", Path.of("build/tool"), 0755);
 * }</pre>
 *
 * <p>A tree is not thread-safe. Files given as paths are read when the image is written; their size
 * is taken when they are added and a file that changes size meanwhile fails the write.
 */
public final class IsoTree {

  /** Mode given to files added without one. */
  public static final int DEFAULT_FILE_MODE = 0644;

  /** Mode given to directories created implicitly or without one. */
  public static final int DEFAULT_DIR_MODE = 0755;

  private final Node root = Node.directory("", null, DEFAULT_DIR_MODE);

  private IsoTree() {}

  /** An empty tree (just the root directory). */
  public static IsoTree create() {
    return new IsoTree();
  }

  /**
   * A tree with the content of {@code dir}: regular files, directories and symbolic links (never
   * followed), with their POSIX permission bits. Other file types (devices, sockets, FIFOs) fail.
   */
  public static IsoTree fromDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("not a directory: " + dir);
    }
    IsoTree tree = create();
    walk(tree.root, dir);
    return tree;
  }

  /** Adds the entries of {@code dir} under {@code parent}: one stat per entry, no path parsing. */
  private static void walk(Node parent, Path dir) throws IOException {
    List<Path> kids = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(kids::add);
    }
    for (Path f : kids) {
      BasicFileAttributes attrs = attributes(f);
      String name = checkedName(f);
      Node n;
      if (attrs.isSymbolicLink()) {
        n = Node.symlink(name, parent, Files.readSymbolicLink(f).toString());
      } else if (attrs.isDirectory()) {
        n = Node.directory(name, parent, modeOf(f, attrs));
        walk(n, f);
      } else if (attrs.isRegularFile()) {
        n = Node.file(name, parent, modeOf(f, attrs) & 07777, attrs.size(), f, null);
      } else {
        throw new IOException("unsupported file type (not a file, directory or link): " + f);
      }
      parent.children.put(name, n);
    }
  }

  private static String checkedName(Path f) throws IOException {
    String name = f.getFileName().toString();
    if (name.indexOf('\uFFFD') >= 0) {
      // The JVM decodes file names with the locale's charset (sun.jnu.encoding); under a
      // non-UTF-8 locale non-ASCII names come back mangled, which would change the image.
      throw new IOException(
          "file name not decodable as "
              + System.getProperty("sun.jnu.encoding")
              + " (run with a UTF-8 locale, e.g. LANG=C.UTF-8): "
              + f);
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
      throw new IOException("name longer than 255 bytes: " + f);
    }
    return name;
  }

  private static BasicFileAttributes attributes(Path f) throws IOException {
    try {
      return Files.readAttributes(f, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      return Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** Adds a directory (and its missing parents) with mode {@code 0755}. */
  public IsoTree addDirectory(String path) {
    return addDirectory(path, DEFAULT_DIR_MODE);
  }

  /** Adds a directory with the given permission bits, or updates the mode of an existing one. */
  public IsoTree addDirectory(String path, int mode) {
    Node dir = mkdirs(split(path));
    dir.mode = mode & 07777;
    return this;
  }

  /** Adds a file with the given content (copied) and mode {@code 0644}. */
  public IsoTree addFile(String path, byte[] content) {
    return addFile(path, content, DEFAULT_FILE_MODE);
  }

  /** Adds a file with the given content (copied) and permission bits. */
  public IsoTree addFile(String path, byte[] content, int mode) {
    byte[] copy = Arrays.copyOf(content, content.length);
    put(path, Node.file(leaf(path), null, mode & 07777, copy.length, null, copy));
    return this;
  }

  /** Adds a regular file whose content is read from {@code source} when the image is written. */
  public IsoTree addFile(String path, Path source) throws IOException {
    return addFile(path, source, modeOf(source));
  }

  /** Adds a regular file read from {@code source}, with the given permission bits. */
  public IsoTree addFile(String path, Path source, int mode) throws IOException {
    if (!Files.isRegularFile(source)) {
      throw new IOException("not a regular file: " + source);
    }
    return addFile(path, source, Files.size(source), mode);
  }

  private IsoTree addFile(String path, Path source, long size, int mode) {
    put(path, Node.file(leaf(path), null, mode & 07777, size, source, null));
    return this;
  }

  /** Adds a symbolic link; the target is stored as given (Rock Ridge only). */
  public IsoTree addSymlink(String path, String target) {
    Objects.requireNonNull(target, "target");
    if (target.isEmpty() || target.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("bad symlink target for " + path);
    }
    put(path, Node.symlink(leaf(path), null, target));
    return this;
  }

  /** The root directory node; package-private for the writer. */
  Node root() {
    return root;
  }

  private void put(String path, Node node) {
    String[] parts = split(path);
    if (parts.length == 0) {
      throw new IllegalArgumentException("a file needs a name: '" + path + "'");
    }
    Node parent = mkdirs(Arrays.copyOf(parts, parts.length - 1));
    Node existing = parent.children.get(node.name);
    if (existing != null && existing.kind == Node.Kind.DIRECTORY) {
      throw new IllegalArgumentException("a directory already exists at " + path);
    }
    node.parent = parent;
    parent.children.put(node.name, node);
  }

  private Node mkdirs(String[] parts) {
    Node cur = root;
    for (String p : parts) {
      Node next = cur.children.get(p);
      if (next == null) {
        next = Node.directory(p, cur, DEFAULT_DIR_MODE);
        cur.children.put(p, next);
      } else if (next.kind != Node.Kind.DIRECTORY) {
        throw new IllegalArgumentException("'" + p + "' is a file, not a directory");
      }
      cur = next;
    }
    return cur;
  }

  private static String leaf(String path) {
    String[] parts = split(path);
    return parts.length == 0 ? "" : parts[parts.length - 1];
  }

  static String[] split(String path) {
    Objects.requireNonNull(path, "path");
    String p = path.indexOf('\\') >= 0 ? path.replace('\\', '/') : path;
    List<String> list = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= p.length(); i++) {
      if (i == p.length() || p.charAt(i) == '/') {
        if (i > start) {
          list.add(p.substring(start, i));
        }
        start = i + 1;
      }
    }
    String[] parts = list.toArray(new String[0]);
    for (String s : parts) {
      if (s.equals(".") || s.equals("..") || s.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("bad path component '" + s + "' in " + path);
      }
      if (s.getBytes(StandardCharsets.UTF_8).length > 255) {
        throw new IllegalArgumentException("name longer than 255 bytes in " + path);
      }
    }
    return parts;
  }

  /** The mode from the attributes the walk already read (no second stat) when they have it. */
  private static int modeOf(Path p, BasicFileAttributes attrs) throws IOException {
    if (attrs instanceof PosixFileAttributes posix) {
      return bits(posix.permissions());
    }
    return modeOf(p);
  }

  private static int bits(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission perm : perms) {
      mode |= 1 << (8 - perm.ordinal());
    }
    return mode;
  }

  private static int modeOf(Path p) throws IOException {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      int mode = 0;
      for (PosixFilePermission perm : perms) {
        mode |= 1 << (8 - perm.ordinal());
      }
      return mode;
    } catch (UnsupportedOperationException e) {
      return Files.isDirectory(p) ? DEFAULT_DIR_MODE : DEFAULT_FILE_MODE;
    }
  }
}
