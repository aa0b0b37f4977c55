/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OCI referrers (distribution-spec 1.1): attaching an artifact to an image, and listing them. A
 * registry with the referrers API (the embedded one) keeps the list itself (it answers the push
 * with {@code OCI-Subject}); for one without (Debian's docker-registry 2.8) the spec's tag fallback
 * is kept: an image index at tag {@code sha256-<hex>} listing the referrers.
 */
public final class Referrers {

  private Referrers() {}

  /** One referrer: its manifest's descriptor and artifact type. */
  public record Referrer(
      String digest, String mediaType, long size, String artifactType, JsonNode descriptor) {}

  /**
   * Pushes an artifact manifest (empty config, one layer holding {@code payload}) whose subject is
   * the given manifest; returns its digest.
   */
  public static String attach(
      RegistryClient registry,
      String repo,
      RegistryClient.Manifest subject,
      String artifactType,
      String title,
      byte[] payload,
      Map<String, String> annotations)
      throws IOException {
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    registry.pushBlob(repo, Oci.EMPTY_DIGEST, empty.length, () -> new ByteArrayInputStream(empty));
    String payloadDigest = Oci.sha256(payload);
    registry.pushBlob(repo, payloadDigest, payload.length, () -> new ByteArrayInputStream(payload));
    ObjectNode m = RegistryClient.JSON.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", Oci.MANIFEST);
    m.put("artifactType", artifactType);
    m.set("config", Oci.descriptor(Oci.EMPTY, Oci.EMPTY_DIGEST, empty.length));
    ObjectNode layer = Oci.descriptor(artifactType, payloadDigest, payload.length);
    layer.putObject("annotations").put(Oci.TITLE, title);
    m.putArray("layers").add(layer);
    m.set("subject", Oci.descriptor(subject.mediaType(), subject.digest(), subject.bytes().length));
    ObjectNode ann = m.putObject("annotations");
    new java.util.TreeMap<>(annotations).forEach(ann::put);
    byte[] bytes = RegistryClient.JSON.writeValueAsBytes(m);
    String digest = Oci.sha256(bytes);
    boolean kept = registry.putManifest(repo, digest, bytes, Oci.MANIFEST);
    if (!kept) {
      ObjectNode d = Oci.descriptor(Oci.MANIFEST, digest, bytes.length);
      d.put("artifactType", artifactType);
      d.set("annotations", ann.deepCopy());
      addToFallback(registry, repo, subject.digest(), d);
    }
    return digest;
  }

  /** Adds a descriptor to the fallback index at tag {@code sha256-<hex>} (once). */
  static void addToFallback(RegistryClient registry, String repo, String subject, JsonNode d)
      throws IOException {
    String tag = Oci.referrersTag(subject);
    Optional<RegistryClient.Manifest> existing = registry.manifest(repo, tag);
    ObjectNode index;
    if (existing.isPresent()) {
      index = (ObjectNode) existing.get().json();
    } else {
      index = RegistryClient.JSON.createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", Oci.INDEX);
      index.putArray("manifests");
    }
    ArrayNode ms = (ArrayNode) index.get("manifests");
    for (JsonNode m : ms) {
      if (m.path("digest").asText().equals(d.path("digest").asText())) {
        return;
      }
    }
    ms.add(d);
    registry.putManifest(repo, tag, RegistryClient.JSON.writeValueAsBytes(index), Oci.INDEX);
  }

  /** Every referrer of {@code digest}: from the referrers API and from the tag fallback. */
  public static List<Referrer> list(RegistryClient registry, String repo, String digest)
      throws IOException {
    Map<String, Referrer> all = new LinkedHashMap<>();
    List<JsonNode> descs = new ArrayList<>();
    registry.referrersApi(repo, digest).ifPresent(i -> i.path("manifests").forEach(descs::add));
    registry
        .manifest(repo, Oci.referrersTag(digest))
        .ifPresent(i -> i.json().path("manifests").forEach(descs::add));
    for (JsonNode d : descs) {
      String dg = d.path("digest").asText();
      all.putIfAbsent(
          dg,
          new Referrer(
              dg,
              d.path("mediaType").asText(Oci.MANIFEST),
              d.path("size").asLong(),
              d.path("artifactType").asText(""),
              d));
    }
    return new ArrayList<>(all.values());
  }

  /**
   * Copies every referrer of {@code digest} (and, recursively, theirs) from one registry to
   * another; returns the artifact types copied.
   */
  public static List<String> copyAll(
      RegistryClient from, String fromRepo, RegistryClient to, String toRepo, String digest)
      throws IOException {
    List<String> types = new ArrayList<>();
    for (Referrer r : list(from, fromRepo, digest)) {
      Copier.copy(new RegistryContent(from, fromRepo), to, toRepo, r.digest());
      RegistryClient.Manifest copied =
          to.manifest(toRepo, r.digest()).orElseThrow(() -> new IOException("lost " + r.digest()));
      // A registry without the referrers API did not index it: keep the tag fallback there.
      if (to.referrersApi(toRepo, digest).stream()
          .noneMatch(i -> i.toString().contains(r.digest()))) {
        ObjectNode d = Oci.descriptor(copied.mediaType(), r.digest(), copied.bytes().length);
        if (!r.artifactType().isEmpty()) {
          d.put("artifactType", r.artifactType());
        }
        if (r.descriptor().has("annotations")) {
          d.set("annotations", r.descriptor().get("annotations"));
        }
        addToFallback(to, toRepo, digest, d);
      }
      types.add(r.artifactType());
      types.addAll(copyAll(from, fromRepo, to, toRepo, r.digest()));
    }
    return types;
  }
}
