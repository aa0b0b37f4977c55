/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** OCI media types and digests. */
public final class Oci {
  public static final String INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String EMPTY = "application/vnd.oci.empty.v1+json";
  public static final String EMPTY_DIGEST =
      "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
  public static final String CYCLONEDX = "application/vnd.cyclonedx+json";
  public static final String SIGSTORE_BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";
  public static final String TITLE = "org.opencontainers.image.title";
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  private Oci() {}

  /** {@code sha256:<hex>} of bytes. */
  public static String sha256(byte[] bytes) {
    return "sha256:" + HexFormat.of().formatHex(md().digest(bytes));
  }

  /** {@code sha256:<hex>} of a stream (read to its end, not closed). */
  public static String sha256(InputStream in) throws IOException {
    MessageDigest md = md();
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) > 0; ) {
      md.update(buf, 0, n);
    }
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }

  /** Whether a manifest is an index (OCI or Docker list). */
  public static boolean isIndex(String mediaType, JsonNode json) {
    String t = json.hasNonNull("mediaType") ? json.get("mediaType").asText() : mediaType;
    return INDEX.equals(t) || t.endsWith("manifest.list.v2+json") || json.has("manifests");
  }

  /** The media type a manifest declares, or {@code fallback}. */
  public static String mediaType(JsonNode json, String fallback) {
    return json.hasNonNull("mediaType") ? json.get("mediaType").asText() : fallback;
  }

  /** The cosign signature tag of a digest: {@code sha256-<hex>.sig}. */
  public static String signatureTag(String digest) {
    return digest.replace(':', '-') + ".sig";
  }

  /** The referrers tag-schema fallback tag of a digest: {@code sha256-<hex>}. */
  public static String referrersTag(String digest) {
    return digest.replace(':', '-');
  }

  /** A descriptor JSON object. */
  public static ObjectNode descriptor(String mediaType, String digest, long size) {
    ObjectNode d = RegistryClient.JSON.createObjectNode();
    d.put("mediaType", mediaType);
    d.put("digest", digest);
    d.put("size", size);
    return d;
  }

  private static MessageDigest md() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
