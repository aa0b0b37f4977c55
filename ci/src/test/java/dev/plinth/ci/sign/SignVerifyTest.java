/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import static dev.plinth.ci.sign.SignFixture.ci;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.ci.artifact.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignVerifyTest {

  static final String IMAGE = "sha256:" + "ab".repeat(32);

  @TempDir Path tmp;
  Path dist;
  Path keys;

  @BeforeEach
  void signedDist() throws Exception {
    dist = tmp.resolve("dist");
    keys = tmp.resolve("keys");
    SignFixture.dist(dist, tmp.resolve("src"), IMAGE, "plinth/tools/sgdisk");
    assertThat(ci("keygen", "--out", keys.toString()).exit()).isZero();
    SignFixture.Run s =
        ci(
            "sign",
            "--dist",
            dist.toString(),
            "--key",
            keys.resolve("signing.key").toString(),
            "--source",
            tmp.resolve("src").toString(),
            "--builder-id",
            "https://example.test/builder");
    assertThat(s.exit()).as(s.err()).isZero();
    assertThat(s.out()).contains("6 blob bundles, 3 provenance statements");
  }

  SignFixture.Run verify() {
    return ci(
        "verify",
        "--dist",
        dist.toString(),
        "--public-key",
        keys.resolve("signing.pub").toString());
  }

  @Test
  void keygenWritesAPrivateKeyOnlyItsOwnerReadsAndAMatchingPublicKey() throws Exception {
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(keys.resolve("signing.key"))))
        .isEqualTo("rw-------");
    assertThat(Files.readString(keys.resolve("signing.key")))
        .startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(Files.readString(keys.resolve("signing.pub")))
        .startsWith("-----BEGIN PUBLIC KEY-----\n");
    SigningKey k = SigningKey.fromPkcs8(keys.resolve("signing.key"));
    assertThat(k.publicKey().getEncoded())
        .isEqualTo(SigningKey.readPublic(keys.resolve("signing.pub")).getEncoded());
    assertThat(ci("keygen", "--out", keys.toString()).exit()).isEqualTo(1);
    KeyPair fresh = SigningKey.generate();
    SigningKey.write(fresh, tmp.resolve("k2"));
    assertThat(SigningKey.fromPkcs8(tmp.resolve("k2/signing.key")).publicKey())
        .isEqualTo(fresh.getPublic());
  }

  @Test
  void verifiesWhatItSigned() throws Exception {
    SignFixture.Run v = verify();
    assertThat(v.exit()).as(v.err()).isZero();
    assertThat(v.out()).contains("checks passed");
    assertThat(dist.resolve("plinth-0.1.0-linux.tar.gz.sigstore.json")).exists();
    assertThat(dist.resolve("plinth-0.1.0-linux.tar.gz.intoto.sigstore.json")).exists();
    assertThat(dist.resolve("plinth-0.1.0-linux.tar.gz.cdx.json.sigstore.json")).exists();
    assertThat(dist.resolve("sbom/tools_sgdisk.cdx.json.sigstore.json")).exists();
    assertThat(dist.resolve("provenance/tools_sgdisk.intoto.sigstore.json")).exists();
    assertThat(dist.resolve("SHA256SUMS.sigstore.json")).exists();
  }

  @Test
  void theProvenanceNamesTheSubjectTheCommitTheLockFilesAndTheBuilder() throws Exception {
    byte[] payload =
        Bundles.verifyDsse(
            Files.readAllBytes(dist.resolve("plinth-0.1.0-linux.tar.gz.intoto.sigstore.json")),
            Bundles.IN_TOTO,
            SigningKey.readPublic(keys.resolve("signing.pub")),
            "signing.pub");
    var s = Bundles.JSON.readTree(payload);
    Inventory inv = Inventory.read(dist);
    assertThat(s.path("predicateType").asText()).isEqualTo("https://slsa.dev/provenance/v1");
    assertThat(s.path("subject").get(0).path("name").asText())
        .isEqualTo("plinth-0.1.0-linux.tar.gz");
    assertThat("sha256:" + s.path("subject").get(0).path("digest").path("sha256").asText())
        .isEqualTo(inv.find("controller-tarball").orElseThrow().digest());
    var def = s.path("predicate").path("buildDefinition");
    assertThat(def.path("buildType").asText()).isEqualTo(Provenance.BUILD_TYPE);
    assertThat(def.path("externalParameters").path("source").path("commit").asText())
        .isEqualTo(inv.commit());
    assertThat(def.path("resolvedDependencies").get(0).path("digest").path("gitCommit").asText())
        .isEqualTo(inv.commit());
    assertThat(def.path("resolvedDependencies").get(1).path("name").asText())
        .isEqualTo("maintenance-os/debian/trixie-amd64.lock");
    assertThat(def.path("resolvedDependencies").get(1).path("digest").path("sha256").asText())
        .hasSize(64);
    assertThat(s.path("predicate").path("runDetails").path("builder").path("id").asText())
        .isEqualTo("https://example.test/builder");
  }

  @Test
  void oneFlippedByteInAnArtifactIsRefusedNamingIt() throws Exception {
    SignFixture.flip(dist.resolve("plinth-0.1.0-linux.tar.gz"), 100);
    SignFixture.Run v = verify();
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err())
        .contains("controller-tarball: plinth-0.1.0-linux.tar.gz is sha256:")
        .contains("controller-tarball: sha256");
    assertThat(v.err()).doesNotContain("dispatcher:");
  }

  @Test
  void aFlippedSignatureIsRefusedNamingTheArtifact() throws Exception {
    SignFixture.flipBase64(dist.resolve("plinth-dispatcher-0.1.0.jar.sigstore.json"), "signature");
    SignFixture.Run v = verify();
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err()).contains("dispatcher: signature does not verify against signing.pub");
  }

  @Test
  void aFlippedByteAnywhereInABundleFileIsRefused() throws Exception {
    SignFixture.flip(dist.resolve("plinth-dispatcher-0.1.0.jar.sigstore.json"), -20);
    SignFixture.Run v = verify();
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err()).contains("ci verify: dispatcher: ");
  }

  @Test
  void aFlippedSbomByteIsRefusedNamingTheSbom() throws Exception {
    SignFixture.flip(dist.resolve("sbom/tools_sgdisk.cdx.json"), 5);
    SignFixture.Run v = verify();
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err())
        .contains("SBOM sbom/tools_sgdisk.cdx.json: sha256")
        .contains("sbom/tools_sgdisk.cdx.json: sha256");
  }

  @Test
  void aFlippedProvenanceSignatureOrStatementIsRefused() throws Exception {
    SignFixture.flipBase64(dist.resolve("provenance/tools_sgdisk.intoto.sigstore.json"), "sig");
    SignFixture.flipBase64(
        dist.resolve("plinth-0.1.0-linux.tar.gz.intoto.sigstore.json"), "payload");
    SignFixture.Run v = verify();
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err())
        .contains("tools/sgdisk: provenance: signature does not verify against signing.pub")
        .contains("controller-tarball: provenance: ");
  }

  @Test
  void provenanceForAnotherDigestIsRefused() throws Exception {
    // A validly signed statement about other bytes: the subject check catches it.
    Path other = tmp.resolve("other");
    SignFixture.dist(other, tmp.resolve("src"), "sha256:" + "cd".repeat(32), "plinth/tools/sgdisk");
    assertThat(
            ci(
                    "sign",
                    "--dist",
                    other.toString(),
                    "--key",
                    keys.resolve("signing.key").toString(),
                    "--source",
                    tmp.resolve("src").toString())
                .exit())
        .isZero();
    Files.copy(
        other.resolve("provenance/tools_sgdisk.intoto.sigstore.json"),
        dist.resolve("provenance/tools_sgdisk.intoto.sigstore.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    SignFixture.Run v = verify();
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err())
        .contains("tools/sgdisk: provenance: provenance subject sha256 " + "cd".repeat(32));
  }

  @Test
  void aTamperedChecksumFileIsRefused() throws Exception {
    SignFixture.flip(dist.resolve("SHA256SUMS"), 3);
    SignFixture.Run v = verify();
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err()).contains("SHA256SUMS: sha256").contains("is not the one in SHA256SUMS");
  }

  @Test
  void anotherKeyIsRefusedNamingEveryArtifact() throws Exception {
    Path other = tmp.resolve("other-keys");
    assertThat(ci("keygen", "--out", other.toString()).exit()).isZero();
    assertThat(
            ci(
                    "sign",
                    "--dist",
                    dist.toString(),
                    "--key",
                    other.resolve("signing.key").toString(),
                    "--source",
                    tmp.resolve("src").toString())
                .exit())
        .isZero();
    SignFixture.Run v = verify();
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err())
        .contains(
            "controller-tarball: signature does not verify against signing.pub (the bundle names another key: "
                + SigningKey.keyId(SigningKey.readPublic(other.resolve("signing.pub"))))
        .contains("dispatcher: signature does not verify")
        .contains("tools/sgdisk: provenance: signature does not verify")
        .contains("SBOM plinth-0.1.0-linux.tar.gz.cdx.json: signature does not verify")
        .contains("SHA256SUMS: signature does not verify");
  }

  @Test
  void aMissingBundleOrAnArtifactChangedBeforeSigningIsRefused() throws Exception {
    Files.delete(dist.resolve("plinth-dispatcher-0.1.0.jar.sigstore.json"));
    assertThat(verify().err())
        .contains("dispatcher: plinth-dispatcher-0.1.0.jar.sigstore.json is missing");
    SignFixture.flip(dist.resolve("plinth-dispatcher-0.1.0.jar"), 0);
    SignFixture.Run s =
        ci(
            "sign",
            "--dist",
            dist.toString(),
            "--key",
            keys.resolve("signing.key").toString(),
            "--source",
            tmp.resolve("src").toString());
    assertThat(s.exit()).isEqualTo(1);
    assertThat(s.err())
        .contains("dispatcher: plinth-dispatcher-0.1.0.jar is sha256:")
        .contains("not signing");
  }
}
