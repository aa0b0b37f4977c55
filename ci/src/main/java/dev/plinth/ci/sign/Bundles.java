/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Sigstore bundles v0.3 for a key-based signature: {@code verificationMaterial.publicKey.hint}
 * names the key, there is no certificate and no transparency-log entry (an air-gapped site has
 * neither). A message signature covers a blob; a DSSE envelope carries an in-toto statement.
 */
public final class Bundles {

  public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

  public static final String IN_TOTO = "application/vnd.in-toto+json";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private static final Base64.Encoder B64 = Base64.getEncoder();

  private Bundles() {}

  /** A bundle with a message signature over {@code file}. */
  public static byte[] messageSignature(SigningKey key, Path file)
      throws IOException, GeneralSecurityException {
    byte[] sig = key.sign(file);
    ObjectNode b = skeleton(key.publicKey());
    ObjectNode ms = b.putObject("messageSignature");
    ms.putObject("messageDigest")
        .put("algorithm", "SHA2_256")
        .put("digest", B64.encodeToString(sha256(file)));
    ms.put("signature", B64.encodeToString(sig));
    return bytes(b);
  }

  /** A bundle with a DSSE envelope over {@code payload} of {@code payloadType}. */
  public static byte[] dsse(SigningKey key, String payloadType, byte[] payload)
      throws GeneralSecurityException {
    byte[] sig = key.sign(pae(payloadType, payload));
    ObjectNode b = skeleton(key.publicKey());
    ObjectNode env = b.putObject("dsseEnvelope");
    env.put("payload", B64.encodeToString(payload));
    env.put("payloadType", payloadType);
    env.putArray("signatures").addObject().put("keyid", "").put("sig", B64.encodeToString(sig));
    return bytes(b);
  }

  /** DSSE's pre-authentication encoding. */
  static byte[] pae(String type, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] t = type.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(("DSSEv1 " + t.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(t);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /**
   * Verifies a message-signature bundle against {@code file}.
   *
   * @throws VerificationException naming what is wrong (the caller prefixes the artifact)
   */
  public static void verifyMessage(byte[] bundle, Path file, PublicKey key, String keyName)
      throws IOException, VerificationException {
    JsonNode b = parse(bundle);
    JsonNode ms = b.path("messageSignature");
    if (ms.isMissingNode()) {
      throw new VerificationException("bundle has no messageSignature");
    }
    byte[] digest = sha256(file);
    byte[] claimed = b64(ms.path("messageDigest").path("digest"), "messageDigest");
    if (!"SHA2_256".equals(ms.path("messageDigest").path("algorithm").asText())) {
      throw new VerificationException("bundle's messageDigest is not SHA2_256");
    }
    if (!MessageDigest.isEqual(digest, claimed)) {
      throw new VerificationException(
          "sha256 "
              + HexFormat.of().formatHex(digest)
              + " is not the one signed ("
              + HexFormat.of().formatHex(claimed)
              + ")");
    }
    byte[] sig = b64(ms.path("signature"), "signature");
    if (!verifyFile(key, file, sig)) {
      throw wrongKey(b, key, keyName);
    }
  }

  /**
   * Verifies a DSSE bundle and returns its payload.
   *
   * @throws VerificationException naming what is wrong
   */
  public static byte[] verifyDsse(byte[] bundle, String payloadType, PublicKey key, String keyName)
      throws VerificationException {
    JsonNode b = parse(bundle);
    JsonNode env = b.path("dsseEnvelope");
    if (env.isMissingNode()) {
      throw new VerificationException("bundle has no dsseEnvelope");
    }
    if (!payloadType.equals(env.path("payloadType").asText())) {
      throw new VerificationException(
          "DSSE payloadType is " + env.path("payloadType").asText() + ", not " + payloadType);
    }
    byte[] payload = b64(env.path("payload"), "payload");
    JsonNode sigs = env.path("signatures");
    if (!sigs.isArray() || sigs.isEmpty()) {
      throw new VerificationException("DSSE envelope has no signature");
    }
    byte[] pae = pae(payloadType, payload);
    for (JsonNode s : sigs) {
      if (SigningKey.verify(key, pae, b64(s.path("sig"), "sig"))) {
        return payload;
      }
    }
    throw wrongKey(b, key, keyName);
  }

  private static VerificationException wrongKey(JsonNode b, PublicKey key, String keyName) {
    String hint = b.path("verificationMaterial").path("publicKey").path("hint").asText("");
    String expected = SigningKey.keyId(key);
    return new VerificationException(
        "signature does not verify against "
            + keyName
            + (hint.isEmpty() || hint.equals(expected)
                ? ""
                : " (the bundle names another key: " + hint + ")"));
  }

  private static JsonNode parse(byte[] bundle) throws VerificationException {
    try {
      JsonNode b = JSON.readTree(bundle);
      if (b == null || !MEDIA_TYPE.equals(b.path("mediaType").asText())) {
        throw new VerificationException("not a Sigstore bundle v0.3");
      }
      if (b.path("verificationMaterial").path("publicKey").isMissingNode()) {
        throw new VerificationException(
            "bundle is not key-based (no verificationMaterial.publicKey)");
      }
      return b;
    } catch (IOException e) {
      throw new VerificationException("bundle is not valid JSON: " + e.getMessage());
    }
  }

  private static byte[] b64(JsonNode n, String what) throws VerificationException {
    try {
      return Base64.getDecoder().decode(n.asText(""));
    } catch (IllegalArgumentException e) {
      throw new VerificationException("bundle's " + what + " is not base64");
    }
  }

  private static boolean verifyFile(PublicKey key, Path file, byte[] sig) throws IOException {
    try {
      var s = java.security.Signature.getInstance("SHA256withECDSA");
      s.initVerify(key);
      try (var in = Files.newInputStream(file)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          s.update(buf, 0, n);
        }
      }
      return s.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static ObjectNode skeleton(PublicKey key) {
    ObjectNode b = JSON.createObjectNode();
    b.put("mediaType", MEDIA_TYPE);
    ObjectNode vm = b.putObject("verificationMaterial");
    vm.putObject("publicKey").put("hint", SigningKey.keyId(key));
    vm.putArray("tlogEntries");
    return b;
  }

  private static byte[] bytes(ObjectNode b) {
    try {
      return (JSON.writeValueAsString(b) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 of a file. */
  public static byte[] sha256(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (var in = Files.newInputStream(file)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
        }
      }
      return md.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code sha256:<hex>} of bytes. */
  public static String digest(byte[] data) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
