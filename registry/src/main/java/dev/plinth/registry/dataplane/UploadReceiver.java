/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receives upload bodies at {@code /u/TOKEN} and passes every other request on. The body's slices
 * (Netty's direct buffers, as read from the socket) are written to the file on the event loop with
 * positional writes, then handed to a hashing thread that updates the digest from the same memory
 * and releases them: the bytes are copied once from the socket and once into the page cache, and
 * the hash runs beside the socket reads and file writes. A flush ({@code fdatasync}) runs in the
 * background every {@link #FLUSH_EVERY} bytes, so the fsync before the answer has little left.
 * Reads pause while more than {@link #HIGH_WATER} bytes wait for the hash.
 *
 * <p>One instance per channel; requests on a channel are answered in order.
 */
final class UploadReceiver extends ChannelInboundHandlerAdapter {

  private static final System.Logger LOG = System.getLogger(UploadReceiver.class.getName());
  static final long FLUSH_EVERY = 64L << 20;
  static final long HIGH_WATER = 16L << 20;
  static final long LOW_WATER = 4L << 20;
  private static final ExecutorService WORKERS = Executors.newVirtualThreadPerTaskExecutor();
  private static final ExecutorService HASHERS =
      Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("dp-hash-", 0).factory());
  private static final ByteBuf END = Unpooled.EMPTY_BUFFER;

  /**
   * Logs each body's phases (received, hashed, background flush settled, completed: the fsync and
   * the move into the blob store) at INFO: {@code -Dplinth.dataplane.uploadTimings=true}
   * (bench/registry/run.sh sets it).
   */
  private static final boolean TIMINGS = Boolean.getBoolean("plinth.dataplane.uploadTimings");

  /** Shared by every channel: the signer and the handler set after start. */
  static final class Uploads {
    final UrlSigner signer;
    volatile UploadHandler handler;

    Uploads(UrlSigner signer) {
      this.signer = signer;
    }
  }

  private final Uploads uploads;
  private Upload current;

  UploadReceiver(Uploads uploads) {
    this.uploads = uploads;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (current == null) {
      if (msg instanceof HttpRequest req && req.uri().startsWith("/u/")) {
        begin(ctx, req);
        if (msg instanceof HttpContent c) {
          current.content(c);
        }
        return;
      }
      ctx.fireChannelRead(msg);
      return;
    }
    if (msg instanceof HttpContent c) {
      current.content(c);
    } else {
      // a pipelined request while an upload is answered: not supported, close
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (current != null) {
      current.gone();
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (current != null) {
      current.gone();
    }
    ctx.close();
  }

  private void begin(ChannelHandlerContext ctx, HttpRequest req) {
    QueryStringDecoder q = new QueryStringDecoder(req.uri());
    String path = q.path();
    String token = path.substring(3);
    UploadHandler h = uploads.handler;
    Optional<String> grant =
        h == null || req.decoderResult().isFailure()
            ? Optional.empty()
            : uploads.signer.verifyUpload(token, Instant.now().getEpochSecond());
    Map<String, String> query = new LinkedHashMap<>();
    q.parameters().forEach((k, v) -> query.put(k, v.isEmpty() ? "" : v.get(0)));
    String host = req.headers().get(HttpHeaderNames.HOST);
    String self = host == null ? path : "http://" + host + path;
    current = new Upload(ctx, req, h, grant.orElse(null), self, query);
    current.start();
  }

  /** One request at an upload URL, from its head to its answer. */
  private final class Upload {
    final ChannelHandlerContext ctx;
    final Channel ch;
    final HttpRequest req;
    final UploadHandler handler;
    final String grant;
    final String self;
    final Map<String, String> query;
    final boolean keepAlive;
    final boolean withBody;
    final CompletableFuture<Void> bodyDone = new CompletableFuture<>();
    // event-loop state
    final ArrayDeque<HttpContent> early = new ArrayDeque<>();
    // Set on the event loop once the early slices are consumed: until then every slice queues, so
    // that slices decoded from one socket read while the worker opens the target (a 1 MiB read
    // holds many) are written and hashed in order.
    boolean opened;
    volatile UploadHandler.Target target;
    volatile boolean failed;
    volatile boolean tooLarge;
    boolean last;
    volatile long written;
    long flushedAt;
    volatile CompletableFuture<Void> flushing = CompletableFuture.completedFuture(null);
    // shared with the hashing thread
    final LinkedBlockingQueue<ByteBuf> toHash = new LinkedBlockingQueue<>();
    final AtomicLong queued = new AtomicLong();
    volatile boolean paused;

    Upload(
        ChannelHandlerContext ctx,
        HttpRequest req,
        UploadHandler handler,
        String grant,
        String self,
        Map<String, String> query) {
      this.ctx = ctx;
      this.ch = ctx.channel();
      this.req = req;
      this.handler = handler;
      this.grant = grant;
      this.self = self;
      this.query = query;
      this.keepAlive = HttpUtil.isKeepAlive(req);
      HttpMethod m = req.method();
      this.withBody = m.equals(HttpMethod.PUT) || m.equals(HttpMethod.PATCH);
    }

    void start() {
      if (grant == null) {
        last = true; // nothing more is read; the answer closes the connection
        respond(new UploadHandler.Answer(404, Map.of(), new byte[0]), true);
        return;
      }
      ch.config().setAutoRead(false);
      WORKERS.execute(withBody ? this::receive : this::answerOnly);
    }

    /** Event loop: a slice of the body (or the end of it). */
    void content(HttpContent c) {
      if (c instanceof LastHttpContent) {
        last = true;
      }
      if (grant == null || !withBody) {
        c.release();
        if (last && !withBody) {
          bodyDone.complete(null);
        }
        return;
      }
      if (!opened) {
        early.add(c);
        return;
      }
      consume(c);
    }

    private void consume(HttpContent c) {
      ByteBuf buf = c.content();
      int n = buf.readableBytes();
      boolean isLast = c instanceof LastHttpContent;
      if (failed || n == 0) {
        c.release();
      } else if (written + n > target.limit()) {
        c.release();
        tooLarge = true;
        fail(new IOException("body larger than " + target.limit() + " bytes"));
      } else {
        try {
          FileChannel fc = target.channel();
          long pos = target.start() + written;
          ByteBuffer nio = buf.nioBuffer();
          while (nio.hasRemaining()) {
            pos += fc.write(nio, pos);
          }
          written += n;
          if (target.digest() != null) {
            toHash.add(buf); // the hashing thread releases it
            if (queued.addAndGet(n) > HIGH_WATER && !paused) {
              paused = true;
              ch.config().setAutoRead(false);
              if (queued.get() < LOW_WATER) { // the hasher caught up meanwhile
                paused = false;
                ch.config().setAutoRead(true);
              }
            }
          } else {
            c.release();
          }
          if (written - flushedAt >= FLUSH_EVERY && flushing.isDone()) {
            flushedAt = written;
            flushing = CompletableFuture.runAsync(() -> force(fc), WORKERS);
          }
        } catch (IOException | RuntimeException e) {
          c.release();
          fail(e);
        }
      }
      if (isLast && !failed) {
        ch.config().setAutoRead(false); // the next request waits for this answer
        bodyDone.complete(null);
      }
    }

    private void fail(Throwable e) {
      failed = true;
      bodyDone.completeExceptionally(e);
    }

    /** Event loop: the connection closed. */
    void gone() {
      if (!last || !bodyDone.isDone()) {
        fail(new ClosedChannelException());
      }
      for (HttpContent c; (c = early.poll()) != null; ) {
        c.release();
      }
    }

    /** Worker: open, receive, complete, answer. */
    private void receive() {
      long length = HttpUtil.getContentLength(req, -1L);
      try {
        target =
            handler.open(
                grant,
                req.method().name(),
                self,
                query,
                length,
                req.headers().get(HttpHeaderNames.CONTENT_RANGE));
      } catch (UploadHandler.Rejected r) {
        respond(r.answer(), true);
        return;
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "upload open failed", e);
        respond(new UploadHandler.Answer(500, Map.of(), new byte[0]), true);
        return;
      }
      MessageDigest md = target.digest();
      CompletableFuture<Void> hashed =
          md == null
              ? CompletableFuture.completedFuture(null)
              : CompletableFuture.runAsync(() -> hashAll(md), HASHERS);
      ch.eventLoop()
          .execute(
              () -> {
                if (HttpUtil.is100ContinueExpected(req) && !failed) {
                  ctx.writeAndFlush(
                      new DefaultFullHttpResponse(
                          HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
                }
                for (HttpContent c; (c = early.poll()) != null; ) {
                  consume(c);
                }
                opened = true;
                if (!last && !failed) {
                  ch.config().setAutoRead(true);
                }
              });
      long t0 = System.nanoTime();
      Throwable failure = null;
      try {
        bodyDone.get();
      } catch (ExecutionException e) {
        failure = e.getCause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = e;
      }
      long received = System.nanoTime();
      toHash.add(END);
      failure = settle(hashed, failure);
      long hashDone = System.nanoTime();
      failure = settle(flushing, failure);
      long flushDone = System.nanoTime();
      UploadHandler.Answer a;
      long w = written;
      if (failure == null) {
        try {
          a = target.complete(w);
        } catch (IOException | RuntimeException e) {
          a = target.fail(w, e, false);
          respond(a, true);
          return;
        }
        if (TIMINGS) {
          long done = System.nanoTime();
          LOG.log(
              System.Logger.Level.INFO,
              String.format(
                  "upload timings: %d bytes, body %.3f s, then hash +%.3f s, background flush"
                      + " +%.3f s, complete (fsync, commit) +%.3f s",
                  w,
                  (received - t0) / 1e9,
                  (hashDone - received) / 1e9,
                  (flushDone - hashDone) / 1e9,
                  (done - flushDone) / 1e9));
        }
        respond(a, false);
      } else {
        a = target.fail(w, failure, tooLarge);
        respond(a, true);
      }
    }

    /** Worker: a request without a body. */
    private void answerOnly() {
      UploadHandler.Answer a;
      try {
        a = handler.answer(grant, req.method().name(), self);
      } catch (UploadHandler.Rejected r) {
        a = r.answer();
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "upload request failed", e);
        a = new UploadHandler.Answer(500, Map.of(), new byte[0]);
      }
      UploadHandler.Answer answer = a;
      ch.eventLoop().execute(() -> ch.config().setAutoRead(true));
      try {
        bodyDone.get();
        respond(answer, false);
      } catch (ExecutionException | InterruptedException e) {
        respond(answer, true);
      }
    }

    private void hashAll(MessageDigest md) {
      try {
        for (ByteBuf b = toHash.take(); b != END; b = toHash.take()) {
          try {
            md.update(b.nioBuffer());
          } finally {
            int n = b.readableBytes();
            b.release();
            if (queued.addAndGet(-n) < LOW_WATER && paused) {
              paused = false;
              resume();
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        drain();
        throw new IllegalStateException(e);
      } catch (RuntimeException e) {
        drain();
        throw e;
      }
    }

    private void resume() {
      try {
        ch.eventLoop()
            .execute(
                () -> {
                  if (!last && !failed) {
                    ch.config().setAutoRead(true);
                  }
                });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // shutting down
      }
    }

    private void drain() {
      for (ByteBuf b; (b = toHash.poll()) != null; ) {
        if (b != END) {
          b.release();
        }
      }
    }

    private Throwable settle(CompletableFuture<Void> f, Throwable failure) {
      try {
        f.get();
      } catch (ExecutionException e) {
        return failure != null ? failure : e.getCause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return failure != null ? failure : e;
      }
      return failure;
    }

    /** Any thread: sends the answer; closes unless the whole request was read and kept alive. */
    private void respond(UploadHandler.Answer a, boolean forceClose) {
      try {
        ch.eventLoop().execute(() -> send(a, forceClose));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // shutting down
      }
    }

    private void send(UploadHandler.Answer a, boolean forceClose) {
      boolean close = forceClose || !keepAlive || !last;
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(a.status()),
              Unpooled.wrappedBuffer(a.body()));
      a.headers().forEach((k, v) -> r.headers().set(k, v));
      HttpUtil.setContentLength(r, a.body().length);
      if (close) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      } else if (req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      for (HttpContent c; (c = early.poll()) != null; ) {
        c.release();
      }
      current = null;
      if (!ch.isActive()) {
        r.release();
        return;
      }
      var f = ctx.writeAndFlush(r);
      if (close) {
        f.addListener(ChannelFutureListener.CLOSE);
      } else {
        ch.config().setAutoRead(true);
      }
    }
  }

  private static void force(FileChannel fc) {
    try {
      fc.force(false);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
