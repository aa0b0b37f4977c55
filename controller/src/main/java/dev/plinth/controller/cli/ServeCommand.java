/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import dev.plinth.controller.BuildInfo;
import dev.plinth.controller.Layout;
import dev.plinth.controller.app.Controller;
import dev.plinth.controller.app.EmbeddedRegistryResolver;
import dev.plinth.controller.app.RegistryMaintenanceRoutes;
import dev.plinth.controller.config.ConfigException;
import dev.plinth.controller.config.ConfigLoader;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.RecipesModuleCheck;
import dev.plinth.controller.jobs.RedfishBmcDriver;
import dev.plinth.controller.security.AdminToken;
import dev.plinth.controller.security.ApiTls;
import dev.plinth.controller.security.RegistryAccess;
import dev.plinth.controller.store.SqliteNative;
import dev.plinth.registry.Registry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plinth serve}: runs the controller until stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the controller: API, webhooks, media, /v2 registry.")
final class ServeCommand implements Callable<Integer> {

  private static final System.Logger LOG = System.getLogger(ServeCommand.class.getName());

  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Configuration file (YAML), e.g. /etc/plinth/plinth.yaml.")
  Path config;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Control-plane listen address (default 127.0.0.1:8080).")
  String listen;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory (default ./var; \\$STATE_DIRECTORY under systemd).")
  Path data;

  @Option(
      names = "--data-plane-listen",
      paramLabel = "HOST:PORT",
      description = "Data-plane (blob and media bytes) listen address (default: listen port + 1).")
  String dataPlaneListen;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "PEM certificate chain for HTTPS (with --tls-key; config tls.certificate).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM private key for HTTPS (config tls.privateKey).")
  Path tlsKey;

  @Option(
      names = "--allow-plain-http",
      description =
          "Serve plain HTTP on a non-loopback address (config allowPlainHttp: true). Tokens then"
              + " cross the network in clear.")
  boolean allowPlainHttp;

  private static final java.util.concurrent.atomic.AtomicBoolean WARMING =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Starts, once, on another core, what {@code serve} needs whatever its options say: Helidon's
   * service discovery (a classpath-wide metadata scan when routing is first built) and the Redfish
   * driver's JSON mapper (Jackson's class initialization). {@code Main} calls it before picocli
   * parses the command line (picocli's classes are too old for the AOT cache and load from its jar
   * at every start), so the two overlap; {@link #call} calls it too, a no-op then.
   */
  static void warmUp() {
    if (WARMING.compareAndSet(false, true)) {
      Thread.ofPlatform()
          .daemon()
          .name("plinth-serve-warm")
          .start(
              () -> {
                io.helidon.webserver.http.HttpRouting.builder();
                try {
                  Class.forName(
                      RedfishBmcDriver.class.getName(), true, ServeCommand.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                  throw new IllegalStateException(e);
                }
              });
    }
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    warmUp();
    PlinthConfig c = effectiveConfig();
    Layout layout = new Layout(c.dataDir()).create();
    SqliteNative.useCacheIn(layout.nativeLibs());
    AdminToken admin = AdminToken.ensure(layout.adminToken(), layout.tmp());
    // Said before anything listens: once /healthz answers, the operator can find the token.
    var out = spec.commandLine().getOut();
    if (admin.created()) {
      out.println("plinth: created the admin API token in " + layout.adminToken() + " (mode 0600)");
    } else {
      out.println("plinth: admin API token is in " + layout.adminToken());
    }
    out.flush();
    RegistryAccess.Gate access = new RegistryAccess.Gate(admin.token());
    // The registry (storage scan, Netty data plane) starts while the database migrates: on two
    // cores that overlaps most of their class loading, which dominates start-up.
    CompletableFuture<Registry> starting = new CompletableFuture<>();
    Thread.ofPlatform()
        .name("plinth-registry-start")
        .start(
            () -> {
              try {
                // With an external registry (registry.url) the embedded one does not start.
                starting.complete(
                    c.externalRegistry()
                        ? null
                        : RegistryWiring.start(c, layout, access, dataPlaneListen));
              } catch (Throwable t) {
                starting.completeExceptionally(t);
              }
            });
    Controller server;
    try {
      server =
          Controller.start(
              c,
              new Controller.Parts(
                  new RedfishBmcDriver(),
                  new RecipesModuleCheck(),
                  // Submissions pin tags by asking the embedded registry's store in process (no
                  // loopback HEAD per image); an external registry keeps the controller's HTTP one.
                  c.externalRegistry()
                      ? null
                      : new EmbeddedRegistryResolver(() -> started(starting)),
                  EngineSettings.of(c, System.getProperties()),
                  java.time.InstantSource.system(),
                  List.of(
                      r -> mount(started(starting), r),
                      // gc, retain and fsck for admins, by the registry's access rules
                      RegistryMaintenanceRoutes.of(access, () -> started(starting)))));
    } catch (RuntimeException | IOException e) {
      starting.thenAccept(g -> close(g));
      throw e;
    }
    Registry registry = started(starting);
    access.bind(server.registryAccess());
    // BMCs read media from the data plane too (sendfile, as blobs), where the controller allows.
    if (registry != null) {
      registry.dataPlane().ifPresent(server::serveMediaOn);
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  close(registry);
                  stop.countDown();
                },
                "plinth-shutdown"));
    if (c.externalRegistry()) {
      out.println(
          "plinth: registry: external at "
              + c.registry().base()
              + ", pulls as "
              + c.registry().username()
              + " (the embedded /v2 is off)");
    }
    out.printf(
        "plinth %s serving on %s://%s:%d (data: %s)%n",
        BuildInfo.current().version(), c.scheme(), c.listen().host(), server.port(), layout.root());
    out.flush();
    LOG.log(Level.INFO, "ready");
    stop.await();
    return 0;
  }

  /**
   * Mounts the embedded registry's /v2; none with an external registry (the controller's notice).
   */
  private static void mount(Registry g, io.helidon.webserver.http.HttpRouting.Builder r) {
    if (g != null) {
      g.routes().accept(r);
    }
  }

  private static void close(Registry g) {
    if (g != null) {
      g.close();
    }
  }

  private static Registry started(CompletableFuture<Registry> starting) {
    try {
      return starting.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw new java.io.UncheckedIOException(io);
      }
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  PlinthConfig effectiveConfig() {
    try {
      PlinthConfig c = ConfigLoader.load(config, System.getenv());
      if (listen != null) {
        c = c.withListen(Listen.parse(listen));
      }
      if (data != null) {
        c = c.withDataDir(data);
      }
      c = c.withTls(tlsCert, tlsKey);
      if (allowPlainHttp) {
        c = c.withAllowPlainHttp(true);
      }
      // Refused before anything is created or listens.
      c.checkTransport();
      ApiTls.server(c);
      return c;
    } catch (ConfigException | IllegalArgumentException e) {
      throw new UserException(e.getMessage(), e);
    }
  }
}
