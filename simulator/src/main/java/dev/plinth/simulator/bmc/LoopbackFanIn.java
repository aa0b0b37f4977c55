/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Listens on many loopback addresses for the price of a virtual thread each, and relays every
 * connection to one internal listener from the address it came in on. The JDK's HTTP server costs a
 * platform dispatcher thread per listener, too much for a thousand BMCs; with this the simulator
 * still binds only each BMC's own loopback address (never the wildcard) and tells the BMCs apart by
 * the relayed connection's source address.
 *
 * <pre>
 *   client -> 127.10.0.7:PORT (accept) ==relay==> [from 127.10.0.7] -> 127.0.0.1:INTERNAL
 * </pre>
 *
 * Bytes pass unchanged (TLS included: the internal listener does the handshake).
 */
final class LoopbackFanIn implements AutoCloseable {

  private final List<ServerSocketChannel> channels = new ArrayList<>();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final InetSocketAddress target;
  private final int port;

  /**
   * Binds every address on {@code port} (0: a free one, the same for all) and starts accepting.
   *
   * @param target the internal listener every connection is relayed to
   */
  LoopbackFanIn(List<InetAddress> addresses, int port, InetSocketAddress target)
      throws IOException {
    this.target = target;
    int p = port;
    try {
      for (InetAddress a : addresses) {
        ServerSocketChannel ch = ServerSocketChannel.open();
        channels.add(ch);
        ch.bind(new InetSocketAddress(a, p), 1024);
        p = ((InetSocketAddress) ch.getLocalAddress()).getPort();
      }
    } catch (IOException e) {
      close();
      throw e;
    }
    this.port = p;
    for (int i = 0; i < channels.size(); i++) {
      ServerSocketChannel ch = channels.get(i);
      InetAddress own = addresses.get(i);
      threads.submit(() -> accept(ch, own));
    }
  }

  int port() {
    return port;
  }

  List<InetSocketAddress> listening() {
    List<InetSocketAddress> out = new ArrayList<>(channels.size());
    for (ServerSocketChannel ch : channels) {
      try {
        out.add((InetSocketAddress) ch.getLocalAddress());
      } catch (IOException e) {
        // Closed meanwhile: no longer listening.
      }
    }
    return out;
  }

  private void accept(ServerSocketChannel ch, InetAddress own) {
    while (ch.isOpen()) {
      SocketChannel client;
      try {
        client = ch.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        threads.submit(() -> relay(client, own));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        closeQuietly(client); // closing down
        return;
      }
    }
  }

  private void relay(SocketChannel client, InetAddress own) {
    try (client;
        SocketChannel up = SocketChannel.open()) {
      up.bind(new InetSocketAddress(own, 0));
      up.connect(target);
      var back = threads.submit(() -> pump(up, client));
      pump(client, up);
      back.get();
    } catch (IOException | java.util.concurrent.ExecutionException e) {
      // A connection that failed is closed; the client sees that as a dropped connection.
    } catch (InterruptedException | java.util.concurrent.RejectedExecutionException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Copies until end of stream, then half-closes {@code to}; on an error closes both. */
  private static void pump(SocketChannel from, SocketChannel to) {
    ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
    try {
      while (from.read(buf) >= 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          to.write(buf);
        }
        buf.clear();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // Closing anyway.
    }
  }

  @Override
  public void close() {
    for (ServerSocketChannel ch : channels) {
      try {
        ch.close();
      } catch (IOException e) {
        // Closing anyway.
      }
    }
    threads.shutdownNow();
  }
}
