/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lists and extracts the files of an ISO 9660 image, with Rock Ridge names and attributes when
 * present, else Joliet names, else plain ISO 9660 names. Nothing in the image is trusted: every
 * block number and length is checked against the image, directory loops are detected and the amount
 * of metadata read is bounded, so a malformed image gives an {@link IsoFormatException}, never a
 * hang or an {@link OutOfMemoryError}.
 *
 * <pre>{@code
 * try (IsoReader iso = IsoReader.open(Path.of("task.iso"))) {
 *   if (!iso.volumeId().equals("PLINTH-TASK")) { ... }
 *   byte[] task = iso.readAllBytes("task.json", 1 << 20);
 * }
 * }</pre>
 *
 * <p>The reader is safe for use by several threads.
 */
public final class IsoReader implements Closeable {

  /** Which names the reader uses. */
  public enum NameSource {
    ROCK_RIDGE,
    JOLIET,
    ISO9660
  }

  /**
   * Bounds on what a reader accepts.
   *
   * @param maxEntries most entries in the whole image
   * @param maxDepth deepest directory nesting
   * @param maxDirectoryBytes largest single directory extent
   * @param maxMetadataBytes most directory bytes read in total
   */
  public record Limits(
      int maxEntries, int maxDepth, long maxDirectoryBytes, long maxMetadataBytes) {
    /** Defaults: 2 million entries, depth 256, 64 MiB per directory, 512 MiB in total. */
    public static Limits defaults() {
      return new Limits(2_000_000, 256, 64L << 20, 512L << 20);
    }
  }

  private final Image image;
  private final String volumeId;
  private final NameSource names;
  private final Map<String, IsoEntry> entries;

  private IsoReader(Image image, Limits limits, NameSource prefer) throws IOException {
    this.image = image;
    ByteBuffer pvd = null;
    ByteBuffer svd = null;
    for (int i = 16; i < 16 + 64; i++) {
      ByteBuffer d = image.read(i, 0, Bytes.BLOCK);
      String magic = ascii(d, 1, 5);
      if (!magic.equals("CD001")) {
        throw new IsoFormatException("no ISO 9660 volume descriptor at block " + i);
      }
      int type = d.get(0) & 0xff;
      if (type == 255) {
        break;
      } else if (type == 1 && pvd == null) {
        pvd = d;
      } else if (type == 2 && svd == null && isJoliet(d)) {
        svd = d;
      }
    }
    if (pvd == null) {
      throw new IsoFormatException("no primary volume descriptor");
    }
    if ((pvd.order(ByteOrder.LITTLE_ENDIAN).getShort(128) & 0xffff) != Bytes.BLOCK) {
      throw new IsoFormatException("unsupported logical block size");
    }
    this.volumeId = ascii(pvd, 40, 32).strip();
    long rootBlock = pvd.getInt(156 + 2) & 0xFFFFFFFFL;
    long rootLen = pvd.getInt(156 + 10) & 0xFFFFFFFFL;
    image.checkRange(rootBlock, rootLen);
    int skip = rockRidgeSkip(rootBlock, rootLen);
    NameSource chosen;
    if (skip >= 0 && prefer == NameSource.ROCK_RIDGE) {
      chosen = NameSource.ROCK_RIDGE;
    } else if (svd != null && prefer != NameSource.ISO9660) {
      chosen = NameSource.JOLIET;
    } else {
      chosen = NameSource.ISO9660;
    }
    this.names = chosen;
    ByteBuffer vd = chosen == NameSource.JOLIET ? svd : pvd;
    long block = vd.order(ByteOrder.LITTLE_ENDIAN).getInt(156 + 2) & 0xFFFFFFFFL;
    long len = vd.getInt(156 + 10) & 0xFFFFFFFFL;
    image.checkRange(block, len);
    DirectoryParser parser =
        new DirectoryParser(
            image,
            chosen == NameSource.JOLIET,
            chosen == NameSource.ROCK_RIDGE,
            Math.max(skip, 0),
            limits);
    Map<String, IsoEntry> map = new LinkedHashMap<>();
    for (IsoEntry e : parser.walk(block, len)) {
      map.put(e.path(), e);
    }
    this.entries = map;
  }

