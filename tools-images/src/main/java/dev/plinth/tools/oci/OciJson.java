/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OCI JSON documents, built field by field in a fixed order and written compactly, so the same
 * inputs always give the same bytes (and digests).
 */
public final class OciJson {
  /** OCI image manifest media type. */
  public static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** OCI image index media type. */
  public static final String INDEX = "application/vnd.oci.image.index.v1+json";

  /** OCI image config media type. */
  public static final String CONFIG = "application/vnd.oci.image.config.v1+json";

  /** The annotation naming a tag in a layout's index.json. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  static final ObjectMapper MAPPER = new ObjectMapper();

  private OciJson() {}

  /** What goes into an image config. */
  public record ImageConfig(
      String architecture,
      Instant created,
      List<String> entrypoint,
      List<String> env,
      Map<String, String> labels,
      List<String> diffIds,
      List<String> history) {}

  /** One platform entry of an image index. */
  public record PlatformManifest(Descriptor manifest, String architecture) {}

  /** One tagged entry of a layout's index.json. */
  public record RefEntry(Descriptor target, String refName) {}

  /** RFC 3339 UTC time with seconds, as OCI configs carry it. */
  public static String time(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }

  /** The image config JSON. */
  public static byte[] config(ImageConfig c) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("created", time(c.created()));
    root.put("architecture", c.architecture());
    root.put("os", "linux");
    ObjectNode cfg = root.putObject("config");
    strings(cfg.putArray("Env"), c.env());
    strings(cfg.putArray("Entrypoint"), c.entrypoint());
    ObjectNode labels = cfg.putObject("Labels");
    new TreeMap<>(c.labels()).forEach(labels::put);
    cfg.put("WorkingDir", "/");
    ObjectNode rootfs = root.putObject("rootfs");
    rootfs.put("type", "layers");
    strings(rootfs.putArray("diff_ids"), c.diffIds());
    ArrayNode history = root.putArray("history");
    for (String h : c.history()) {
      history.addObject().put("created", time(c.created())).put("created_by", h);
    }
    return bytes(root);
  }

  /** An image manifest. */
  public static byte[] manifest(Descriptor config, List<Descriptor> layers) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", MANIFEST);
    descriptor(root.putObject("config"), config);
    ArrayNode ls = root.putArray("layers");
    for (Descriptor l : layers) {
      descriptor(ls.addObject(), l);
    }
    return bytes(root);
  }

  /** An image index with one manifest per platform (os linux). */
  public static byte[] index(List<PlatformManifest> manifests) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", INDEX);
    ArrayNode ms = root.putArray("manifests");
    for (PlatformManifest m : manifests) {
      ObjectNode e = ms.addObject();
      descriptor(e, m.manifest());
      e.putObject("platform").put("architecture", m.architecture()).put("os", "linux");
    }
    return bytes(root);
  }

  /** A layout's index.json: one entry per tag. */
  public static byte[] layoutIndex(List<RefEntry> refs) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", INDEX);
    ArrayNode ms = root.putArray("manifests");
    for (RefEntry r : refs) {
      ObjectNode e = ms.addObject();
      descriptor(e, r.target());
      e.putObject("annotations").put(REF_NAME, r.refName());
    }
    return bytes(root);
  }

  /** Parses a JSON document. */
  public static JsonNode parse(byte[] bytes) throws IOException {
    return MAPPER.readTree(bytes);
  }

  private static void descriptor(ObjectNode n, Descriptor d) {
    n.put("mediaType", d.mediaType());
    n.put("digest", d.digest());
    n.put("size", d.size());
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }

  private static byte[] bytes(JsonNode n) {
    try {
      return MAPPER.writeValueAsString(n).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
