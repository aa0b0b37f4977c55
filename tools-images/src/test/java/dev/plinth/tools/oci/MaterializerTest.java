/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.oci;

import static dev.plinth.tools.oci.LayerWriterTest.EPOCH;
import static dev.plinth.tools.oci.LayerWriterTest.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A two-layer image in a layout, its JSON, its bundle, and unpacking it with whiteouts. */
class MaterializerTest {

  private static LayerWriter.Layer layer(OciLayout layout, LayerEntry... entries)
      throws IOException {
    LayerTree t = new LayerTree();
    for (LayerEntry e : entries) {
      t.put(e);
    }
    Path staged = layout.stage();
    LayerWriter.Layer l = LayerWriter.write(t.entries(), EPOCH, staged);
    layout.commit(staged, l.blob().digest());
    return l;
  }

  /** Writes image {@code t/x:1} (amd64 only) whose second layer deletes and replaces things. */
  static OciLayout image(Path dir) throws IOException {
    OciLayout layout = OciLayout.create(dir);
    LayerWriter.Layer low =
        layer(
            layout,
            file("a/x", 0644, "x"),
            file("a/y", 0600, "y"),
            file("o/old", 0644, "old"),
            file("r/file", 0755, "was a file"),
            new LayerEntry.Symlink("bin", "usr/bin"),
            file("usr/bin/tool", 04755, "tool"),
            new LayerEntry.Hardlink("usr/bin/tool2", "usr/bin/tool"));
    List<LayerEntry> upper = new ArrayList<>();
    upper.add(file("a/.wh.x", 0644, ""));
    upper.add(file("o/.wh..wh..opq", 0644, ""));
    upper.add(file("o/new", 0644, "new"));
    upper.add(new LayerEntry.Symlink("r/file", "../a/y"));
    LayerWriter.Layer high = layer(layout, upper.toArray(LayerEntry[]::new));
    Descriptor config =
        layout.put(
            OciJson.CONFIG,
            OciJson.config(
                new OciJson.ImageConfig(
                    "amd64",
                    Instant.ofEpochSecond(EPOCH),
                    List.of("/usr/bin/tool"),
                    List.of("PATH=/usr/bin"),
                    Map.of("b", "2", "a", "1"),
                    List.of(low.diffId(), high.diffId()),
                    List.of("low", "high"))));
    Descriptor manifest =
        layout.put(OciJson.MANIFEST, OciJson.manifest(config, List.of(low.blob(), high.blob())));
    Descriptor index =
        layout.put(
            OciJson.INDEX, OciJson.index(List.of(new OciJson.PlatformManifest(manifest, "amd64"))));
    layout.finish(List.of(new OciJson.RefEntry(index, "t/x:1")));
    return layout;
  }

  @Test
  void layersAreAppliedInOrderHonouringWhiteouts(@TempDir Path tmp) throws IOException {
    OciLayout layout = image(tmp.resolve("layout"));
    Path root = tmp.resolve("root");
    Materializer.materialize(OciLayout.open(tmp.resolve("layout")), "t/x:1", "amd64", root);
    assertThat(root.resolve("a/x")).doesNotExist();
    assertThat(root.resolve("a/y")).hasContent("y");
    assertThat(root.resolve("o/old")).doesNotExist();
    assertThat(root.resolve("o/new")).hasContent("new");
    assertThat(Files.readSymbolicLink(root.resolve("r/file"))).isEqualTo(Path.of("../a/y"));
    assertThat(Files.readSymbolicLink(root.resolve("bin"))).isEqualTo(Path.of("usr/bin"));
    assertThat(Files.getAttribute(root.resolve("usr/bin/tool"), "unix:mode")).isEqualTo(0104755);
    assertThat(Files.getAttribute(root.resolve("usr/bin/tool2"), "unix:nlink")).isEqualTo(2);
    assertThat(root.resolve("bin/tool")).hasContent("tool");
    assertThat(Files.exists(layout.dir().resolve(".staging"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThrows(
        IOException.class,
        () -> Materializer.materialize(layout, "t/x:1", "arm64", tmp.resolve("r2")));
    assertThrows(
        IOException.class,
        () -> Materializer.materialize(layout, "t/x:2", "amd64", tmp.resolve("r3")));
  }

  @Test
  void anEntryBehindASymlinkOutOfTheRootIsRefused(@TempDir Path tmp) throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path layer = tmp.resolve("evil.tar.gz");
    LayerWriter.write(
        List.of(new LayerEntry.Symlink("esc", outside.toString()), file("esc/pwned", 0644, "x")),
        EPOCH,
        layer);
    Path root = Files.createDirectories(tmp.resolve("root")).toRealPath();
    IOException e = assertThrows(IOException.class, () -> Materializer.extract(layer, root));
    assertThat(e.getMessage()).contains("outside");
    assertThat(outside.resolve("pwned")).doesNotExist();
  }

  @Test
  void jsonDocumentsAreCompactWithAFixedFieldOrder(@TempDir Path tmp) throws IOException {
    OciLayout layout = image(tmp.resolve("layout"));
    JsonNode index = layout.index();
    assertThat(Files.readString(layout.dir().resolve("index.json")))
        .startsWith(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\"");
    JsonNode tagged = layout.json(index.path("manifests").get(0).path("digest").asText());
    JsonNode manifest = layout.json(tagged.path("manifests").get(0).path("digest").asText());
    JsonNode config = layout.json(manifest.path("config").path("digest").asText());
    assertThat(config.path("created").asText()).isEqualTo("2026-11-22T00:00:00Z");
    assertThat(config.path("config").path("Labels").fieldNames())
        .toIterable()
        .containsExactly("a", "b");
    assertThat(config.path("history").get(1).path("created_by").asText()).isEqualTo("high");
    assertThat(
            Files.getPosixFilePermissions(
                layout.blob(manifest.path("config").path("digest").asText())))
        .hasSize(4);
  }

  @Test
  void theBundleIsTheSameBytesEveryTime(@TempDir Path tmp) throws IOException {
    OciLayout a = image(tmp.resolve("a"));
    OciLayout b = image(tmp.resolve("b"));
    a.bundle(tmp.resolve("a.tar"), EPOCH);
    b.bundle(tmp.resolve("b.tar"), EPOCH);
    assertThat(Files.readAllBytes(tmp.resolve("a.tar")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("b.tar")));
    assertThrows(IOException.class, () -> OciLayout.open(tmp));
  }
}
