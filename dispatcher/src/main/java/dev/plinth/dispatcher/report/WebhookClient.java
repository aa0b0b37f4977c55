/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.report;

import dev.plinth.contract.ContractJson;
import dev.plinth.contract.Event;
import dev.plinth.contract.LogChunk;
import dev.plinth.contract.Task;
import dev.plinth.contract.WebhookSignature;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Posts one event to the job's webhook URL with the Webhook v1 headers and classifies the answer.
 * When the task carries a CA bundle, only that bundle is trusted.
 *
 * <p>The signing clock follows the controller's: the {@code Date} of every answer gives the offset
 * between the two clocks, so a maintenance OS booted with a wrong clock still signs timestamps the
 * controller accepts (after the first answer).
 */
public final class WebhookClient {

  /** How a post ended. */
  public enum Outcome {
    /** 2xx: stored (202) or already stored (200). */
    ACKED,
    /** Worth trying again later: network error, 408, 425, 429, 5xx, or 401 after a clock fix. */
    RETRY,
    /** The controller refuses this event for good (other 4xx). */
    REJECTED
  }

  /**
   * The answer to one post.
   *
   * @param outcome what to do next
   * @param status HTTP status, or 0 when there was no answer
   * @param detail a short reason for logs
   */
  public record Answer(Outcome outcome, int status, String detail) {}

  private static final Duration SKEW_TOLERANCE = Duration.ofSeconds(60);

  private final HttpClient http;
  private final URI url;
  private final String token;
  private final byte[] key;
  private final Clock clock;
  private final Duration requestTimeout;
  private volatile Duration offset = Duration.ZERO;

  public WebhookClient(Task task, Clock clock, Duration requestTimeout) {
    this(task, clock, requestTimeout, null);
  }

  /**
   * A client that posts through {@code shared} when it is not null and the task names no CA bundle.
   * A real machine runs one dispatcher and builds its own client from the task; a simulation of a
   * thousand machines in one JVM passes one client, since each JDK client keeps a selector thread
   * and its own connection pool. A task with a CA bundle always gets its own client, so that the
   * bundle is what its TLS trusts.
   */
  public WebhookClient(Task task, Clock clock, Duration requestTimeout, HttpClient shared) {
    this.url = URI.create(task.controller().webhook());
    this.token = task.credentials().jobToken();
    this.key = task.credentials().hmacKey();
    this.clock = clock;
    this.requestTimeout = requestTimeout;
    this.http =
        shared != null && task.caBundle() == null ? shared : ownClient(task, requestTimeout);
  }

  private static HttpClient ownClient(Task task, Duration requestTimeout) {
    HttpClient.Builder b =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(requestTimeout);
    if (task.caBundle() != null) {
      b.sslContext(sslContext(task.caBundle()));
    }
    return b.build();
  }

  /** Sends one event and says what happened; never throws for network trouble. */
  public Answer send(Event event) throws InterruptedException {
    return post(url, ContractJson.writeEvent(event));
  }

  /**
   * Sends a chunk of a step's output to the job's logs URL (the events URL with {@code logs} for
   * {@code events}), signed as events are; never throws for network trouble.
   */
  public Answer sendLogs(LogChunk chunk) throws InterruptedException {
    return post(logsUrl(url), chunk.write());
  }

  /** {@code .../jobs/ID/events} → {@code .../jobs/ID/logs}. */
  static URI logsUrl(URI events) {
    String s = events.toString();
    return URI.create(
        s.endsWith("/events")
            ? s.substring(0, s.length() - "events".length()) + "logs"
            : s + "/logs");
  }

  private Answer post(URI to, byte[] body) throws InterruptedException {
    long ts = clock.instant().plus(offset).getEpochSecond();
    HttpRequest req =
        HttpRequest.newBuilder(to)
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header(WebhookSignature.AUTHORIZATION_HEADER, WebhookSignature.bearer(token))
            .header(WebhookSignature.TIMESTAMP_HEADER, String.valueOf(ts))
            .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(key, ts, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> res;
    try {
      res = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Answer(Outcome.RETRY, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    boolean clockFixed = learnOffset(res);
    int s = res.statusCode();
    String detail = s + " " + clip(res.body());
    if (s >= 200 && s < 300) {
      return new Answer(Outcome.ACKED, s, detail);
    }
    if (s == 408 || s == 425 || s == 429 || s >= 500 || (s == 401 && clockFixed)) {
      return new Answer(Outcome.RETRY, s, detail);
    }
    return new Answer(Outcome.REJECTED, s, detail);
  }

  /** The current estimate of controller time minus local time. */
  public Duration clockOffset() {
    return offset;
  }

  private boolean learnOffset(HttpResponse<?> res) {
    return res.headers()
        .firstValue("Date")
        .map(
            d -> {
              try {
                Instant server =
                    ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration measured = Duration.between(clock.instant(), server);
                Duration next =
                    measured.abs().compareTo(SKEW_TOLERANCE) > 0 ? measured : Duration.ZERO;
                boolean changed = next.minus(offset).abs().compareTo(SKEW_TOLERANCE) > 0;
                offset = next;
                return changed;
              } catch (java.time.format.DateTimeParseException e) {
                return false;
              }
            })
        .orElse(false);
  }

  private static String clip(String s) {
    String one = s == null ? "" : s.replace('\n', ' ').strip();
    return one.length() > 200 ? one.substring(0, 200) + "..." : one;
  }

  static SSLContext sslContext(String pem) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        ks.setCertificateEntry("plinth-ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("unusable CA bundle: " + e.getMessage(), e);
    }
  }
}
