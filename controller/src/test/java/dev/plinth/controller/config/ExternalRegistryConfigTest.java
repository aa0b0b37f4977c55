/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code registry:} in plinth.yaml and {@code PLINTH_REGISTRY_*}. */
class ExternalRegistryConfigTest {

  @TempDir Path dir;

  @Test
  void withoutSettingsTheEmbeddedRegistryServes() {
    PlinthConfig c = ConfigLoader.load(null, Map.of());
    assertThat(c.externalRegistry()).isFalse();
    assertThat(c.registry()).isNull();
  }

  @Test
  void fileSettingsArePathsRelativeToTheFileAndTheEnvironmentOverridesEach() throws Exception {
    Files.writeString(dir.resolve("pull.pw"), "s3cret\nignored second line\n");
    Path f =
        Files.writeString(
            dir.resolve("plinth.yaml"),
            """
            registry:
              url: https://harbor.example:8443
              username: robot$plinth-pull
              passwordFile: pull.pw
              caFile: ca.pem
            """);
    PlinthConfig c = ConfigLoader.load(f, Map.of());
    ExternalRegistry r = c.registry();
    assertThat(c.externalRegistry()).isTrue();
    assertThat(r.host()).isEqualTo("harbor.example:8443");
    assertThat(r.base()).isEqualTo("https://harbor.example:8443");
    assertThat(r.plainHttp()).isFalse();
    assertThat(r.passwordFile()).isEqualTo(dir.toAbsolutePath().resolve("pull.pw"));
    assertThat(r.caFile()).isEqualTo(dir.toAbsolutePath().resolve("ca.pem"));
    assertThat(r.pullPassword()).isEqualTo("s3cret");
    // Without a push account, pushes use the pull account.
    assertThat(r.pushUser()).isEqualTo("robot$plinth-pull");
    assertThat(r.toString()).doesNotContain("s3cret");

    Files.writeString(dir.resolve("push.pw"), "pushpw\n");
    PlinthConfig e =
        ConfigLoader.load(
            f,
            Map.of(
                "PLINTH_REGISTRY_URL", "https://zot.example/",
                "PLINTH_REGISTRY_PUSH_USERNAME", "publisher",
                "PLINTH_REGISTRY_PUSH_PASSWORD_FILE", dir.resolve("push.pw").toString()));
    assertThat(e.registry().base()).isEqualTo("https://zot.example");
    assertThat(e.registry().username()).isEqualTo("robot$plinth-pull");
    assertThat(e.registry().pushUser()).isEqualTo("publisher");
    assertThat(e.registry().pushPassword()).isEqualTo("pushpw");
  }

  @Test
  void theEnvironmentAloneConfiguresIt() {
    PlinthConfig c =
        ConfigLoader.load(
            null,
            Map.of(
                "PLINTH_REGISTRY_URL", "http://127.0.0.1:5000",
                "PLINTH_REGISTRY_USERNAME", "puller",
                "PLINTH_REGISTRY_PASSWORD_FILE", "/run/secrets/pull"));
    assertThat(c.registry().host()).isEqualTo("127.0.0.1:5000");
    assertThat(c.registry().plainHttp()).isTrue();
    c.checkTransport();
  }

  @Test
  void wrongOrIncompleteSettingsAreRefusedWithTheSettingToChange() {
    var noCredentials =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(null, Map.of("PLINTH_REGISTRY_URL", "https://r.example")));
    assertThat(noCredentials.getMessage()).contains("registry.username and registry.passwordFile");
    var noUrl =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(null, Map.of("PLINTH_REGISTRY_USERNAME", "x")));
    assertThat(noUrl.getMessage()).contains("registry.url (PLINTH_REGISTRY_URL) is required");
    var withPath =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    null,
                    Map.of(
                        "PLINTH_REGISTRY_URL", "https://r.example/v2/",
                        "PLINTH_REGISTRY_USERNAME", "x",
                        "PLINTH_REGISTRY_PASSWORD_FILE", "/p")));
    assertThat(withPath.getMessage()).contains("expected https://host[:port]");
    var halfPush =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    null,
                    Map.of(
                        "PLINTH_REGISTRY_URL", "https://r.example",
                        "PLINTH_REGISTRY_USERNAME", "x",
                        "PLINTH_REGISTRY_PASSWORD_FILE", "/p",
                        "PLINTH_REGISTRY_PUSH_USERNAME", "y")));
    assertThat(halfPush.getMessage()).contains("pushPasswordFile");
  }

  @Test
  void plainHttpToARegistryOtherMachinesReachNeedsAllowPlainHttp() {
    Map<String, String> env =
        Map.of(
            "PLINTH_REGISTRY_URL", "http://registry.lab:5000",
            "PLINTH_REGISTRY_USERNAME", "x",
            "PLINTH_REGISTRY_PASSWORD_FILE", "/p");
    PlinthConfig c = ConfigLoader.load(null, env);
    var e = assertThrows(ConfigException.class, c::checkTransport);
    assertThat(e.getMessage()).contains("plain HTTP").contains("allowPlainHttp");
    c.withAllowPlainHttp(true).checkTransport();
  }
}
