/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import static dev.plinth.ci.sign.SignFixture.ci;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image signatures against a real registry (Debian's docker-registry, which has no referrers API,
 * so the provenance goes through the tag fallback), checked by ci verify and independently by
 * skopeo with a {@code sigstoreSigned} policy and {@code use-sigstore-attachments: true}.
 */
class ImageSignatureIT {

  @TempDir static Path tmp;
  static LocalRegistry registry;
  static Path keys;
  static Path otherKeys;
  static Path registriesD;

  @BeforeAll
  static void start() throws Exception {
    registry = new LocalRegistry(tmp.resolve("registry"));
    keys = tmp.resolve("keys");
    otherKeys = tmp.resolve("other-keys");
    assertThat(ci("keygen", "--out", keys.toString()).exit()).isZero();
    assertThat(ci("keygen", "--out", otherKeys.toString()).exit()).isZero();
    registriesD = Skopeo.registriesD(tmp);
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  /** A dist whose image {@code repo} is in the registry, signed there with {@code key}. */
  static Path signed(String repo, Path keyDir) throws Exception {
    String digest = registry.pushImage(repo, "0.1.0", "payload of " + repo);
    Path dist = tmp.resolve(repo.replace('/', '_'));
    SignFixture.dist(dist, tmp.resolve("src"), digest, repo);
    SignFixture.Run s =
        ci(
            "sign",
            "--dist",
            dist.toString(),
            "--key",
            keyDir.resolve("signing.key").toString(),
            "--source",
            tmp.resolve("src").toString(),
            "--registry",
            registry.url());
    assertThat(s.exit()).as(s.err()).isZero();
    assertThat(s.out()).contains("1 images signed");
    return dist;
  }

  static String ref(Path dist) {
    Artifact a = Inventory.read(dist).find("tools/sgdisk").orElseThrow();
    return registry.host() + "/" + a.repository() + "@" + a.digest();
  }

  static SignFixture.Run verify(Path dist, Path keyDir) {
    return ci(
        "verify",
        "--dist",
        dist.toString(),
        "--public-key",
        keyDir.resolve("signing.pub").toString(),
        "--registry",
        registry.url());
  }

  @Test
  void skopeoAndCiVerifyAcceptTheSignatureAndCiVerifyTheReferrer() throws Exception {
    Path dist = signed("plinth/tools/sgdisk", keys);
    SignFixture.Run v = verify(dist, keys);
    assertThat(v.exit()).as(v.err()).isZero();
    Skopeo.Result r =
        Skopeo.copy(
            Skopeo.policy(tmp.resolve("p-ok"), keys.resolve("signing.pub")),
            registriesD,
            ref(dist),
            tmp.resolve("out-ok"));
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(tmp.resolve("out-ok/manifest.json")).exists();
    // The referrer is in the OCI fallback index, and a second signing run replaces it.
    OciRegistry reg = new OciRegistry(registry.url());
    Artifact a = Inventory.read(dist).find("tools/sgdisk").orElseThrow();
    String index =
        new String(
            reg.manifest(a.repository(), a.digest().replace(':', '-')).orElseThrow().bytes());
    assertThat(index).contains(Bundles.MEDIA_TYPE);
    assertThat(
            ci(
                    "sign",
                    "--dist",
                    dist.toString(),
                    "--key",
                    keys.resolve("signing.key").toString(),
                    "--source",
                    tmp.resolve("src").toString(),
                    "--registry",
                    registry.url())
                .exit())
        .isZero();
    String again =
        new String(
            reg.manifest(a.repository(), a.digest().replace(':', '-')).orElseThrow().bytes());
    assertThat(again.split(java.util.regex.Pattern.quote(Bundles.MEDIA_TYPE), -1)).hasSize(2);
  }

  /**
   * Production holds the channel images only ({@code ci-only/} is never promoted): {@code
   * --channel-only} checks those at the registry, and every artifact offline.
   */
  @Test
  void channelOnlySkipsTheCiOnlyImagesAtTheRegistry() throws Exception {
    String digest = registry.pushImage("plinth/tools/channel", "0.1.0", "channel image");
    String ciOnly = registry.pushImage("ci-only/os/linux-rootfs", "0.1.0", "ci-only image");
    Path dist = tmp.resolve("channel-only");
    Inventory inv = SignFixture.dist(dist, tmp.resolve("src"), digest, "plinth/tools/channel");
    List<Artifact> all = new java.util.ArrayList<>(inv.artifacts());
    all.add(
        new Artifact(
            "ci-only/os/linux-rootfs",
            Artifact.Kind.IMAGE,
            "images/ci-os.tar",
            "ci-only/os/linux-rootfs",
            "0.1.0",
            ciOnly,
            100,
            SignFixture.IMAGE_MEDIA_TYPE,
            false));
    new Inventory(inv.version(), inv.commit(), inv.sourceDateEpoch(), all).write(dist);
    SignFixture.Run s =
        ci(
            "sign",
            "--dist",
            dist.toString(),
            "--key",
            keys.resolve("signing.key").toString(),
            "--source",
            tmp.resolve("src").toString(),
            "--registry",
            registry.url());
    assertThat(s.exit()).as(s.err()).isZero();
    // Production: the ci-only image is not there (promote never copies it).
    var http = java.net.http.HttpClient.newHttpClient();
    var deleted =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        registry.url() + "/v2/ci-only/os/linux-rootfs/manifests/" + ciOnly))
                .DELETE()
                .build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
    assertThat(deleted.statusCode()).isEqualTo(202);
    SignFixture.Run every = verify(dist, keys);
    assertThat(every.exit()).isEqualTo(1);
    assertThat(every.err()).contains("ci verify: ci-only/os/linux-rootfs: ");
    SignFixture.Run channel =
        ci(
            "verify",
            "--dist",
            dist.toString(),
            "--public-key",
            keys.resolve("signing.pub").toString(),
            "--registry",
            registry.url(),
            "--channel-only");
    assertThat(channel.exit()).as(channel.err()).isZero();
    assertThat(channel.out())
        .contains("--channel-only: 1 ci-only image(s) not looked for at " + registry.url());
    // Offline checks still cover the ci-only image: its provenance must verify.
    Files.delete(Layout.provenance(dist, all.getLast()));
    SignFixture.Run offline =
        ci(
            "verify",
            "--dist",
            dist.toString(),
            "--public-key",
            keys.resolve("signing.pub").toString(),
            "--registry",
            registry.url(),
            "--channel-only");
    assertThat(offline.exit()).isEqualTo(1);
    assertThat(offline.err()).contains("ci-only/os/linux-rootfs: provenance: ");
  }

  @Test
  void anotherKeyIsRefusedBySkopeoAndCiVerify() throws Exception {
    Path dist = signed("plinth/tools/other-key", otherKeys);
    Skopeo.Result r =
        Skopeo.copy(
            Skopeo.policy(tmp.resolve("p-wrong"), keys.resolve("signing.pub")),
            registriesD,
            ref(dist),
            tmp.resolve("out-wrong"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.output()).containsIgnoringCase("signature");
    SignFixture.Run v = verify(dist, keys);
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err())
        .contains("tools/sgdisk: image signature does not verify against signing.pub")
        .contains(
            "tools/sgdisk: provenance referrer: signature does not verify against signing.pub");
  }

  /**
   * The policy and registries.d baked into the maintenance OS, with the site key at a temporary
   * path instead of /etc/plinth/tool-signing.pub: what the dispatcher's {@code podman pull
   * --signature-policy} applies (podman and skopeo share containers/image; trixie's, as in the OS).
   * A refusal says "Source image rejected", which the dispatcher reports as the step's reason.
   */
  @Test
  void theMaintenanceOsPolicyAcceptsTheSiteSignatureAndRefusesAnyOther() throws Exception {
    Path mos = Path.of("../maintenance-os/src/main/mos/etc/containers");
    String baked = Files.readString(mos.resolve("policy-plinth-tools.json"));
    assertThat(baked).contains("\"keyPath\": \"/etc/plinth/tool-signing.pub\"");
    Path policy = tmp.resolve("mos-policy.json");
    Files.writeString(
        policy,
        baked.replace("/etc/plinth/tool-signing.pub", keys.resolve("signing.pub").toString()));
    Path bakedD = mos.resolve("registries.d");
    Path signedBySite = signed("plinth/tools/mos-ok", keys);
    Skopeo.Result ok = Skopeo.copy(policy, bakedD, ref(signedBySite), tmp.resolve("mos-ok"));
    assertThat(ok.exit()).as(ok.output()).isZero();
    Path signedByOther = signed("plinth/tools/mos-other", otherKeys);
    Skopeo.Result other = Skopeo.copy(policy, bakedD, ref(signedByOther), tmp.resolve("mos-other"));
    assertThat(other.exit()).isNotZero();
    assertThat(other.output()).contains("Source image rejected");
    String unsigned = registry.pushImage("plinth/tools/mos-unsigned", "1", "unsigned tool");
    Skopeo.Result none =
        Skopeo.copy(
            policy,
            bakedD,
            registry.host() + "/plinth/tools/mos-unsigned@" + unsigned,
            tmp.resolve("mos-unsigned"));
    assertThat(none.exit()).isNotZero();
    assertThat(none.output()).contains("Source image rejected");
  }

  @Test
  void anUnsignedImageIsRefused() throws Exception {
    String digest = registry.pushImage("plinth/tools/unsigned", "0.1.0", "never signed");
    Skopeo.Result r =
        Skopeo.copy(
            Skopeo.policy(tmp.resolve("p-unsigned"), keys.resolve("signing.pub")),
            registriesD,
            registry.host() + "/plinth/tools/unsigned@" + digest,
            tmp.resolve("out-unsigned"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.output()).containsIgnoringCase("signature");
  }

  @Test
  void aTamperedSignatureIsRefusedBySkopeoAndCiVerify() throws Exception {
    Path dist = signed("plinth/tools/tampered", keys);
    Artifact a = Inventory.read(dist).find("tools/sgdisk").orElseThrow();
    OciRegistry reg = new OciRegistry(registry.url());
    String tag = ImageSignatures.signatureTag(a.digest());
    ObjectNode m =
        (ObjectNode) Bundles.JSON.readTree(reg.manifest(a.repository(), tag).orElseThrow().bytes());
    ObjectNode ann = (ObjectNode) m.path("layers").get(0).path("annotations");
    byte[] sig =
        Base64.getDecoder().decode(ann.path(ImageSignatures.SIGNATURE_ANNOTATION).asText());
    sig[sig.length / 2] ^= 0x01;
    ann.put(ImageSignatures.SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(sig));
    reg.pushManifest(
        a.repository(), tag, Bundles.JSON.writeValueAsBytes(m), ImageSignatures.OCI_MANIFEST);
    Skopeo.Result r =
        Skopeo.copy(
            Skopeo.policy(tmp.resolve("p-tampered"), keys.resolve("signing.pub")),
            registriesD,
            ref(dist),
            tmp.resolve("out-tampered"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.output()).containsIgnoringCase("signature");
    SignFixture.Run v = verify(dist, keys);
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err())
        .contains("tools/sgdisk: image signature does not verify against signing.pub");
  }

  @Test
  void aReferrerSignedWithAnotherKeyIsRefused() throws Exception {
    Path dist = signed("plinth/tools/referrer", keys);
    Artifact a = Inventory.read(dist).find("tools/sgdisk").orElseThrow();
    SigningKey other = SigningKey.fromPkcs8(otherKeys.resolve("signing.key"));
    byte[] forged =
        Bundles.dsse(
            other,
            Bundles.IN_TOTO,
            Bundles.verifyDsse(
                Files.readAllBytes(Layout.provenance(dist, a)),
                Bundles.IN_TOTO,
                SigningKey.readPublic(keys.resolve("signing.pub")),
                "signing.pub"));
    ImageSignatures.pushProvenance(new OciRegistry(registry.url()), a, forged);
    SignFixture.Run v = verify(dist, keys);
    assertThat(v.exit()).isEqualTo(1);
    assertThat(v.err())
        .contains(
            "tools/sgdisk: provenance referrer: signature does not verify against signing.pub");
  }
}
