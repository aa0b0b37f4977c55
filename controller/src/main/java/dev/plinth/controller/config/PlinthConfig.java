/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.config;

import java.nio.file.Path;

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
    JobLimits jobs) {

  public PlinthConfig {
    jobs = jobs == null ? JobLimits.none() : jobs;
  }

  public PlinthConfig(Listen listen, Path dataDir) {
    this(listen, dataDir, null, null);
  }

  public PlinthConfig(Listen listen, Path dataDir, String databaseUrl, String publicUrl) {
    this(listen, dataDir, databaseUrl, publicUrl, null, null, false, null, null);
  }

  /** The defaults of a checkout: loopback only, data in {@code ./var}. */
  public static PlinthConfig defaults() {
    return new PlinthConfig(Listen.parse("127.0.0.1:8080"), Path.of("var"));
  }

  public PlinthConfig withListen(Listen l) {
    return new PlinthConfig(
        l,
        dataDir,
        databaseUrl,
        publicUrl,
        tlsCertificate,
        tlsPrivateKey,
        allowPlainHttp,
        maintenanceIso,
        jobs);
  }

  public PlinthConfig withDataDir(Path d) {
    return new PlinthConfig(
        listen,
        d,
        databaseUrl,
        publicUrl,
        tlsCertificate,
        tlsPrivateKey,
        allowPlainHttp,
        maintenanceIso,
        jobs);
  }

  public PlinthConfig withDatabaseUrl(String url) {
    return new PlinthConfig(
        listen,
        dataDir,
        url,
        publicUrl,
        tlsCertificate,
        tlsPrivateKey,
        allowPlainHttp,
        maintenanceIso,
        jobs);
  }

  public PlinthConfig withPublicUrl(String url) {
    return new PlinthConfig(
        listen,
        dataDir,
        databaseUrl,
        url,
        tlsCertificate,
        tlsPrivateKey,
        allowPlainHttp,
        maintenanceIso,
        jobs);
  }

  /** With TLS from these PEM files (either may be null to keep the current one). */
  public PlinthConfig withTls(Path certificate, Path privateKey) {
    return new PlinthConfig(
        listen,
        dataDir,
        databaseUrl,
        publicUrl,
        certificate != null ? certificate : tlsCertificate,
        privateKey != null ? privateKey : tlsPrivateKey,
        allowPlainHttp,
        maintenanceIso,
        jobs);
  }

  public PlinthConfig withAllowPlainHttp(boolean allow) {
    return new PlinthConfig(
        listen,
        dataDir,
        databaseUrl,
        publicUrl,
        tlsCertificate,
        tlsPrivateKey,
        allow,
        maintenanceIso,
        jobs);
  }

  /** With the maintenance ISO at {@code file} (null: {@code media/maintenance.iso} in the data). */
  public PlinthConfig withMaintenanceIso(Path file) {
    return new PlinthConfig(
        listen,
        dataDir,
        databaseUrl,
        publicUrl,
        tlsCertificate,
        tlsPrivateKey,
        allowPlainHttp,
        file,
        jobs);
  }

  /** With the job engine's limits and deadlines {@code j}. */
  public PlinthConfig withJobs(JobLimits j) {
    return new PlinthConfig(
        listen,
        dataDir,
        databaseUrl,
        publicUrl,
        tlsCertificate,
        tlsPrivateKey,
        allowPlainHttp,
        maintenanceIso,
        j);
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
  }
}
