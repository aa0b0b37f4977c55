/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * The HTTP/1.1 side of the simulated BMCs: one listening socket per BMC, on the BMC's own address,
 * accepted by a virtual thread, and each connection served by a virtual thread of its own with
 * blocking reads, so that a thousand BMCs and their kept-alive connections cost a parked virtual
 * thread each and no relay or dispatcher thread. Replaces the JDK's {@code HttpServer} (a platform
 * dispatcher thread per listener, a fan-in relay beyond 64 BMCs, and at most 200 idle connections
 * kept: every connection past them was closed after its answer, so a controller's next request on
 * it found it closed).
 *
 * <p>What a client sees is what the JDK server gave it: the same status, headers and body; a
 * kept-alive connection stays open until the client closes it or it is idle for {@link
 * #IDLE_MILLIS}; {@code Connection: close} from the client is answered with {@code Connection:
 * close} and a close. A connection is closed after its answer on purpose only by {@link
 * Faults#closeAfterAnswerRate()}; {@link Replies#DROP} closes it without an answer.
 */
final class BmcHttpServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(BmcHttpServer.class.getName());

  /**
   * How long a kept-alive connection may stay idle before the BMC closes it: the JDK server's
   * default ({@code sun.net.httpserver.idleInterval}, 30 s), which this replaces.
   */
  static final int IDLE_MILLIS = Integer.getInteger("plinth.bmcsim.idleMillis", 30_000);

  private static final int MAX_HEAD_BYTES = 64 * 1024;
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT);

  /** Answers one request of a BMC. */
  interface Handler {
    Replies handle(SimulatedBmc.Request request);
  }

  private final List<ServerSocket> sockets = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final SSLContext tls;
  private volatile boolean closed;
  private volatile String date = "";
  private volatile long dateSecond = -1;

  /**
   * @param tls the server context for HTTPS, or null for plain HTTP
   */
  BmcHttpServer(SSLContext tls) {
    this.tls = tls;
  }

  /** Binds one address (not accepting yet); returns the bound port. */
  int bind(InetSocketAddress at) throws IOException {
    ServerSocket s =
        tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
    try {
      s.setReuseAddress(true);
      s.bind(at, 1024);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    sockets.add(s);
    return s.getLocalPort();
  }

  /** Starts accepting on the {@code i}-th bound address for {@code handler}. */
  void start(int i, Handler handler) {
    ServerSocket s = sockets.get(i);
    Thread.ofVirtual()
        .name("bmcsim-accept-" + s.getLocalSocketAddress())
        .start(() -> accept(s, handler));
  }

  List<InetSocketAddress> addresses() {
    return sockets.stream().map(s -> (InetSocketAddress) s.getLocalSocketAddress()).toList();
  }

  private void accept(ServerSocket s, Handler handler) {
    while (!closed) {
      Socket c;
      try {
        c = s.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.WARNING, "accept on {0}: {1}", s, e.toString());
        }
        return;
      }
      open.add(c);
      Thread.ofVirtual().start(() -> serve(c, handler));
    }
  }

  /** Serves one connection's requests, one after the other, until either side closes it. */
  private void serve(Socket c, Handler handler) {
    try (c) {
      c.setTcpNoDelay(true);
      c.setSoTimeout(IDLE_MILLIS);
      InputStream in = new BufferedInputStream(c.getInputStream(), 8192);
      OutputStream out = c.getOutputStream();
      while (!closed && exchange(in, out, handler)) {
        // next request on the same connection
      }
    } catch (SocketTimeoutException e) {
      // Idle too long: closed, as the JDK server closed idle connections.
    } catch (IOException e) {
      // Closed by the client, a broken request, or a dropped answer: the connection ends.
    } finally {
      open.remove(c);
    }
  }

  /** Reads one request and answers it; false when the connection is to be closed. */
  private boolean exchange(InputStream in, OutputStream out, Handler handler) throws IOException {
    String line = readLine(in);
    while (line != null && line.isEmpty()) {
      line = readLine(in); // stray CRLF between requests
    }
    if (line == null) {
      return false;
    }
    String[] parts = line.split(" ", 3);
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
      out.write(
          "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.ISO_8859_1));
      return false;
    }
    Map<String, String> headers = readHeaders(in);
    boolean http10 = parts[2].equals("HTTP/1.0");
    String connection = String.valueOf(headers.get("connection")).toLowerCase(Locale.ROOT);
    boolean keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
    if ("100-continue".equalsIgnoreCase(headers.get("expect")) && !http10) {
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
    byte[] body = readBody(in, headers);
    SimulatedBmc.Request req = new SimulatedBmc.Request(parts[0], rawPath(parts[1]), headers, body);
    Replies r = handler.handle(req);
    if (r == Replies.DROP) {
      return false; // injected fault: closed without an answer
    }
    boolean head = "HEAD".equals(parts[0]);
    out.write(answer(r, head, keepAlive, http10));
    out.flush();
    return keepAlive && !r.close();
  }

  /** The path of a request target (origin or absolute form), without its query. */
  static String rawPath(String target) {
    String t = target;
    if (t.startsWith("http://") || t.startsWith("https://")) {
      int slash = t.indexOf('/', t.indexOf("//") + 2);
      t = slash < 0 ? "/" : t.substring(slash);
    }
    int q = t.indexOf('?');
    return q < 0 ? t : t.substring(0, q);
  }

  private byte[] answer(Replies r, boolean head, boolean keepAlive, boolean http10) {
    StringBuilder h = new StringBuilder(256);
    h.append(http10 ? "HTTP/1.0 " : "HTTP/1.1 ")
        .append(r.status())
        .append(' ')
        .append(reason(r.status()))
        .append("\r\nDate: ")
        .append(date())
        .append("\r\n");
    r.headers().forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
    boolean noBody = r.body().length == 0 || head;
    if (r.status() != 204 && r.status() != 304) {
      h.append("Content-Length: ").append(noBody ? 0 : r.body().length).append("\r\n");
    }
    if (!keepAlive && !http10) {
      // Clients that pool connections (python-requests, so sushy) must not reuse this one.
      h.append("Connection: close\r\n");
    } else if (keepAlive && http10) {
      h.append("Connection: keep-alive\r\n");
    }
    h.append("\r\n");
    byte[] head0 = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (noBody) {
      return head0;
    }
    byte[] all = new byte[head0.length + r.body().length];
    System.arraycopy(head0, 0, all, 0, head0.length);
    System.arraycopy(r.body(), 0, all, head0.length, r.body().length);
    return all;
  }

  /** The Date header's value, formatted once a second. */
  private String date() {
    long now = System.currentTimeMillis() / 1000;
    if (now != dateSecond) {
      date = DATE.format(ZonedDateTime.now(ZoneOffset.UTC));
      dateSecond = now;
    }
    return date;
  }

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 204 -> "No Content";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 409 -> "Conflict";
      case 412 -> "Precondition Failed";
      case 415 -> "Unsupported Media Type";
      case 428 -> "Precondition Required";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  /** Header names in lower case; the first value of a repeated header, as before. */
  private static Map<String, String> readHeaders(InputStream in) throws IOException {
    Map<String, String> headers = new HashMap<>();
    int size = 0;
    for (String l = readLine(in); l != null && !l.isEmpty(); l = readLine(in)) {
      size += l.length();
      if (size > MAX_HEAD_BYTES) {
        throw new IOException("request head too large");
      }
      int colon = l.indexOf(':');
      if (colon > 0) {
        headers.putIfAbsent(
            l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
      }
    }
    return headers;
  }

  private static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
    String te = headers.get("transfer-encoding");
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        String size = readLine(in);
        if (size == null) {
          throw new IOException("end of stream in a chunked body");
        }
        int semi = size.indexOf(';');
        int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (n == 0) {
          for (String t = readLine(in); t != null && !t.isEmpty(); t = readLine(in)) {
            // trailers: ignored
          }
          return b.toByteArray();
        }
        b.write(in.readNBytes(n));
        readLine(in);
      }
    }
    String cl = headers.get("content-length");
    if (cl == null) {
      return new byte[0];
    }
    int n = Integer.parseInt(cl.trim());
    byte[] body = in.readNBytes(n);
    if (body.length != n) {
      throw new IOException("end of stream in the body");
    }
    return body;
  }

  /** A line without its CRLF (or LF), in ISO-8859-1; null at the end of the stream. */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder(64);
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        int len = s.length();
        return len > 0 && s.charAt(len - 1) == '\r' ? s.substring(0, len - 1) : s.toString();
      }
      s.append((char) b);
      if (s.length() > MAX_HEAD_BYTES) {
        throw new IOException("request line too long");
      }
    }
    return s.isEmpty() ? null : s.toString();
  }

  @Override
  public void close() {
    closed = true;
    for (ServerSocket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    for (Socket c : open) {
      try {
        c.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
