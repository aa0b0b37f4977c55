/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/** Reads one extent of an image by position, so several can be open at once. */
final class ExtentChannel implements ReadableByteChannel {

  private final IsoReader.Image image;
  private final long start;
  private final long length;
  private long pos;
  private boolean open = true;

  ExtentChannel(IsoReader.Image image, IsoEntry.Extent x) {
    this.image = image;
    this.start = x.block() * Bytes.BLOCK;
    this.length = x.length();
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (pos >= length) {
      return -1;
    }
    int want = (int) Math.min(dst.remaining(), length - pos);
    ByteBuffer view = dst.slice().limit(want);
    int n = image.readAt(view, start + pos);
    if (n < 0) {
      throw new IOException("unexpected end of image");
    }
    dst.position(dst.position() + n);
    pos += n;
    return n;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }
}
