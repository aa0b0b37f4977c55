/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.sys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@link Commands} as child processes; output is drained on a virtual thread. */
final class ProcessCommands implements Commands {

  private static final int MAX_OUTPUT = 64 * 1024;

  @Override
  public Result run(List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    TailBuffer out = new TailBuffer(MAX_OUTPUT);
    Thread reader = Thread.ofVirtual().start(() -> drain(p.getInputStream(), out));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor();
        reader.join(1000);
        return new Result(Result.TIMED_OUT, out.toString());
      }
      reader.join(5000);
      return new Result(p.exitValue(), out.toString());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  private static void drain(InputStream in, TailBuffer out) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // The process went away; what was read is what there is.
    }
  }

  /** Keeps the last bytes written, for output that may be long. */
  static final class TailBuffer {
    private final byte[] ring;
    private long total;

    TailBuffer(int size) {
      this.ring = new byte[size];
    }

    synchronized void write(byte[] b, int off, int len) {
      for (int i = 0; i < len; i++) {
        ring[(int) (total++ % ring.length)] = b[off + i];
      }
    }

    @Override
    public synchronized String toString() {
      int n = (int) Math.min(total, ring.length);
      byte[] out = new byte[n];
      long start = total - n;
      for (int i = 0; i < n; i++) {
        out[i] = ring[(int) ((start + i) % ring.length)];
      }
      return new String(out, StandardCharsets.UTF_8);
    }
  }
}
