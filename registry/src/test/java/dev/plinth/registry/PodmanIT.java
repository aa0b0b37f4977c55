/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.transfer.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
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
}
