/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A QMP server on a unix socket, for one client: sends the greeting, answers {@code
 * qmp_capabilities}, and hands every other command to a script that returns the lines to send (or
 * null to hang up).
 */
final class FakeQmpServer implements AutoCloseable {

  /** The commands received, in order. */
  final List<JsonNode> received = new CopyOnWriteArrayList<>();

  private final ServerSocketChannel server;
  private final Thread thread;
  private volatile SocketChannel client;

  FakeQmpServer(Path socket, BiFunction<FakeQmpServer, JsonNode, List<String>> script)
      throws IOException {
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    thread = Thread.ofVirtual().start(() -> serve(script));
  }

  private void serve(BiFunction<FakeQmpServer, JsonNode, List<String>> script) {
    try (SocketChannel c = server.accept()) {
      client = c;
      send(
          "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}},"
              + " \"capabilities\": [\"oob\"]}}");
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode cmd = QmpClient.JSON.readTree(line);
        received.add(cmd);
        if (cmd.path("execute").asText().equals("qmp_capabilities")) {
          send("{\"return\": {}, \"id\": \"" + cmd.path("id").asText() + "\"}");
          continue;
        }
        List<String> answer = script.apply(this, cmd);
        if (answer == null) {
          return;
        }
        for (String a : answer) {
          send(a);
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  /** Sends one line to the client (from the script or a test). */
  void send(String line) {
    try {
      ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      synchronized (this) {
        while (b.hasRemaining()) {
          client.write(b);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String ok(JsonNode cmd, String value) {
    return "{\"return\": " + value + ", \"id\": \"" + cmd.path("id").asText() + "\"}";
  }

  @Override
  public void close() throws IOException {
    server.close();
    SocketChannel c = client;
    if (c != null) {
      c.close();
    }
    thread.interrupt();
  }
}
