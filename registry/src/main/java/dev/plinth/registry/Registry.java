/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import dev.plinth.registry.api.Authorizer;
import dev.plinth.registry.api.CredentialChecker;
import dev.plinth.registry.api.Glob;
import dev.plinth.registry.dataplane.DataPlane;
import dev.plinth.registry.gc.Maintenance;
import dev.plinth.registry.gc.RetentionPolicy;
import dev.plinth.registry.transfer.Transfer;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The embedded registry. {@link #builder()} configures one; {@link Builder#start()} opens its
 * storage and (unless disabled) starts its data plane. Mount {@link #routes()} on the controller's
 * Helidon listener.
 */
public interface Registry extends AutoCloseable {

  /** Mounts {@code /v2} and the token endpoint {@code /v2/token}. */
  Consumer<HttpRouting.Builder> routes();

  /** The data plane, when started. */
  Optional<DataPlane> dataPlane();

  /** GC, retention and fsck over this registry's storage. */
  Maintenance maintenance();

  /** Import and export of OCI image layouts. */
  Transfer transfer();

  /**
   * The digest of the manifest that {@code reference} (a tag or a digest) names in {@code
   * repository} now: what {@code HEAD /v2/<repository>/manifests/<reference>} answers in its {@code
   * Docker-Content-Digest} header, asked in process and without the HTTP API's authorization (the
   * caller is the controller itself). Empty where that request answers 404 (no such repository,
   * tag, manifest or digest, or a tag outside the grammar).
   *
   * @throws dev.plinth.registry.api.RegistryException with the code the HTTP API answers otherwise
   *     (an invalid repository name or digest: 400)
   * @throws java.io.UncheckedIOException when the storage cannot be read
   */
  Optional<String> manifestDigest(String repository, String reference);

  @Override
  void close();

  static Builder builder() {
    return new Builder();
  }

  /** Configuration of a registry. */
  final class Builder {
    Path root;
    CredentialChecker credentials = CredentialChecker.none();
    Authorizer authorizer = Authorizer.allowAll();
    final List<Glob> anonymousPull = new ArrayList<>();
    String service = "plinth";
    Duration tokenTtl = Duration.ofMinutes(5);
    Duration blobUrlTtl = Duration.ofMinutes(10);
    long maxBlobBytes = 64L << 30;
    long maxManifestBytes = 4L << 20;
    long redirectAbove = 1L << 20;
    boolean dataPlane = true;
    String dataPlaneHost = "127.0.0.1";
    int dataPlanePort;
    String dataPlaneUrl;
    int maxConcurrentUploads = 256;
    byte[] key;
    Duration gcEvery;
    Duration gcGrace = Duration.ofHours(1);
    Duration uploadExpiry = Duration.ofDays(1);
    final List<RetentionPolicy> retention = new ArrayList<>();

    Builder() {}

    /** The storage root (created if missing). */
    public Builder root(Path r) {
      this.root = r;
      return this;
    }

    /** Checks Basic credentials (user name, API token). */
    public Builder credentials(CredentialChecker c) {
      this.credentials = c;
      return this;
    }

    /** Decides what an authenticated subject may do (default: everything). */
    public Builder authorizer(Authorizer a) {
      this.authorizer = a;
      return this;
    }

    /** Lets anyone pull from repositories matching {@code glob}. */
    public Builder anonymousPull(String glob) {
      anonymousPull.add(new Glob(glob));
      return this;
    }

    /** The token service name (default {@code plinth}). */
    public Builder service(String s) {
      this.service = s;
      return this;
    }

    public Builder tokenTtl(Duration d) {
      this.tokenTtl = d;
      return this;
    }

    public Builder blobUrlTtl(Duration d) {
      this.blobUrlTtl = d;
      return this;
    }

    public Builder maxBlobBytes(long n) {
      this.maxBlobBytes = n;
      return this;
    }

    public Builder maxManifestBytes(long n) {
      this.maxManifestBytes = n;
      return this;
    }

    /** Blobs larger than this are redirected to the data plane (default 1 MiB). */
    public Builder redirectAbove(long n) {
      this.redirectAbove = n;
      return this;
    }

    /** Whether to start the data plane (default true); without it blobs are served by Helidon. */
    public Builder dataPlane(boolean on) {
      this.dataPlane = on;
      return this;
    }

    /** The data plane's listen address (default 127.0.0.1, port 0: any free port). */
    public Builder dataPlaneListen(String host, int port) {
      this.dataPlaneHost = host;
      this.dataPlanePort = port;
      return this;
    }

    /** The data plane's base URL as clients reach it (default: request host, data-plane port). */
    public Builder dataPlaneUrl(String url) {
      this.dataPlaneUrl = url;
      return this;
    }

    public Builder maxConcurrentUploads(int n) {
      this.maxConcurrentUploads = n;
      return this;
    }

    /** The secret for tokens and signed URLs (default: random per process). */
    public Builder key(byte[] k) {
      this.key = k.clone();
      return this;
    }

    /**
     * Runs retention (if policies are set) and GC online every {@code every}, first after one
     * period (default: never; {@code plinth registry gc} runs it by hand).
     */
    public Builder gcEvery(Duration every) {
      this.gcEvery = every;
      return this;
    }

    /** GC never deletes a blob written or referenced more recently than this (default 1 h). */
    public Builder gcGrace(Duration grace) {
      this.gcGrace = grace;
      return this;
    }

    /** Upload sessions idle longer than this are removed by GC (default 1 day). */
    public Builder uploadExpiry(Duration d) {
      this.uploadExpiry = d;
      return this;
    }

    /** A retention policy applied before each scheduled GC (first matching policy wins). */
    public Builder retention(RetentionPolicy p) {
      retention.add(p);
      return this;
    }

    /** Opens the storage and starts the data plane. */
    public Registry start() throws IOException {
      if (root == null) {
        throw new IllegalStateException("root is required");
      }
      return DefaultRegistry.start(this);
    }
  }
}
