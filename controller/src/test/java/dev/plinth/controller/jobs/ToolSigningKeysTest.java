/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.contract.ContractFixtures;
import dev.plinth.contract.Task;
import dev.plinth.contract.TaskIsoV1;
import dev.plinth.controller.config.ConfigLoader;
import dev.plinth.controller.testing.TestController;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tools.signingKeys}: from plinth.yaml (or the environment) into every task. */
class ToolSigningKeysTest {

  @TempDir Path dir;

  static String publicKeyPem() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'})
            .encodeToString(g.generateKeyPair().getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  @Test
  void plinthYamlNamesTheKeysRelativeToItselfAndTheEnvironmentOverrides() throws Exception {
    Path yaml = dir.resolve("plinth.yaml");
    Files.writeString(yaml, "tools:\n  signingKeys: [keys/site.pub, /etc/plinth/old.pub]\n");
    assertThat(ConfigLoader.load(yaml, Map.of()).toolSigningKeys())
        .containsExactly(dir.resolve("keys/site.pub"), Path.of("/etc/plinth/old.pub"));
    assertThat(
            ConfigLoader.load(yaml, Map.of("PLINTH_TOOLS_SIGNING_KEYS", "/a.pub, /b.pub"))
                .toolSigningKeys())
        .containsExactly(Path.of("/a.pub"), Path.of("/b.pub"));
    assertThat(ConfigLoader.load(null, Map.of()).toolSigningKeys()).isEmpty();
  }

  @Test
  void keyFilesAreCheckedAtStartNamingTheFile() throws Exception {
    Path good = dir.resolve("site.pub");
    String pem = publicKeyPem();
    Files.writeString(good, pem);
    assertThat(TaskBuilder.readToolSigningKeys(List.of(good))).containsExactly(pem);
    Path cert = dir.resolve("ca.pem");
    Files.write(cert, ContractFixtures.read("ca.pem"));
    assertThat(
            assertThrows(
                    IllegalArgumentException.class,
                    () -> TaskBuilder.readToolSigningKeys(List.of(good, cert)))
                .getMessage())
        .isEqualTo(
            "tools.signingKeys: " + cert + ": must hold exactly one PEM PUBLIC KEY block, holds 0");
    assertThat(
            assertThrows(
                    IllegalArgumentException.class,
                    () -> TaskBuilder.readToolSigningKeys(List.of(dir.resolve("absent.pub"))))
                .getMessage())
        .startsWith("tools.signingKeys: " + dir.resolve("absent.pub") + ": ");
  }

  @Test
  void everyTaskCarriesTheKeysAndATaskWithoutThemHasNoField() throws Exception {
    String pem = publicKeyPem();
    JobSecrets secrets = JobSecrets.create();
    TaskBuilder plain = new TaskBuilder(TestController.FIXTURE_RESOLVER, "ctl.example:8080");
    Task without =
        plain.task(
            TaskBuilderTest.job(TaskBuilderTest.WIPE),
            TaskBuilderTest.machine(),
            secrets,
            "http://ctl.example:8080");
    assertThat(without.toolSigningKeys()).isNull();
    assertThat(new String(TaskIsoV1.files(without).get("task.json"), StandardCharsets.UTF_8))
        .doesNotContain("toolSigningKeys");
    Task with =
        new TaskBuilder(TestController.FIXTURE_RESOLVER, "ctl.example:8080")
            .toolSigningKeys(List.of(pem))
            .task(
                TaskBuilderTest.job(TaskBuilderTest.WIPE),
                TaskBuilderTest.machine(),
                secrets,
                "http://ctl.example:8080");
    assertThat(with.toolSigningKeys()).containsExactly(pem);
    assertThat(with.withToolSigningKeys(null)).isEqualTo(without);
    Map<String, byte[]> files = TaskIsoV1.files(with);
    TaskIsoV1.verify(files);
    assertThat(new String(files.get("task.json"), StandardCharsets.UTF_8))
        .contains("\"toolSigningKeys\"");
  }
}
