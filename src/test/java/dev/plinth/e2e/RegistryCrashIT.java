/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of {@code plinth serve} while four clients push images to its registry (monolithic and
 * chunked uploads, layers up to 3 MiB), then a restart on the same data: {@code plinth registry
 * fsck} finds nothing wrong, every push the server acknowledged reads back byte for byte, and
 * pushes work again.
 */
class RegistryCrashIT {

  static final int PUSHERS = 4;

  @TempDir Path data;
  PlinthProcess serve;

  @AfterEach
  void stop() {
    if (serve != null) {
      serve.close();
    }
  }

  /** What the server acknowledged (201 on the manifest PUT): the tag and every byte behind it. */
  record Pushed(String repo, String tag, byte[] manifest, List<byte[]> blobs) {}

  @Test
  void killDuringConcurrentPushesLosesNoAcknowledgedPush() throws Exception {
    serve = start();
    Client client = new Client(serve, token());
    List<Pushed> acked = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(PUSHERS);
    for (int t = 0; t < PUSHERS; t++) {
      int id = t;
      pool.submit(
          () -> {
            Random rnd = new Random(id);
            for (int i = 0; !stop.get(); i++) {
              try {
                acked.add(client.push("crash/r" + id, "t" + i, rnd, i % 2 == 0));
              } catch (IOException | RuntimeException e) {
                return null; // the server died mid-request: not acknowledged
              }
            }
            return null;
          });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (acked.size() < 16 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(acked).as("pushes acknowledged before the kill").hasSizeGreaterThanOrEqualTo(16);
    serve.kill(); // SIGKILL, in the middle of uploads
    stop.set(true);
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    List<Pushed> before = List.copyOf(acked);

    serve = start();
    Client after = new Client(serve, token());
    List<String> problems = new ArrayList<>();
    for (Pushed p : before) {
      problems.addAll(after.verify(p));
    }
    assertThat(problems).isEmpty();
    Pushed fresh = after.push("crash/after", "t", new Random(9), false);
    assertThat(after.verify(fresh)).isEmpty();
    serve.close();
    serve = null;

    Process fsck =
        new ProcessBuilder(
                javaCommand(),
                "-jar",
                PlinthProcess.jar().toString(),
                "registry",
                "fsck",
                "--data",
                data.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(fsck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(fsck.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(fsck.exitValue()).as(out).isZero();
    assertThat(out).contains(" 0 problems");
    // every acknowledged push brought a config and a layer (some may be shared): all were hashed
    int verified = Integer.parseInt(out.replaceAll("(?s).*?(\\d+) blobs verified.*", "$1"));
    assertThat(verified).isGreaterThanOrEqualTo(before.size());
  }

  private PlinthProcess start() throws Exception {
    PlinthProcess p =
        PlinthProcess.serve(data, "--data-plane-listen", "127.0.0.1:" + PlinthProcess.freePort());
    p.awaitOk("/healthz", Duration.ofSeconds(60));
    return p;
  }

  private String token() throws IOException {
    return Files.readString(data.resolve("admin.token")).strip();
  }

  private static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A small OCI push/pull client: Basic auth with the admin token, as the registry docs say. */
  static final class Client {
    private final PlinthProcess serve;
    private final String auth;
    private final HttpClient http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    Client(PlinthProcess serve, String token) {
      this.serve = serve;
      this.auth =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(("crash:" + token).getBytes(StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder req(String pathOrUrl) {
      URI u = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : serve.uri(pathOrUrl);
      return HttpRequest.newBuilder(u)
          .header("Authorization", auth)
          .timeout(Duration.ofSeconds(60));
    }

    private HttpResponse<byte[]> send(HttpRequest r, int expected) throws IOException {
      try {
        HttpResponse<byte[]> res = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
        if (res.statusCode() != expected) {
          throw new IOException(
              r.method()
                  + " "
                  + r.uri()
                  + ": "
                  + res.statusCode()
                  + " "
                  + new String(res.body(), StandardCharsets.UTF_8));
        }
        return res;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }

    private String location(HttpResponse<?> res) {
      return res.headers().firstValue("Location").orElseThrow();
    }

    /** Uploads one blob, in one request or in three chunks (POST, PATCH, PATCH, PUT). */
    String upload(String repo, byte[] blob, boolean chunked) throws IOException {
      String digest = digest(blob);
      String start = "/v2/" + repo + "/blobs/uploads/";
      if (!chunked) {
        send(
            req(start + "?digest=" + digest)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(blob))
                .build(),
            201);
        return digest;
      }
      String loc =
          location(send(req(start).POST(HttpRequest.BodyPublishers.noBody()).build(), 202));
      int half = blob.length / 2;
      for (int[] part : new int[][] {{0, half}, {half, blob.length}}) {
        HttpResponse<byte[]> r =
            send(
                req(loc)
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Range", part[0] + "-" + (part[1] - 1))
                    .method(
                        "PATCH",
                        HttpRequest.BodyPublishers.ofByteArray(blob, part[0], part[1] - part[0]))
                    .build(),
                202);
        loc = location(r);
      }
      String sep = loc.contains("?") ? "&" : "?";
      send(
          req(loc + sep + "digest=" + digest).PUT(HttpRequest.BodyPublishers.noBody()).build(),
          201);
      return digest;
    }

    Pushed push(String repo, String tag, Random rnd, boolean chunked) throws IOException {
      byte[] layer = new byte[16384 + rnd.nextInt(3 << 20)];
      rnd.nextBytes(layer);
      byte[] config =
          ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"tag\":\"" + tag + "\"}")
              .getBytes(StandardCharsets.UTF_8);
      String layerDigest = upload(repo, layer, chunked);
      String configDigest = upload(repo, config, false);
      String manifest =
          "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
              + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
              + "\"digest\":\""
              + configDigest
              + "\",\"size\":"
              + config.length
              + "},"
              + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
              + "\"digest\":\""
              + layerDigest
              + "\",\"size\":"
              + layer.length
              + "}]}";
      byte[] m = manifest.getBytes(StandardCharsets.UTF_8);
      send(
          req("/v2/" + repo + "/manifests/" + tag)
              .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
              .PUT(HttpRequest.BodyPublishers.ofByteArray(m))
              .build(),
          201);
      return new Pushed(repo, tag, m, List.of(config, layer));
    }

    /** What differs from the acknowledged push, if anything. */
    List<String> verify(Pushed p) throws IOException {
      List<String> problems = new ArrayList<>();
      String name = p.repo() + ":" + p.tag();
      HttpResponse<byte[]> m =
          http(
              req("/v2/" + p.repo() + "/manifests/" + p.tag())
                  .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                  .GET()
                  .build());
      if (m.statusCode() != 200 || !java.util.Arrays.equals(m.body(), p.manifest())) {
        problems.add(name + ": manifest " + m.statusCode());
      }
      for (byte[] blob : p.blobs()) {
        String d = digest(blob);
        HttpResponse<byte[]> b = http(req("/v2/" + p.repo() + "/blobs/" + d).GET().build());
        if (b.statusCode() != 200 || !digest(b.body()).equals(d)) {
          problems.add(name + ": blob " + d + " " + b.statusCode());
        }
      }
      return problems;
    }

    private HttpResponse<byte[]> http(HttpRequest r) throws IOException {
      try {
        return http.send(r, HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  static String digest(byte[] b) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
