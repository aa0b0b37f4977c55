/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.config;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The controller's configuration.
 *
 * @param listen host and port of the main (control-plane) listener
 * @param dataDir the data directory: state, registry storage, media, secrets
 * @param databaseUrl a JDBC URL ({@code jdbc:postgresql://...}); null for SQLite in the data
 *     directory
 * @param publicUrl the base URL BMCs and machines reach the controller at; null to derive it from
 *     the listen address
 * @param tlsCertificate PEM certificate chain (leaf first) of the API's TLS listener; null for
 *     plain HTTP
 * @param tlsPrivateKey PEM private key (PKCS#8, unencrypted) matching {@code tlsCertificate}
 * @param allowPlainHttp whether plain HTTP may listen on an address other machines can reach
 * @param maintenanceIso the maintenance OS's ISO that BMCs boot; null for {@code
 *     media/maintenance.iso} in the data directory
 * @param jobs the job engine's limits and deadlines ({@code jobs:}); unset ones are built in
 * @param registry an external registry in place of the embedded one ({@code registry:}); null for
 *     the embedded registry
 * @param toolSigningKeys PEM public keys (files) that every step image must be signed with ({@code
 *     tools.signingKeys}); empty: the maintenance OS's own policy applies
 */
public record PlinthConfig(
    Listen listen,
    Path dataDir,
    String databaseUrl,
    String publicUrl,
    Path tlsCertificate,
    Path tlsPrivateKey,
    boolean allowPlainHttp,
    Path maintenanceIso,
    JobLimits jobs,
    ExternalRegistry registry,
    List<Path> toolSigningKeys) {

  public PlinthConfig {
    jobs = jobs == null ? JobLimits.none() : jobs;
    toolSigningKeys = toolSigningKeys == null ? List.of() : List.copyOf(toolSigningKeys);
  }

  public PlinthConfig(Listen listen, Path dataDir) {
    this(listen, dataDir, null, null);
  }

  public PlinthConfig(Listen listen, Path dataDir, String databaseUrl, String publicUrl) {
    this(listen, dataDir, databaseUrl, publicUrl, null, null, false, null, null, null, null);
  }

  /** The defaults of a checkout: loopback only, data in {@code ./var}. */
  public static PlinthConfig defaults() {
    return new PlinthConfig(Listen.parse("127.0.0.1:8080"), Path.of("var"));
  }

  public PlinthConfig withListen(Listen l) {
    return edit(b -> b.listen = l);
  }

  public PlinthConfig withDataDir(Path d) {
    return edit(b -> b.dataDir = d);
  }

  public PlinthConfig withDatabaseUrl(String url) {
    return edit(b -> b.databaseUrl = url);
  }

  public PlinthConfig withPublicUrl(String url) {
    return edit(b -> b.publicUrl = url);
  }

  /** With TLS from these PEM files (either may be null to keep the current one). */
  public PlinthConfig withTls(Path certificate, Path privateKey) {
    return edit(
        b -> {
          b.tlsCertificate = certificate != null ? certificate : tlsCertificate;
          b.tlsPrivateKey = privateKey != null ? privateKey : tlsPrivateKey;
        });
  }

  public PlinthConfig withAllowPlainHttp(boolean allow) {
    return edit(b -> b.allowPlainHttp = allow);
  }

  /** With the maintenance ISO at {@code file} (null: {@code media/maintenance.iso} in the data). */
  public PlinthConfig withMaintenanceIso(Path file) {
    return edit(b -> b.maintenanceIso = file);
  }

  /** With the job engine's limits and deadlines {@code j}. */
  public PlinthConfig withJobs(JobLimits j) {
    return edit(b -> b.jobs = j);
  }

  /** With the external registry {@code r} (null: the embedded registry). */
  public PlinthConfig withRegistry(ExternalRegistry r) {
    return edit(b -> b.registry = r);
  }

  /** With the site's image-signing public keys (PEM files) put in every task. */
  public PlinthConfig withToolSigningKeys(List<Path> keys) {
    return edit(b -> b.toolSigningKeys = keys);
  }

  /** Whether an external registry replaces the embedded one. */
  public boolean externalRegistry() {
    return registry != null;
  }

  /** A copy with {@code change} applied: one place that lists every component. */
  private PlinthConfig edit(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new PlinthConfig(
        f.listen,
        f.dataDir,
        f.databaseUrl,
        f.publicUrl,
        f.tlsCertificate,
        f.tlsPrivateKey,
        f.allowPlainHttp,
        f.maintenanceIso,
        f.jobs,
        f.registry,
        f.toolSigningKeys);
  }

  /** The components, mutable, for {@link #edit}. */
  private static final class Fields {
    Listen listen;
    Path dataDir;
    String databaseUrl;
    String publicUrl;
    Path tlsCertificate;
    Path tlsPrivateKey;
    boolean allowPlainHttp;
    Path maintenanceIso;
    JobLimits jobs;
    ExternalRegistry registry;
    List<Path> toolSigningKeys;

    Fields(PlinthConfig c) {
      listen = c.listen;
      dataDir = c.dataDir;
      databaseUrl = c.databaseUrl;
      publicUrl = c.publicUrl;
      tlsCertificate = c.tlsCertificate;
      tlsPrivateKey = c.tlsPrivateKey;
      allowPlainHttp = c.allowPlainHttp;
      maintenanceIso = c.maintenanceIso;
      jobs = c.jobs;
      registry = c.registry;
      toolSigningKeys = c.toolSigningKeys;
    }
  }

  /** The maintenance ISO's file: the configured one, else the data directory's. */
  public Path maintenanceIsoFile() {
    return maintenanceIso != null
        ? maintenanceIso
        : dataDir.resolve("media").resolve("maintenance.iso");
  }

  /** Whether the API is served over TLS. */
  public boolean tls() {
    return tlsCertificate != null;
  }

  /** {@code https} or {@code http}. */
  public String scheme() {
    return tls() ? "https" : "http";
  }

  /**
   * Refuses a configuration that would expose the API without TLS, or name half of a TLS pair.
   *
   * @throws ConfigException saying which setting to change
   */
  public void checkTransport() {
    if ((tlsCertificate == null) != (tlsPrivateKey == null)) {
      throw new ConfigException(
          "TLS needs both a certificate and a private key: set tls.certificate and"
              + " tls.privateKey (or PLINTH_TLS_CERT and PLINTH_TLS_KEY, or --tls-cert and"
              + " --tls-key)");
    }
    if (!tls() && !allowPlainHttp && !listen.isLoopback()) {
      throw new ConfigException(
          "refusing to serve plain HTTP on "
              + listen.host()
              + ":"
              + listen.port()
              + ", which other machines can reach: configure TLS (tls.certificate and"
              + " tls.privateKey in plinth.yaml, PLINTH_TLS_CERT and PLINTH_TLS_KEY, or"
              + " --tls-cert and --tls-key), listen on a loopback address, or set"
              + " 'allowPlainHttp: true' (PLINTH_ALLOW_PLAIN_HTTP=true, --allow-plain-http) to"
              + " accept that API tokens cross the network in clear");
    }
    if (registry != null && registry.plainHttp() && !registry.loopback() && !allowPlainHttp) {
      throw new ConfigException(
          "registry.url "
              + registry.url()
              + " is plain HTTP on a host other machines reach: the pull account's password would"
              + " cross the network in clear. Use https (registry.caFile for a private CA), or set"
              + " 'allowPlainHttp: true' to accept that");
    }
  }
}
