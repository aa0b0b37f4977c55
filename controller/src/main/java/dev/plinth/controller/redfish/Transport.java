/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * HTTP to one BMC: authentication (session or Basic, one re-login on 401), conservative headers,
 * bounded concurrency, and retries (connection errors, 5xx on GET, known transient errors on any
 * method, 503 Retry-After).
 */
final class Transport {
  private static final System.Logger LOG = System.getLogger(Transport.class.getName());
  private static final Executor VIRTUAL = Executors.newVirtualThreadPerTaskExecutor();
  private static final Map<ClientKey, HttpClient> CLIENTS = new ConcurrentHashMap<>();

  /** Error ids after which a non-GET request may be sent again (see docs/redfish.md). */
  private static final String[] TRANSIENT = {
    "SYS518", "InvalidOperationForSystemState", "UnableToModifyDuringSystemPOST"
  };

  private record ClientKey(TlsPolicy tls, Duration connectTimeout) {}

  private final BmcEndpoint endpoint;
  private final Credentials credentials;
  private final RedfishOptions options;
  private final HttpClient http;
  private final Semaphore inFlight;
  private final ReentrantLock loginLock = new ReentrantLock();
  private volatile String token;
  private volatile String sessionLink;

  /** How many times {@link #logout()} sends its DELETE when the transport fails. */
  static final int LOGOUT_TRIES = 3;

  private volatile String sessionsCollection;
  private volatile boolean basic;
  private volatile boolean identityEncoding = true;

  Transport(BmcEndpoint endpoint, Credentials credentials, TlsPolicy tls, RedfishOptions options) {
    this.endpoint = endpoint;
    this.credentials = credentials;
    this.options = options;
    this.inFlight = new Semaphore(options.maxConcurrentRequests(), true);
    if (tls instanceof TlsPolicy.Insecure && "https".equals(endpoint.url().getScheme())) {
      LOG.log(
          Level.WARNING,
          "TLS verification is OFF for BMC {0}: anyone on the path can read its password",
          endpoint.name());
    }
    this.http =
        CLIENTS.computeIfAbsent(
            new ClientKey(tls, options.connectTimeout()),
            k ->
                HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(k.connectTimeout())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .sslContext(Tls.context(k.tls()))
                    .executor(VIRTUAL)
                    .build());
  }

  String bmc() {
    return endpoint.name();
  }

  BmcEndpoint endpoint() {
    return endpoint;
  }

  RedfishOptions options() {
    return options;
  }

  boolean usesSession() {
    return token != null;
  }

  /** GET, 2xx or throw. */
  Response get(String path) {
    Response r = send("GET", path, null, null, true);
    if (r.status() == 401 && basic && token == null) {
      // With Basic, every request is a login: a 401 is the credentials refused.
      throw new RedfishAuthException(
          bmc(), r.resource(), 401, r.messages(), RedfishAuthException.REFUSED);
    }
    return r.orThrow(bmc());
  }

