/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code plinth.yaml} and applies {@code PLINTH_*} environment overrides.
 *
 * <p>Precedence, lowest first: built-in defaults, the file, the environment, command-line flags
 * (applied by the caller).
 */
public final class ConfigLoader {

  // Created with the first file read: a YAML mapper costs a tenth of a second of start-up CPU,
  // which a start without plinth.yaml need not pay.
  private static final class Yaml {
    static final ObjectMapper MAPPER =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  private ConfigLoader() {}

  /**
   * Loads the configuration.
   *
   * @param file the YAML file, or null for defaults only
   * @param env the process environment (PLINTH_LISTEN, PLINTH_DATA_DIR, STATE_DIRECTORY,
   *     PLINTH_DATABASE_URL, PLINTH_PUBLIC_URL, PLINTH_TLS_CERT, PLINTH_TLS_KEY,
   *     PLINTH_ALLOW_PLAIN_HTTP, PLINTH_MAINTENANCE_ISO, PLINTH_JOBS_MAX_ACTIVE,
   *     PLINTH_JOBS_MAX_PER_BMC, PLINTH_REGISTRY_URL, PLINTH_REGISTRY_USERNAME,
   *     PLINTH_REGISTRY_PASSWORD_FILE, PLINTH_REGISTRY_PUSH_USERNAME,
   *     PLINTH_REGISTRY_PUSH_PASSWORD_FILE, PLINTH_REGISTRY_CA_FILE, PLINTH_TOOLS_SIGNING_KEYS
   *     (comma-separated PEM files))
   * @throws ConfigException with the file, line and field when the file is wrong
   */
  public static PlinthConfig load(Path file, Map<String, String> env) {
    PlinthConfig c = PlinthConfig.defaults();
    // systemd's StateDirectory= exports this; it beats the checkout default, not the file.
    String state = env.get("STATE_DIRECTORY");
    if (state != null && !state.isBlank()) {
      c = c.withDataDir(Path.of(state.split(":")[0]));
    }
    if (file != null) {
      c = readFile(file, c);
    }
    String listen = env.get("PLINTH_LISTEN");
    if (listen != null && !listen.isBlank()) {
      c = c.withListen(parseListen(listen, "PLINTH_LISTEN"));
    }
    String db = env.get("PLINTH_DATABASE_URL");
    if (db != null && !db.isBlank()) {
      c = c.withDatabaseUrl(db);
    }
    String pub = env.get("PLINTH_PUBLIC_URL");
    if (pub != null && !pub.isBlank()) {
      c = c.withPublicUrl(pub);
    }
    String cert = env.get("PLINTH_TLS_CERT");
    String key = env.get("PLINTH_TLS_KEY");
    c =
        c.withTls(
            cert == null || cert.isBlank() ? null : Path.of(cert),
            key == null || key.isBlank() ? null : Path.of(key));
    String plain = env.get("PLINTH_ALLOW_PLAIN_HTTP");
    if (plain != null && !plain.isBlank()) {
      c = c.withAllowPlainHttp(parseBoolean(plain, "PLINTH_ALLOW_PLAIN_HTTP"));
    }
    String maintenance = env.get("PLINTH_MAINTENANCE_ISO");
    if (maintenance != null && !maintenance.isBlank()) {
      c = c.withMaintenanceIso(Path.of(maintenance));
    }
    String data = env.get("PLINTH_DATA_DIR");
    if (data != null && !data.isBlank()) {
      c = c.withDataDir(Path.of(data));
    }
    String signingKeys = env.get("PLINTH_TOOLS_SIGNING_KEYS");
    if (signingKeys != null && !signingKeys.isBlank()) {
      c =
          c.withToolSigningKeys(
              java.util.Arrays.stream(signingKeys.split(","))
                  .map(String::strip)
                  .filter(s -> !s.isEmpty())
                  .map(Path::of)
                  .toList());
    }
    String active = env.get("PLINTH_JOBS_MAX_ACTIVE");
    if (active != null && !active.isBlank()) {
      c =
          c.withJobs(
              c.jobs().withMaxActive(JobLimits.parseLimit(active, "PLINTH_JOBS_MAX_ACTIVE")));
    }
    String perBmc = env.get("PLINTH_JOBS_MAX_PER_BMC");
    if (perBmc != null && !perBmc.isBlank()) {
      c =
          c.withJobs(
              c.jobs().withMaxPerBmc(JobLimits.parseLimit(perBmc, "PLINTH_JOBS_MAX_PER_BMC")));
    }
    return registry(c, env);
  }

  // registry.*: the file's settings, each overridden by its PLINTH_REGISTRY_* variable.
  private static PlinthConfig registry(PlinthConfig c, Map<String, String> env) {
    ExternalRegistry fromEnv =
        new ExternalRegistry(
            nonBlank(env.get("PLINTH_REGISTRY_URL")),
            nonBlank(env.get("PLINTH_REGISTRY_USERNAME")),
            envPath(env, "PLINTH_REGISTRY_PASSWORD_FILE"),
            nonBlank(env.get("PLINTH_REGISTRY_PUSH_USERNAME")),
            envPath(env, "PLINTH_REGISTRY_PUSH_PASSWORD_FILE"),
            envPath(env, "PLINTH_REGISTRY_CA_FILE"));
    ExternalRegistry r =
        (c.registry() == null ? ExternalRegistry.NONE : c.registry()).merged(fromEnv);
    return r.any() ? c.withRegistry(r.checked()) : c;
  }

