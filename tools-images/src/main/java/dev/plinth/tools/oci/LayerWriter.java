/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.oci;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Writes a layer as a reproducible tar+gzip: entries in the given (sorted) order, owner 0:0 named
 * root, every mtime = SOURCE_DATE_EPOCH, PAX headers for long or non-ASCII names and big numbers,
 * and a gzip header without name or time (OS = Unix). The same entries give the same bytes whatever
 * the source files' times, owners or the order they were collected in.
 */
public final class LayerWriter {
  /** The OCI media type of the layers written here. */
  public static final String MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

  private static final int TYPE_DIR = 0040000;
  private static final int TYPE_FILE = 0100000;
  private static final int TYPE_SYMLINK = 0120000;

  private LayerWriter() {}

  /** A written layer: the compressed blob and the digest of the uncompressed tar. */
  public record Layer(Descriptor blob, String diffId) {}

  /** Writes {@code entries} (already sorted, e.g. {@link LayerTree#entries()}) to {@code out}. */
  public static Layer write(List<LayerEntry> entries, long epochSeconds, Path out)
      throws IOException {
    MessageDigest gzDigest = Digests.sha256();
    MessageDigest tarDigest = Digests.sha256();
    GzipParameters gz = new GzipParameters();
    gz.setModificationTime(0);
    gz.setOperatingSystem(3);
    gz.setCompressionLevel(6);
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16);
        DigestOutputStream gzOut = new DigestOutputStream(file, gzDigest);
        GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(gzOut, gz);
        DigestOutputStream tarOut = new DigestOutputStream(new NoClose(gzip), tarDigest);
        TarArchiveOutputStream tar = open(tarOut)) {
      Map<String, Integer> fileModes = new HashMap<>();
      for (LayerEntry e : entries) {
        writeEntry(tar, e, epochSeconds, fileModes);
      }
      tar.finish();
    }
    return new Layer(
        new Descriptor(MEDIA_TYPE, Digests.format(gzDigest), Files.size(out)),
        Digests.format(tarDigest));
  }

  /** A tar stream configured for reproducible output. */
  static TarArchiveOutputStream open(OutputStream out) {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    return tar;
  }

  /**
   * Writes one entry. {@code fileModes} collects the modes of the regular files written so far: a
   * hardlink carries its target's mode, because an extractor such as containers/storage (podman)
   * applies a link entry's mode to the shared inode (a 0644 link to /usr/bin/perl left perl not
   * executable in the windows-bootloader image).
   */
  static void writeEntry(
      TarArchiveOutputStream tar, LayerEntry e, long epochSeconds, Map<String, Integer> fileModes)
      throws IOException {
    TarArchiveEntry t =
        switch (e) {
          case LayerEntry.Dir d -> {
            TarArchiveEntry x = new TarArchiveEntry(d.path() + "/", TarConstants.LF_DIR);
            x.setMode(TYPE_DIR | (d.mode() & 07777));
            yield x;
          }
          case LayerEntry.File f -> {
            TarArchiveEntry x = new TarArchiveEntry(f.path(), TarConstants.LF_NORMAL);
            x.setMode(TYPE_FILE | (f.mode() & 07777));
            x.setSize(f.size());
            fileModes.put(f.path(), f.mode() & 07777);
            yield x;
          }
          case LayerEntry.Symlink s -> {
            TarArchiveEntry x = new TarArchiveEntry(s.path(), TarConstants.LF_SYMLINK);
            x.setMode(TYPE_SYMLINK | 0777);
            x.setLinkName(s.target());
            yield x;
          }
          case LayerEntry.Hardlink h -> {
            TarArchiveEntry x = new TarArchiveEntry(h.path(), TarConstants.LF_LINK);
            x.setMode(TYPE_FILE | fileModes.getOrDefault(h.target(), 0644));
            x.setLinkName(h.target());
            yield x;
          }
        };
    t.setModTime(epochSeconds * 1000L);
    t.setIds(0, 0);
    t.setNames("root", "root");
    tar.putArchiveEntry(t);
    if (e instanceof LayerEntry.File f) {
      long n;
      try (InputStream in = f.content().open()) {
        n = in.transferTo(tar);
      }
      if (n != f.size()) {
        throw new IOException(f.path() + ": expected " + f.size() + " bytes, read " + n);
      }
    }
    tar.closeArchiveEntry();
  }

  /** Lets the tar stream finish without closing the gzip stream under it twice. */
  private static final class NoClose extends FilterOutputStream {
    NoClose(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