  /**
   * Sends a request and returns whatever status came back (after retries).
   *
   * @param idempotent whether a request that may have reached the BMC can be sent again
   */
  Response send(String method, String path, JsonNode body, String ifMatch, boolean idempotent) {
    int transportTries = 0;
    int serverTries = 0;
    boolean relogged = false;
    Duration delay = options.retryDelay();
    Duration waited = Duration.ZERO;
    while (true) {
      Response r;
      try {
        r = once(method, path, body, ifMatch, true);
      } catch (IOException e) {
        Tls.Untrusted untrusted = Tls.untrusted(e);
        if (untrusted != null) {
          // Permanent: the same certificate comes back on every try.
          throw new RedfishTlsException(
              bmc(), method + " " + path, untrusted(untrusted), untrusted.fingerprint, e);
        }
        boolean resend = idempotent || e instanceof ConnectException;
        Duration wait = min(delay, options.transportRetryWindow().minus(waited));
        if (resend && transportTries < options.transportRetries() && wait.isPositive()) {
          transportTries++;
          // A rebooting BMC refuses connections for a while: say so, the caller is waiting.
          LOG.log(
              Level.WARNING,
              "BMC {0}: {1} {2}: {3}; retry {4} of {5} in {6}",
              bmc(),
              method,
              path,
              describe(e),
              transportTries,
              options.transportRetries(),
              Calls.pretty(wait));
          options
              .retryListener()
              .retrying(
                  new RetryListener.Retry(
                      address(),
                      problem(e),
                      transportTries + 1,
                      wait,
                      options.transportRetryWindow()));
          sleep(wait);
          waited = waited.plus(wait);
          delay = next(delay);
          continue;
        }
        String tried =
            transportTries == 0
                ? ""
                : " (tried "
                    + (transportTries + 1)
                    + " times over "
                    + Calls.pretty(waited)
                    + "; is the BMC up and the URL right?)";
        throw new RedfishTransportException(bmc(), method + " " + path, describe(e) + tried, e);
      }
      if ((r.status() == 401 || r.status() == 403) && token != null && !relogged) {
        // Session expired or was deleted: log in again once and replay.
        relogged = true;
        relogin(token);
        continue;
      }
      if (r.status() == 406 && identityEncoding) {
        // QUIRK(HPE iLO 5 Gen10 Plus): 406 to Accept-Encoding identity on some URIs.
        identityEncoding = false;
        continue;
      }
      if (retryable(r, method) && serverTries++ < options.serverRetries()) {
        Duration wait = retryAfter(r, delay);
        LOG.log(Level.DEBUG, "{0}: {1} {2}: HTTP {3}; retrying", bmc(), method, path, r.status());
        sleep(wait);
        delay = next(delay);
        continue;
      }
      return r;
    }
  }

  private boolean retryable(Response r, String method) {
    if (r.status() == 503) {
      return true;
    }
    if (r.status() >= 500 && "GET".equals(method)) {
      return true;
    }
    if (r.status() >= 400 && r.status() != 401 && r.status() != 404) {
      for (String id : TRANSIENT) {
        if (r.mentions(id)) {
          return true;
        }
      }
    }
    return false;
  }