  /** Opens an image file with the default limits, preferring Rock Ridge, then Joliet. */
  public static IsoReader open(Path iso) throws IOException {
    return open(FileChannel.open(iso, StandardOpenOption.READ), Limits.defaults(), null);
  }

  /**
   * Opens an image on any seekable channel (closed with the reader). {@code prefer} forces a name
   * source if the image has it; null means Rock Ridge, then Joliet, then ISO 9660.
   */
  public static IsoReader open(SeekableByteChannel ch, Limits limits, NameSource prefer)
      throws IOException {
    try {
      return new IsoReader(new Image(ch), limits, prefer == null ? NameSource.ROCK_RIDGE : prefer);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** The volume label of the primary volume descriptor, e.g. {@code PLINTH-TASK}. */
  public String volumeId() {
    return volumeId;
  }

  /** Which names were used. */
  public NameSource nameSource() {
    return names;
  }

  /** All entries, depth first, parents before children. */
  public List<IsoEntry> entries() {
    return List.copyOf(entries.values());
  }

  /** The entry at a slash-separated path, if any. */
  public Optional<IsoEntry> find(String path) {
    return Optional.ofNullable(entries.get(String.join("/", IsoTree.split(path))));
  }

  /** A stream of a file's content. */
  public InputStream open(IsoEntry file) {
    if (file.type() != IsoEntry.Type.FILE) {
      throw new IllegalArgumentException("not a file: " + file.path());
    }
    List<InputStream> parts = new ArrayList<>();
    for (IsoEntry.Extent x : file.extents()) {
      parts.add(Channels.newInputStream(new ExtentChannel(image, x)));
    }
    return new java.io.SequenceInputStream(java.util.Collections.enumeration(parts));
  }

  /** The content of a file, refusing files larger than {@code maxBytes}. */
  public byte[] readAllBytes(String path, int maxBytes) throws IOException {
    IsoEntry e =
        find(path)
            .filter(x -> x.type() == IsoEntry.Type.FILE)
            .orElseThrow(() -> new java.nio.file.NoSuchFileException(path));
    if (e.size() > maxBytes) {
      throw new IOException(path + " is larger than " + maxBytes + " bytes");
    }
    try (InputStream in = open(e)) {
      return in.readAllBytes();
    }
  }

  /**
   * Extracts every entry below {@code dir} (created if missing; existing files are not
   * overwritten). Symbolic links are created last, so no file is ever written through one.
   */
  public void extractAll(Path dir) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    Files.createDirectories(root);
    List<IsoEntry> links = new ArrayList<>();
    for (IsoEntry e : entries.values()) {
      Path target = root.resolve(e.path()).normalize();
      if (!target.startsWith(root) || target.equals(root)) {
        throw new IsoFormatException("entry escapes the target directory: " + e.path());
      }
      switch (e.type()) {
        case DIRECTORY -> Files.createDirectories(target);
        case SYMLINK -> links.add(e);
        case FILE -> extractFile(e, target);
      }
    }
    for (IsoEntry e : links) {
      Path target = root.resolve(e.path());
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(target.toString());
      }
      Files.createSymbolicLink(target, Path.of(e.linkTarget()));
    }
    for (IsoEntry e : entries.values()) {
      if (e.type() != IsoEntry.Type.SYMLINK) {
        setMode(root.resolve(e.path()), e.mode());
      }
    }
  }

  private void extractFile(IsoEntry e, Path target) throws IOException {
    try (FileChannel out =
        FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (IsoEntry.Extent x : e.extents()) {
        image.copy(x, out);
      }
    }
  }

