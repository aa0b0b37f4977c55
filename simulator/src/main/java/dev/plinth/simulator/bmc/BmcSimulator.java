/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Hosts many simulated BMCs in one process. With one BMC it listens on the given host; with more,
 * BMC {@code i} answers at its own loopback address {@code 127.10.x.y} (all of 127.0.0.0/8 is
 * loopback on Linux), all on one port, so each BMC has a normal URL with {@code /redfish/v1/} at
 * its root. Each address is bound on its own (never the wildcard) by {@link BmcHttpServer}, which
 * costs a parked virtual thread per BMC and per open connection, so nothing listens off loopback
 * (or off the one BMC's given host).
 *
 * <pre>{@code
 * try (BmcSimulator sim = BmcSimulator.builder().count(3).flavour(Flavour.DELL).start()) {
 *   URI bmc0 = sim.bmc(0).url();   // http://127.10.0.1:PORT
 * }
 * }</pre>
 */
public final class BmcSimulator implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(BmcSimulator.class.getName());

  /**
   * Up to this many BMCs the JDK's HTTP server, which the simulator used before {@link
   * BmcHttpServer}, had a listener per address; beyond it a relay. Kept for tests that cross it:
   * every BMC now has its own listener, however many there are.
   */
  public static final int PER_ADDRESS_LIMIT = 64;

  private final BmcHttpServer server;
  private final List<SimulatedBmc> bmcs;
  private final SelfSignedCertificate certificate;
  private final int port;

  private BmcSimulator(Builder b) throws IOException {
    this.certificate = b.https ? SelfSignedCertificate.generate("plinth-bmcsim") : null;
    InetAddress host = InetAddress.getByName(b.host);
    boolean single = b.count == 1;
    List<InetAddress> addresses = new ArrayList<>(b.count);
    for (int i = 0; i < b.count; i++) {
      addresses.add(single ? host : address(b.firstAddress, i));
    }
    BmcHttpServer bound = null;
    int p = b.port;
    for (int attempt = 1; bound == null; attempt++) {
      BmcHttpServer x = new BmcHttpServer(certificate == null ? null : certificate.serverContext());
      try {
        p = b.port;
        for (InetAddress a : addresses) {
          p = x.bind(new InetSocketAddress(a, p));
        }
        bound = x;
      } catch (java.net.BindException e) {
        x.close();
        // The free port of the first address can be taken on another one (another simulator in
        // this machine uses the same addresses): with any port allowed, take another.
        if (b.port != 0 || attempt == 20) {
          throw e;
        }
      } catch (IOException e) {
        x.close();
        throw e;
      }
    }
    this.server = bound;
    this.port = p;
    String scheme = certificate == null ? "http" : "https";
    List<SimulatedBmc> list = new ArrayList<>(b.count);
    try {
      for (int i = 0; i < b.count; i++) {
        InetAddress a = addresses.get(i);
        Flavour f = b.flavours.get(i % b.flavours.size());
        URI url = URI.create(scheme + "://" + a.getHostAddress() + ":" + port);
        String id = "bmc-" + i;
        Hardware.Identity identity = b.hardware == null ? null : newIdentity();
        Hardware hw = b.hardware == null ? null : b.hardware.create(id, identity);
        list.add(
            new SimulatedBmc(
                id,
                f,
                url,
                b.username,
                b.password,
                b.faults,
                b.seed + i,
                b.listener,
                hw,
                identity));
      }
    } catch (IOException | RuntimeException e) {
      list.forEach(SimulatedBmc::closeHardware);
      server.close();
      throw e;
    }
    this.bmcs = List.copyOf(list);
    for (int i = 0; i < bmcs.size(); i++) {
      server.start(i, bmcs.get(i)::handle);
    }
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
    return port;
  }

  /** Where the simulator takes connections: each BMC's own address. */
  public List<InetSocketAddress> listening() {
    return server.addresses();
  }

  /** The self-signed certificate served over HTTPS, or null for plain HTTP. */
  public SelfSignedCertificate certificate() {
    return certificate;
  }

  @Override
  public void close() {
    server.close();
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
