/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.transfer.Progress;
import dev.plinth.registry.transfer.Transfer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export and import of OCI layouts (directory and tar), referrers included. */
class TransferIT {

  static final String OCI = "application/vnd.oci.image.manifest.v1+json";

  @TempDir Path tmp;

  @Test
  void exportWithReferrersAndImportElsewhere() throws Exception {
    Digest image;
    Digest sig;
    try (Harness a = new Harness(tmp.resolve("a"))) {
      Digest config = a.pushBlob("tools/x", "{}".getBytes(StandardCharsets.UTF_8));
      Digest layer = a.pushBlob("tools/x", "payload".getBytes(StandardCharsets.UTF_8));
      image = a.pushManifest("tools/x", "v1", OCI, Harness.imageManifest(config, 2, layer, 7));
      String art =
          "{\"schemaVersion\":2,\"mediaType\":\""
              + OCI
              + "\",\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
              + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
              + config
              + "\",\"size\":2},"
              + "\"layers\":[{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"digest\":\""
              + layer
              + "\",\"size\":7}],"
              + "\"subject\":{\"mediaType\":\""
              + OCI
              + "\",\"digest\":\""
              + image
              + "\",\"size\":1}}";
      sig =
          a.pushManifest(
              "tools/x", Digest.sha256(art.getBytes(StandardCharsets.UTF_8)).toString(), OCI, art);
      AtomicLong last = new AtomicLong();
      Transfer.ExportReport rep =
          a.registry
              .transfer()
              .export(List.of("tools/x:v1"), tmp.resolve("bundle.tar"), (d, t) -> last.set(d));
      assertEquals(4, rep.blobs());
      assertEquals(rep.bytes(), last.get());
      a.registry
          .transfer()
          .export(List.of("tools/x@" + image), tmp.resolve("dir"), Progress.none());
      assertTrue(Files.readString(tmp.resolve("dir/index.json")).contains(sig.toString()));
      assertThrows(
          RegistryException.class,
          () ->
              a.registry
                  .transfer()
                  .export(List.of("tools/x:nope"), tmp.resolve("n.tar"), Progress.none()));
    }
    try (Harness b = new Harness(tmp.resolve("b"))) {
      Transfer.ImportReport rep =
          b.registry.transfer().importLayout(tmp.resolve("bundle.tar"), null, Progress.none());
      assertEquals(List.of("tools/x:v1", "tools/x@" + sig), rep.imported());
      // counted as export counts them: every distinct blob, manifests included
      assertEquals(4, rep.blobs());
      assertEquals(200, b.get("/v2/tools/x/manifests/v1").statusCode());
      assertTrue(Harness.body(b.get("/v2/tools/x/referrers/" + image)).contains(sig.toString()));
      assertTrue(b.registry.maintenance().fsck(false).clean());
      // importing again is idempotent
      b.registry
          .transfer()
          .importLayout(tmp.resolve("dir"), RepositoryName.parse("copy/x"), Progress.none());
      assertEquals(200, b.get("/v2/tools/x/manifests/" + image).statusCode());
    }
  }

  @Test
  void corruptLayoutsAreRefused() throws Exception {
    TestImages.layout(tmp.resolve("src"), "v1", 1000, 3);
    try (Harness h = new Harness(tmp.resolve("r"))) {
      assertThrows(
          java.io.IOException.class,
          () -> h.registry.transfer().importLayout(tmp.resolve("src"), null, Progress.none()));
      try (var files = Files.list(tmp.resolve("src/blobs/sha256"))) {
        for (Path p : files.toList()) {
          if (Files.size(p) > 900) {
            Files.writeString(p, "corrupt");
          }
        }
      }
      RegistryException e =
          assertThrows(
              RegistryException.class,
              () ->
                  h.registry
                      .transfer()
                      .importLayout(
                          tmp.resolve("src"), RepositoryName.parse("x"), Progress.none()));
      assertEquals("DIGEST_INVALID", e.code().wireCode());
      assertThrows(
          java.io.IOException.class,
          () ->
              h.registry
                  .transfer()
                  .importLayout(
                      tmp.resolve("nothing"), RepositoryName.parse("x"), Progress.none()));
    }
  }
}
