/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SbomGeneratorTest {

  @Test
  void writesValidDeterministicSbomsWhereTheContractSays(@TempDir Path tmp) throws Exception {
    DistFixture f = new DistFixture(tmp);
    List<Path> files = f.generator().writeAll(f.dist);
    Path tarSbom = f.dist.resolve("plinth-0.1.0.tar.gz.cdx.json");
    Path imageSbom = f.dist.resolve("sbom/tools_sgdisk.cdx.json");
    assertThat(files).containsExactly(tarSbom, imageSbom);
    byte[] first = Files.readAllBytes(tarSbom);
    byte[] firstImage = Files.readAllBytes(imageSbom);
    assertThat(new JsonParser().validate(first, Version.VERSION_16)).isEmpty();
    assertThat(new JsonParser().validate(firstImage, Version.VERSION_16)).isEmpty();

    f.generator().writeAll(f.dist);
    assertThat(Files.readAllBytes(tarSbom)).isEqualTo(first);
    assertThat(Files.readAllBytes(imageSbom)).isEqualTo(firstImage);

    JsonNode bom = new ObjectMapper().readTree(first);
    assertThat(bom.path("specVersion").asText()).isEqualTo("1.6");
    assertThat(bom.path("metadata").path("timestamp").asText()).isEqualTo("2025-12-05T00:00:00Z");
    assertThat(bom.path("metadata").path("component").path("name").asText())
        .isEqualTo("controller-tarball");
    Map<String, JsonNode> byPurl = byPurl(bom);
    JsonNode databind =
        byPurl.get("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.22.4?type=jar");
    assertThat(databind).isNotNull();
    assertThat(databind.path("hashes").get(0).path("content").asText())
        .isEqualTo(
            JavaComponents.sha256(
                DistFixture.jar("com.fasterxml.jackson.core", "jackson-databind", "2.22.4")));
    assertThat(databind.path("licenses").get(0).path("license").path("id").asText())
        .isEqualTo("Apache-2.0");
    assertThat(byPurl)
        .containsKey("pkg:maven/org.example/odd@1.0?classifier=linux-x86_64&type=jar");
    JsonNode own = byPurl.get("pkg:maven/dev.plinth/plinth-controller@0.1.0?type=jar");
    assertThat(own.path("licenses").get(0).path("license").path("id").asText())
        .isEqualTo("AGPL-3.0-or-later");

    JsonNode image = new ObjectMapper().readTree(firstImage);
    Map<String, JsonNode> debs = byPurl(image);
    assertThat(debs.keySet())
        .containsExactly(
            "pkg:deb/debian/gawk@1%3A5.2.1-2%2Bb1?arch=amd64&distro=debian-13",
            "pkg:deb/debian/grub-common@2.12-9?arch=amd64&distro=debian-13&upstream=grub2",
            "pkg:deb/debian/grub-pc-bin@2.12-9?arch=amd64&distro=debian-13&upstream=grub2",
            "pkg:deb/debian/libssl3t64@3.5.1-1?arch=amd64&distro=debian-13&upstream=openssl");
    assertThat(
            debs.values()
                .iterator()
                .next()
                .path("licenses")
                .get(0)
                .path("license")
                .path("id")
                .asText())
        .isEqualTo("GPL-3.0-or-later");
    // grub-pc-bin's doc directory links to grub-common's: same licence, an OR expression.
    assertThat(
            debs.get("pkg:deb/debian/grub-pc-bin@2.12-9?arch=amd64&distro=debian-13&upstream=grub2")
                .path("licenses")
                .get(0)
                .path("expression")
                .asText())
        .isEqualTo("GPL-3.0-or-later OR BSD-3-Clause");
    assertThat(image.path("metadata").path("component").path("purl").asText())
        .isEqualTo(
            "pkg:oci/sgdisk@sha256%3A"
                + "a".repeat(64)
                + "?repository_url=plinth%2Ftools%2Fsgdisk&tag=0.1.0");
  }

  @Test
  void aPackageWithoutACopyrightFileIsNoassertion(@TempDir Path tmp) throws Exception {
    DistFixture f = new DistFixture(tmp);
    try (var s = Files.list(f.debs)) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    f.generator().writeAll(f.dist);
    JsonNode image =
        new ObjectMapper().readTree(f.dist.resolve("sbom/tools_sgdisk.cdx.json").toFile());
    for (JsonNode c : image.path("components")) {
      assertThat(c.path("licenses").get(0).path("license").path("name").asText())
          .isEqualTo(SbomGenerator.NOASSERTION);
    }
  }

  @Test
  void theMaintenanceIsoListsItsLockAndTheDispatchersLibraries(@TempDir Path tmp) throws Exception {
    DistFixture f = new DistFixture(tmp);
    Path mos = Files.createDirectories(f.source.resolve("maintenance-os/debian"));
    String gawk =
        Files.readString(f.source.resolve("tools-images/debian/trixie.lock"))
            .lines()
            .filter(l -> l.startsWith("gawk\t"))
            .findFirst()
            .orElseThrow();
    Files.writeString(
        mos.resolve("trixie-amd64.lock"),
        "package\tversion\tarch\tsha256\tsize\tfilename\n" + gawk + "\n");
    Files.writeString(f.dist.resolve("plinth-maintenance-0.1.0.iso"), "iso bytes");
    Files.copy(
        f.dist.resolve("plinth-0.1.0.tar.gz"), f.dist.resolve("plinth-dispatcher-0.1.0.tar.gz"));
    dev.plinth.ci.artifact.Inventory inv = dev.plinth.ci.artifact.Inventory.read(f.dist);
    List<dev.plinth.ci.artifact.Artifact> arts = new java.util.ArrayList<>(inv.artifacts());
    String isoDigest =
        "sha256:"
            + JavaComponents.sha256(
                Files.readAllBytes(f.dist.resolve("plinth-maintenance-0.1.0.iso")));
    String d = arts.get(0).digest(); // the dispatcher is a copy of the tarball
    arts.add(
        new dev.plinth.ci.artifact.Artifact(
            "maintenance-iso",
            dev.plinth.ci.artifact.Artifact.Kind.FILE,
            "plinth-maintenance-0.1.0.iso",
            null,
            null,
            isoDigest,
            9,
            "application/vnd.efi.iso",
            true));
    arts.add(
        new dev.plinth.ci.artifact.Artifact(
            "dispatcher",
            dev.plinth.ci.artifact.Artifact.Kind.FILE,
            "plinth-dispatcher-0.1.0.tar.gz",
            null,
            null,
            d,
            9,
            "application/gzip",
            true));
    new dev.plinth.ci.artifact.Inventory(inv.version(), inv.commit(), inv.sourceDateEpoch(), arts)
        .write(f.dist);
    f.generator().writeAll(f.dist);
    JsonNode iso =
        new ObjectMapper()
            .readTree(f.dist.resolve("plinth-maintenance-0.1.0.iso.cdx.json").toFile());
    assertThat(iso.path("metadata").path("component").path("type").asText())
        .isEqualTo("operating-system");
    assertThat(byPurl(iso).keySet())
        .contains(
            "pkg:deb/debian/gawk@1%3A5.2.1-2%2Bb1?arch=amd64&distro=debian-13",
            "pkg:maven/info.picocli/picocli@4.7.7?type=jar");
  }

  @Test
  void aMissingOrChangedArtifactFileFailsNamingIt(@TempDir Path tmp) throws Exception {
    DistFixture f = new DistFixture(tmp);
    Files.writeString(f.dist.resolve("plinth-0.1.0.tar.gz"), "other bytes");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.generator().writeAll(f.dist))
        .hasMessageStartingWith("controller-tarball: ")
        .hasMessageContaining("artifacts.json says");
    Files.delete(f.dist.resolve("plinth-0.1.0.tar.gz"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.generator().writeAll(f.dist))
        .hasMessageStartingWith("controller-tarball: ")
        .hasMessageContaining("is missing");
  }

  static Map<String, JsonNode> byPurl(JsonNode bom) {
    return java.util.stream.StreamSupport.stream(bom.path("components").spliterator(), false)
        .collect(
            Collectors.toMap(
                c -> c.path("purl").asText(), c -> c, (a, b) -> a, java.util.LinkedHashMap::new));
  }
}
