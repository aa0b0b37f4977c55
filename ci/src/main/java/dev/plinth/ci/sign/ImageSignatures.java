/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.ci.artifact.Artifact;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Image signatures where podman and skopeo look for them, and the provenance as an OCI referrer.
 *
 * <p>The signature is cosign's key-based layout: tag {@code sha256-<hex>.sig} in the image's
 * repository, an OCI manifest whose one layer ({@code
 * application/vnd.dev.cosign.simplesigning.v1+json}) is the "simple signing" payload naming the
 * image's repository and manifest digest, with the DER ECDSA signature over those bytes base64 in
 * the {@code dev.cosignproject.cosign/signature} annotation. containers/image (podman, skopeo,
 * CRI-O) reads it with {@code use-sigstore-attachments: true} and checks it with a {@code
 * sigstoreSigned} policy rule.
 *
 * <p>The provenance bundle is an OCI artifact manifest ({@code artifactType} the bundle's media
 * type, empty config, {@code subject} the image), found through the referrers API, or the tag
 * {@code sha256-<hex>} (an image index, the OCI fallback) on registries without one.
 */
public final class ImageSignatures {

  public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";

  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  static final String EMPTY = "application/vnd.oci.empty.v1+json";

  private ImageSignatures() {}

  /** The tag cosign and containers/image look up for {@code digest}'s signatures. */
  public static String signatureTag(String digest) {
    return digest.replace(':', '-') + ".sig";
  }

