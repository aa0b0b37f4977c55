/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.app;

import dev.plinth.controller.Layout;
import dev.plinth.controller.api.ApiContext;
import dev.plinth.controller.api.ApiV1;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.console.ConsoleRoutes;
import dev.plinth.controller.jobs.BmcDriver;
import dev.plinth.controller.jobs.Engine;
import dev.plinth.controller.jobs.JobMetrics;
import dev.plinth.controller.jobs.JobService;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.jobs.PullRegistry;
import dev.plinth.controller.jobs.RecipeCheck;
import dev.plinth.controller.jobs.RecipeRepositories;
import dev.plinth.controller.jobs.RegistryResolver;
import dev.plinth.controller.jobs.TaskBuilder;
import dev.plinth.controller.jobs.TaskIsos;
import dev.plinth.controller.media.MaintenanceIso;
import dev.plinth.controller.media.MediaFiles;
import dev.plinth.controller.media.MediaRoutes;
import dev.plinth.controller.media.Rebuild;
import dev.plinth.controller.observe.Metrics;
import dev.plinth.controller.security.AdminToken;
import dev.plinth.controller.security.ApiTls;
import dev.plinth.controller.security.Authenticator;
import dev.plinth.controller.security.RegistryAccess;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.server.ControllerServer;
import dev.plinth.controller.store.Database;
import dev.plinth.controller.store.EventStore;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.MachineStore;
import dev.plinth.controller.store.TokenStore;
import dev.plinth.controller.webhook.WebhookRoutes;
import dev.plinth.recipes.ReferenceResolver;
import dev.plinth.registry.dataplane.DataPlane;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The running controller: state, secrets, API, webhooks, media, job engine and HTTP server, started
 * in that order and stopped in reverse.
 */
