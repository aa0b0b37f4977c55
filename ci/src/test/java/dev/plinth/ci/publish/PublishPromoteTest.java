/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.ci.Ci;
import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** publish, promote and retention end to end against two {@link FakeRegistry}s. */
class PublishPromoteTest {

  @TempDir Path dist;

  record Image(String ref, String manifestDigest, byte[] manifest) {}

  /** Writes an OCI archive with one single-layer image per ref; returns them. */
  static List<Image> archive(Path file, List<String> refs) throws IOException {
    Map<String, byte[]> blobs = new LinkedHashMap<>();
    List<Image> images = new ArrayList<>();
    StringBuilder index =
        new StringBuilder(
            "{\"schemaVersion\":2,\"mediaType\":\"" + Oci.INDEX + "\",\"manifests\":[");
    for (String ref : refs) {
      byte[] config =
          FakeRegistry.utf8(
              "{\"architecture\":\"amd64\",\"os\":\"linux\",\"ref\":\"" + ref + "\"}");
      byte[] layer = FakeRegistry.utf8("layer of " + ref);
      String manifest =
          "{\"schemaVersion\":2,\"mediaType\":\""
              + Oci.MANIFEST
              + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
              + Oci.sha256(config)
              + "\",\"size\":"
              + config.length
              + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
              + Oci.sha256(layer)
              + "\",\"size\":"
              + layer.length
              + "}]}";
      byte[] mb = FakeRegistry.utf8(manifest);
      blobs.put(Oci.sha256(config), config);
      blobs.put(Oci.sha256(layer), layer);
      blobs.put(Oci.sha256(mb), mb);
      if (!images.isEmpty()) {
        index.append(',');
      }
      index.append(
          "{\"mediaType\":\""
              + Oci.MANIFEST
              + "\",\"digest\":\""
              + Oci.sha256(mb)
              + "\",\"size\":"
              + mb.length
              + ",\"annotations\":{\""
              + Oci.REF_NAME
              + "\":\""
              + ref
              + "\"}}");
      images.add(new Image(ref, Oci.sha256(mb), mb));
    }
    index.append("]}");
    try (OutputStream os = Files.newOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
      put(tar, "oci-layout", FakeRegistry.utf8("{\"imageLayoutVersion\":\"1.0.0\"}"));
      put(tar, "index.json", FakeRegistry.utf8(index.toString()));
      for (var e : blobs.entrySet()) {
        put(tar, "blobs/sha256/" + e.getKey().substring(7), e.getValue());
      }
    }
    return images;
  }

