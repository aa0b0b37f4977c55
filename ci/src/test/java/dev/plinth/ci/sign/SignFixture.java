/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import dev.plinth.ci.Ci;
import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import picocli.CommandLine;

/** A small dist directory as ci build and ci sbom leave it, and a way to run ci in-process. */
final class SignFixture {

  static final String IMAGE_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";

  /** The result of one ci run. */
  record Run(int exit, String out, String err) {}

  private SignFixture() {}

  static Run ci(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new Ci())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /**
   * Two FILE artifacts with SBOMs, an IMAGE artifact (with {@code imageDigest}, its SBOM under
   * sbom/), SHA256SUMS, and a lock file in {@code source}.
   */
  static Inventory dist(Path dist, Path source, String imageDigest, String repository)
      throws IOException {
    Files.createDirectories(dist.resolve("sbom"));
    Files.createDirectories(source.resolve("maintenance-os/debian"));
    Files.writeString(source.resolve("maintenance-os/debian/trixie-amd64.lock"), "libc6 2.41-12\n");
    List<Artifact> artifacts = new ArrayList<>();
    artifacts.add(
        file(
            dist, "controller-tarball", "plinth-0.1.0-linux.tar.gz", "tarball bytes ".repeat(500)));
    artifacts.add(
        file(
            dist,
            "dispatcher",
            "plinth-dispatcher-0.1.0.jar",
            "dispatcher jar bytes ".repeat(300)));
    artifacts.add(
        new Artifact(
            "tools/sgdisk",
            Artifact.Kind.IMAGE,
            "images/tools.tar",
            repository,
            "0.1.0",
            imageDigest,
            400,
            IMAGE_MEDIA_TYPE,
            true));
    Files.writeString(
        dist.resolve("sbom/tools_sgdisk.cdx.json"),
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"name\":\"sgdisk\"}\n");
    Inventory inv =
        new Inventory("0.1.0", "0123456789abcdef0123456789abcdef01234567", 1700000000L, artifacts);
    inv.write(dist);
    StringBuilder sums = new StringBuilder();
    for (String f :
        List.of(
            "plinth-0.1.0-linux.tar.gz",
            "plinth-0.1.0-linux.tar.gz.cdx.json",
            "plinth-dispatcher-0.1.0.jar",
            "plinth-dispatcher-0.1.0.jar.cdx.json",
            "sbom/tools_sgdisk.cdx.json")) {
      sums.append(HexFormat.of().formatHex(Bundles.sha256(dist.resolve(f))))
          .append("  ")
          .append(f)
          .append('\n');
    }
    Files.writeString(dist.resolve("SHA256SUMS"), sums);
    return inv;
  }

  private static Artifact file(Path dist, String name, String path, String content)
      throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    Files.write(dist.resolve(path), bytes);
    Files.writeString(
        dist.resolve(path + ".cdx.json"),
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"name\":\"" + name + "\"}\n");
    return new Artifact(
        name,
        Artifact.Kind.FILE,
        path,
        null,
        null,
        Bundles.digest(bytes),
        bytes.length,
        "application/octet-stream",
        true);
  }

  /** Flips one bit of byte {@code at} (negative: from the end). */
  static void flip(Path f, int at) throws IOException {
    byte[] b = Files.readAllBytes(f);
    int i = at >= 0 ? at : b.length + at;
    b[i] ^= 0x01;
    Files.write(f, b);
  }

  /** Flips one bit inside the base64 value of {@code field} of a bundle (keeps valid JSON). */
  static void flipBase64(Path bundle, String field) throws IOException {
    String json = Files.readString(bundle);
    int k = json.indexOf("\"" + field + "\" : \"");
    if (k < 0) {
      throw new IllegalArgumentException(field + " not in " + bundle);
    }
    int start = k + field.length() + 6;
    int end = json.indexOf('"', start);
    byte[] raw = java.util.Base64.getDecoder().decode(json.substring(start, end));
    raw[raw.length / 2] ^= 0x01;
    Files.writeString(
        bundle,
        json.substring(0, start)
            + java.util.Base64.getEncoder().encodeToString(raw)
            + json.substring(end));
  }
}
