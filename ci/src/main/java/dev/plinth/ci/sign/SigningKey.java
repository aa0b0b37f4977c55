/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An ECDSA P-256 signing key: a PKCS#8 PEM file, or a key in a PKCS#11 token through the JDK's
 * SunPKCS11 provider (the hook for an HSM: the private key never leaves the token).
 *
 * @param privateKey the private key (a token handle for PKCS#11)
 * @param publicKey its public key
 * @param provider the provider to sign with, null for the JDK default
 */
public record SigningKey(PrivateKey privateKey, PublicKey publicKey, Provider provider) {

  /** The file names {@code ci keygen} writes. */
  public static final String PRIVATE_FILE = "signing.key";

  public static final String PUBLIC_FILE = "signing.pub";

  /** Generates a fresh P-256 key pair with the JDK. */
  public static KeyPair generate() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** Writes {@code signing.key} (PKCS#8 PEM, mode 0600) and {@code signing.pub} (SPKI PEM). */
  public static void write(KeyPair pair, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path key = dir.resolve(PRIVATE_FILE);
    Files.deleteIfExists(key);
    Files.createFile(
        key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(
        key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
    Files.writeString(
        dir.resolve(PUBLIC_FILE),
        pem("PUBLIC KEY", pair.getPublic().getEncoded()),
        StandardCharsets.US_ASCII);
  }

  /** Loads a PKCS#8 PEM private key; its public key is computed from it. */
  public static SigningKey fromPkcs8(Path file) throws IOException, GeneralSecurityException {
    byte[] der = der(Files.readString(file, StandardCharsets.US_ASCII), "PRIVATE KEY", file);
    PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    if (!(k instanceof ECPrivateKey ec)
        || ec.getParams().getCurve().getField().getFieldSize() != 256) {
      throw new GeneralSecurityException(file + ": not an ECDSA P-256 key");
    }
    return new SigningKey(k, publicOf(ec), null);
  }

  /**
   * Loads a key from a PKCS#11 token: {@code config} is a SunPKCS11 configuration file (library,
   * slot), {@code alias} the key's label; the public key comes from the certificate stored with it.
   */
  public static SigningKey fromPkcs11(Path config, String alias, char[] pin)
      throws IOException, GeneralSecurityException {
    Provider base = Security.getProvider("SunPKCS11");
    if (base == null) {
      throw new GeneralSecurityException("this JDK has no SunPKCS11 provider");
    }
    Provider p = base.configure(config.toString());
    KeyStore ks = KeyStore.getInstance("PKCS11", p);
    ks.load(null, pin);
    if (!(ks.getKey(alias, null) instanceof PrivateKey k)) {
      throw new GeneralSecurityException("PKCS#11 token has no private key " + alias);
    }
    if (ks.getCertificate(alias) == null) {
      throw new GeneralSecurityException("PKCS#11 token has no certificate for " + alias);
    }
    return new SigningKey(k, ks.getCertificate(alias).getPublicKey(), p);
  }

  /** Reads an SPKI PEM public key. */
  public static PublicKey readPublic(Path file) throws IOException, GeneralSecurityException {
    byte[] der = der(Files.readString(file, StandardCharsets.US_ASCII), "PUBLIC KEY", file);
    return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
  }

  /** SHA256withECDSA (ASN.1 DER signature) over {@code data}. */
  public byte[] sign(byte[] data) throws GeneralSecurityException {
    Signature s =
        provider == null
            ? Signature.getInstance("SHA256withECDSA")
            : Signature.getInstance("SHA256withECDSA", provider);
    s.initSign(privateKey);
    s.update(data);
    return s.sign();
  }

  /** SHA256withECDSA over a file's bytes, streamed. */
  public byte[] sign(Path file) throws GeneralSecurityException, IOException {
    Signature s =
        provider == null
            ? Signature.getInstance("SHA256withECDSA")
            : Signature.getInstance("SHA256withECDSA", provider);
    s.initSign(privateKey);
    try (var in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        s.update(buf, 0, n);
      }
    }
    return s.sign();
  }

  /** The key's id: hex SHA-256 of its SPKI DER encoding (the bundles' {@code publicKey.hint}). */
  public static String keyId(PublicKey key) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static byte[] der(String pem, String type, Path file) throws GeneralSecurityException {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw new GeneralSecurityException(file + ": no PEM " + type + " block");
    }
    return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
  }

  /** Q = d·G on P-256 (the JDK does not derive a public key from a private one). */
  private static PublicKey publicOf(ECPrivateKey k) throws GeneralSecurityException {
    var params = k.getParams();
    BigInteger p = ((java.security.spec.ECFieldFp) params.getCurve().getField()).getP();
    BigInteger a = params.getCurve().getA();
    BigInteger[] q = null;
    BigInteger[] g = {params.getGenerator().getAffineX(), params.getGenerator().getAffineY()};
    BigInteger d = k.getS();
    for (int i = d.bitLength() - 1; i >= 0; i--) {
      q = add(q, q, p, a);
      if (d.testBit(i)) {
        q = add(q, g, p, a);
      }
    }
    if (q == null) {
      throw new GeneralSecurityException("invalid private key");
    }
    return KeyFactory.getInstance("EC")
        .generatePublic(new ECPublicKeySpec(new ECPoint(q[0], q[1]), params));
  }

  private static BigInteger[] add(BigInteger[] u, BigInteger[] v, BigInteger p, BigInteger a) {
    if (u == null) {
      return v;
    }
    if (v == null) {
      return u;
    }
    BigInteger lambda;
    if (u[0].equals(v[0])) {
      if (!u[1].equals(v[1]) || u[1].signum() == 0) {
        return null;
      }
      lambda =
          u[0].pow(2)
              .multiply(BigInteger.valueOf(3))
              .add(a)
              .multiply(u[1].shiftLeft(1).modInverse(p))
              .mod(p);
    } else {
      lambda = v[1].subtract(u[1]).multiply(v[0].subtract(u[0]).modInverse(p)).mod(p);
    }
    BigInteger x = lambda.pow(2).subtract(u[0]).subtract(v[0]).mod(p);
    BigInteger y = lambda.multiply(u[0].subtract(x)).subtract(u[1]).mod(p);
    return new BigInteger[] {x, y};
  }

  /** Verifies SHA256withECDSA. */
  public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(key);
      s.update(data);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Whether {@code key} is an EC public key (what the verifier accepts). */
  public static boolean isEc(PublicKey key) {
    return key instanceof ECPublicKey;
  }
}
