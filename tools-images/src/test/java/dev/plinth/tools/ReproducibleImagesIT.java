/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.tools.cli.Git;
import dev.plinth.tools.cli.Main;
import dev.plinth.tools.debian.DebCache;
import dev.plinth.tools.oci.Digests;
import dev.plinth.tools.oci.Materializer;
import dev.plinth.tools.oci.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds all seven tools for amd64 and arm64 a second time (the first build is the one Maven made
 * before the integration tests, in {@code plinth.tools.images}) and proves both builds are the same
 * bytes; then checks what the images hold and that skopeo and a chroot accept them.
 */
class ReproducibleImagesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VERSION = System.getProperty("plinth.tools.version", "0.1.0");
  // What Maven's build-images stamped the first build with ("commit": the checkout's commit).
  private static long epoch;
  private static String revision;
  private static Path first;
  private static Path second;
  private static OciLayout layout;

  private static Sources sources() throws IOException {
    String src = System.getProperty("plinth.tools.sources");
    return src != null ? new Sources(Path.of(src)) : Sources.locate(Path.of(""));
  }

  private static BuildOptions options(Path out) throws IOException {
    Sources sources = sources();
    return new BuildOptions(
        sources,
        out,
        List.of("amd64", "arm64"),
        Sources.TOOLS,
        VERSION,
        epoch,
        revision,
        DebCache.defaultDirectory(),
        DebCache.mirrorFromEnvironment());
  }

  @BeforeAll
  static void buildTwice() throws Exception {
    Path root = sources().root();
    epoch = Git.sourceDateEpoch(System.getProperty("plinth.tools.epoch", Git.COMMIT), root);
    revision = Git.revision(System.getProperty("plinth.tools.revision", Git.COMMIT), root);
    String prebuilt = System.getProperty("plinth.tools.images");
    first = prebuilt != null ? Path.of(prebuilt) : Path.of("target/images");
    if (!Files.isRegularFile(first.resolve("oci/index.json"))) {
      ToolImages.build(options(first));
    }
    layout = OciLayout.open(first.resolve("oci"));
    if (Git.COMMIT.equals(System.getProperty("plinth.tools.epoch", Git.COMMIT))
        && Git.COMMIT.equals(System.getProperty("plinth.tools.revision", Git.COMMIT))) {
      // "commit" was resolved by Maven's build-images; a commit made since (several people share
      // one working tree here) moves HEAD. Rebuild with what the first build was stamped with,
      // and check that it is a commit of this repository and that commit's time.
      JsonNode labels = stampedLabels();
      epoch =
          java.time.Instant.parse(labels.path("org.opencontainers.image.created").asText())
              .getEpochSecond();
      revision = labels.path("org.opencontainers.image.revision").asText();
      String env = System.getenv("SOURCE_DATE_EPOCH");
      String want =
          env != null && !env.isBlank()
              ? env.strip()
              : git(root, "log", "-1", "--format=%ct", revision + "^{commit}").strip();
      assertThat(Long.toString(epoch))
          .as(
              "the first build's created label: $SOURCE_DATE_EPOCH, else its revision's commit time")
          .isEqualTo(want);
    }
    second = first.resolveSibling(first.getFileName() + "-second");
    ToolImages.build(options(second));
  }

  private static JsonNode stampedLabels() throws IOException {
    JsonNode m = manifest("sgdisk", "amd64");
    return layout.json(m.path("config").path("digest").asText()).path("config").path("Labels");
  }

  private static String git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + ": " + out);
    }
    return out;
  }

  private static Map<String, String> blobs(Path out) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.list(out.resolve("oci/blobs/sha256"))) {
      for (Path p : s.toList()) {
        m.put(p.getFileName().toString(), Digests.of(p));
      }
    }
    return m;
  }

  @Test
  void twoBuildsGiveTheSameIndexesManifestsLayersAndBundle() throws IOException {
    Map<String, String> a = blobs(first);
    assertThat(blobs(second)).isEqualTo(a);
    a.forEach((name, digest) -> assertThat(digest).isEqualTo("sha256:" + name));
    assertThat(Files.readAllBytes(second.resolve("oci/index.json")))
        .isEqualTo(Files.readAllBytes(first.resolve("oci/index.json")));
    String bundle = "plinth-tools-" + VERSION + ".tar";
    assertThat(Digests.of(second.resolve(bundle))).isEqualTo(Digests.of(first.resolve(bundle)));
    // 7 tools x 2 tags, and exactly the blobs the indexes reach (none missing, none stray).
    assertThat(layout.index().path("manifests")).hasSize(14);
    Set<String> reached = new HashSet<>();
    for (JsonNode e : layout.index().path("manifests")) {
      reach(e.path("digest").asText(), reached);
    }
    assertThat(a.keySet()).isEqualTo(reached);
  }

  private static void reach(String digest, Set<String> out) throws IOException {
    out.add(digest.substring(7));
    JsonNode doc = layout.json(digest);
    for (JsonNode m : doc.path("manifests")) {
      reach(m.path("digest").asText(), out);
    }
    if (doc.has("config")) {
      out.add(doc.path("config").path("digest").asText().substring(7));
      for (JsonNode l : doc.path("layers")) {
        out.add(l.path("digest").asText().substring(7));
      }
    }
  }

  private static JsonNode manifest(String tool, String arch) throws IOException {
    JsonNode index = null;
    for (JsonNode e : layout.index().path("manifests")) {
      if (e.path("annotations")
          .path("org.opencontainers.image.ref.name")
          .asText()
          .equals(ToolImages.repository(tool) + ":1")) {
        index = layout.json(e.path("digest").asText());
      }
    }
    for (JsonNode m : index.path("manifests")) {
      if (m.path("platform").path("architecture").asText().equals(arch)) {
        return layout.json(m.path("digest").asText());
      }
    }
    throw new AssertionError("no " + arch + " manifest for " + tool);
  }

  @Test
  void theBaseLayerIsSharedByAllSevenToolsAndLabelsAreSet() throws IOException {
    for (String arch : List.of("amd64", "arm64")) {
      Set<String> bases = new HashSet<>();
      Set<String> tools = new HashSet<>();
      for (String tool : Sources.TOOLS) {
        JsonNode m = manifest(tool, arch);
        assertThat(m.path("layers")).hasSize(2);
        bases.add(m.path("layers").get(0).path("digest").asText());
        tools.add(m.path("layers").get(1).path("digest").asText());
        JsonNode config = layout.json(m.path("config").path("digest").asText());
        assertThat(config.path("architecture").asText()).isEqualTo(arch);
        assertThat(config.path("created").asText())
            .isEqualTo(java.time.Instant.ofEpochSecond(epoch).toString());
        JsonNode labels = config.path("config").path("Labels");
        assertThat(labels.path("org.opencontainers.image.created").asText())
            .isEqualTo(config.path("created").asText());
        assertThat(labels.path("org.opencontainers.image.revision").asText()).isEqualTo(revision);
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(VERSION);
        assertThat(labels.path("org.opencontainers.image.title").asText())
            .isEqualTo(ToolImages.repository(tool));
        assertThat(labels.has("org.opencontainers.image.source")).isTrue();
        assertThat(labels.has("org.opencontainers.image.licenses")).isTrue();
        assertThat(config.path("config").path("Entrypoint").get(0).asText())
            .isEqualTo("/usr/local/bin/plinth-" + tool);
      }
      assertThat(bases).as("one base layer for " + arch).hasSize(1);
      assertThat(tools).hasSize(7);
    }
  }

  /** e_machine of /usr/sbin/sgdisk, read from the sgdisk image's tool layer. */
  private static int sgdiskMachine(String arch) throws IOException {
    List<Path> layers = Materializer.layers(layout, "plinth/tools/sgdisk:1", arch);
    try (InputStream in = new GzipCompressorInputStream(Files.newInputStream(layers.get(1)));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (e.getName().equals("usr/sbin/sgdisk")) {
          byte[] h = tar.readNBytes(20);
          assertThat(new String(h, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("ELF");
          return (h[18] & 0xff) | (h[19] & 0xff) << 8;
        }
      }
    }
    throw new AssertionError("no usr/sbin/sgdisk in the sgdisk " + arch + " image");
  }

  @Test
  void eachArchitectureCarriesItsOwnBinaries() throws IOException {
    assertThat(sgdiskMachine("amd64")).isEqualTo(0x3E);
    assertThat(sgdiskMachine("arm64")).isEqualTo(0xB7);
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ":\n" + out).isZero();
    return out;
  }

  @Test
  void skopeoReadsTheLayoutAndTheBundle() throws Exception {
    JsonNode raw =
        JSON.readTree(
            run("skopeo", "inspect", "--raw", "oci:" + layout.dir() + ":plinth/tools/sgdisk:1"));
    assertThat(raw.path("manifests")).hasSize(2);
    JsonNode arm =
        JSON.readTree(
            run(
                "skopeo",
                "--override-arch",
                "arm64",
                "inspect",
                "oci-archive:"
                    + first.resolve("plinth-tools-" + VERSION + ".tar")
                    + ":plinth/tools/linux-imager:"
                    + VERSION));
    assertThat(arm.path("Architecture").asText()).isEqualTo("arm64");
    assertThat(arm.path("Created").asText())
        .isEqualTo(java.time.Instant.ofEpochSecond(epoch).toString());
    assertThat(arm.path("Labels").path("org.opencontainers.image.title").asText())
        .isEqualTo("plinth/tools/linux-imager");
  }

  @Test
  void theMaterializedAmd64RootRunsItsTools() throws Exception {
    Path root = first.resolveSibling("materialized-sgdisk-amd64");
    ImageBuilder.deleteTree(root);
    assertThat(
            Main.run(
                "materialize",
                "--layout",
                first.toString(),
                "--tool",
                "sgdisk",
                "--arch",
                "amd64",
                "--out",
                root.toString()))
        .isZero();
    assertThat(Files.readSymbolicLink(root.resolve("bin"))).isEqualTo(Path.of("usr/bin"));
    assertThat(root.resolve("etc/ssl/certs/ca-certificates.crt")).isNotEmptyFile();
    String out =
        run(
            "chroot",
            root.toString(),
            "/bin/sh",
            "-c",
            "curl --version; jq --version; sgdisk --version; echo a b | awk '{print $2}'");
    assertThat(out).contains("curl 8.", "jq-1.", "GPT fdisk (sgdisk)", "\nb\n");
  }

  @Test
  void theCommandLineBuildsOneToolForOneArchIntoTheSameImage() throws Exception {
    Path out = first.resolveSibling("images-cli-sgdisk-arm64");
    String src = System.getProperty("plinth.tools.sources", "tools-images");
    assertThat(
            Main.run(
                "build",
                "--sources",
                src,
                "--out",
                out.toString(),
                "--arch",
                "arm64",
                "--tool",
                "sgdisk",
                "--version",
                VERSION,
                "--source-date-epoch",
                Long.toString(epoch),
                "--revision",
                revision))
        .isZero();
    JsonNode index =
        JSON.readTree(
            run(
                "skopeo",
                "inspect",
                "--raw",
                "oci:" + out.resolve("oci") + ":plinth/tools/sgdisk:1"));
    assertThat(index.path("manifests")).hasSize(1);
    String digest = index.path("manifests").get(0).path("digest").asText();
    assertThat(Files.readAllBytes(layout.blob(digest)))
        .as("the arm64 sgdisk manifest of the full build")
        .isEqualTo(Files.readAllBytes(out.resolve("oci/blobs/sha256/" + digest.substring(7))));
    assertThat(Main.run("build", "--out", out.toString(), "--tool", "nope")).isNotZero();
  }
}
