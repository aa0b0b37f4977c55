/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of {@link IsoReader}: a damaged image must give an {@link IOException}
 * (or read fine), never another exception, a hang or an {@link OutOfMemoryError}.
 */
class ReaderFuzzTest {

  private static final IsoReader.Limits LIMITS =
      new IsoReader.Limits(100_000, 64, 8 << 20, 32 << 20);

  static byte[] image(IsoWriter.Builder b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    b.build().write(RoundTripTest.sampleTree(), Channels.newChannel(out));
    return out.toByteArray();
  }

  /** Opens, lists and reads everything; returns normally or throws IOException. */
  static void exercise(byte[] img, IsoReader.NameSource prefer) throws IOException {
    try (IsoReader r = IsoReader.open(new MemoryChannel(img), LIMITS, prefer)) {
      for (IsoEntry e : r.entries()) {
        if (e.type() == IsoEntry.Type.FILE) {
          try (InputStream in = r.open(e)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
          }
        }
      }
    }
  }

  @Test
  void mutatedImagesFailWithIoExceptionsOnly() throws IOException {
    byte[][] bases = {
      image(IsoWriter.builder()),
      image(IsoWriter.builder().joliet(false)),
      image(IsoWriter.builder().rockRidge(false))
    };
    int metadataEnd = 40 * 2048;
    int[] outcomes = new int[2];
    assertTimeoutPreemptively(
        Duration.ofSeconds(90),
        () -> {
          for (int i = 0; i < 4000; i++) {
            Random r = new Random(i);
            byte[] base = bases[i % bases.length];
            byte[] img = mutate(base, r, Math.min(metadataEnd, base.length));
            IsoReader.NameSource prefer = IsoReader.NameSource.values()[r.nextInt(3)];
            try {
              exercise(img, prefer);
              outcomes[0]++;
            } catch (IOException expected) {
              outcomes[1]++;
            } catch (RuntimeException | Error e) {
              throw new AssertionError("seed " + i + ": " + e, e);
            }
          }
        });
    assertThat(outcomes[0]).as("some mutants still read").isPositive();
    assertThat(outcomes[1]).as("some mutants are rejected").isPositive();
  }

  private static byte[] mutate(byte[] base, Random r, int end) {
    byte[] img = base.clone();
    int ops = 1 + r.nextInt(6);
    for (int k = 0; k < ops; k++) {
      int at = 16 * 2048 + r.nextInt(end - 16 * 2048 - 8);
      ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
      switch (r.nextInt(6)) {
        case 0 -> img[at] = (byte) r.nextInt(256);
        case 1 -> b.putInt(at, -1);
        case 2 -> b.putInt(at, r.nextInt(40));
        case 3 -> img[at] = 0;
        case 4 -> img[at] ^= (byte) (1 << r.nextInt(8));
        default -> {
          return Arrays.copyOf(img, r.nextInt(img.length));
        }
      }
    }
    return img;
  }

  @Test
  void directoryPointingAtItsParentIsALoop() throws IOException {
    IsoTree t = IsoTree.create().addFile("a/b/c.txt", new byte[] {1});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    IsoWriter.builder().joliet(false).rockRidge(false).build().write(t, Channels.newChannel(out));
    byte[] img = out.toByteArray();
    ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
    int rootLba = b.getInt(16 * 2048 + 156 + 2);
    // Find the record of "B" in directory A and point it back at the root.
    int aLba = rootLba + 1;
    int rec = aLba * 2048 + 34 + 34;
    assertThat(img[rec + 33]).isEqualTo((byte) 'B');
    b.putInt(rec + 2, rootLba);
    IsoFormatException e =
        assertThrows(IsoFormatException.class, () -> exercise(img, IsoReader.NameSource.ISO9660));
    assertThat(e.getMessage()).contains("loop");
  }

  @Test
  void extentBeyondTheImageIsRejected() throws IOException {
    byte[] img = image(IsoWriter.builder());
    byte[] cut = Arrays.copyOf(img, img.length - 2048);
    IsoFormatException e =
        assertThrows(
            IsoFormatException.class, () -> exercise(cut, IsoReader.NameSource.ROCK_RIDGE));
    assertThat(e.getMessage()).contains("outside the image");
  }

  @Test
  void notAnIsoIsRejected() {
    assertThrows(IsoFormatException.class, () -> exercise(new byte[40_000], null));
    assertThrows(IsoFormatException.class, () -> exercise(new byte[100], null));
  }
}
