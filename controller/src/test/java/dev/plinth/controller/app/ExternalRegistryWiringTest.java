/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.contract.ContractFixtures;
import dev.plinth.controller.config.ConfigException;
import dev.plinth.controller.config.ExternalRegistry;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.JobSecrets;
import dev.plinth.controller.jobs.PullRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What task ISOs say about an external registry: URL, host, pull account, CA bundle. */
class ExternalRegistryWiringTest {

  @TempDir Path dir;

  private static final String CA =
      new String(ContractFixtures.read("ca.pem"), StandardCharsets.US_ASCII);

  private PlinthConfig config(Path caFile) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), "pull-secret\n");
    return new PlinthConfig(new Listen("127.0.0.1", 0), dir.resolve("var"))
        .withRegistry(
            new ExternalRegistry(
                "https://registry.example:5000", "robot$plinth+pull", pw, null, null, caFile));
  }

  @Test
  void withoutRegistryUrlTasksNameTheController() {
    PullRegistry p = ExternalRegistryWiring.pull(new PlinthConfig(new Listen("127.0.0.1", 0), dir));
    assertThat(p.isExternal()).isFalse();
    assertThat(p.host("plinth.example:8443")).isEqualTo("plinth.example:8443");
    assertThat(p.urls("https://plinth.example:8443", "j1").registry())
        .isEqualTo("https://plinth.example:8443/v2/");
    var c = p.credentials(JobSecrets.create());
    assertThat(c.registryUsername()).isNull();
    assertThat(c.pullUser("j1")).isEqualTo("j1");
  }

  @Test
  void tasksNameTheExternalRegistryItsPullAccountAndItsCa() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), CA);
    PullRegistry p = ExternalRegistryWiring.pull(config(ca));
    assertThat(p.host("plinth.example:8443")).isEqualTo("registry.example:5000");
    assertThat(p.urls("https://plinth.example:8443", "j1").registry())
        .isEqualTo("https://registry.example:5000/");
    assertThat(p.urls("https://plinth.example:8443", "j1").webhook())
        .isEqualTo("https://plinth.example:8443/webhooks/v1/jobs/j1/events");
    var c = p.credentials(JobSecrets.create());
    assertThat(c.registryUsername()).isEqualTo("robot$plinth+pull");
    assertThat(c.registryPassword()).isEqualTo("pull-secret");
    assertThat(p.caBundle()).isEqualTo(CA);
    assertThat(p.toString()).doesNotContain("pull-secret");
    assertThat(ExternalRegistryWiring.trusting(CA)).isNotNull();
  }

  @Test
  void aControllerServingTlsAddsItsOwnChainSinceTheBundleIsAllADispatcherTrusts() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), CA);
    Path own = Files.writeString(dir.resolve("own.pem"), "OWN CHAIN\n");
    PlinthConfig c = config(ca).withTls(own, dir.resolve("key.pem"));
    String bundle = ExternalRegistryWiring.pull(c).caBundle();
    assertThat(bundle).startsWith(CA).endsWith("OWN CHAIN\n");
  }

  @Test
  void aCaFileWithoutCertificatesIsRefused() throws Exception {
    var e =
        assertThrows(ConfigException.class, () -> ExternalRegistryWiring.trusting("not a PEM\n"));
    assertThat(e.getMessage()).contains("registry.caFile");
  }
}
