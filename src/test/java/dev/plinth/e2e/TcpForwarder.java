/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP forwarder that plays the network between a machine and the controller, and can cut
 * it: {@link Mode#PASS} relays bytes both ways; {@link Mode#DROP_REPLIES} relays the request but
 * throws the answer away and resets the connection (the controller acted, the client never hears of
 * it: a lost acknowledgement); {@link Mode#REFUSE} resets every new connection at once. Changing
 * the mode resets every connection open at the time, as a broken link does.
 */
final class TcpForwarder implements AutoCloseable {

  enum Mode {
    PASS,
    DROP_REPLIES,
    REFUSE
  }

  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger relayed = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger droppedReplies = new AtomicInteger();
  private volatile int upstreamPort;
  private volatile Mode mode = Mode.PASS;

  TcpForwarder() throws IOException {
    server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("tcp-forwarder-accept").start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Where to relay to (set once the controller listens). */
  void upstream(int port) {
    this.upstreamPort = port;
  }

  /** Switches the mode and resets every connection open now. */
  void mode(Mode m) {
    this.mode = m;
    for (Socket s : open) {
      reset(s);
    }
  }

  /** Connections relayed to the controller in {@link Mode#PASS} or {@link Mode#DROP_REPLIES}. */
  int relayed() {
    return relayed.get();
  }

  /** Connections reset on arrival in {@link Mode#REFUSE}. */
  int refused() {
    return refused.get();
  }

  /** Answers of the controller that were thrown away in {@link Mode#DROP_REPLIES}. */
  int droppedReplies() {
    return droppedReplies.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Mode m = mode;
      if (m == Mode.REFUSE || upstreamPort == 0) {
        refused.incrementAndGet();
        reset(client);
      } else {
        Thread.ofVirtual().name("tcp-forwarder-relay").start(() -> relay(client, m));
      }
    }
  }

  private void relay(Socket client, Mode m) {
    open.add(client);
    boolean dropped = false;
    try (Socket up = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
      open.add(up);
      relayed.incrementAndGet();
      InputStream requests = client.getInputStream();
      OutputStream toController = up.getOutputStream();
      Thread.ofVirtual()
          .name("tcp-forwarder-up")
          .start(() -> pump(client, up, requests, toController));
      InputStream answers = up.getInputStream();
      if (m == Mode.PASS) {
        pump(client, up, answers, client.getOutputStream());
      } else if (answers.read() >= 0) {
        droppedReplies.incrementAndGet();
        dropped = true;
      }
    } catch (IOException e) {
      // the link was cut or the controller went away: the client sees it closed
    } finally {
      open.remove(client);
      if (dropped) {
        reset(client);
      } else {
        closeQuietly(client);
      }
    }
  }

  /** Copies until either side ends, then closes both gracefully (what was sent still arrives). */
  private void pump(Socket a, Socket b, InputStream in, OutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException e) {
      // cut or closed
    } finally {
      open.remove(a);
      open.remove(b);
      closeQuietly(a);
      closeQuietly(b);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** Closes with an RST (SO_LINGER 0), as a refused or broken connection looks to the client. */
  private static void reset(Socket s) {
    try {
      if (!s.isClosed()) {
        s.setSoLinger(true, 0);
      }
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    mode(Mode.REFUSE);
  }
}