  private static void put(TarArchiveOutputStream tar, String name, byte[] b) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(b.length);
    tar.putArchiveEntry(e);
    tar.write(b);
    tar.closeArchiveEntry();
  }

  static int ci(StringWriter out, String... args) {
    PrintWriter w = new PrintWriter(out, true);
    return new CommandLine(new Ci()).setOut(w).setErr(w).execute(args);
  }

  @Test
  void publishPromoteRetention() throws Exception {
    Files.createDirectories(dist.resolve("images"));
    List<Image> imgs =
        archive(
            dist.resolve("images/all.tar"),
            List.of("plinth/tools/sgdisk:0.1.0", "ci-only/os/linux-rootfs:1"));
    new Inventory(
            "0.1.0",
            "c0ffee",
            1,
            List.of(
                new Artifact(
                    "tools/sgdisk",
                    Artifact.Kind.IMAGE,
                    "images/all.tar",
                    "plinth/tools/sgdisk",
                    "0.1.0",
                    imgs.get(0).manifestDigest(),
                    imgs.get(0).manifest().length,
                    Oci.MANIFEST,
                    true),
                new Artifact(
                    "ci-only/os/linux-rootfs",
                    Artifact.Kind.IMAGE,
                    "images/all.tar",
                    "ci-only/os/linux-rootfs",
                    "1",
                    imgs.get(1).manifestDigest(),
                    imgs.get(1).manifest().length,
                    Oci.MANIFEST,
                    false)))
        .write(dist);
    Files.createDirectories(dist.resolve("sbom"));
    Files.writeString(dist.resolve("sbom/tools_sgdisk.cdx.json"), "{\"bomFormat\":\"CycloneDX\"}");
    String sgdisk = imgs.get(0).manifestDigest();
    try (FakeRegistry staging = new FakeRegistry();
        FakeRegistry production = new FakeRegistry()) {
      StringWriter out = new StringWriter();
      assertThat(
              ci(
                  out,
                  "publish",
                  "--dist",
                  dist.toString(),
                  "--registry",
                  staging.uri().toString(),
                  "--tag",
                  "v0.1.0-rc.1",
                  "--channel",
                  "candidate",
                  "--release-dir",
                  dist.resolve("rel").toString()))
          .as(out.toString())
          .isZero();
      assertThat(staging.tags("plinth/tools/sgdisk"))
          .containsEntry("0.1.0", sgdisk)
          .containsEntry("v0.1.0-rc.1", sgdisk)
          .containsEntry("candidate", sgdisk)
          .containsKey(Oci.referrersTag(sgdisk));
      assertThat(staging.tags("ci-only/os/linux-rootfs")).containsOnlyKeys("1");
      // a signature as ci sign pushes it (cosign tag layout)
      RegistryClient s = new RegistryClient(staging.uri(), null, null);
      byte[] sigLayer = FakeRegistry.utf8("{\"critical\":{}}");
      s.pushBlob(
          "plinth/tools/sgdisk",
          Oci.sha256(sigLayer),
          sigLayer.length,
          () -> new ByteArrayInputStream(sigLayer));
      s.pushBlob(
          "plinth/tools/sgdisk",
          Oci.EMPTY_DIGEST,
          2,
          () -> new ByteArrayInputStream(FakeRegistry.utf8("{}")));
      byte[] sig =
          FakeRegistry.utf8(
              "{\"schemaVersion\":2,\"mediaType\":\""
                  + Oci.MANIFEST
                  + "\",\"config\":{\"mediaType\":\""
                  + Oci.EMPTY
                  + "\",\"digest\":\""
                  + Oci.EMPTY_DIGEST
                  + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\""
                  + Oci.sha256(sigLayer)
                  + "\",\"size\":"
                  + sigLayer.length
                  + "}]}");
      s.putManifest("plinth/tools/sgdisk", Oci.signatureTag(sgdisk), sig, Oci.MANIFEST);

      out = new StringWriter();
      assertThat(
              ci(
                  out,
                  "promote",
                  "--from",
                  staging.uri().toString(),
                  "--to",
                  production.uri().toString(),
                  "--rc",
                  "v0.1.0-rc.1",
                  "--version",
                  "v0.1.0"))
          .as(out.toString())
          .isZero();
      assertThat(out.toString()).contains("1 signature(s)").contains(Oci.CYCLONEDX);
      assertThat(production.tags("plinth/tools/sgdisk"))
          .containsEntry("v0.1.0", sgdisk)
          .containsEntry("0.1", sgdisk)
          .containsEntry("latest", sgdisk)
          .containsEntry("stable", sgdisk)
          .containsEntry(Oci.signatureTag(sgdisk), Oci.sha256(sig))
          .containsKey(Oci.referrersTag(sgdisk));
      assertThat(production.manifests).doesNotContainKey("ci-only/os/linux-rootfs");
      assertThat(
              Referrers.list(
                  new RegistryClient(production.uri(), null, null), "plinth/tools/sgdisk", sgdisk))
          .extracting(Referrers.Referrer::artifactType)
          .containsExactly(Oci.CYCLONEDX);

      // a wrong rc, and promoting a ci-only repository, are refused
      assertThat(
              ci(
                  new StringWriter(),
                  "promote",
                  "--from",
                  staging.uri().toString(),
                  "--to",
                  production.uri().toString(),
                  "--rc",
                  "v0.2.0-rc.1",
                  "--version",
                  "v0.1.0"))
          .isEqualTo(2);
      RegistryClient p = new RegistryClient(production.uri(), null, null);
      assertThat(
              org.assertj.core.api.Assertions.catchThrowable(
                  () ->
                      PromoteCommand.promote(
                          s, p, "ci-only/os/linux-rootfs", "1", List.of("stable"))))
          .hasMessageContaining("never promoted");

      // retention: seven releases in production, the oldest two go with their signatures
      for (int i = 1; i <= 6; i++) {
        List<Image> old =
            archive(dist.resolve("old" + i + ".tar"), List.of("plinth/tools/sgdisk:v0.0." + i));
        try (OciArchive a = new OciArchive(dist.resolve("old" + i + ".tar"))) {
          Copier.copy(a, p, "plinth/tools/sgdisk", old.get(0).manifestDigest());
        }
        p.putManifest("plinth/tools/sgdisk", "v0.0." + i, old.get(0).manifest(), Oci.MANIFEST);
      }
      out = new StringWriter();
      assertThat(ci(out, "retention", "--registry", production.uri().toString()))
          .as(out.toString())
          .isZero();
      assertThat(production.tags("plinth/tools/sgdisk"))
          .doesNotContainKeys("v0.0.1", "v0.0.2")
          .containsKeys("v0.0.3", "v0.0.6", "v0.1.0", "stable", Oci.signatureTag(sgdisk));
      assertThat(out.toString()).contains("retention: 2 manifest(s) deleted");
    }
  }

  @Test
  void retentionPolicy() {
    Retention r = new Retention(2, 1, Set.of("1"), Set.of("a".repeat(40)));
    assertThat(
            r.expired(
                "plinth/tools/x",
                List.of(
                    "v1.0.0",
                    "v1.1.0",
                    "v1.2.0-rc.1",
                    "v1.2.0",
                    "latest",
                    "1",
                    "a".repeat(40),
                    "b".repeat(40))))
        .containsExactlyInAnyOrder("v1.0.0", "b".repeat(40));
    assertThat(
            r.expired("plinth/maintenance", List.of("v1.0.0", "v1.0.1", "v1.1.0", "v2.0.0", "1.0")))
        .containsExactly("v1.0.0");
    assertThat(r.expired("ci-only/os/a", List.of("1", "2", "sha256-abc"))).containsExactly("2");
    assertThat(r.expired("other/repo", List.of("v0.0.1"))).isEmpty();
  }
}
