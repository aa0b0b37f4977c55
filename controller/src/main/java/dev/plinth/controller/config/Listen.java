/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.config;

/**
 * A listen address, {@code HOST:PORT}; IPv6 hosts in brackets ({@code [::1]:8080}).
 *
 * @param host the host or address to bind
 * @param port the TCP port, 0 for any free port
 */
public record Listen(String host, int port) {

  public Listen {
    if (host.isBlank()) {
      throw new IllegalArgumentException("listen address has no host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
    }
  }

  /** Parses {@code HOST:PORT}, with a message that says what was expected. */
  public static Listen parse(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("expected HOST:PORT, got '" + s + "'");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new Listen(host, Integer.parseInt(s.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a numeric port in '" + s + "'", e);
    }
  }

  /** True when only this machine can connect. */
  public boolean isLoopback() {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
