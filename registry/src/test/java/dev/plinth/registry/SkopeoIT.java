/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.transfer.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interop with skopeo: copy in and out, inspect, delete, oci-archive, and our import of it. */
class SkopeoIT {

  @TempDir Path tmp;

  @BeforeEach
  void needSkopeo() {
    Peers.require("skopeo");
  }

  String creds() {
    return "anyone:" + Harness.TOKEN;
  }

  @Test
  void copyInInspectCopyOutArchiveAndDelete() throws Exception {
    Digest md = TestImages.layout(tmp.resolve("src"), "v1", 3 << 20, 7);
    try (Harness h = new Harness(tmp.resolve("reg"), b -> b.redirectAbove(64 << 10))) {
      String host = h.base.substring("http://".length());
      String ref = "docker://" + host + "/tools/demo:v1";
      Peers.run(
          "skopeo",
          "copy",
          "--dest-tls-verify=false",
          "--dest-creds",
          creds(),
          "oci:" + tmp.resolve("src") + ":v1",
          ref);
      String inspect =
          Peers.run("skopeo", "inspect", "--tls-verify=false", "--creds", creds(), ref);
      assertTrue(inspect.contains("\"Digest\": \"" + md + "\""), inspect);
      String raw =
          Peers.run("skopeo", "inspect", "--raw", "--tls-verify=false", "--creds", creds(), ref);
      assertEquals(md, Digest.sha256(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      // out again (the 3 MiB layer comes through the data plane redirect)
      Peers.run(
          "skopeo",
          "copy",
          "--src-tls-verify=false",
          "--src-creds",
          creds(),
          ref,
          "oci:" + tmp.resolve("out") + ":v1");
      assertTrue(Files.readString(tmp.resolve("out/index.json")).contains(md.toString()));
      Peers.run(
          "skopeo",
          "copy",
          "--src-tls-verify=false",
          "--src-creds",
          creds(),
          ref,
          "oci-archive:" + tmp.resolve("demo.tar") + ":v1");
      // our import of skopeo's archive into a second repository
      var rep =
          h.registry
              .transfer()
              .importLayout(
                  tmp.resolve("demo.tar"), RepositoryName.parse("imported/demo"), Progress.none());
      assertEquals("imported/demo:v1", rep.imported().get(0));
      assertEquals(200, h.get("/v2/imported/demo/manifests/v1").statusCode());
      // skopeo copies between two repositories of ours (cross-repository mount)
      Peers.run(
          "skopeo",
          "copy",
          "--src-tls-verify=false",
          "--dest-tls-verify=false",
          "--src-creds",
          creds(),
          "--dest-creds",
          creds(),
          ref,
          "docker://" + host + "/promoted/demo:stable");
      assertEquals(200, h.get("/v2/promoted/demo/manifests/stable").statusCode());
      String tags =
          Peers.run(
              "skopeo",
              "list-tags",
              "--tls-verify=false",
              "--creds",
              creds(),
              "docker://" + host + "/tools/demo");
      assertTrue(tags.contains("\"v1\""), tags);
      Peers.run("skopeo", "delete", "--tls-verify=false", "--creds", creds(), ref);
      assertEquals(404, h.get("/v2/tools/demo/manifests/" + md).statusCode());
      Peers.run(1, "skopeo", "inspect", "--tls-verify=false", "--creds", creds(), ref);
    }
  }

  @Test
  void ourExportIsReadableBySkopeo() throws Exception {
    TestImages.layout(tmp.resolve("src"), "v2", 4096, 9);
    try (Harness h = new Harness(tmp.resolve("reg"))) {
      h.registry
          .transfer()
          .importLayout(tmp.resolve("src"), RepositoryName.parse("exp/demo"), Progress.none());
      h.registry
          .transfer()
          .export(java.util.List.of("exp/demo:v2"), tmp.resolve("exp.tar"), Progress.none());
      String out = Peers.run("skopeo", "inspect", "oci-archive:" + tmp.resolve("exp.tar") + ":v2");
      assertTrue(out.contains("\"Architecture\": \"amd64\""), out);
      Peers.run(
          "skopeo",
          "copy",
          "oci-archive:" + tmp.resolve("exp.tar") + ":v2",
          "oci:" + tmp.resolve("copy") + ":v2");
    }
  }
}
