/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * N BMCs reading one ISO with Range GETs at once, as QEMU's curl block driver does (256 KiB reads,
 * one request at a time per connection, keep-alive): every connection reads the file sequentially
 * from a random offset, wrapping at the end. One thread, non-blocking sockets, so the client costs
 * little CPU beside the server. Prints aggregate MiB/s of body bytes, requests/s, latency
 * percentiles and errors over the measured window (after a warm-up).
 *
 * <p>{@code java RangeBench.java HOST PORT PATH FILE_BYTES [CONNECTIONS=1000] [SECONDS=20]
 * [RANGE_BYTES=262144] [WARMUP_SECONDS=3]}
 */
public class RangeBench {

  static final class Conn {
    SocketChannel ch;
    long offset;
    long expectBody = -1;
    final StringBuilder head = new StringBuilder();
    int headState; // how many of \r\n\r\n seen
    ByteBuffer out;
    long sentAt;
    int status;
  }

  public static void main(String[] a) throws Exception {
    String host = a[0];
    int port = Integer.parseInt(a[1]);
    String path = a[2];
    long fileBytes = Long.parseLong(a[3]);
    int n = a.length > 4 ? Integer.parseInt(a[4]) : 1000;
    int seconds = a.length > 5 ? Integer.parseInt(a[5]) : 20;
    int range = a.length > 6 ? Integer.parseInt(a[6]) : 256 << 10;
    int warmup = a.length > 7 ? Integer.parseInt(a[7]) : 3;
    SplittableRandom rnd = new SplittableRandom(42);
    Selector sel = Selector.open();
    InetSocketAddress addr = new InetSocketAddress(host, port);
    for (int i = 0; i < n; i++) {
      Conn c = new Conn();
      c.offset = (rnd.nextLong(fileBytes) / range) * range;
      connect(sel, addr, c);
    }
    ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
    long start = System.nanoTime();
    long measureFrom = start + warmup * 1_000_000_000L;
    long end = measureFrom + seconds * 1_000_000_000L;
    long bytes = 0;
    long requests = 0;
    long errors = 0;
    long[] lat = new long[1 << 20];
    int nlat = 0;
    while (System.nanoTime() < end) {
      sel.select(100);
      Iterator<SelectionKey> it = sel.selectedKeys().iterator();
      while (it.hasNext()) {
        SelectionKey k = it.next();
        it.remove();
        Conn c = (Conn) k.attachment();
        try {
          if (k.isConnectable()) {
            c.ch.finishConnect();
            request(k, c, path, host, range, fileBytes);
            continue;
          }
          if (k.isWritable()) {
            if (c.out == null) {
              request(k, c, path, host, range, fileBytes);
              continue;
            }
            c.ch.write(c.out);
            if (!c.out.hasRemaining()) {
              k.interestOps(SelectionKey.OP_READ);
            }
            continue;
          }
          if (!k.isReadable()) {
            continue;
          }
          in.clear();
          int r = c.ch.read(in);
          if (r < 0) {
            throw new IOException("closed by the server");
          }
          in.flip();
          boolean measured = System.nanoTime() >= measureFrom;
          while (in.hasRemaining()) {
            if (c.headState < 4) {
              byte b = in.get();
              c.head.append((char) b);
              c.headState =
                  (b == '\r' && (c.headState == 0 || c.headState == 2))
                          || (b == '\n' && (c.headState == 1 || c.headState == 3))
                      ? c.headState + 1
                      : (b == '\r' ? 1 : 0);
              if (c.headState == 4) {
                parseHead(c);
              }
              continue;
            }
            int take = (int) Math.min(in.remaining(), c.expectBody);
            in.position(in.position() + take);
            c.expectBody -= take;
            if (measured) {
              bytes += take;
            }
          }
          if (c.headState == 4 && c.expectBody == 0) {
            long now = System.nanoTime();
            if (c.status != 206) {
              errors++;
            } else if (now >= measureFrom) {
              requests++;
              if (nlat < lat.length) {
                lat[nlat++] = now - c.sentAt;
              }
            }
            c.offset += range;
            if (c.offset >= fileBytes) {
              c.offset = 0;
            }
            request(k, c, path, host, range, fileBytes);
          }
        } catch (IOException e) {
          errors++;
          k.cancel();
          c.ch.close();
          connect(sel, addr, new Conn());
        }
      }
    }
    double secs = seconds;
    long[] l = Arrays.copyOf(lat, nlat);
    Arrays.sort(l);
    System.out.printf(
        "connections=%d range=%d s=%d MiB/s=%.0f req/s=%.0f p50_ms=%.1f p99_ms=%.1f errors=%d%n",
        n,
        range,
        seconds,
        bytes / secs / 1048576,
        requests / secs,
        nlat == 0 ? 0 : l[nlat / 2] / 1e6,
        nlat == 0 ? 0 : l[(int) (nlat * 0.99)] / 1e6,
        errors);
    for (SelectionKey k : sel.keys()) {
      k.channel().close();
    }
  }

  static void connect(Selector sel, InetSocketAddress addr, Conn c) throws IOException {
    c.ch = SocketChannel.open();
    c.ch.configureBlocking(false);
    c.ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    c.out = null;
    boolean done = c.ch.connect(addr);
    c.ch.register(sel, done ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, c);
  }

  static void request(SelectionKey k, Conn c, String path, String host, int range, long fileBytes)
      throws IOException {
    long last = Math.min(fileBytes, c.offset + range) - 1;
    String req =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nRange: bytes="
            + c.offset
            + "-"
            + last
            + "\r\nUser-Agent: RangeBench\r\nAccept: */*\r\n\r\n";
    c.out = ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII));
    c.head.setLength(0);
    c.headState = 0;
    c.expectBody = -1;
    c.sentAt = System.nanoTime();
    c.ch.write(c.out);
    k.interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }

  static void parseHead(Conn c) throws IOException {
    String h = c.head.toString();
    c.status = Integer.parseInt(h.substring(9, 12));
    long len = -1;
    for (String line : h.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("content-length")) {
        len = Long.parseLong(line.substring(colon + 1).strip());
      }
    }
    if (len < 0) {
      throw new IOException("no Content-Length: " + h);
    }
    c.expectBody = len;
  }
}
