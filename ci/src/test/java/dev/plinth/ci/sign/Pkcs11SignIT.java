/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import static dev.plinth.ci.sign.SignFixture.ci;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PKCS#11 hook is real: a P-256 key generated inside a SoftHSM token (by keytool through the
 * JDK's SunPKCS11, so it never exists as a file) signs a dist with {@code ci sign --pkcs11-config},
 * and {@code ci verify} accepts it with the public key read from the token's certificate. ci runs
 * in a child JVM: SoftHSM reads its configuration from the environment.
 */
class Pkcs11SignIT {

  static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

  @TempDir Path tmp;

  record Result(int exit, String output) {}

  Result run(Map<String, String> env, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  @Test
  void signsWithAKeyThatLivesInAToken() throws Exception {
    if (!Files.exists(LIBRARY)) {
      String why = "softhsm2 is not installed (.ci/packages)";
      if ("1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
        throw new IOException(why);
      }
      Assumptions.abort(why);
    }
    Files.createDirectories(tmp.resolve("tokens"));
    Path conf = tmp.resolve("softhsm2.conf");
    Files.writeString(
        conf,
        "directories.tokendir = "
            + tmp.resolve("tokens")
            + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    Map<String, String> env = Map.of("SOFTHSM2_CONF", conf.toString(), "PLINTH_PKCS11_PIN", "1234");
    Result init =
        run(
            env,
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "plinth",
            "--pin",
            "1234",
            "--so-pin",
            "5678");
    assertThat(init.exit()).as(init.output()).isZero();
    Path cfg = tmp.resolve("pkcs11.cfg");
    Files.writeString(cfg, "name = plinth\nlibrary = " + LIBRARY + "\nslotListIndex = 0\n");
    String bin = Path.of(System.getProperty("java.home"), "bin").toString();
    List<String> token =
        List.of(
            "-keystore",
            "NONE",
            "-storetype",
            "PKCS11",
            "-providerClass",
            "sun.security.pkcs11.SunPKCS11",
            "-providerArg",
            cfg.toString(),
            "-storepass",
            "1234");
    List<String> gen =
        new ArrayList<>(
            List.of(
                bin + "/keytool",
                "-genkeypair",
                "-alias",
                "plinth-release",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-sigalg",
                "SHA256withECDSA",
                "-dname",
                "CN=plinth-release"));
    gen.addAll(token);
    Result g = run(env, gen.toArray(String[]::new));
    assertThat(g.exit()).as(g.output()).isZero();
    List<String> export =
        new ArrayList<>(
            List.of(bin + "/keytool", "-exportcert", "-rfc", "-alias", "plinth-release"));
    export.addAll(token);
    Result cert = run(env, export.toArray(String[]::new));
    assertThat(cert.exit()).as(cert.output()).isZero();
    Path pub = tmp.resolve("signing.pub");
    var x509 =
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new java.io.ByteArrayInputStream(
                    cert.output()
                        .substring(cert.output().indexOf("-----BEGIN CERTIFICATE-----"))
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    Files.writeString(pub, SigningKey.pem("PUBLIC KEY", x509.getPublicKey().getEncoded()));

    Path dist = tmp.resolve("dist");
    SignFixture.dist(dist, tmp.resolve("src"), "sha256:" + "ab".repeat(32), "plinth/tools/sgdisk");
    Result sign =
        run(
            env,
            bin + "/java",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.plinth.ci.Ci",
            "sign",
            "--dist",
            dist.toString(),
            "--pkcs11-config",
            cfg.toString(),
            "--source",
            tmp.resolve("src").toString());
    assertThat(sign.exit()).as(sign.output()).isZero();
    assertThat(sign.output()).contains("key id " + SigningKey.keyId(x509.getPublicKey()));
    SignFixture.Run v = ci("verify", "--dist", dist.toString(), "--public-key", pub.toString());
    assertThat(v.exit()).as(v.err()).isZero();
    assertThat(ci("keygen", "--out", tmp.resolve("file-key").toString()).exit()).isZero();
    assertThat(
            ci(
                    "verify",
                    "--dist",
                    dist.toString(),
                    "--public-key",
                    tmp.resolve("file-key/signing.pub").toString())
                .exit())
        .isEqualTo(1);
  }
}
