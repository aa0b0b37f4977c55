/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves one request for a file: validation (method, token, existence, conditionals, ranges) all
 * happens before the first byte; the body is written as {@link DefaultFileRegion}s (sendfile). With
 * the native transport, TCP_CORK is held while headers and body are written so they leave in full
 * segments, as nginx's {@code tcp_nopush} does.
 */
final class FileHandler extends SimpleChannelInboundHandler<HttpObject> {

  private static final System.Logger LOG = System.getLogger(FileHandler.class.getName());
  private static final String MEDIA_TYPE = "application/octet-stream";

  /** Where media look-ups that may block (database, a medium made again) run. */
  private static final ExecutorService LOOKUPS = Executors.newVirtualThreadPerTaskExecutor();

  private final Resolver resolver;
  private final OpenFiles files;
  private final boolean cork;
  // A media look-up is running off the event loop: reads are paused and requests that were
  // already decoded wait here, so that answers keep the order of requests.
  private boolean looking;
  private final ArrayDeque<HttpRequest> queued = new ArrayDeque<>();
  // The request being answered is HTTP/1.0 with keep-alive (one handler per channel, one request
  // at a time).
  private boolean keepAlive10;

  FileHandler(Resolver resolver, OpenFiles files, boolean cork) {
    this.resolver = resolver;
    this.files = files;
    this.cork = cork;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) throws IOException {
    if (!(msg instanceof HttpRequest req)) {
      return;
    }
    if (looking) {
      queued.add(req);
      return;
    }
    request(ctx, req);
  }

