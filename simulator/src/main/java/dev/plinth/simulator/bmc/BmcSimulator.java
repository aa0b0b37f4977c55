/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Hosts many simulated BMCs in one process. With one BMC it listens on the given host; with more,
 * BMC {@code i} answers at its own loopback address {@code 127.10.x.y} (all of 127.0.0.0/8 is
 * loopback on Linux) and the server tells them apart by the local address of each connection, so
 * each BMC has a normal URL with {@code /redfish/v1/} at its root. Up to {@link #PER_ADDRESS_LIMIT}
 * BMCs, one HTTP listener per address. Beyond that (the JDK server's dispatcher thread per listener
 * would cost more than the BMCs), each address is still bound on its own, by a {@link
 * LoopbackFanIn} that relays connections to one internal listener on loopback from the BMC's
 * address, and the server tells them apart by the remote address. Either way nothing listens off
 * loopback (or off the one BMC's given host).
 *
 * <pre>{@code
 * try (BmcSimulator sim = BmcSimulator.builder().count(3).flavour(Flavour.DELL).start()) {
 *   URI bmc0 = sim.bmc(0).url();   // http://127.10.0.1:PORT
 * }
 * }</pre>
 */
public final class BmcSimulator implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(BmcSimulator.class.getName());

  /** Most BMCs that get a listener each, on their own loopback address. */
  public static final int PER_ADDRESS_LIMIT = 64;

  private final List<HttpServer> servers = new ArrayList<>();
  private final ExecutorService executor;
  private final List<SimulatedBmc> bmcs;
  private final Map<InetAddress, SimulatedBmc> byAddress;
  private final SelfSignedCertificate certificate;

  /** Beyond {@link #PER_ADDRESS_LIMIT}: the BMCs' addresses, relayed to the one listener. */
  private final LoopbackFanIn fanIn;

  private BmcSimulator(Builder b) throws IOException {
    this.certificate = b.https ? SelfSignedCertificate.generate("plinth-bmcsim") : null;
    InetAddress host = InetAddress.getByName(b.host);
    boolean single = b.count == 1;
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    if (single) {
      listen(new InetSocketAddress(host, b.port));
    } else if (b.count <= PER_ADDRESS_LIMIT) {
      int p = listen(new InetSocketAddress(address(b.firstAddress, 0), b.port));
      for (int i = 1; i < b.count; i++) {
        listen(new InetSocketAddress(address(b.firstAddress, i), p));
      }
    } else {
      listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }
    LoopbackFanIn relay = null;
    if (b.count > PER_ADDRESS_LIMIT) {
      List<InetAddress> all = new ArrayList<>(b.count);
      for (int i = 0; i < b.count; i++) {
        all.add(address(b.firstAddress, i));
      }
      try {
        relay = new LoopbackFanIn(all, b.port, servers.getFirst().getAddress());
      } catch (IOException e) {
        servers.forEach(x -> x.stop(0));
        executor.shutdownNow();
        throw e;
      }
    }
    this.fanIn = relay;
    int port = port();
    String scheme = certificate == null ? "http" : "https";
    List<SimulatedBmc> list = new ArrayList<>(b.count);
    Map<InetAddress, SimulatedBmc> map = new HashMap<>();
    try {
      for (int i = 0; i < b.count; i++) {
        InetAddress a = single ? host : address(b.firstAddress, i);
        Flavour f = b.flavours.get(i % b.flavours.size());
        URI url = URI.create(scheme + "://" + a.getHostAddress() + ":" + port);
        String id = "bmc-" + i;
        Hardware.Identity identity = b.hardware == null ? null : newIdentity();
        Hardware hw = b.hardware == null ? null : b.hardware.create(id, identity);
        SimulatedBmc bmc =
            new SimulatedBmc(
                id, f, url, b.username, b.password, b.faults, b.seed + i, b.listener, hw, identity);
        list.add(bmc);
        map.put(a, bmc);
      }
    } catch (IOException | RuntimeException e) {
      list.forEach(SimulatedBmc::closeHardware);
      if (fanIn != null) {
        fanIn.close();
      }
      servers.forEach(x -> x.stop(0));
      executor.shutdownNow();
      throw e;
    }
    this.bmcs = List.copyOf(list);
    this.byAddress = Map.copyOf(map);
    for (HttpServer x : servers) {
      x.createContext("/", this::serve);
      x.start();
    }
  }

  /** Binds one more listener (not started yet); returns its port. */
  private int listen(InetSocketAddress bind) throws IOException {
    HttpServer x;
    try {
      x = certificate == null ? HttpServer.create(bind, 1024) : HttpsServer.create(bind, 1024);
    } catch (IOException e) {
      servers.forEach(y -> y.stop(0));
      executor.shutdownNow();
      throw e;
    }
    if (x instanceof HttpsServer hs) {
      hs.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
    }
    x.setExecutor(executor);
    servers.add(x);
    return x.getAddress().getPort();
  }

  /** A system serial number and UUID of its own, for a BMC with hardware (SMBIOS shows them). */
  private static Hardware.Identity newIdentity() {
    java.util.UUID uuid = java.util.UUID.randomUUID();
    String serial = "PLINTH-" + uuid.toString().substring(0, 8).toUpperCase(Locale.ROOT);
    return new Hardware.Identity(serial, uuid.toString());
  }

  /** Address of BMC {@code i}: the first address plus {@code i}, inside 127.0.0.0/8. */
  static InetAddress address(InetAddress first, int i) {
    byte[] a = first.getAddress();
    int v = ((a[0] & 0xff) << 24 | (a[1] & 0xff) << 16 | (a[2] & 0xff) << 8 | (a[3] & 0xff)) + i;
    if ((v >>> 24) != 127) {
      throw new IllegalArgumentException("BMC addresses must stay inside 127.0.0.0/8");
    }
    try {
      return InetAddress.getByAddress(
          new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private void serve(HttpExchange ex) throws IOException {
    // Relayed connections come from the BMC's own address; direct ones arrive at it.
    InetAddress at =
        fanIn != null ? ex.getRemoteAddress().getAddress() : ex.getLocalAddress().getAddress();
    SimulatedBmc bmc = bmcs.size() == 1 ? bmcs.get(0) : byAddress.get(at);
    if (bmc == null) {
      // A connection from or to an address no BMC owns: hang up.
      ex.close();
      throw new IOException("no simulated BMC at " + ex.getLocalAddress());
    }
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    Map<String, String> headers = new HashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
    SimulatedBmc.Request req =
        new SimulatedBmc.Request(
            ex.getRequestMethod(), ex.getRequestURI().getRawPath(), headers, body);
    Replies r = bmc.handle(req);
    if (r == Replies.DROP) {
      // Injected fault: close the connection without an answer.
      throw new IOException("dropped (injected fault)");
    }
    r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    if ("close".equalsIgnoreCase(headers.get("connection"))) {
      // The JDK server closes such connections but does not say so; clients that pool
      // connections (python-requests, so sushy) would reuse the dead socket.
      ex.getResponseHeaders().set("Connection", "close");
    }
    boolean noBody = r.body().length == 0 || "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(r.status(), noBody ? -1 : r.body().length);
    if (!noBody) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.body());
      }
    }
    ex.close();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every simulated BMC, in index order. */
  public List<SimulatedBmc> bmcs() {
    return bmcs;
  }

  public SimulatedBmc bmc(int i) {
    return bmcs.get(i);
  }

  public int port() {
    return fanIn != null ? fanIn.port() : servers.getFirst().getAddress().getPort();
  }

  /**
   * Where the simulator takes connections: each BMC's own address (beyond the limit, plus the
   * internal listener on loopback that the fan-in relays to).
   */
  public List<InetSocketAddress> listening() {
    List<InetSocketAddress> out = new ArrayList<>();
    if (fanIn != null) {
      out.addAll(fanIn.listening());
    }
    servers.stream().map(HttpServer::getAddress).forEach(out::add);
    return out;
  }

  /** The self-signed certificate served over HTTPS, or null for plain HTTP. */
  public SelfSignedCertificate certificate() {
    return certificate;
  }

  @Override
  public void close() {
    if (fanIn != null) {
      fanIn.close();
    }
    servers.forEach(x -> x.stop(0));
    executor.shutdownNow();
    // Each machine stops on its own thread: a QEMU that does not quit costs its timeout once.
    List<Thread> stopping = new ArrayList<>();
    for (SimulatedBmc b : bmcs) {
      if (b.hardware() != null) {
        stopping.add(Thread.ofVirtual().name("bmcsim-close-" + b.id()).start(b::closeHardware));
      }
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    LOG.log(System.Logger.Level.DEBUG, "simulator stopped");
  }

  /** Settings of a simulator. */
  public static final class Builder {
    private int count = 1;
    private List<Flavour> flavours = List.of(Flavour.GENERIC);
    private String host = "127.0.0.1";
    private InetAddress firstAddress;
    private int port;
    private boolean https;
    private String username = "admin";
    private String password = "password";
    private Faults faults = Faults.NONE;
    private long seed = 1;
    private BootListener listener = BootListener.NONE;
    private Hardware.Factory hardware;

    private Builder() {
      try {
        firstAddress = InetAddress.getByName("127.10.0.1");
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }

    /** How many BMCs (default 1). */
    public Builder count(int n) {
      if (n < 1 || n > 60000) {
        throw new IllegalArgumentException("count must be between 1 and 60000");
      }
      count = n;
      return this;
    }

    /** Every BMC answers like {@code f}. */
    public Builder flavour(Flavour f) {
      flavours = List.of(f);
      return this;
    }

    /** BMC {@code i} answers like {@code fs.get(i % fs.size())}. */
    public Builder flavours(List<Flavour> fs) {
      if (fs.isEmpty()) {
        throw new IllegalArgumentException("no flavour");
      }
      flavours = List.copyOf(fs);
      return this;
    }

    /** Listen host for a single BMC (default 127.0.0.1). */
    public Builder host(String h) {
      host = Objects.requireNonNull(h);
      return this;
    }

    /** First loopback address when there are several BMCs (default 127.10.0.1). */
    public Builder firstAddress(String a) {
      try {
        firstAddress = InetAddress.getByName(a);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(e);
      }
      return this;
    }

    /** Port (default 0: any free port). */
    public Builder port(int p) {
      port = p;
      return this;
    }

    /** HTTPS with a freshly generated self-signed certificate. */
    public Builder https(boolean b) {
      https = b;
      return this;
    }

    /** The account every BMC accepts. */
    public Builder credentials(String user, String pass) {
      username = Objects.requireNonNull(user);
      password = Objects.requireNonNull(pass);
      return this;
    }

    /** Faults of every BMC at start (each can be changed later). */
    public Builder faults(Faults f) {
      faults = Objects.requireNonNull(f);
      return this;
    }

    /** Seed of the fault dice (BMC {@code i} uses {@code seed + i}). */
    public Builder seed(long s) {
      seed = s;
      return this;
    }

    /** Called when a simulated server boots from virtual CD. */
    public Builder bootListener(BootListener l) {
      listener = Objects.requireNonNull(l);
      return this;
    }

    /**
     * Puts a machine behind every BMC (e.g. {@code QemuBmcOptions.defaults(dir).factory()}: one
     * QEMU VM per BMC), created at start and closed with the simulator. Null (the default)
     * simulates the machines in memory.
     */
    public Builder hardware(Hardware.Factory f) {
      hardware = f;
      return this;
    }

    public BmcSimulator start() {
      try {
        return new BmcSimulator(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the BMC simulator: " + e.getMessage(), e);
      }
    }
  }
}
