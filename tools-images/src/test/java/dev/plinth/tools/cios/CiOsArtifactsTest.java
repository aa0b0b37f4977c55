/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.cios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.tools.oci.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing stand-in payloads (no kernel, no QEMU): the manifests, the index, the bundle. */
class CiOsArtifactsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void publishesThreeCiOnlyArtifactsNamedInTheIndex() throws IOException {
    Path payloads = fakePayloads(tmp.resolve("p"));
    List<CiOsArtifacts.Published> out =
        CiOsArtifacts.publish(payloads, tmp.resolve("layout"), tmp.resolve("b.tar"), 1000, "7");
    assertThat(out)
        .extracting(CiOsArtifacts.Published::ref)
        .containsExactly(
            "ci-only/os/linux-rootfs:1", "ci-only/os/linux-raw:1", "ci-only/os/minimal-wim:1");
    JsonNode m = blob(out.get(1).manifest().digest());
    assertThat(m.path("artifactType").asText()).isEqualTo("application/vnd.plinth.os.raw.v1");
    assertThat(m.path("config").path("digest").asText())
        .isEqualTo(Digests.of("{}".getBytes(StandardCharsets.UTF_8)));
    JsonNode layer = m.path("layers").get(0);
    assertThat(layer.path("mediaType").asText())
        .isEqualTo("application/vnd.plinth.os.raw.v1.raw+zstd");
    assertThat(layer.path("digest").asText())
        .isEqualTo(Digests.of(payloads.resolve("linux-raw.img.zst")));
    assertThat(layer.path("annotations").path("org.opencontainers.image.title").asText())
        .isEqualTo("linux-raw.img.zst");
    assertThat(m.path("annotations").path("dev.plinth.ci-only").asText()).isEqualTo("true");
    assertThat(m.path("annotations").path("dev.plinth.os.payload-digest").asText())
        .isEqualTo("sha256:" + "b".repeat(64));
    assertThat(m.path("annotations").path("org.opencontainers.image.created").asText())
        .isEqualTo("1970-01-01T00:16:40Z");
    assertThat(m.path("annotations").path("org.opencontainers.image.version").asText())
        .isEqualTo("7");
    JsonNode index = JSON.readTree(tmp.resolve("layout/index.json").toFile());
    assertThat(index.path("manifests").get(2).path("digest").asText())
        .isEqualTo(out.get(2).manifest().digest());
    assertThat(Files.size(tmp.resolve("b.tar"))).isPositive();
  }

  @Test
  void republishingGivesTheSameBytesAndDropsOldBlobs() throws IOException {
    Path payloads = fakePayloads(tmp.resolve("p"));
    Path layout = tmp.resolve("layout");
    Files.createDirectories(layout.resolve("blobs/sha256"));
    Files.writeString(layout.resolve("blobs/sha256/" + "0".repeat(64)), "stale");
    CiOsArtifacts.publish(payloads, layout, tmp.resolve("1.tar"), 5, "1");
    CiOsArtifacts.publish(payloads, tmp.resolve("layout2"), tmp.resolve("2.tar"), 5, "1");
    assertThat(Files.readAllBytes(tmp.resolve("1.tar")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("2.tar")));
    try (Stream<Path> s = Files.list(layout.resolve("blobs/sha256"))) {
      assertThat(s.count()).isEqualTo(7);
    }
  }

  @Test
  void missingPayloadLineIsAnError() throws IOException {
    Path payloads = fakePayloads(tmp.resolve("p"));
    Files.writeString(
        payloads.resolve("payloads.sha256"),
        "%s  %s  1  linux-rootfs.tar.zst%n".formatted("a".repeat(64), "a".repeat(64)));
    assertThatThrownBy(() -> CiOsArtifacts.publish(payloads, tmp.resolve("l"), null, 0, "1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not list linux-raw.img.zst");
  }

  @Test
  void malformedSumsAreRefused() throws IOException {
    Path f = Files.writeString(tmp.resolve("payloads.sha256"), "abc  linux-raw.img.zst\n");
    assertThatThrownBy(() -> PayloadSums.read(f)).hasMessageContaining("bad line");
  }

  @Test
  void mainPublishesGivenPayloadsWithoutBuilding() throws IOException {
    Path payloads = fakePayloads(tmp.resolve("p"));
    Path out = tmp.resolve("out");
    int rc =
        new picocli.CommandLine(new CiOsMain())
            .execute("--out", out.toString(), "--payloads", payloads.toString(), "--version", "9");
    assertThat(rc).isZero();
    assertThat(out.resolve("plinth-ci-os-9.tar")).isRegularFile();
    assertThat(out.resolve("layout/index.json")).isRegularFile();
  }

  @Test
  void buildFailsWithoutTheScript() {
    assertThatThrownBy(() -> CiOsBuild.run(tmp, tmp.resolve("o"), tmp.resolve("c"), 1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ci-os/build.sh");
  }

  @Test
  void buildReportsTheScriptsExitCode() throws IOException {
    Files.createDirectories(tmp.resolve("ci-os"));
    Files.writeString(tmp.resolve("ci-os/build.sh"), "[ \"$SOURCE_DATE_EPOCH\" = 42 ] && exit 3\n");
    assertThatThrownBy(() -> CiOsBuild.run(tmp, tmp.resolve("o"), tmp.resolve("c"), 42))
        .hasMessageContaining("exit code 3");
  }

  private static Path fakePayloads(Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder sums = new StringBuilder();
    char c = 'a';
    for (CiOsArtifacts.Artifact a : CiOsArtifacts.ARTIFACTS) {
      byte[] bytes = ("stand-in " + a.file()).getBytes(StandardCharsets.UTF_8);
      Files.write(dir.resolve(a.file()), bytes);
      String stored = Digests.hex(Digests.of(bytes));
      sums.append(
          "%s  %s  %d  %s%n"
              .formatted(stored, String.valueOf(c).repeat(64), bytes.length, a.file()));
      c++;
    }
    Files.writeString(dir.resolve("payloads.sha256"), sums);
    return dir;
  }

  private JsonNode blob(String digest) throws IOException {
    return JSON.readTree(tmp.resolve("layout/blobs/sha256/" + Digests.hex(digest)).toFile());
  }
}
