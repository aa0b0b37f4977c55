/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.transfer.Progress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interop with podman (vfs storage, rootful, no daemon): pull from and push to the registry. */
class PodmanIT {

  @TempDir Path tmp;

  String[] podman(String... args) {
    List<String> c =
        new ArrayList<>(
            List.of(
                "podman",
                "--storage-driver",
                "vfs",
                "--root",
                tmp.resolve("root").toString(),
                "--runroot",
                tmp.resolve("run").toString(),
                "--cgroup-manager",
                "cgroupfs",
                "--events-backend",
                "none"));
    c.addAll(List.of(args));
    return c.toArray(String[]::new);
  }

  @Test
  void pullTagAndPush() throws Exception {
    Peers.require("podman");
    TestImages.layout(tmp.resolve("src"), "v1", 2 << 20, 11);
    try (Harness h = new Harness(tmp.resolve("reg"), b -> b.redirectAbove(64 << 10))) {
      h.registry
          .transfer()
          .importLayout(tmp.resolve("src"), RepositoryName.parse("tools/pod"), Progress.none());
      String host = h.base.substring("http://".length());
      String creds = "anyone:" + Harness.TOKEN;
      Peers.run(podman("pull", "--tls-verify=false", "--creds", creds, host + "/tools/pod:v1"));
      String images = Peers.run(podman("images", "--format", "{{.Repository}}:{{.Tag}}"));
      assertTrue(images.contains(host + "/tools/pod:v1"), images);
      Peers.run(podman("tag", host + "/tools/pod:v1", host + "/pushed/pod:v9"));
      Peers.run(podman("push", "--tls-verify=false", "--creds", creds, host + "/pushed/pod:v9"));
      assertEquals(200, h.get("/v2/pushed/pod/manifests/v9").statusCode());
      Peers.run(podman("rmi", "-a", "-f"));
      Peers.run(podman("pull", "--tls-verify=false", "--creds", creds, host + "/pushed/pod:v9"));
    }
  }

  @Test
  void searchListsTheCatalogThroughABearerToken() throws Exception {
    // podman search answers the catalog's challenge with a registry:catalog:* token, not Basic.
    Peers.require("podman");
    try (Harness h = new Harness(tmp.resolve("reg"))) {
      h.pushBlob("tools/pod", new byte[] {1});
      h.pushBlob("team/app", new byte[] {2});
      String host = h.base.substring("http://".length());
      // podman 4's search takes no --creds: credentials come from an auth file, as after login.
      Path authFile = tmp.resolve("auth.json");
      String b64 =
          Base64.getEncoder()
              .encodeToString(("anyone:" + Harness.TOKEN).getBytes(StandardCharsets.UTF_8));
      Files.writeString(authFile, "{\"auths\":{\"" + host + "\":{\"auth\":\"" + b64 + "\"}}}");
      String out =
          Peers.run(
              podman(
                  "search",
                  "--tls-verify=false",
                  "--authfile",
                  authFile.toString(),
                  "--format",
                  "{{.Name}}",
                  host + "/"));
      assertTrue(out.contains(host + "/tools/pod"), out);
      assertTrue(out.contains(host + "/team/app"), out);
    }
  }
}
