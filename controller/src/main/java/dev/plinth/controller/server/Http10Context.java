/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.server;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;

/**
 * An HTTP/1.0 connection as Helidon's HTTP/1.1 connection sees it: the same socket, read through
 * {@link Http10Requests} and written through {@link Http10Responses}, which share what each request
 * asked for (its method, and whether it wants keep-alive) in request order.
 */
final class Http10Context implements ConnectionContext {

  /** One request on the connection, as the response to it needs to know it. */
  static final class Exchange {
    final boolean http10;
    final boolean head;
    final boolean keepAlive;

    Exchange(boolean http10, boolean head, boolean keepAlive) {
      this.http10 = http10;
      this.head = head;
      this.keepAlive = keepAlive;
    }
  }

  /** Requests read whose responses have not been written yet, and whether to stop reading. */
  static final class Shared {
    final Queue<Exchange> pending = new ConcurrentLinkedQueue<>();
    volatile boolean closing;
  }

  private final ConnectionContext delegate;
  private final DataReader reader;
  private final DataWriter writer;

  Http10Context(ConnectionContext delegate) {
    this.delegate = delegate;
    Shared shared = new Shared();
    PeerInfo local = delegate.localPeer();
    String host = local.host().contains(":") ? "[" + local.host() + "]" : local.host();
    this.reader =
        DataReader.create(
            new Http10Requests(delegate.dataReader(), shared, host + ":" + local.port()));
    this.writer = new Http10Responses(delegate.dataWriter(), shared);
  }

  @Override
  public DataReader dataReader() {
    return reader;
  }

  @Override
  public DataWriter dataWriter() {
    return writer;
  }

  @Override
  public ListenerContext listenerContext() {
    return delegate.listenerContext();
  }

  @Override
  public ExecutorService executor() {
    return delegate.executor();
  }

  @Override
  public Router router() {
    return delegate.router();
  }

  @Override
  public Optional<ProxyProtocolData> proxyProtocolData() {
    return delegate.proxyProtocolData();
  }

  @Override
  public HelidonSocket serverSocket() {
    return delegate.serverSocket();
  }

  @Override
  public PeerInfo remotePeer() {
    return delegate.remotePeer();
  }

  @Override
  public PeerInfo localPeer() {
    return delegate.localPeer();
  }

  @Override
  public boolean isSecure() {
    return delegate.isSecure();
  }

  @Override
  public String socketId() {
    return delegate.socketId();
  }

  @Override
  public String childSocketId() {
    return delegate.childSocketId();
  }
}
