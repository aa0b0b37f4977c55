/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.testing.HtpasswdRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plinth registry} with a configuration that names an external registry ({@code
 * registry.url}): import and export go there (import with the push account, export with the pull
 * account) without {@code --registry-url}, and nothing is written into a data directory; the
 * commands on the embedded registry's storage refuse, saying where the registry is.
 */
class RegistryConfiguredExternalIT {

  @TempDir Path dir;

  @Test
  void importAndExportDefaultToTheConfiguredExternalRegistry() throws Exception {
    try (HtpasswdRegistry registry =
        new HtpasswdRegistry(
            dir.resolve("registry"), Map.of("puller", "pull-pw", "publisher", "push-pw"))) {
      Files.writeString(dir.resolve("pull.pw"), "pull-pw\n");
      Files.writeString(dir.resolve("push.pw"), "push-pw\n");
      Path yaml =
          Files.writeString(
              dir.resolve("plinth.yaml"),
              "dataDir: "
                  + dir.resolve("var")
                  + "\nregistry:\n  url: "
                  + registry.url()
                  + "\n  username: puller\n  passwordFile: pull.pw\n"
                  + "  pushUsername: publisher\n  pushPasswordFile: push.pw\n");
      Path archive = dir.resolve("in.tar");
      RegistryLayouts.write(archive, "team/app", "2.0", 50_000, 5);

      var imp =
          RegistryExternalIT.plinth(
              "registry", "import", archive.toString(), "--config", yaml.toString());
      assertThat(imp.code()).as(imp.err()).isZero();
      assertThat(imp.out()).contains("team/app:2.0");

      Path back = dir.resolve("out.tar");
      var exp =
          RegistryExternalIT.plinth(
              "registry",
              "export",
              "team/app:2.0",
              "-o",
              back.toString(),
              "--config",
              yaml.toString());
      assertThat(exp.code()).as(exp.err()).isZero();
      assertThat(RegistryLayouts.read(back).blobs()).isNotEmpty();
      assertThat(Files.exists(dir.resolve("var"))).as("no data directory is made").isFalse();

      var gc = RegistryExternalIT.plinth("registry", "gc", "--config", yaml.toString());
      assertThat(gc.code()).isNotZero();
      assertThat(gc.err()).contains("the registry is external (" + registry.url());
      var ls = RegistryExternalIT.plinth("registry", "ls", "--config", yaml.toString());
      assertThat(ls.code()).isNotZero();
      assertThat(ls.err()).contains("skopeo list-tags docker://" + registry.host() + "/REPO");
    }
  }
}
