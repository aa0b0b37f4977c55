/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Takes every HTTP/1 connection so that HTTP/1.0 clients are answered too: Helidon 4's HTTP/1
 * connection refuses HTTP/1.0 with a 505 ({@code Http1Prologue}), with no option to accept it,
 * while load balancers' health checks (HAProxy's {@code httpchk}), {@code ab}, {@code curl
 * --http1.0} and some BMC firmware speak it.
 *
 * <p>An HTTP/1.1 connection goes to Helidon's connection unchanged. An HTTP/1.0 one goes to the
 * same connection through {@link Http10Context}, which presents each request to it as HTTP/1.1
 * (with {@code Connection: close} unless the client asked for keep-alive) and turns each response
 * back into what an HTTP/1.0 client reads: no chunked coding (the body is then delimited by closing
 * the connection), and {@code Connection: keep-alive} only when the client asked for it and the
 * response has a length. The status line says HTTP/1.1, as RFC 9110 section 2.5 has a server answer
 * (its highest version within the request's major version), as nginx does.
 */
final class Http10Selector implements ServerConnectionSelector {

  /** As Helidon's default {@code max-prologue-length}. */
  static final int MAX_LINE = 4096;

  private static final byte[] HTTP_1_0 = " HTTP/1.0".getBytes(StandardCharsets.US_ASCII);

  private final Http1ConnectionSelector http1 =
      Http1ConnectionSelector.builder().config(Http1Config.create()).build();

  @Override
  public int bytesToIdentifyConnection() {
    return 0;
  }

  @Override
  public Support supports(BufferData data) {
    // Every HTTP/1 connection (the listener serves nothing else); the version is read in
    // connection(), which may wait for the whole request line where this sees only a first packet.
    return Support.SUPPORTED;
  }

  @Override
  public Set<String> supportedApplicationProtocols() {
    return Set.of("http/1.1");
  }

  @Override
  public ServerConnection connection(ConnectionContext ctx) {
    return http1.connection(http10(ctx.dataReader()) ? new Http10Context(ctx) : ctx);
  }

  /** Whether the first request line (read ahead, not consumed) ends with {@code HTTP/1.0}. */
  static boolean http10(DataReader reader) {
    int eol;
    try {
      eol = reader.findNewLine(MAX_LINE);
    } catch (DataReader.IncorrectNewLineException
        | DataReader.InsufficientDataAvailableException e) {
      return false; // Helidon's connection answers (or drops) it
    }
    if (eol < HTTP_1_0.length || eol >= MAX_LINE) {
      return false;
    }
    BufferData line = reader.getBuffer(eol);
    line.skip(eol - HTTP_1_0.length);
    for (byte b : HTTP_1_0) {
      if (line.read() != b) {
        return false;
      }
    }
    return true;
  }
}