  private static void setMode(Path p, int mode) throws IOException {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] all = PosixFilePermission.values();
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        perms.add(all[i]);
      }
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      perms.add(PosixFilePermission.OWNER_WRITE);
      perms.add(PosixFilePermission.OWNER_EXECUTE);
    }
    try {
      Files.setPosixFilePermissions(p, perms);
    } catch (UnsupportedOperationException ignored) {
      // Not a POSIX file system: modes are not kept.
    }
  }

  @Override
  public void close() throws IOException {
    image.ch.close();
  }

  private int rockRidgeSkip(long rootBlock, long rootLen) throws IOException {
    if (rootLen < 34) {
      return -1;
    }
    ByteBuffer b = image.read(rootBlock, 0, Math.min(rootLen, Bytes.BLOCK));
    int len = b.get(0) & 0xff;
    int idLen = b.get(32) & 0xff;
    int start = 33 + idLen + ((idLen & 1) == 0 ? 1 : 0);
    if (len < 34 || start + 7 > len) {
      return -1;
    }
    if (b.get(start) == 'S'
        && b.get(start + 1) == 'P'
        && (b.get(start + 4) & 0xff) == 0xBE
        && (b.get(start + 5) & 0xff) == 0xEF) {
      return b.get(start + 6) & 0xff;
    }
    return -1;
  }

  private static boolean isJoliet(ByteBuffer d) {
    return d.get(88) == '%'
        && d.get(89) == '/'
        && (d.get(90) == '@' || d.get(90) == 'C' || d.get(90) == 'E');
  }

  private static String ascii(ByteBuffer b, int off, int len) {
    byte[] a = new byte[len];
    b.get(off, a);
    return new String(a, StandardCharsets.ISO_8859_1);
  }

  /** Bounds-checked positional access to the image. */
  static final class Image {
    final SeekableByteChannel ch;
    final long size;
    private final ReentrantLock lock = new ReentrantLock();

    Image(SeekableByteChannel ch) throws IOException {
      this.ch = ch;
      long n = ch.size();
      // A block device (/dev/sr0) reports size 0: trust the volume space size of the primary
      // volume descriptor instead; reads past the real end still fail as short reads.
      this.size = n > 0 ? n : volumeSpaceSize();
    }

    private long volumeSpaceSize() throws IOException {
      ByteBuffer pvd = ByteBuffer.allocate(Bytes.BLOCK).order(ByteOrder.LITTLE_ENDIAN);
      readFully(pvd, 16L * Bytes.BLOCK);
      return (pvd.getInt(80) & 0xFFFFFFFFL) * Bytes.BLOCK;
    }

    void checkRange(long block, long length) throws IsoFormatException {
      if (block < 0 || length < 0 || block * Bytes.BLOCK + length > size) {
        throw new IsoFormatException(
            "extent at block " + block + " of " + length + " bytes lies outside the image");
      }
    }

    ByteBuffer read(long block, long offset, long length) throws IsoFormatException {
      if (length > Integer.MAX_VALUE - 16 || offset < 0) {
        throw new IsoFormatException("read too large: " + length);
      }
      long pos = block * Bytes.BLOCK + offset;
      if (block < 0 || pos + length > size) {
        throw new IsoFormatException("read beyond the end of the image at block " + block);
      }
      ByteBuffer b = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
      try {
        readFully(b, pos);
      } catch (IOException e) {
        throw new IsoFormatException("read error at block " + block + ": " + e.getMessage());
      }
      return b.flip();
    }

    ByteBuffer readContinuation(long block, long offset, long length) throws IsoFormatException {
      if (offset >= Bytes.BLOCK || length > Bytes.BLOCK || offset + length > Bytes.BLOCK) {
        throw new IsoFormatException("bad Rock Ridge continuation area at block " + block);
      }
      return read(block, offset, length);
    }

    int readAt(ByteBuffer dst, long pos) throws IOException {
      if (ch instanceof FileChannel fc) {
        return fc.read(dst, pos);
      }
      lock.lock();
      try {
        ch.position(pos);
        return ch.read(dst);
      } finally {
        lock.unlock();
      }
    }

    private void readFully(ByteBuffer b, long pos) throws IOException {
      long p = pos;
      while (b.hasRemaining()) {
        int n = readAt(b, p);
        if (n < 0) {
          throw new IOException("unexpected end of image");
        }
        p += n;
      }
    }

    void copy(IsoEntry.Extent x, FileChannel out) throws IOException {
      checkRange(x.block(), x.length());
      long pos = x.block() * Bytes.BLOCK;
      long done = 0;
      if (ch instanceof FileChannel fc) {
        while (done < x.length()) {
          long n = fc.transferTo(pos + done, x.length() - done, out);
          if (n <= 0) {
            throw new IOException("unexpected end of image");
          }
          done += n;
        }
        return;
      }
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      while (done < x.length()) {
        buf.clear().limit((int) Math.min(buf.capacity(), x.length() - done));
        readFully(buf, pos + done);
        buf.flip();
        while (buf.hasRemaining()) {
          out.write(buf);
        }
        done += buf.limit();
      }
    }
  }
}
