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

class ConfigLoaderTest {

  @TempDir Path dir;

  @Test
  void defaultsWithoutFileOrEnvironment() {
    PlinthConfig c = ConfigLoader.load(null, Map.of());
    assertThat(c).isEqualTo(PlinthConfig.defaults());
    assertThat(c.listen().isLoopback()).isTrue();
  }

  @Test
  void fileOverridesDefaultsAndEnvironmentOverridesFile() throws Exception {
    Path f =
        Files.writeString(dir.resolve("plinth.yaml"), "listen: 0.0.0.0:9090\ndataDir: /srv/p\n");
    PlinthConfig fromFile = ConfigLoader.load(f, Map.of());
    assertThat(fromFile.listen()).isEqualTo(new Listen("0.0.0.0", 9090));
    assertThat(fromFile.dataDir()).isEqualTo(Path.of("/srv/p"));

    PlinthConfig withEnv =
        ConfigLoader.load(f, Map.of("PLINTH_LISTEN", "127.0.0.1:1", "PLINTH_DATA_DIR", "/x"));
    assertThat(withEnv.listen()).isEqualTo(new Listen("127.0.0.1", 1));
    assertThat(withEnv.dataDir()).isEqualTo(Path.of("/x"));
  }

  @Test
  void maintenanceIsoDefaultsToTheDataDirAndIsSetByFileOrEnvironment() throws Exception {
    PlinthConfig d = ConfigLoader.load(null, Map.of("PLINTH_DATA_DIR", "/srv/plinth"));
    assertThat(d.maintenanceIso()).isNull();
    assertThat(d.maintenanceIsoFile()).isEqualTo(Path.of("/srv/plinth/media/maintenance.iso"));
    Path f =
        Files.writeString(
            dir.resolve("plinth.yaml"), "media:\n  maintenanceIso: images/maintenance.iso\n");
    assertThat(ConfigLoader.load(f, Map.of()).maintenanceIsoFile())
        .isEqualTo(dir.toAbsolutePath().resolve("images/maintenance.iso"));
    assertThat(
            ConfigLoader.load(f, Map.of("PLINTH_MAINTENANCE_ISO", "/opt/m.iso"))
                .maintenanceIsoFile())
        .isEqualTo(Path.of("/opt/m.iso"));
  }

  @Test
  void tlsFromFileRelativeToItAndFromEnvironment() throws Exception {
    Path f =
        Files.writeString(
            dir.resolve("plinth.yaml"),
            "listen: 0.0.0.0:8443\ntls:\n  certificate: tls/api.crt\n"
                + "  privateKey: /etc/plinth/api.key\nallowPlainHttp: false\n");
    PlinthConfig c = ConfigLoader.load(f, Map.of());
    assertThat(c.tlsCertificate()).isEqualTo(dir.toAbsolutePath().resolve("tls/api.crt"));
    assertThat(c.tlsPrivateKey()).isEqualTo(Path.of("/etc/plinth/api.key"));
    assertThat(c.scheme()).isEqualTo("https");
    assertThat(c.allowPlainHttp()).isFalse();

    PlinthConfig env =
        ConfigLoader.load(
            null,
            Map.of(
                "PLINTH_TLS_CERT",
                "/a.crt",
                "PLINTH_TLS_KEY",
                "/a.key",
                "PLINTH_ALLOW_PLAIN_HTTP",
                "yes"));
    assertThat(env.tlsCertificate()).isEqualTo(Path.of("/a.crt"));
    assertThat(env.tlsPrivateKey()).isEqualTo(Path.of("/a.key"));
    assertThat(env.allowPlainHttp()).isTrue();
    var e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(null, Map.of("PLINTH_ALLOW_PLAIN_HTTP", "maybe")));
    assertThat(e.getMessage()).contains("PLINTH_ALLOW_PLAIN_HTTP");
  }

  @Test
  void plainHttpOnlyOnLoopbackUnlessAllowed() {
    PlinthConfig.defaults().checkTransport();
    PlinthConfig open = PlinthConfig.defaults().withListen(Listen.parse("0.0.0.0:8080"));
    var e = assertThrows(ConfigException.class, open::checkTransport);
    assertThat(e.getMessage()).contains("allowPlainHttp: true").contains("tls.certificate");
    open.withAllowPlainHttp(true).checkTransport();
    open.withTls(Path.of("/c"), Path.of("/k")).checkTransport();
    var half =
        assertThrows(ConfigException.class, open.withTls(Path.of("/c"), null)::checkTransport);
    assertThat(half.getMessage()).contains("tls.privateKey");
  }

  @Test
  void systemdStateDirectoryIsTheDataDirUnlessTheFileSaysOtherwise() throws Exception {
    Map<String, String> env = Map.of("STATE_DIRECTORY", "/var/lib/plinth");
    assertThat(ConfigLoader.load(null, env).dataDir()).isEqualTo(Path.of("/var/lib/plinth"));
    Path f = Files.writeString(dir.resolve("p.yaml"), "listen: 127.0.0.1:8080\n");
    assertThat(ConfigLoader.load(f, env).dataDir()).isEqualTo(Path.of("/var/lib/plinth"));
  }

  @Test
  void unknownSettingNamesFileLineAndSetting() throws Exception {
    Path f = Files.writeString(dir.resolve("bad.yaml"), "listen: 127.0.0.1:8080\nlisten_port: 9\n");
    var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
    assertThat(e).hasMessageContaining("bad.yaml:2").hasMessageContaining("listen_port");
  }

  @Test
  void badListenValueIsAConfigError() throws Exception {
    Path f = Files.writeString(dir.resolve("bad.yaml"), "listen: nowhere\n");
    var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
    assertThat(e).hasMessageContaining("listen").hasMessageContaining("HOST:PORT");
  }

  @Test
  void missingFileIsAClearError() {
    var e =
        assertThrows(
            ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml"), Map.of()));
    assertThat(e).hasMessageContaining("no such file");
  }

  @Test
  void emptyFileKeepsDefaults() throws Exception {
    Path f = Files.writeString(dir.resolve("empty.yaml"), "");
    assertThat(ConfigLoader.load(f, Map.of())).isEqualTo(PlinthConfig.defaults());
  }
}
