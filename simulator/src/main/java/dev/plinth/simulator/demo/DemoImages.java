/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.demo;

import dev.plinth.recipes.Tool;
import dev.plinth.recipes.ToolImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * Publishes a placeholder image for every tool ({@code plinth/tools/<name>:1}) to a registry by the
 * OCI distribution API, so recipes resolve to real digests. The local runner never pulls them: it
 * maps each image to a simulated tool by its repository's short name.
 */
public final class DemoImages {

  private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  private DemoImages() {}

  /**
   * @param base the registry's base URL
   * @param password the admin token (HTTP Basic password)
   */
  public static void publishTools(String base, String password)
      throws IOException, InterruptedException {
    publishTools(base, "plinth", password);
  }

  /**
   * To any registry that takes HTTP Basic credentials (the embedded one, distribution with
   * htpasswd).
   *
   * @param base the registry's base URL
   * @param user the HTTP Basic user
   * @param password its password
   */
  public static void publishTools(String base, String user, String password)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    String auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    for (Tool t : Tool.values()) {
      String repo = t.repository();
      byte[] config =
          ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"dev.plinth.tool\":\""
                  + repo
                  + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
                  + sha256(new byte[1024])
                  + "\"]}}")
              .getBytes(StandardCharsets.UTF_8);
      byte[] layer = gzip(new byte[1024]);
      push(http, base, auth, repo, config);
      push(http, base, auth, repo, layer);
      String manifest =
          "{\"schemaVersion\":2,\"mediaType\":\""
              + MANIFEST
              + "\","
              + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
              + sha256(config)
              + "\",\"size\":"
              + config.length
              + "},"
              + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:"
              + sha256(layer)
              + "\",\"size\":"
              + layer.length
              + "}]}";
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(base + "/v2/" + repo + "/manifests/" + ToolImages.CONTRACT_TAG))
                  .header("Authorization", auth)
                  .header("Content-Type", MANIFEST)
                  .PUT(HttpRequest.BodyPublishers.ofString(manifest))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        throw new IOException("PUT manifest " + repo + ": HTTP " + r.statusCode() + " " + r.body());
      }
    }
  }

  private static void push(HttpClient http, String base, String auth, String repo, byte[] blob)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base + "/v2/" + repo + "/blobs/uploads/?digest=sha256:" + sha256(blob)))
                .header("Authorization", auth)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(blob))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 202) {
      // A registry without monolithic POST (distribution) opened a session: finish it with PUT.
      String location = r.headers().firstValue("Location").orElseThrow();
      URI put =
          URI.create(base)
              .resolve(
                  location
                      + (location.contains("?") ? "&" : "?")
                      + "digest=sha256:"
                      + sha256(blob));
      r =
          http.send(
              HttpRequest.newBuilder(put)
                  .header("Authorization", auth)
                  .header("Content-Type", "application/octet-stream")
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    }
    if (r.statusCode() != 201) {
      throw new IOException("push blob to " + repo + ": HTTP " + r.statusCode() + " " + r.body());
    }
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
