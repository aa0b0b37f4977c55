/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.dataplane;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The Netty implementation of {@link DataPlane}. */
final class NettyDataPlane implements DataPlane {

  private static final System.Logger LOG = System.getLogger(NettyDataPlane.class.getName());

  /**
   * The largest socket read, in bytes ({@code -Dplinth.dataplane.maxReadBytes}, for benchmarks).
   */
  static final int MAX_READ = Integer.getInteger("plinth.dataplane.maxReadBytes", 1 << 20);

  /** A published file. */
  record Published(String name, Path file, String contentType) {}

  private final EventLoopGroup group;
  private final Channel server;
  private final boolean nativeTransport;
  private final UrlSigner signer;
  private final List<Path> roots;
  private final ConcurrentHashMap<String, Published> published;
  private final UploadReceiver.Uploads uploads;
  private final Resolver resolver;
  private final OpenFiles files;

  private NettyDataPlane(
      EventLoopGroup group,
      Channel server,
      boolean nativeTransport,
      UrlSigner signer,
      List<Path> roots,
      ConcurrentHashMap<String, Published> published,
      UploadReceiver.Uploads uploads,
      Resolver resolver,
      OpenFiles files) {
    this.resolver = resolver;
    this.files = files;
    this.published = published;
    this.uploads = uploads;
    this.group = group;
    this.server = server;
    this.nativeTransport = nativeTransport;
    this.signer = signer;
    this.roots = roots;
  }

  // RCVBUF_ALLOCATOR is deprecated in Netty 4.2 and still the way to size the epoll reads.
  @SuppressWarnings("deprecation")
  static DataPlane start(DataPlane.Builder b) {
    byte[] key = b.key;
    if (key == null) {
      key = new byte[32];
      new SecureRandom().nextBytes(key);
    }
    boolean nativeTransport = b.allowNative && Epoll.isAvailable();
    IoHandlerFactory io = nativeTransport ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channel =
        nativeTransport ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(b.threads, io);
    UrlSigner signer = new UrlSigner(key);
    List<Path> roots = List.copyOf(b.roots);
    ConcurrentHashMap<String, Published> pub = new ConcurrentHashMap<>();
    Resolver resolver = new Resolver(signer, roots, pub);
    UploadReceiver.Uploads uploads = new UploadReceiver.Uploads(signer);
    OpenFiles files = new OpenFiles();
    // Files kept open between requests are closed once idle (a removed medium's blocks come back).
    group
        .next()
        .scheduleAtFixedRate(
            files::sweep, OpenFiles.IDLE_NANOS, OpenFiles.IDLE_NANOS / 2, TimeUnit.NANOSECONDS);
    try {
      Channel ch =
          new ServerBootstrap()
              .group(group)
              .channel(channel)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              // Socket reads of up to MAX_READ (Netty's default stops at 64 KiB): an upload body
              // then costs fewer reads, positional writes and hand-offs to the hashing thread.
              .childOption(
                  ChannelOption.RCVBUF_ALLOCATOR,
                  new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ))
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                      c.pipeline()
                          // bodies arrive as slices of up to 1 MiB (the default 8 KiB cuts
                          // each 64 KiB socket read into eight)
                          .addLast(
                              new HttpServerCodec(new HttpDecoderConfig().setMaxChunkSize(1 << 20)))
                          .addLast(new UploadReceiver(uploads))
                          .addLast(new FileHandler(resolver, files, nativeTransport));
                    }
                  })
              .bind(new InetSocketAddress(b.host, b.port))
              .syncUninterruptibly()
              .channel();
      NettyDataPlane dp =
          new NettyDataPlane(
              group, ch, nativeTransport, signer, roots, pub, uploads, resolver, files);
      LOG.log(
          System.Logger.Level.INFO,
          "data plane on {0}:{1,number,#} ({2})",
          b.host,
          dp.port(),
          nativeTransport ? "epoll, sendfile" : "nio");
      return dp;
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  @Override
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public boolean nativeTransport() {
    return nativeTransport;
  }

  @Override
  public String sign(Path file, String contentType, String etag, Duration ttl) {
    Path f = file.toAbsolutePath().normalize();
    if (!Resolver.under(roots, f)) {
      throw new IllegalArgumentException("not under a data-plane root: " + f);
    }
    long exp = Instant.now().plus(ttl).getEpochSecond();
    return "/s/" + signer.sign(new UrlSigner.Grant(exp, contentType, etag, f));
  }

  @Override
  public String signUpload(String grant, Duration ttl) {
    return "/u/" + signer.signUpload(grant, Instant.now().plus(ttl).getEpochSecond());
  }

  @Override
  public void receiveUploads(UploadHandler handler) {
    uploads.handler = handler;
  }

  @Override
  public String publish(String token, String name, Path file, String contentType) {
    if (token.length() < 22 || !token.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("a published token needs >= 128 bits, URL-safe");
    }
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("invalid file name " + name);
    }
    published.put(token, new Published(name, file.toAbsolutePath().normalize(), contentType));
    return "/m/" + token + "/" + name;
  }

  @Override
  public void serveMedia(MediaSource source) {
    resolver.media = source;
  }

  @Override
  public void unpublish(String token) {
    published.remove(token);
  }

  @Override
  public Optional<Path> published(String token) {
    return Optional.ofNullable(published.get(token)).map(Published::file);
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    files.clear();
  }
}
