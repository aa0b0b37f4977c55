/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The response bytes Helidon writes on an HTTP/1.0 connection, made readable by an HTTP/1.0 client:
 * a chunked body is decoded and sent delimited by closing the connection ({@code Connection:
 * close}, and {@link Http10Requests} then ends the request stream so Helidon closes); a body with a
 * length keeps the connection only when the request asked for keep-alive. Responses to HTTP/1.1
 * requests on the same connection pass unchanged.
 */
final class Http10Responses implements DataWriter {

  private enum State {
    HEAD,
    LENGTH,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_END,
    TRAILERS,
    UNTIL_CLOSE
  }

  private static final int MAX_HEAD = 64 * 1024;

  private final DataWriter out;
  private final Http10Context.Shared shared;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private State state = State.HEAD;
  private Http10Context.Exchange exchange;
  private boolean dechunk;
  private long remaining;
  // The last four bytes put in pending, to see a line's or a head's end without copying it.
  private int tail;

  Http10Responses(DataWriter out, Http10Context.Shared shared) {
    this.out = out;
    this.shared = shared;
  }

  @Override
  public void write(BufferData... buffers) {
    for (BufferData b : buffers) {
      write(b);
    }
  }

  @Override
  public void write(BufferData buffer) {
    byte[] o = transform(buffer);
    if (o.length > 0) {
      out.write(BufferData.create(o));
    }
  }

  @Override
  public void writeNow(BufferData... buffers) {
    for (BufferData b : buffers) {
      writeNow(b);
    }
  }

  @Override
  public void writeNow(BufferData buffer) {
    byte[] o = transform(buffer);
    if (o.length > 0) {
      out.writeNow(BufferData.create(o));
    }
  }

  @Override
  public void flush() {
    out.flush();
  }

  @Override
  public void close() {
    out.close();
  }

  private byte[] transform(BufferData buffer) {
    byte[] in = new byte[buffer.available()];
    buffer.read(in);
    ByteArrayOutputStream o = new ByteArrayOutputStream(in.length + 64);
    int i = 0;
    while (i < in.length) {
      i = step(in, i, o);
    }
    return o.toByteArray();
  }

  /** Consumes bytes from {@code in} at {@code i} in the current state; returns the next index. */
  private int step(byte[] in, int i, ByteArrayOutputStream o) {
    switch (state) {
      case HEAD, CHUNK_SIZE, TRAILERS -> {
        pending.write(in[i]);
        tail = (tail << 8) | (in[i] & 0xff);
        if (lineEnded()) {
          lineComplete(o);
        } else if (pending.size() > MAX_HEAD) {
          throw new IllegalStateException("response head over " + MAX_HEAD + " bytes");
        }
        return i + 1;
      }
      case LENGTH, CHUNK_DATA -> {
        int n = (int) Math.min(in.length - i, remaining);
        o.write(in, i, n);
        remaining -= n;
        if (remaining == 0) {
          state = state == State.LENGTH ? State.HEAD : State.CHUNK_END;
          if (state == State.HEAD) {
            exchange = null;
          }
        }
        return i + n;
      }
      case CHUNK_END -> {
        // The CRLF after a chunk's data.
        tail = (tail << 8) | (in[i] & 0xff);
        if (!dechunk) {
          o.write(in[i]);
        }
        if ((tail & 0xffff) == 0x0d0a) {
          tail = 0;
          state = State.CHUNK_SIZE;
        }
        return i + 1;
      }
      case UNTIL_CLOSE -> {
        o.write(in, i, in.length - i);
        return in.length;
      }
    }
    throw new IllegalStateException(state.name());
  }

  private boolean lineEnded() {
    if (state == State.HEAD) {
      return tail == 0x0d0a0d0a;
    }
    return (tail & 0xffff) == 0x0d0a;
  }

  private void lineComplete(ByteArrayOutputStream o) {
    String text = pending.toString(StandardCharsets.ISO_8859_1);
    pending.reset();
    tail = 0;
    switch (state) {
      case HEAD -> head(text, o);
      case CHUNK_SIZE -> {
        int semi = text.indexOf(';');
        long size = Long.parseLong((semi < 0 ? text : text.substring(0, semi)).strip(), 16);
        if (!dechunk) {
          o.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
        }
        remaining = size;
        state = size == 0 ? State.TRAILERS : State.CHUNK_DATA;
      }
      case TRAILERS -> {
        if (!dechunk) {
          o.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
        }
        if (text.equals("\r\n")) {
          state = State.HEAD;
          exchange = null;
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  /** Reads one response head, writes it as the request's version needs, and sets the framing. */
  private void head(String text, ByteArrayOutputStream o) {
    if (exchange == null) {
      exchange = shared.pending.poll();
      if (exchange == null) {
        // Answered before a whole request was read (a malformed one): as to HTTP/1.0, closing.
        exchange = new Http10Context.Exchange(true, false, false);
      }
    }
    String[] lines = text.substring(0, text.length() - 4).split("\r\n", -1);
    int status = Integer.parseInt(lines[0].substring(9, 12));
    boolean chunked = false;
    boolean close = false;
    long length = -1;
    StringBuilder h = new StringBuilder(text.length() + 32).append(lines[0]).append("\r\n");
    for (int k = 1; k < lines.length; k++) {
      String line = lines[k];
      int colon = line.indexOf(':');
      String name = colon < 0 ? "" : line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = colon < 0 ? "" : line.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
      switch (name) {
        case "transfer-encoding" -> {
          chunked = value.endsWith("chunked");
          if (exchange.http10 && chunked) {
            continue;
          }
        }
        case "content-length" -> length = Long.parseLong(value);
        case "connection" -> {
          close = value.contains("close");
          if (exchange.http10) {
            continue;
          }
        }
        default -> {}
      }
      h.append(line).append("\r\n");
    }
    boolean bodiless = exchange.head || status == 204 || status == 304 || status < 200;
    if (status < 200) {
      // An interim response (100 Continue): its request's final response follows.
      o.writeBytes(exchange.http10 ? new byte[0] : text.getBytes(StandardCharsets.ISO_8859_1));
      return;
    }
    dechunk = exchange.http10 && chunked && !bodiless;
    if (exchange.http10) {
      boolean keep = exchange.keepAlive && !close && (bodiless || length >= 0);
      h.append(keep ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
      if (!keep) {
        shared.closing = true;
      }
    }
    o.writeBytes(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    if (bodiless || (!chunked && length == 0)) {
      exchange = null;
      state = State.HEAD;
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (length > 0) {
      remaining = length;
      state = State.LENGTH;
    } else {
      state = State.UNTIL_CLOSE;
    }
  }
}
