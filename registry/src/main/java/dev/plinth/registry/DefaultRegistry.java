/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.Reference;
import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.auth.Authenticator;
import dev.plinth.registry.auth.TokenSigner;
import dev.plinth.registry.dataplane.DataPlane;
import dev.plinth.registry.gc.Maintenance;
import dev.plinth.registry.gc.RetentionPolicy;
import dev.plinth.registry.http.Backend;
import dev.plinth.registry.http.HttpSettings;
import dev.plinth.registry.http.V2Service;
import dev.plinth.registry.storage.BlobStore;
import dev.plinth.registry.storage.FsDriver;
import dev.plinth.registry.storage.RegistryLayout;
import dev.plinth.registry.storage.RepositoryStore;
import dev.plinth.registry.storage.UploadStore;
import dev.plinth.registry.transfer.Transfer;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The registry wired from its parts. */
final class DefaultRegistry implements Registry {

  private static final System.Logger LOG = System.getLogger(DefaultRegistry.class.getName());

  private final V2Service v2;
  private final DataPlane dataPlane;
  private final Maintenance maintenance;
  private final Transfer transfer;
  private final RepositoryStore repos;
  private final BlobStore blobs;
  private java.util.concurrent.ScheduledExecutorService scheduler;

  private DefaultRegistry(
      V2Service v2,
      DataPlane dataPlane,
      Maintenance maintenance,
      Transfer transfer,
      RepositoryStore repos,
      BlobStore blobs) {
    this.v2 = v2;
    this.dataPlane = dataPlane;
    this.maintenance = maintenance;
    this.transfer = transfer;
    this.repos = repos;
    this.blobs = blobs;
  }

  static Registry start(Registry.Builder b) throws IOException {
    RegistryLayout layout = new RegistryLayout(b.root);
    Files.createDirectories(layout.root());
    Files.createDirectories(layout.tmp());
    FsDriver driver = new FsDriver(layout.tmp());
    BlobStore blobs = new BlobStore(layout, driver);
    RepositoryStore repos = new RepositoryStore(layout, driver);
    UploadStore uploads = new UploadStore(layout, driver, blobs, b.maxBlobBytes);
    byte[] key = b.key;
    if (key == null) {
      key = new byte[32];
      new SecureRandom().nextBytes(key);
    }
    Authenticator auth =
        new Authenticator(
            b.credentials,
            b.authorizer,
            b.anonymousPull,
            new TokenSigner(key, b.service, b.tokenTtl));
    DataPlane dp = null;
    if (b.dataPlane) {
      dp =
          DataPlane.builder()
              .host(b.dataPlaneHost)
              .port(b.dataPlanePort)
              .key(b.key != null ? key : dataPlaneKey(layout.root().resolve("dataplane.key")))
              .root(layout.blobs())
              .start();
    }
    HttpSettings settings =
        new HttpSettings(
            b.service,
            b.maxManifestBytes,
            b.redirectAbove,
            b.blobUrlTtl,
            b.dataPlaneUrl,
            b.maxConcurrentUploads);
    V2Service v2 = new V2Service(new Backend(blobs, repos, uploads, auth, dp, settings));
    Maintenance m = new Maintenance(layout, blobs, repos, uploads);
    m.cleanStaging(java.time.Duration.ofHours(1));
    Transfer t = new Transfer(blobs, repos, driver);
    DefaultRegistry r = new DefaultRegistry(v2, dp, m, t, repos, blobs);
    if (b.gcEvery != null) {
      r.schedule(b.gcEvery, b.gcGrace, b.uploadExpiry, List.copyOf(b.retention));
    }
    return r;
  }

  /**
   * The data plane's URL key, kept in the registry's root (mode 0600) so that an upload URL handed
   * out before a restart still works after it, as the session it points to does.
   */
  private static byte[] dataPlaneKey(java.nio.file.Path file) throws IOException {
    if (Files.isRegularFile(file) && Files.size(file) == 32) {
      return Files.readAllBytes(file);
    }
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try (java.nio.channels.FileChannel ch =
        java.nio.channels.FileChannel.open(
            tmp,
            java.util.Set.of(
                java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE),
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")))) {
      ch.write(java.nio.ByteBuffer.wrap(k));
      ch.force(true);
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return k;
  }

  private void schedule(
      Duration every, Duration grace, Duration uploadExpiry, List<RetentionPolicy> policies) {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread th = new Thread(task, "registry-gc");
              th.setDaemon(true);
              return th;
            });
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            if (!policies.isEmpty()) {
              maintenance.retention(policies, false);
            }
            maintenance.gc(grace, uploadExpiry, false);
          } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "scheduled registry GC failed", e);
          }
        },
        every.toMillis(),
        every.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public Consumer<HttpRouting.Builder> routes() {
    return v2.routes();
  }

  @Override
  public Optional<DataPlane> dataPlane() {
    return Optional.ofNullable(dataPlane);
  }

  @Override
  public Maintenance maintenance() {
    return maintenance;
  }

  @Override
  public Transfer transfer() {
    return transfer;
  }

  @Override
  public Optional<String> manifestDigest(String repository, String reference) {
    // As the manifest endpoint's GET and HEAD: the name and reference parse as the route does
    // (a tag outside the grammar is a 404), then the reference must resolve to a manifest this
    // repository holds whose bytes are stored.
    RepositoryName name = RepositoryName.parse(repository);
    if (reference.indexOf(':') < 0 && !Reference.Tag.isValid(reference)) {
      return Optional.empty();
    }
    Optional<Digest> d = repos.resolve(name, Reference.parse(reference));
    if (d.isEmpty()
        || repos.manifestMediaType(name, d.get()).isEmpty()
        || blobs.stat(d.get()).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(d.get().toString());
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (dataPlane != null) {
      dataPlane.close();
    }
  }
}
