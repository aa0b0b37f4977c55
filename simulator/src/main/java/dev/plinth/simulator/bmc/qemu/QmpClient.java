/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc.qemu;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A QMP client: JSON objects, one per line, over a unix socket. It reads the greeting, negotiates
 * capabilities ({@code qmp_capabilities}), then sends commands each with its own {@code id} and
 * matches the answers by id; events ({@code {"event": ...}}) go to listeners and to {@link
 * #nextEvent} waiters. A reader thread owns the input; writes are serialized by a lock.
 *
 * <pre>{@code
 * try (QmpClient qmp = QmpClient.connect(socket, Duration.ofSeconds(10))) {
 *   String status = qmp.execute("query-status").path("status").asText();
 * }
 * }</pre>
 */
final class QmpClient implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(QmpClient.class.getName());
  static final ObjectMapper JSON = new ObjectMapper();

  private final SocketChannel channel;
  private final BufferedReader in;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();
  private final List<EventWaiter> waiters = new CopyOnWriteArrayList<>();
  private final Duration timeout;
  private final JsonNode greeting;
  private volatile String closedBecause;

  private record Pending(String command, CompletableFuture<JsonNode> answer) {}

  private record EventWaiter(String event, CompletableFuture<JsonNode> future) {}

  private QmpClient(SocketChannel channel, Duration timeout) throws IOException {
    this.channel = channel;
    this.timeout = timeout;
    this.in =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    String first = in.readLine();
    if (first == null) {
      throw new IOException("QMP closed before its greeting");
    }
    this.greeting = JSON.readTree(first);
    if (!greeting.has("QMP")) {
      throw new IOException("not a QMP greeting: " + first);
    }
    Thread.ofVirtual().name("qmp-reader").start(this::readLoop);
  }

  /**
   * Connects to the QMP socket at {@code socket} and negotiates capabilities.
   *
   * @param timeout how long each command may take
   */
  static QmpClient connect(Path socket, Duration timeout) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
      QmpClient c = new QmpClient(ch, timeout);
      c.execute("qmp_capabilities");
      return c;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** The greeting QEMU sent ({@code {"QMP": {"version": ...}}}). */
  JsonNode greeting() {
    return greeting;
  }

  /** Runs {@code command} without arguments; returns its {@code return} value. */
  JsonNode execute(String command) {
    return execute(command, Map.of());
  }

  /**
   * Runs {@code command} with {@code arguments}; returns its {@code return} value.
   *
   * @throws QmpException when QEMU answers with an error, does not answer in time, or is gone
   */
  JsonNode execute(String command, Map<String, ?> arguments) {
    String id = "plinth-" + ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode();
    msg.put("execute", command);
    if (!arguments.isEmpty()) {
      msg.set("arguments", JSON.valueToTree(arguments));
    }
    msg.put("id", id);
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, new Pending(command, answer));
    try {
      String why = closedBecause;
      if (why != null) {
        throw new QmpException(command, null, why);
      }
      send(command, msg);
      JsonNode r = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      JsonNode err = r.get("error");
      if (err != null) {
        throw new QmpException(
            command, err.path("class").asText("GenericError"), err.path("desc").asText());
      }
      return r.path("return");
    } catch (TimeoutException e) {
      throw new QmpException(command, "no answer within " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QmpException(command, "interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof QmpException q
          ? new QmpException(command, null, q.description())
          : new QmpException(command, String.valueOf(e.getCause()), e.getCause());
    } finally {
      pending.remove(id);
    }
  }

  private void send(String command, ObjectNode msg) {
    byte[] line;
    try {
      line = (JSON.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new QmpException(command, "arguments do not serialize: " + e.getMessage(), e);
    }
    writeLock.lock();
    try {
      ByteBuffer b = ByteBuffer.wrap(line);
      while (b.hasRemaining()) {
        channel.write(b);
      }
    } catch (IOException e) {
      throw new QmpException(command, "cannot send: " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * A future for the next event named {@code event}: register it before the command that causes the
   * event, then wait on it.
   */
  CompletableFuture<JsonNode> nextEvent(String event) {
    EventWaiter w = new EventWaiter(event, new CompletableFuture<>());
    waiters.add(w);
    w.future().whenComplete((v, e) -> waiters.remove(w));
    return w.future();
  }

  /** Calls {@code l} with every event (on the reader thread: it must not block). */
  void onEvent(Consumer<JsonNode> l) {
    listeners.add(l);
  }

  /** Whether the connection is still up. */
  boolean isOpen() {
    return closedBecause == null;
  }

  private void readLoop() {
    String why = "QEMU closed the QMP connection";
    try {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        dispatch(JSON.readTree(line));
      }
    } catch (IOException e) {
      why = "QMP connection lost: " + e.getMessage();
    } finally {
      closedBecause = why;
      QmpException gone = new QmpException("(connection)", null, why);
      pending.values().forEach(p -> p.answer().completeExceptionally(gone));
      waiters.forEach(w -> w.future().completeExceptionally(gone));
    }
  }

  private void dispatch(JsonNode msg) {
    if (msg.has("event")) {
      String name = msg.path("event").asText();
      LOG.log(Level.DEBUG, "QMP event {0}", msg);
      for (Consumer<JsonNode> l : listeners) {
        try {
          l.accept(msg);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "QMP event listener failed", e);
        }
      }
      for (EventWaiter w : waiters) {
        if (w.event().equals(name)) {
          w.future().complete(msg);
        }
      }
      return;
    }
    Pending p = msg.has("id") ? pending.get(msg.path("id").asText()) : null;
    if (p == null) {
      // An answer to no command of ours (e.g. a JSON parse error QEMU reports without an id).
      LOG.log(Level.WARNING, "QMP message matches no command: {0}", msg);
      return;
    }
    p.answer().complete(msg);
  }

  /** Waits up to {@code d} for {@code f}; false on timeout. */
  static boolean await(CompletableFuture<JsonNode> f, Duration d) {
    try {
      f.get(d.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "closing the QMP socket", e);
    }
  }
}
