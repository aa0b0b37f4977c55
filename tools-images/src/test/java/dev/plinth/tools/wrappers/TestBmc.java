/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test BMC: a SIMULATION of the small part of a Redfish service plinth-vendor-firmware uses, for
 * the wrapper's tests only. It offers {@code UpdateService} with {@code MultipartHttpPushUri} (when
 * {@link #multipart}) and the {@code SimpleUpdate} action (it then fetches the ImageURI itself,
 * following redirects), answers 202 with a task whose monitor reports Running once and then
 * Completed (with a {@code ResetRequired} message when {@link #resetRequired}), and records {@code
 * ComputerSystem.Reset}. It checks Basic credentials. It flashes nothing and models no vendor's
 * quirks.
 */
final class TestBmc implements AutoCloseable {
  static final String USER = "admin";
  static final String PASSWORD = "bmc-secret";
  private static final String TASK = "/redfish/v1/TaskService/Tasks/7";

  private final HttpServer server;
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
  private final AtomicInteger polls = new AtomicInteger();
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<String> resets = new CopyOnWriteArrayList<>();
  volatile boolean multipart = true;
  volatile boolean resetRequired;
  volatile byte[] received;
  volatile String parameters;
  volatile String imageUri;

  TestBmc() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Task monitor GETs so far. */
  int polls() {
    return polls.get();
  }

  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    String method = x.getRequestMethod();
    requests.add(method + " " + path);
    try (x) {
      byte[] body = x.getRequestBody().readAllBytes();
      String want =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      if (!want.equals(x.getRequestHeaders().getFirst("Authorization"))) {
        send(x, 401, "{\"error\":\"credentials\"}");
        return;
      }
      switch (method + " " + path) {
        case "GET /redfish/v1/UpdateService" -> send(x, 200, updateService());
        case "POST /redfish/v1/UpdateService/upload" -> {
          if (!multipart) {
            send(x, 405, "{}");
            return;
          }
          String ct = x.getRequestHeaders().getFirst("Content-Type");
          Matcher b = Pattern.compile("boundary=\"?([^\";]+)").matcher(ct == null ? "" : ct);
          if (!b.find()) {
            send(x, 400, "{\"error\":\"not multipart\"}");
            return;
          }
          byte[] params = part(body, b.group(1), "UpdateParameters");
          received = part(body, b.group(1), "UpdateFile");
          parameters = params == null ? null : new String(params, StandardCharsets.UTF_8);
          accepted(x);
        }
        case "POST /redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate" -> {
          String json = new String(body, StandardCharsets.UTF_8);
          Matcher u = Pattern.compile("\"ImageURI\":\"([^\"]+)\"").matcher(json);
          if (!u.find()) {
            send(x, 400, "{\"error\":\"ImageURI\"}");
            return;
          }
          imageUri = u.group(1);
          parameters = json;
          try {
            HttpResponse<byte[]> r =
                http.send(
                    HttpRequest.newBuilder(URI.create(imageUri)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
              send(x, 400, "{\"error\":\"ImageURI answered " + r.statusCode() + "\"}");
              return;
            }
            received = r.body();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
          }
          accepted(x);
        }
        case "GET " + TASK -> {
          String state = polls.incrementAndGet() < 2 ? "Running" : "Completed";
          String messages =
              state.equals("Completed") && resetRequired
                  ? "[{\"MessageId\":\"Base.1.16.ResetRequired\",\"Message\":\"reset to apply\"}]"
                  : "[]";
          send(
              x,
              200,
              "{\"@odata.id\":\""
                  + TASK
                  + "\",\"TaskState\":\""
                  + state
                  + "\",\"PercentComplete\":"
                  + (state.equals("Running") ? 50 : 100)
                  + ",\"Messages\":"
                  + messages
                  + "}");
        }
        case "POST /redfish/v1/Systems/1/Actions/ComputerSystem.Reset" -> {
          Matcher t =
              Pattern.compile("\"ResetType\":\"([A-Za-z]+)\"")
                  .matcher(new String(body, StandardCharsets.UTF_8));
          resets.add(t.find() ? t.group(1) : "?");
          x.sendResponseHeaders(204, -1);
        }
        default -> send(x, 404, "{}");
      }
    }
  }

  private String updateService() {
    return "{\"@odata.id\":\"/redfish/v1/UpdateService\","
        + (multipart ? "\"MultipartHttpPushUri\":\"/redfish/v1/UpdateService/upload\"," : "")
        + "\"Actions\":{\"#UpdateService.SimpleUpdate\":{\"target\":"
        + "\"/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate\"}}}";
  }

  private static void accepted(HttpExchange x) throws IOException {
    x.getResponseHeaders().add("Location", TASK);
    send(x, 202, "{\"@odata.id\":\"" + TASK + "\",\"TaskState\":\"New\"}");
  }

  /** The body of the multipart/form-data part {@code name}, or null. */
  static byte[] part(byte[] body, String boundary, String name) {
    byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int at = indexOf(body, delim, 0);
    while (at >= 0) {
      int headersStart = at + delim.length + 2; // CRLF after the delimiter
      int headersEnd =
          indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
      if (headersEnd < 0) {
        return null;
      }
      String headers =
          new String(body, headersStart, headersEnd - headersStart, StandardCharsets.ISO_8859_1);
      int next =
          indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), headersEnd);
      if (next < 0) {
        return null;
      }
      if (headers.contains("name=\"" + name + "\"")) {
        return Arrays.copyOfRange(body, headersEnd + 4, next);
      }
      at = next + 2;
    }
    return null;
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static void send(HttpExchange x, int code, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(code, b.length);
    x.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
