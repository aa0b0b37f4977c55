/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.RegistryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the registry needs to know of a manifest: its media type, the blobs and child manifests it
 * references, and its subject and artifact type for the referrers API.
 *
 * @param mediaType the effective media type
 * @param blobs config and layers (must exist for image manifests)
 * @param children child manifests of an index
 * @param subject the subject's digest, or null
 * @param artifactType {@code artifactType}, else the config's media type, else null
 * @param annotations the manifest's annotations
 */
public record Manifest(
    String mediaType,
    List<Digest> blobs,
    List<Digest> children,
    Digest subject,
    String artifactType,
    Map<String, String> annotations) {

  /**
   * Parses manifest bytes.
   *
   * @param contentType the Content-Type it was pushed with, or null (then its {@code mediaType})
   */
  public static Manifest parse(byte[] bytes, String contentType) {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw invalid("manifest is not JSON");
    }
    if (n == null || !n.isObject()) {
      throw invalid("manifest is not a JSON object");
    }
    String declared = n.path("mediaType").isTextual() ? n.get("mediaType").asText() : null;
    String mediaType = contentType != null ? contentType : declared;
    if (mediaType == null) {
      mediaType = n.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }
    if (declared != null && !declared.equals(mediaType)) {
      throw invalid("mediaType does not match Content-Type");
    }
    if (n.has("schemaVersion") && n.get("schemaVersion").asInt() != 2) {
      throw invalid("unsupported schemaVersion");
    }
    List<Digest> blobs = new ArrayList<>();
    List<Digest> children = new ArrayList<>();
    String artifactType =
        n.path("artifactType").isTextual() ? n.get("artifactType").asText() : null;
    if (MediaTypes.INDEXES.contains(mediaType)) {
      for (JsonNode m : array(n, "manifests")) {
        children.add(descriptorDigest(m));
      }
    } else {
      JsonNode config = n.get("config");
      if (config == null || !config.isObject()) {
        throw invalid("manifest has no config");
      }
      blobs.add(descriptorDigest(config));
      if (artifactType == null && config.path("mediaType").isTextual()) {
        artifactType = config.get("mediaType").asText();
      }
      for (JsonNode l : array(n, "layers")) {
        Digest d = descriptorDigest(l);
        // Foreign layers (urls) live elsewhere: they are not required here.
        if (!l.has("urls")) {
          blobs.add(d);
        }
      }
    }
    Digest subject = n.has("subject") ? descriptorDigest(n.get("subject")) : null;
    Map<String, String> annotations = new LinkedHashMap<>();
    n.path("annotations")
        .properties()
        .forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
    return new Manifest(mediaType, blobs, children, subject, artifactType, annotations);
  }

  private static List<JsonNode> array(JsonNode n, String field) {
    JsonNode a = n.get(field);
    if (a == null) {
      return List.of();
    }
    if (!a.isArray()) {
      throw invalid(field + " is not an array");
    }
    List<JsonNode> out = new ArrayList<>();
    a.forEach(out::add);
    return out;
  }

  private static Digest descriptorDigest(JsonNode d) {
    if (d == null || !d.isObject() || !d.path("digest").isTextual()) {
      throw invalid("descriptor without digest");
    }
    if (!d.path("size").canConvertToLong() || d.get("size").asLong() < 0) {
      throw invalid("descriptor without size");
    }
    try {
      return Digest.parse(d.get("digest").asText());
    } catch (RegistryException e) {
      throw invalid("descriptor with invalid digest");
    }
  }

  private static RegistryException invalid(String why) {
    return new RegistryException(ErrorCode.MANIFEST_INVALID, why);
  }
}