  /** The simple-signing payload for {@code identity} (host/repository) and {@code digest}. */
  static byte[] payload(String identity, String digest) {
    ObjectNode p = Bundles.JSON.createObjectNode();
    ObjectNode c = p.putObject("critical");
    c.putObject("identity").put("docker-reference", identity);
    c.putObject("image").put("docker-manifest-digest", digest);
    c.put("type", "cosign container image signature");
    p.putObject("optional").put("creator", "plinth ci sign");
    try {
      return Bundles.JSON
          .copy()
          .disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
          .writeValueAsBytes(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Checks that the registry serves {@code a} under its digest, then pushes its signature
   * (replacing any earlier one at the tag).
   *
   * @return the signature manifest's digest
   */
  public static String sign(OciRegistry reg, Artifact a, String identity, SigningKey key)
      throws IOException, GeneralSecurityException {
    OciRegistry.Manifest image = present(reg, a);
    // A multi-arch image: containers/image checks the signature of the per-arch manifest it
    // copies (even without --all), so every child is signed as well as the index (cosign's
    // --recursive does the same).
    for (String child : children(image)) {
      signDigest(reg, a.repository(), child, identity, key);
    }
    return signDigest(reg, a.repository(), a.digest(), identity, key);
  }

  /** The child manifests' digests of an image index, none for a single manifest. */
  static List<String> children(OciRegistry.Manifest m) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode e : Bundles.JSON.readTree(m.bytes()).path("manifests")) {
      out.add(e.path("digest").asText());
    }
    return out;
  }

  private static String signDigest(
      OciRegistry reg, String repository, String digest, String identity, SigningKey key)
      throws IOException, GeneralSecurityException {
    byte[] payload = payload(identity, digest);
    String sig = Base64.getEncoder().encodeToString(key.sign(payload));
    String layer = reg.pushBlob(repository, payload);
    ObjectNode cfg = Bundles.JSON.createObjectNode();
    cfg.put("architecture", "");
    cfg.putObject("config");
    cfg.put("created", "0001-01-01T00:00:00Z");
    cfg.putArray("history").addObject().put("created", "0001-01-01T00:00:00Z");
    cfg.put("os", "");
    ObjectNode rootfs = cfg.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(layer);
    byte[] config = compact(cfg);
    reg.pushBlob(repository, config);
    ObjectNode m = Bundles.JSON.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", OCI_MANIFEST);
    descriptor(m.putObject("config"), "application/vnd.oci.image.config.v1+json", config);
    ObjectNode l = descriptor(m.putArray("layers").addObject(), SIMPLE_SIGNING, payload);
    l.putObject("annotations").put(SIGNATURE_ANNOTATION, sig);
    return reg.pushManifest(repository, signatureTag(digest), compact(m), OCI_MANIFEST);
  }

  /**
   * Pushes the provenance bundle as a referrer of {@code a}; on a registry without the referrers
   * API, merges it into the fallback index (replacing earlier bundles, keeping other referrers such
   * as the SBOM).
   */
  public static String pushProvenance(OciRegistry reg, Artifact a, byte[] bundle)
      throws IOException {
    OciRegistry.Manifest image = present(reg, a);
    reg.pushBlob(a.repository(), bundle);
    byte[] empty = "{}".getBytes(StandardCharsets.US_ASCII);
    reg.pushBlob(a.repository(), empty);
    ObjectNode m = Bundles.JSON.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", OCI_MANIFEST);
    m.put("artifactType", Bundles.MEDIA_TYPE);
    descriptor(m.putObject("config"), EMPTY, empty);
    descriptor(m.putArray("layers").addObject(), Bundles.MEDIA_TYPE, bundle)
        .putObject("annotations")
        .put("org.opencontainers.image.title", "provenance.intoto.sigstore.json");
    ObjectNode subject = descriptor(m.putObject("subject"), image.mediaType(), image.bytes());
    subject.put("digest", a.digest());
    m.putObject("annotations").put("dev.sigstore.bundle.predicateType", Provenance.PREDICATE_TYPE);
    byte[] manifest = compact(m);
    String digest = Bundles.digest(manifest);
    reg.pushManifest(a.repository(), digest, manifest, OCI_MANIFEST);
    if (reg.referrersApi(a.repository(), a.digest()).isPresent()) {
      return digest;
    }
    String tag = a.digest().replace(':', '-');
    ObjectNode index = Bundles.JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", OCI_INDEX);
    ArrayNode entries = index.putArray("manifests");
    Optional<OciRegistry.Manifest> old = reg.manifest(a.repository(), tag);
    if (old.isPresent()) {
      for (JsonNode e : Bundles.JSON.readTree(old.get().bytes()).path("manifests")) {
        if (!Bundles.MEDIA_TYPE.equals(e.path("artifactType").asText())) {
          entries.add(e);
        }
      }
    }
    ObjectNode e = descriptor(entries.addObject(), OCI_MANIFEST, manifest);
    e.put("artifactType", Bundles.MEDIA_TYPE);
    e.putObject("annotations").put("dev.sigstore.bundle.predicateType", Provenance.PREDICATE_TYPE);
    reg.pushManifest(a.repository(), tag, compact(index), OCI_INDEX);
    return digest;
  }

  /**
   * Verifies the image's signature: at least one simple-signing layer at {@code sha256-<hex>.sig}
   * signed by {@code key} over a payload naming {@code identity} and the artifact's digest.
   */
  public static void verifySignature(
      OciRegistry reg, Artifact a, String identity, PublicKey key, String keyName)
      throws IOException, VerificationException {
    OciRegistry.Manifest image = present(reg, a);
    verifyDigest(reg, a.repository(), a.digest(), identity, key, keyName);
    for (String child : children(image)) {
      try {
        verifyDigest(reg, a.repository(), child, identity, key, keyName);
      } catch (VerificationException e) {
        throw new VerificationException("platform manifest " + child + ": " + e.getMessage());
      }
    }
  }

  private static void verifyDigest(
      OciRegistry reg,
      String repository,
      String digest,
      String identity,
      PublicKey key,
      String keyName)
      throws IOException, VerificationException {
    Optional<OciRegistry.Manifest> sigs = reg.manifest(repository, signatureTag(digest));
    if (sigs.isEmpty()) {
      throw new VerificationException(
          "no signature at " + reg.host() + "/" + repository + ":" + signatureTag(digest));
    }
    List<String> problems = new ArrayList<>();
    for (JsonNode l : Bundles.JSON.readTree(sigs.get().bytes()).path("layers")) {
      if (!SIMPLE_SIGNING.equals(l.path("mediaType").asText())) {
        continue;
      }
      byte[] payload;
      try {
        payload = reg.blob(repository, l.path("digest").asText());
      } catch (IOException ex) {
        problems.add(ex.getMessage());
        continue;
      }
      byte[] sig;
      try {
        sig =
            Base64.getDecoder().decode(l.path("annotations").path(SIGNATURE_ANNOTATION).asText(""));
      } catch (IllegalArgumentException ex) {
        problems.add("signature annotation is not base64");
        continue;
      }
      if (!SigningKey.verify(key, payload, sig)) {
        problems.add("image signature does not verify against " + keyName);
        continue;
      }
      JsonNode critical = Bundles.JSON.readTree(payload).path("critical");
      String signed = critical.path("image").path("docker-manifest-digest").asText();
      String ref = critical.path("identity").path("docker-reference").asText();
      if (!digest.equals(signed)) {
        problems.add("signature is for " + signed + ", not " + digest);
      } else if (!identity.equals(ref)) {
        problems.add("signature names " + ref + ", not " + identity);
      } else {
        return;
      }
    }
    throw new VerificationException(
        problems.isEmpty()
            ? "signature manifest has no simple-signing layer"
            : String.join("; ", problems));
  }

  /** Verifies that a provenance referrer signed by {@code key} is attached to the image. */
  public static void verifyProvenance(OciRegistry reg, Artifact a, PublicKey key, String keyName)
      throws IOException, VerificationException {
    byte[] index =
        reg.referrersApi(a.repository(), a.digest())
            .or(() -> fallback(reg, a))
            .orElseThrow(() -> new VerificationException("no referrers for " + a.digest()));
    List<String> problems = new ArrayList<>();
    for (JsonNode e : Bundles.JSON.readTree(index).path("manifests")) {
      if (!Bundles.MEDIA_TYPE.equals(e.path("artifactType").asText())) {
        continue;
      }
      Optional<OciRegistry.Manifest> m = reg.manifest(a.repository(), e.path("digest").asText());
      if (m.isEmpty() || !m.get().digest().equals(e.path("digest").asText())) {
        problems.add("referrer " + e.path("digest").asText() + " missing or altered");
        continue;
      }
      JsonNode man = Bundles.JSON.readTree(m.get().bytes());
      if (!a.digest().equals(man.path("subject").path("digest").asText())) {
        problems.add("referrer " + e.path("digest").asText() + " has another subject");
        continue;
      }
      try {
        byte[] bundle =
            reg.blob(a.repository(), man.path("layers").path(0).path("digest").asText());
        Provenance.check(Bundles.verifyDsse(bundle, Bundles.IN_TOTO, key, keyName), a);
        return;
      } catch (VerificationException | IOException ex) {
        problems.add("provenance referrer: " + ex.getMessage());
      }
    }
    throw new VerificationException(
        problems.isEmpty() ? "no provenance referrer" : String.join("; ", problems));
  }

  private static Optional<byte[]> fallback(OciRegistry reg, Artifact a) {
    try {
      return reg.manifest(a.repository(), a.digest().replace(':', '-'))
          .map(OciRegistry.Manifest::bytes);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static OciRegistry.Manifest present(OciRegistry reg, Artifact a) throws IOException {
    OciRegistry.Manifest m =
        reg.manifest(a.repository(), a.digest())
            .orElseThrow(
                () ->
                    new IOException(
                        a.name()
                            + ": "
                            + reg.host()
                            + "/"
                            + a.repository()
                            + "@"
                            + a.digest()
                            + " is not in the registry"));
    if (!m.digest().equals(a.digest())) {
      throw new IOException(a.name() + ": the registry serves other bytes for " + a.digest());
    }
    return m;
  }

  private static ObjectNode descriptor(ObjectNode d, String mediaType, byte[] content) {
    d.put("mediaType", mediaType);
    d.put("digest", Bundles.digest(content));
    d.put("size", content.length);
    return d;
  }

  private static byte[] compact(ObjectNode n) throws IOException {
    return Bundles.JSON
        .copy()
        .disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
        .writeValueAsBytes(n);
  }
}
