/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves files of a directory on 127.0.0.1 with HEAD and byte ranges, as QEMU's curl driver needs
 * (it refuses a server without {@code Accept-Ranges: bytes}).
 */
final class RangeFileServer implements AutoCloseable {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private final HttpServer server;
  private final Path dir;

  /** Ranged GETs answered so far. */
  final AtomicInteger ranged = new AtomicInteger();

  RangeFileServer(Path dir) throws IOException {
    this.dir = dir;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::serve);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void serve(HttpExchange ex) throws IOException {
    Path f = dir.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
    if (!f.startsWith(dir) || !Files.isRegularFile(f)) {
      ex.sendResponseHeaders(404, -1);
      ex.close();
      return;
    }
    long size = Files.size(f);
    ex.getResponseHeaders().set("Accept-Ranges", "bytes");
    ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
    if ("HEAD".equals(ex.getRequestMethod())) {
      ex.getResponseHeaders().set("Content-Length", String.valueOf(size));
      ex.sendResponseHeaders(200, -1);
      ex.close();
      return;
    }
    long from = 0;
    long to = size - 1;
    int status = 200;
    String range = ex.getRequestHeaders().getFirst("Range");
    if (range != null) {
      Matcher m = RANGE.matcher(range.strip());
      if (!m.matches() || Long.parseLong(m.group(1)) >= size) {
        ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
        ex.sendResponseHeaders(416, -1);
        ex.close();
        return;
      }
      from = Long.parseLong(m.group(1));
      to = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
      status = 206;
      ranged.incrementAndGet();
      ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + size);
    }
    long len = to - from + 1;
    ex.sendResponseHeaders(status, len);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r");
        OutputStream out = ex.getResponseBody()) {
      raf.seek(from);
      byte[] buf = new byte[65536];
      long left = len;
      while (left > 0) {
        int n = raf.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          break;
        }
        out.write(buf, 0, n);
        left -= n;
      }
    }
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