  private Response once(String method, String path, JsonNode body, String ifMatch, boolean auth)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(endpoint.resolve(path))
            .timeout(options.readTimeout())
            .header("Accept", "application/json")
            .header("OData-Version", "4.0");
    if (identityEncoding) {
      // QUIRK(Dell iDRAC): gzip responses carry "-gzip" ETags that never match; ask for none.
      b.header("Accept-Encoding", "identity");
    }
    if (auth) {
      String t = token;
      if (t != null) {
        b.header("X-Auth-Token", t);
      } else if (basic) {
        b.header("Authorization", basicHeader());
      }
    }
    if (ifMatch != null) {
      b.header("If-Match", ifMatch);
    }
    if (body != null) {
      // QUIRK(HPE iLO Gen9): a body without Content-Type gets 400/415.
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
    } else if ("POST".equals(method) || "PATCH".equals(method)) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString("{}"));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    try {
      HttpResponse<byte[]> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(method, path, resp.statusCode(), resp.headers(), resp.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      inFlight.release();
    }
  }

  /** Reads the service root; it is readable without credentials on most BMCs. */
  Response serviceRoot() {
    try {
      Response r = once("GET", "/redfish/v1/", null, null, false);
      if (r.status() == 401 || r.status() == 403) {
        basic = true;
        return get("/redfish/v1/");
      }
      if (!r.ok()) {
        return get("/redfish/v1/");
      }
      return r;
    } catch (IOException e) {
      return get("/redfish/v1/");
    }
  }

  /**
   * Logs in as {@code mode} says, Ironic's {@code auto} for {@code SESSION_OR_BASIC}: a session
   * where the service root advertises a SessionService, else straight to Basic; Basic also when the
   * session login fails for another reason than the credentials. A login refused with 401/403 is
   * checked once with Basic on {@code probe} (a resource that needs credentials): if Basic is
   * refused as well, the error is the login's, "the BMC refused the user name or password".
   *
   * @param sessionsLink the sessions collection from the service root, or null
   * @param advertised whether the service root names a SessionService or a sessions link
   * @param probe a resource that needs credentials, such as the Systems collection
   */
  void login(String sessionsLink, boolean advertised, RedfishOptions.AuthMode mode, String probe) {
    this.sessionsCollection = sessionsLink;
    switch (mode) {
      case BASIC -> basic = true;
      case SESSION -> createSession();
      case SESSION_OR_BASIC -> {
        if (!advertised) {
          LOG.log(Level.DEBUG, "{0}: the service root names no SessionService; using Basic", bmc());
          basic = true;
          return;
        }
        try {
          createSession();
        } catch (RedfishAuthException e) {
          basicAfterRefusedLogin(e, probe);
        } catch (RedfishHttpException | RedfishUnsupportedException e) {
          LOG.log(
              Level.INFO, "{0}: session login failed ({1}); using Basic", bmc(), e.getMessage());
          basic = true;
        }
      }
    }
  }

  private void basicAfterRefusedLogin(RedfishAuthException refused, String probe) {
    basic = true;
    Response r = send("GET", probe, null, null, true);
    if (r.status() == 401 || r.status() == 403) {
      throw refused;
    }
    // QUIRK(some BMCs): a broken SessionService refuses a login that Basic accepts.
    LOG.log(
        Level.WARNING,
        "{0}: the session login was refused (HTTP {1}) but Basic was accepted; using Basic",
        bmc(),
        refused.status());
  }

  private void createSession() {
    String link =
        sessionsCollection == null ? "/redfish/v1/SessionService/Sessions" : sessionsCollection;
    ObjectNode body = Json.object();
    body.put("UserName", credentials.username());
    body.put("Password", credentials.password());
    // Retried like any request: a dropped login at worst leaves a session that times out.
    Response r = send("POST", link, body, null, true);
    if (r.status() == 401 || r.status() == 403) {
      throw new RedfishAuthException(
          bmc(), r.resource(), r.status(), r.messages(), RedfishAuthException.REFUSED);
    }
    if (!r.ok()) {
      throw r.error(bmc());
    }
    String t = r.header("X-Auth-Token");
    if (t == null || t.isBlank()) {
      throw new RedfishHttpException(
          bmc(), "POST " + link, r.status(), java.util.List.of(noToken()));
    }
    String location = r.header("Location");
    if (location == null) {
      // QUIRK(Cisco CIMC 4.1): no Location; the session is in the body.
      JsonNode id = r.json().path("@odata.id");
      location = id.isTextual() ? id.asText() : null;
      if (location == null) {
        LOG.log(Level.WARNING, "{0}: login gave no session URI; it cannot be deleted", bmc());
      }
    }
    token = t;
    sessionLink = location;
    basic = false;
  }

  private static dev.plinth.controller.redfish.model.Message noToken() {
    return new dev.plinth.controller.redfish.model.Message(
        null, "session login answered without an X-Auth-Token", null, null, null, null);
  }

  private void relogin(String expired) {
    loginLock.lock();
    try {
      if (expired.equals(token)) {
        token = null;
        createSession();
      }
    } finally {
      loginLock.unlock();
    }
  }

  /**
   * Deletes the session, if any. Never throws. A transport error is tried again ({@link
   * #LOGOUT_TRIES} in all, the first again at once): the DELETE of one's own session is idempotent
   * (a second one that finds it gone gets 404), and a BMC that closes a kept-alive connection just
   * as the client reuses it fails the request without reading it, which without a second try left
   * the session open until the BMC's SessionTimeout (a real BMC has a handful of sessions).
   */
  void logout() {
    String link = sessionLink;
    if (token == null || link == null) {
      token = null;
      return;
    }
    try {
      for (int tries = 1; ; tries++) {
        try {
          Response r = once("DELETE", link, null, null, true);
          if (!r.ok() && r.status() != 404) {
            LOG.log(Level.INFO, "{0}: DELETE {1}: HTTP {2}", bmc(), link, r.status());
          }
          return;
        } catch (IOException e) {
          if (tries >= LOGOUT_TRIES || Thread.currentThread().isInterrupted()) {
            LOG.log(
                Level.WARNING,
                "{0}: DELETE {1}: {2} ({3} tries); the session stays open until the BMC ends it",
                bmc(),
                link,
                describe(e),
                tries);
            return;
          }
          LOG.log(Level.INFO, "{0}: DELETE {1}: {2}; trying again", bmc(), link, describe(e));
          if (tries > 1 && !pause(options.retryDelay())) {
            return;
          }
        }
      }
    } finally {
      token = null;
      sessionLink = null;
    }
  }

  private String basicHeader() {
    String raw = credentials.username() + ":" + credentials.password();
    return "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** What to tell the operator about a refused certificate: why, and the three ways to trust it. */
  private static String untrusted(Tls.Untrusted u) {
    String fp = u.fingerprint == null ? "SHA256" : u.fingerprint;
    String why = u.pinMismatch ? u.getMessage() : reason(u.getMessage());
    String cert =
        u.fingerprint == null ? "" : " It presented the certificate with SHA-256 " + fp + ".";
    return "TLS: the BMC's certificate is not trusted: "
        + why
        + "."
        + cert
        + " If that is the BMC's own certificate (check it on the BMC), pin it with --fingerprint "
        + fp
        + ", or trust the CA that issued it with --ca-file PEM, or (labs only) skip the check"
        + " with --insecure.";
  }

  private static String reason(String pkix) {
    String m = pkix == null ? "" : pkix;
    if (m.contains("unable to find valid certification path")
        || m.contains("PKIX path building failed")) {
      return "no trusted CA issued it (a self-signed certificate?)";
    }
    if (m.contains("No subject alternative") || m.contains("No name matching")) {
      return "it does not name this host";
    }
    if (m.contains("expired") || m.contains("NotAfter")) {
      return "it has expired";
    }
    if (m.contains("not yet valid") || m.contains("NotBefore")) {
      return "it is not valid yet (check the clocks)";
    }
    return m.isBlank() ? "refused" : m;
  }

  private Duration next(Duration d) {
    Duration n = d.multipliedBy(2);
    return n.compareTo(options.maxRetryDelay()) > 0 ? options.maxRetryDelay() : n;
  }

  private Duration retryAfter(Response r, Duration fallback) {
    String v = r.header("Retry-After");
    if (v == null) {
      return fallback;
    }
    Duration d;
    try {
      d = Duration.ofSeconds(Long.parseLong(v.trim()));
    } catch (NumberFormatException e) {
      try {
        d =
            Duration.between(
                ZonedDateTime.now(),
                ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
      } catch (java.time.format.DateTimeParseException e2) {
        return fallback;
      }
    }
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(options.maxRetryDelay()) > 0 ? options.maxRetryDelay() : d;
  }

  /** Sleeps {@code d}; false (the interrupt kept) when interrupted. */
  private static boolean pause(Duration d) {
    try {
      Thread.sleep(d);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The BMC's {@code host:port}, the port from the scheme when the URL has none. */
  private String address() {
    URI u = endpoint.url();
    int port = u.getPort() >= 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    String host =
        u.getHost() != null && u.getHost().contains(":") ? "[" + u.getHost() + "]" : u.getHost();
    return host + ":" + port;
  }

  /** What went wrong, short, for a person: {@code connection refused}. */
  private static String problem(IOException e) {
    String d = describe(e);
    if (d.startsWith("cannot connect: ")) {
      return d.substring("cannot connect: ".length());
    }
    // The HttpClient's refused connect carries no text at all (a timeout or no route has some).
    return e instanceof ConnectException ? "connection refused" : d;
  }

  private static String describe(IOException e) {
    if (e instanceof HttpTimeoutException) {
      return "timed out: " + e.getMessage();
    }
    if (e instanceof ConnectException) {
      // The HttpClient's ConnectException has no text; the socket's, under it, says why.
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t.getMessage() != null && !t.getMessage().isBlank()) {
          return "cannot connect: " + t.getMessage().toLowerCase(java.util.Locale.ROOT);
        }
      }
      return "cannot connect (refused, or no route to the BMC)";
    }
    if (e instanceof javax.net.ssl.SSLException) {
      return "TLS: " + e.getMessage();
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
  }
}
