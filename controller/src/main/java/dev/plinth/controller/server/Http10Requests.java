/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.server;

import io.helidon.common.buffers.DataReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The request bytes of an HTTP/1.0 connection, as Helidon's HTTP/1.1 connection reads them: each
 * {@code HTTP/1.0} request line says {@code HTTP/1.1}, a request without {@code Host} gets the
 * address it reached, and a request that did not ask for keep-alive (HTTP/1.0's default is to
 * close) gets {@code Connection: close}. Bodies (by {@code Content-Length}; HTTP/1.0 has no chunked
 * requests) pass unchanged. Returns end of stream once a response had to be delimited by closing
 * the connection.
 */
final class Http10Requests implements Supplier<byte[]> {

  private enum State {
    LINE,
    HEADERS,
    BODY,
    RAW
  }

  private final DataReader in;
  private final Http10Context.Shared shared;
  private final String host;
  private State state = State.LINE;
  private boolean http10;
  private boolean head;
  private boolean keepAlive;
  private boolean hasHost;
  private long remaining;

  /**
   * @param host the {@code Host} to give an HTTP/1.0 request that names none (HTTP/1.1 requires
   *     one, and Helidon refuses a request without it): the address the client connected to
   */
  Http10Requests(DataReader in, Http10Context.Shared shared, String host) {
    this.in = in;
    this.shared = shared;
    this.host = host;
  }

  @Override
  public byte[] get() {
    if (shared.closing) {
      return null;
    }
    try {
      return switch (state) {
        case LINE -> requestLine();
        case HEADERS -> headerLine();
        case BODY -> body();
        case RAW -> available();
      };
    } catch (DataReader.InsufficientDataAvailableException e) {
      return null;
    }
  }

  private byte[] requestLine() {
    int eol = in.findNewLine(Http10Selector.MAX_LINE);
    if (eol >= Http10Selector.MAX_LINE) {
      state = State.RAW; // Helidon refuses the over-long line itself
      return available();
    }
    String line = in.readAsciiString(eol);
    in.skip(2);
    http10 = line.endsWith(" HTTP/1.0");
    head = line.startsWith("HEAD ");
    keepAlive = !http10;
    hasHost = false;
    remaining = 0;
    state = State.HEADERS;
    if (http10) {
      line = line.substring(0, line.length() - 1) + "1";
    }
    return (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private byte[] headerLine() {
    int eol = in.findNewLine(Http10Selector.MAX_LINE);
    if (eol >= Http10Selector.MAX_LINE) {
      state = State.RAW;
      return available();
    }
    byte[] line = in.readBytes(eol + 2);
    if (eol == 0) {
      shared.pending.offer(new Http10Context.Exchange(http10, head, keepAlive));
      state = remaining < 0 ? State.RAW : remaining > 0 ? State.BODY : State.LINE;
      if (!http10) {
        return line;
      }
      String added =
          (hasHost ? "" : "Host: " + host + "\r\n") + (keepAlive ? "" : "Connection: close\r\n");
      return (added + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
    String text = new String(line, 0, eol, StandardCharsets.ISO_8859_1);
    int colon = text.indexOf(':');
    if (colon > 0) {
      String name = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = text.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
      switch (name) {
        case "content-length" -> remaining = parseLength(value);
        case "host" -> hasHost = true;
        case "connection" -> {
          if (http10 && value.contains("keep-alive")) {
            keepAlive = true;
          }
        }
        // Framing this adapter does not follow: pass the rest through as it comes.
        case "transfer-encoding" -> remaining = -1;
        default -> {}
      }
    }
    return line;
  }

  private byte[] body() {
    in.ensureAvailable();
    int n = (int) Math.min(in.available(), remaining);
    remaining -= n;
    if (remaining == 0) {
      state = State.LINE;
    }
    return in.readBytes(n);
  }

  private byte[] available() {
    in.ensureAvailable();
    return in.readBytes(in.available());
  }

  private static long parseLength(String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return -1; // Helidon refuses it
    }
  }
}