public final class Controller implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Controller.class.getName());

  /**
   * What varies between serve, demo and tests.
   *
   * @param bmc how to talk to BMCs
   * @param recipes how to validate recipes
   * @param resolver pins image references to digests; null for the controller's own /v2
   * @param routes further routes (the registry at /v2)
   */
  public record Parts(
      BmcDriver bmc,
      RecipeCheck recipes,
      ReferenceResolver resolver,
      JobSettings jobs,
      InstantSource clock,
      List<Consumer<HttpRouting.Builder>> routes) {}

  private final Layout layout;
  private final Database db;
  private final ControllerServer server;
  private final AdminToken admin;
  private final Engine engine;
  private final String baseUrl;
  private final RegistryAccess registryAccess;
  private final MediaFiles media;
  private final boolean mediaOnDataPlane;

  private Controller(
      Layout layout,
      Database db,
      ControllerServer server,
      AdminToken admin,
      Engine engine,
      String baseUrl,
      RegistryAccess registryAccess,
      MediaFiles media,
      boolean mediaOnDataPlane) {
    this.media = media;
    this.mediaOnDataPlane = mediaOnDataPlane;
    this.layout = layout;
    this.registryAccess = registryAccess;
    this.db = db;
    this.server = server;
    this.admin = admin;
    this.engine = engine;
    this.baseUrl = baseUrl;
  }

  /** Starts everything and marks the server ready. */
  public static Controller start(PlinthConfig config, Parts parts) throws IOException {
    Layout layout = new Layout(config.dataDir()).create();
    AdminToken admin = AdminToken.ensure(layout.adminToken(), layout.tmp());
    SecretBox box = SecretBox.load(layout.secretKey(), credential());
    Database db = Database.open(config.databaseUrl(), layout.database());
    try {
      MachineStore machines = new MachineStore(db);
      JobStore jobs = new JobStore(db);
      EventStore events = new EventStore(db);
      TokenStore tokens = new TokenStore(db);
      Authenticator auth = new Authenticator(tokens, parts.clock());
      auth.installBootstrap(admin.token());
      AtomicReference<Engine> engineRef = new AtomicReference<>();
      Runnable wake =
          () -> {
            Engine e = engineRef.get();
            if (e != null) {
              e.wake();
            }
          };
      AtomicReference<ReferenceResolver> resolverRef = new AtomicReference<>(parts.resolver());
      JobService service =
          new JobService(jobs, box, parts.jobs(), parts.clock(), wake, resolverRef::get);
      ApiContext ctx =
          new ApiContext(
              auth,
              machines,
              jobs,
              events,
              tokens,
              service,
              parts.recipes(),
              parts.bmc(),
              box,
              parts.clock());
      List<Consumer<HttpRouting.Builder>> routes = new ArrayList<>(parts.routes());
      routes.add(ApiV1.routes(ctx));
      Metrics metrics = new Metrics();
      JobMetrics jobMetrics = new JobMetrics(metrics.registry(), jobs);
      routes.add(
          new WebhookRoutes(jobs, box, parts.jobs(), parts.clock(), id -> wake.run(), jobMetrics)
              .routes());
      MaintenanceIso maintenance = new MaintenanceIso(config.maintenanceIsoFile());
      if (!maintenance.present()) {
        // Not fatal: the API, registry and media serve; jobs fail at boot with this reason.
        LOG.log(System.Logger.Level.WARNING, maintenance.missing());
      }
      // A BMC may ask this controller for a job another one prepared (several controllers behind
      // one address): the engine's builder makes the same file here.
      Rebuild rebuild =
          (job, name) -> {
            Engine e = engineRef.get();
            return e == null ? java.util.Optional.empty() : e.media().make(job, name);
          };
      routes.add(MediaRoutes.routes(layout, jobs, maintenance, rebuild));
      routes.add(ConsoleRoutes.routes());
      if (config.externalRegistry()) {
        // The embedded registry is off: /v2 says where the registry is.
        routes.add(ExternalRegistryWiring.notice(config.registry().base()));
      }
      ControllerServer server = ControllerServer.start(config, layout, metrics, routes);
      String base =
          config.publicUrl() != null
              ? config.publicUrl()
              : config.scheme() + "://" + config.listen().host() + ":" + server.port();
      // The controller resolves references against its own registry. The public URL is where
      // machines reach it (behind NAT, or 10.0.2.2 from a QEMU guest) and may not route from
      // here; over plain HTTP the listener itself is used. Under TLS the public URL stays: it is
      // the name the certificate carries.
      String self =
          config.publicUrl() != null && !config.tls()
              ? "http://" + loopbackIfWildcard(config.listen().host()) + ":" + server.port()
              : base;
      // With an external registry (registry.url), tags are pinned there and machines pull there.
      PullRegistry pull = ExternalRegistryWiring.pull(config);
      String pullHost = pull.host(java.net.URI.create(base).getAuthority());
      ReferenceResolver resolver =
          parts.resolver() != null
              ? parts.resolver()
              : config.externalRegistry()
                  ? ExternalRegistryWiring.resolver(config)
                  : new RegistryResolver(self, admin.token(), ApiTls.clientContext(config));
      resolverRef.set(resolver);
      // Jobs carry their plan (compiled at submit); the resolver only pins jobs stored without one.
      TaskBuilder tasks = new TaskBuilder(resolver, pullHost, jobs);
      tasks.toolSigningKeys(TaskBuilder.readToolSigningKeys(config.toolSigningKeys()));
      tasks.pullingFrom(pull);
      String owner =
          db.dialect() == Database.Dialect.SQLITE
              // One process owns a SQLite database: a stable owner resumes its jobs at once.
              ? "local"
              : InetAddress.getLocalHost().getHostName() + "-" + UUID.randomUUID();
      Engine engine =
          new Engine(
                  jobs,
                  machines,
                  events,
                  parts.bmc(),
                  box,
                  tasks,
                  layout,
                  parts.jobs(),
                  parts.clock(),
                  owner,
                  base,
                  jobMetrics,
                  maintenance)
              .start();
      engineRef.set(engine);
      LOG.log(System.Logger.Level.INFO, "engine: lease owner " + owner + " on " + db.describe());
      server.markReady();
      return new Controller(
          layout,
          db,
          server,
          admin,
          engine,
          base,
          new RegistryAccess(
              tokens,
              jobs,
              new RecipeRepositories(new TaskIsos(jobs, machines, box, tasks, layout, base)),
              parts.clock()),
          new MediaFiles(layout, jobs, maintenance, rebuild),
          // Plain HTTP without a public URL only: under TLS media stay on HTTPS (a job's media hold
          // its secrets), and behind a proxy or NAT the data plane's port may not be reachable.
          !config.tls()
              && config.publicUrl() == null
              && !"false".equals(System.getenv("PLINTH_MEDIA_ON_DATA_PLANE")));
    } catch (RuntimeException | IOException e) {
      db.close();
      throw e;
    }
  }

  private static String loopbackIfWildcard(String host) {
    return switch (host) {
      case "0.0.0.0", "", "*" -> "127.0.0.1";
      case "::", "[::]" -> "[::1]";
      default -> host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    };
  }

  /** A systemd credential holding the secret key, if the unit passes one. */
  private static Path credential() {
    String dir = System.getenv("CREDENTIALS_DIRECTORY");
    return dir == null ? null : Path.of(dir, "plinth-secret-key");
  }

  public int port() {
    return server.port();
  }

  public String baseUrl() {
    return baseUrl;
  }

  public Layout layout() {
    return layout;
  }

  public AdminToken admin() {
    return admin;
  }

  /**
   * Serves BMC media from the registry's data plane (sendfile) as well, and hands BMCs its URLs
   * from now on, when the controller speaks plain HTTP at its own address (see {@link MediaFiles}).
   * The /media routes here keep answering (URLs handed out before, the dispatcher's task ISO).
   *
   * @return whether BMCs now read media from the data plane
   */
  public boolean serveMediaOn(DataPlane dataPlane) {
    if (!mediaOnDataPlane) {
      return false;
    }
    String host = java.net.URI.create(baseUrl).getHost();
    media.serveOn(dataPlane, "http://" + host + ":" + dataPlane.port());
    LOG.log(
        System.Logger.Level.INFO,
        "media: BMCs read from the data plane at http://" + host + ":" + dataPlane.port());
    return true;
  }

  /** Who may use the registry: API tokens by role, job tokens by recipe (bind it to /v2). */
  public RegistryAccess registryAccess() {
    return registryAccess;
  }

  @Override
  public void close() {
    engine.close();
    server.close();
    db.close();
  }
}