  private void request(ChannelHandlerContext ctx, HttpRequest req) throws IOException {
    keepAlive10 = false;
    if (req.decoderResult().isFailure()) {
      sendStatus(ctx, HttpResponseStatus.BAD_REQUEST, false);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    // An HTTP/1.0 client keeps the connection only when the answer says so (Netty does not).
    keepAlive10 = keepAlive && req.protocolVersion().equals(HttpVersion.HTTP_1_0);
    boolean head = req.method().equals(HttpMethod.HEAD);
    if (!head && !req.method().equals(HttpMethod.GET)) {
      FullHttpResponse r = empty(HttpResponseStatus.METHOD_NOT_ALLOWED);
      r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      finish(ctx, ctx.writeAndFlush(r), keepAlive);
      return;
    }
    String uri = req.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    if (path.startsWith("/media/")) {
      media(ctx, req, path, head, keepAlive);
      return;
    }
    Optional<Resolver.Target> target = resolver.resolve(path);
    OpenFiles.Open file = target.isEmpty() ? null : files.acquire(target.get().file());
    if (file == null) {
      sendStatus(ctx, HttpResponseStatus.NOT_FOUND, keepAlive);
      return;
    }
    serve(ctx, req, target.get(), file, head, keepAlive);
  }

  /**
   * A medium: served at once when the source knows the path without blocking, else looked up on a
   * virtual thread (reads paused meanwhile) and served back on the event loop.
   */
  private void media(
      ChannelHandlerContext ctx, HttpRequest req, String path, boolean head, boolean keepAlive)
      throws IOException {
    MediaSource source = resolver.media;
    if (source == null) {
      sendStatus(ctx, HttpResponseStatus.NOT_FOUND, keepAlive);
      return;
    }
    // A path the source knows costs one stat here; when its file is gone, the source is asked
    // again (it may make the medium again).
    Path known = source.known(path);
    OpenFiles.Open file = known == null ? null : files.acquire(known);
    if (file != null) {
      serve(ctx, req, new Resolver.Target(known, MEDIA_TYPE, null), file, head, keepAlive);
      return;
    }
    looking = true;
    ctx.channel().config().setAutoRead(false);
    LOOKUPS.execute(
        () -> {
          Path found;
          try {
            found = source.find(path).orElse(null);
          } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "media " + path + ": " + e);
            found = null;
          }
          Path f = found;
          ctx.executor()
              .execute(
                  () -> {
                    try {
                      serveMedium(ctx, req, f, head, keepAlive);
                    } catch (IOException | RuntimeException e) {
                      ctx.close();
                    } finally {
                      looking = false;
                      ctx.channel().config().setAutoRead(true);
                      drain(ctx);
                    }
                  });
        });
  }

  private void drain(ChannelHandlerContext ctx) {
    HttpRequest next;
    while (!looking && ctx.channel().isActive() && (next = queued.poll()) != null) {
      try {
        request(ctx, next);
      } catch (IOException | RuntimeException e) {
        ctx.close();
      }
    }
  }

  private void serveMedium(
      ChannelHandlerContext ctx, HttpRequest req, Path file, boolean head, boolean keepAlive)
      throws IOException {
    OpenFiles.Open open = file == null ? null : files.acquire(file);
    if (open == null) {
      sendStatus(ctx, HttpResponseStatus.NOT_FOUND, keepAlive);
      return;
    }
    serve(ctx, req, new Resolver.Target(file, MEDIA_TYPE, null), open, head, keepAlive);
  }

  /** Answers with {@code file} (acquired for this response: released here). */
  private void serve(
      ChannelHandlerContext ctx,
      HttpRequest req,
      Resolver.Target t,
      OpenFiles.Open file,
      boolean head,
      boolean keepAlive) {
    try {
      serveOpen(ctx, req, t, file, head, keepAlive);
    } finally {
      file.release();
    }
  }

  private void serveOpen(
      ChannelHandlerContext ctx,
      HttpRequest req,
      Resolver.Target t,
      OpenFiles.Open file,
      boolean head,
      boolean keepAlive) {
    long size = file.size;
    long mtimeSeconds = file.mtimeSeconds;
    String etag = t.etag() != null ? "\"" + t.etag() + "\"" : file.etag;
    HttpHeaders in = req.headers();
    if (notModified(in, etag, mtimeSeconds)) {
      FullHttpResponse r = empty(HttpResponseStatus.NOT_MODIFIED);
      r.headers().set(HttpHeaderNames.ETAG, etag);
      finish(ctx, ctx.writeAndFlush(r), keepAlive);
      return;
    }
    String range = in.get(HttpHeaderNames.RANGE);
    String ifRange = in.get(HttpHeaderNames.IF_RANGE);
    if (range != null
        && ifRange != null
        && !ifRange.equals(etag)
        && !sameDate(ifRange, mtimeSeconds)) {
      range = null;
    }
    ByteRange.Parsed parsed = ByteRange.parse(range, size);
    HttpResponse r;
    List<Object> body = new ArrayList<>();
    switch (parsed) {
      case ByteRange.Unsatisfiable u -> {
        FullHttpResponse f = empty(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
        f.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
        common(f.headers(), etag, file.lastModified);
        finish(ctx, ctx.writeAndFlush(f), keepAlive);
        return;
      }
      case ByteRange.Whole w -> {
        r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, t.contentType());
        HttpUtil.setContentLength(r, size);
        if (size > 0) {
          body.add(file.region(0, size));
        }
      }
      case ByteRange.Ranges rs when rs.ranges().size() == 1 -> {
        ByteRange br = rs.ranges().get(0);
        r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, t.contentType());
        r.headers()
            .set(
                HttpHeaderNames.CONTENT_RANGE,
                "bytes " + br.first() + "-" + br.last() + "/" + size);
        HttpUtil.setContentLength(r, br.length());
        body.add(file.region(br.first(), br.length()));
      }
      case ByteRange.Ranges rs -> {
        String boundary = UUID.randomUUID().toString().replace("-", "");
        r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "multipart/byteranges; boundary=" + boundary);
        long total = 0;
        for (ByteRange br : rs.ranges()) {
          ByteBuf part =
              ascii(
                  "\r\n--"
                      + boundary
                      + "\r\nContent-Type: "
                      + t.contentType()
                      + "\r\nContent-Range: bytes "
                      + br.first()
                      + "-"
                      + br.last()
                      + "/"
                      + size
                      + "\r\n\r\n");
          total += part.readableBytes() + br.length();
          body.add(part);
          body.add(file.region(br.first(), br.length()));
        }
        ByteBuf end = ascii("\r\n--" + boundary + "--\r\n");
        total += end.readableBytes();
        body.add(end);
        HttpUtil.setContentLength(r, total);
      }
    }
    common(r.headers(), etag, file.lastModified);
    if (!keepAlive) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (keepAlive10) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    if (head) {
      body.forEach(io.netty.util.ReferenceCountUtil::release);
      body.clear();
    }
    corked(ctx, true);
    ctx.write(r);
    for (Object o : body) {
      ctx.write(o);
    }
    ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    last.addListener(f -> corked(ctx, false));
    finish(ctx, last, keepAlive);
  }

  private void corked(ChannelHandlerContext ctx, boolean on) {
    if (cork && ctx.channel().isActive()) {
      ctx.channel().config().setOption(EpollChannelOption.TCP_CORK, on);
    }
  }

  private static boolean notModified(HttpHeaders in, String etag, long mtimeSeconds) {
    String inm = in.get(HttpHeaderNames.IF_NONE_MATCH);
    if (inm != null) {
      for (String e : inm.split(",")) {
        String s = e.strip();
        if (s.equals("*") || s.equals(etag) || s.equals("W/" + etag)) {
          return true;
        }
      }
      return false;
    }
    String ims = in.get(HttpHeaderNames.IF_MODIFIED_SINCE);
    if (ims != null) {
      Date d = DateFormatter.parseHttpDate(ims);
      return d != null && mtimeSeconds <= d.getTime() / 1000;
    }
    return false;
  }

  private static boolean sameDate(String httpDate, long mtimeSeconds) {
    Date d = DateFormatter.parseHttpDate(httpDate);
    return d != null && d.getTime() / 1000 == mtimeSeconds;
  }

  private static void common(HttpHeaders h, String etag, String lastModified) {
    h.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
    h.set(HttpHeaderNames.ETAG, etag);
    h.set(HttpHeaderNames.LAST_MODIFIED, lastModified);
    h.set(HttpHeaderNames.DATE, now());
  }

  /** The Date header's value, formatted once a second rather than per response. */
  private record Now(long second, String value) {}

  private static volatile Now now = new Now(-1, "");

  private static String now() {
    long s = System.currentTimeMillis() / 1000;
    Now n = now;
    if (n.second() != s) {
      n = new Now(s, DateFormatter.format(new Date(s * 1000)));
      now = n;
    }
    return n.value();
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.US_ASCII));
  }

  private FullHttpResponse empty(HttpResponseStatus status) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
    HttpUtil.setContentLength(r, 0);
    if (keepAlive10) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return r;
  }

  private void sendStatus(ChannelHandlerContext ctx, HttpResponseStatus s, boolean keepAlive) {
    finish(ctx, ctx.writeAndFlush(empty(s)), keepAlive);
  }

  private static void finish(ChannelHandlerContext ctx, ChannelFuture f, boolean keepAlive) {
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