  private static String nonBlank(String v) {
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static Path envPath(Map<String, String> env, String name) {
    String v = nonBlank(env.get(name));
    return v == null ? null : Path.of(v);
  }

  // jobs: limits and deadlines, each checked with the line of its key.
  private static JobLimits jobs(Path file, ConfigFile.Jobs j) {
    JobLimits l = JobLimits.none();
    if (j.maxActive() != null) {
      l = l.withMaxActive(JobLimits.parseLimit(j.maxActive(), where(file, "maxActive")));
    }
    if (j.maxPerBmc() != null) {
      l = l.withMaxPerBmc(JobLimits.parseLimit(j.maxPerBmc(), where(file, "maxPerBmc")));
    }
    if (j.deadlines() != null) {
      for (int i = 0; i < JobLimits.STATES.size(); i++) {
        String state = JobLimits.STATES.get(i);
        String v = j.deadlines().values().get(i);
        if (v != null) {
          l = l.withDeadline(state, JobLimits.parseDeadline(v, where(file, "deadlines", state)));
        }
      }
    }
    return l;
  }

  // "FILE:LINE: jobs.KEY", the line of the last key of the path under the top-level jobs:.
  private static String where(Path file, String... path) {
    String key = "jobs." + String.join(".", path);
    try {
      var lines = Files.readAllLines(file);
      int from = 0;
      List<String> keys = new ArrayList<>(List.of("jobs"));
      keys.addAll(List.of(path));
      for (String k : keys) {
        int found = -1;
        for (int i = from; i < lines.size() && found < 0; i++) {
          if (lines.get(i).strip().startsWith(k + ":")) {
            found = i;
          }
        }
        if (found < 0) {
          return file + ": " + key;
        }
        from = found;
      }
      return file + ":" + (from + 1) + ": " + key;
    } catch (IOException e) {
      return file + ": " + key;
    }
  }

  static boolean parseBoolean(String value, String where) {
    return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new ConfigException(where + ": expected true or false, got '" + value + "'");
    };
  }

  static Listen parseListen(String value, String where) {
    try {
      return Listen.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ": " + e.getMessage(), e);
    }
  }

  private static PlinthConfig readFile(Path file, PlinthConfig base) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": no such file");
    }
    try {
      if (Files.size(file) == 0) {
        return base;
      }
      ConfigFile f = Yaml.MAPPER.readValue(file.toFile(), ConfigFile.class);
      PlinthConfig c = base;
      if (f.listen() != null) {
        c = c.withListen(parseListen(f.listen(), file + ": listen"));
      }
      if (f.dataDir() != null) {
        c = c.withDataDir(Path.of(f.dataDir()));
      }
      if (f.publicUrl() != null) {
        c = c.withPublicUrl(f.publicUrl());
      }
      if (f.database() != null && f.database().url() != null) {
        c = c.withDatabaseUrl(f.database().url());
      }
      if (f.tls() != null) {
        c =
            c.withTls(
                pathSetting(file, f.tls().certificate()), pathSetting(file, f.tls().privateKey()));
      }
      if (f.allowPlainHttp() != null) {
        c = c.withAllowPlainHttp(f.allowPlainHttp());
      }
      if (f.media() != null && f.media().maintenanceIso() != null) {
        c = c.withMaintenanceIso(pathSetting(file, f.media().maintenanceIso()));
      }
      if (f.jobs() != null) {
        c = c.withJobs(jobs(file, f.jobs()));
      }
      if (f.tools() != null && f.tools().signingKeys() != null) {
        c =
            c.withToolSigningKeys(
                f.tools().signingKeys().stream().map(k -> pathSetting(file, k)).toList());
      }
      if (f.registry() != null) {
        ConfigFile.Registry r = f.registry();
        // Checked once the environment's overrides are applied (load).
        c =
            c.withRegistry(
                new ExternalRegistry(
                    r.url(),
                    r.username(),
                    pathSetting(file, r.passwordFile()),
                    r.pushUsername(),
                    pathSetting(file, r.pushPasswordFile()),
                    pathSetting(file, r.caFile())));
      }
      return c;
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(
          file
              + ":"
              + keyLine(file, e.getPropertyName(), e.getLocation().getLineNr())
              + ": unknown setting '"
              + e.getPropertyName()
              + "' (known: "
              + e.getKnownPropertyIds()
              + ")",
          e);
    } catch (JsonMappingException e) {
      var loc = e.getLocation();
      String line = loc == null ? "" : ":" + loc.getLineNr();
      Throwable root = e.getCause() != null ? e.getCause() : e;
      throw new ConfigException(file + line + ": " + root.getMessage(), e);
    } catch (IOException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e);
    }
  }

  // Relative paths are read from the configuration file's directory, as operators expect.
  private static Path pathSetting(Path file, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Path p = Path.of(value);
    Path dir = file.toAbsolutePath().getParent();
    return p.isAbsolute() || dir == null ? p : dir.resolve(p);
  }

  // The YAML parser reports where it stopped, after the value; operators want the key's line.
  private static int keyLine(Path file, String key, int fallback) {
    try {
      var lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).startsWith(key + ":")) {
          return i + 1;
        }
      }
    } catch (IOException e) {
      return fallback;
    }
    return fallback;
  }
}
