/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.cios;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.tools.oci.Descriptor;
import dev.plinth.tools.oci.Digests;
import dev.plinth.tools.oci.OciJson;
import dev.plinth.tools.oci.OciLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Publishes the payloads that {@code ci-os/build.sh} wrote as OCI artifacts: for each one, an OCI
 * image manifest with {@code artifactType}, the empty config ({@code {}}), one layer annotated with
 * {@code org.opencontainers.image.title}, and the manifest annotations {@code
 * dev.plinth.ci-only=true} (the release pipeline never promotes these), the creation time and
 * {@code dev.plinth.os.payload-digest} (the sha256 of the payload after decompression: what {@code
 * --digest} of linux-imager checks). The layout's index.json names each by {@code
 * org.opencontainers.image.ref.name} ({@code ci-only/os/linux-rootfs:1}).
 */
public final class CiOsArtifacts {
  /** Marks an artifact that only CI may use. */
  public static final String CI_ONLY = "dev.plinth.ci-only";

  /** The sha256 of the payload after decompression. */
  public static final String PAYLOAD_DIGEST = "dev.plinth.os.payload-digest";

  /** The layer annotation naming the payload file. */
  public static final String TITLE = "org.opencontainers.image.title";

  /** The OCI empty descriptor's media type. */
  public static final String EMPTY = "application/vnd.oci.empty.v1+json";

  private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One artifact: where its payload is, how it is typed and tagged. */
  public record Artifact(String ref, String file, String artifactType, String layerMediaType) {}

  /** What was published: the tag, its manifest and its layer. */
  public record Published(
      String ref, Descriptor manifest, Descriptor layer, String payloadDigest) {}

  /** The three artifacts, in index order. */
  public static final List<Artifact> ARTIFACTS =
      List.of(
          new Artifact(
              "ci-only/os/linux-rootfs:1",
              "linux-rootfs.tar.zst",
              "application/vnd.plinth.os.rootfs.v1",
              "application/vnd.plinth.os.rootfs.v1.tar+zstd"),
          new Artifact(
              "ci-only/os/linux-raw:1",
              "linux-raw.img.zst",
              "application/vnd.plinth.os.raw.v1",
              "application/vnd.plinth.os.raw.v1.raw+zstd"),
          new Artifact(
              "ci-only/os/minimal-wim:1",
              "minimal.wim",
              "application/vnd.plinth.os.wim.v1",
              "application/vnd.plinth.os.wim.v1"));

  private CiOsArtifacts() {}

  /**
   * Writes the artifacts from {@code payloads} (build.sh's output with its payloads.sha256) into
   * the layout {@code layoutDir}, then bundles it as {@code bundle} (a tar) when that is not null.
   */
  public static List<Published> publish(
      Path payloads, Path layoutDir, Path bundle, long epochSeconds, String version)
      throws IOException {
    Map<String, String> payloadDigests = PayloadSums.read(payloads.resolve("payloads.sha256"));
    deleteTree(layoutDir); // a reused layout would keep (and bundle) the blobs of earlier builds
    OciLayout layout = OciLayout.create(layoutDir);
    Descriptor config = layout.put(EMPTY, EMPTY_JSON);
    List<Published> out = new ArrayList<>();
    List<OciJson.RefEntry> refs = new ArrayList<>();
    for (Artifact a : ARTIFACTS) {
      Path payload = payloads.resolve(a.file());
      String payloadDigest = payloadDigests.get(a.file());
      if (payloadDigest == null) {
        throw new IOException(payloads.resolve("payloads.sha256") + " does not list " + a.file());
      }
      Descriptor layer = copyBlob(layout, payload, a.layerMediaType());
      byte[] manifest = manifest(a, config, layer, payloadDigest, epochSeconds, version);
      Descriptor m = layout.put(OciJson.MANIFEST, manifest);
      refs.add(new OciJson.RefEntry(m, a.ref()));
      out.add(new Published(a.ref(), m, layer, payloadDigest));
    }
    layout.finish(refs);
    if (bundle != null) {
      layout.bundle(bundle, epochSeconds);
    }
    return out;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static Descriptor copyBlob(OciLayout layout, Path file, String mediaType)
      throws IOException {
    Path staged = layout.stage();
    Files.copy(file, staged, StandardCopyOption.REPLACE_EXISTING);
    String digest = Digests.of(staged);
    long size = Files.size(staged);
    layout.commit(staged, digest);
    return new Descriptor(mediaType, digest, size);
  }

  /** The artifact manifest, field by field in a fixed order (same inputs, same bytes). */
  static byte[] manifest(
      Artifact a,
      Descriptor config,
      Descriptor layer,
      String payloadDigest,
      long epochSeconds,
      String version) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", OciJson.MANIFEST);
    root.put("artifactType", a.artifactType());
    descriptor(root.putObject("config"), config).put("data", "e30=");
    ObjectNode l = descriptor(root.putArray("layers").addObject(), layer);
    l.putObject("annotations").put(TITLE, a.file());
    Map<String, String> ann = new TreeMap<>();
    ann.put(CI_ONLY, "true");
    ann.put(PAYLOAD_DIGEST, payloadDigest);
    ann.put("org.opencontainers.image.created", OciJson.time(Instant.ofEpochSecond(epochSeconds)));
    ann.put("org.opencontainers.image.version", version);
    ObjectNode annotations = root.putObject("annotations");
    ann.forEach(annotations::put);
    try {
      return MAPPER.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode descriptor(ObjectNode n, Descriptor d) {
    return n.put("mediaType", d.mediaType()).put("digest", d.digest()).put("size", d.size());
  }
}
