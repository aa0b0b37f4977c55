/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plinth demo --qemu} says which piece is missing and how to build it. */
class QemuDemoTest {

  @TempDir Path tmp;

  @Test
  void aMissingMaintenanceIsoIsAUserErrorSayingHowToBuildIt() {
    CliTest.Run r =
        CliTest.run("demo", "--qemu", "--maintenance-iso", tmp.resolve("none.iso").toString());
    assertThat(r.exit()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(r.err())
        .contains("needs the maintenance ISO")
        .contains("maintenance-os/build.sh")
        .doesNotContain("at dev.plinth");
  }

  @Test
  void aMissingToolsBundleOrOsBundleIsAUserErrorSayingWhatToPass() throws Exception {
    Path iso = Files.writeString(tmp.resolve("maintenance.iso"), "x");
    CliTest.Run tools =
        CliTest.run(
            "demo",
            "--qemu",
            "--maintenance-iso",
            iso.toString(),
            "--tools-bundle",
            tmp.resolve("plinth-tools-1.tar").toString());
    assertThat(tools.exit()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(tools.err()).contains("tool images bundle").contains("--tools-bundle");
    Path bundle = Files.writeString(tmp.resolve("plinth-tools-1.tar"), "x");
    CliTest.Run os =
        CliTest.run(
            "demo",
            "--qemu",
            "--maintenance-iso",
            iso.toString(),
            "--tools-bundle",
            bundle.toString(),
            "--os-bundle",
            tmp.resolve("os.tar").toString());
    assertThat(os.exit()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(os.err()).contains("the OS bundle").contains("os.tar");
  }

  @Test
  void theNewestBundleIsFound() throws Exception {
    Path old = Files.writeString(tmp.resolve("plinth-tools-1.tar"), "1");
    Path recent = Files.writeString(tmp.resolve("plinth-tools-2.tar"), "2");
    Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(1_000));
    Files.writeString(tmp.resolve("other.tar"), "3");
    assertThat(QemuDemo.newest(tmp, "plinth-tools-")).isEqualTo(recent);
    assertThat(QemuDemo.newest(tmp.resolve("absent"), "plinth-tools-")).isNull();
  }
}
