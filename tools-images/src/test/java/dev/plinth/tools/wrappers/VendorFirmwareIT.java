/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.wrappers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * plinth-vendor-firmware against {@link TestBmc} (a simulated Redfish BMC) with the package in the
 * test registry: multipart push, SimpleUpdate, the reboot policy, the digest checked before
 * anything reaches the BMC, and a site flasher taking precedence.
 */
class VendorFirmwareIT {
  static final String SOURCE = "firmware/acme/bios:2.4.1";

  @TempDir Path tmp;
  TestRegistry registry;
  TestBmc bmc;
  byte[] pkg;

  @BeforeAll
  static void root() {
    Privileges.assumeRoot(); // chroot mode: unshare and mount
  }

  @BeforeEach
  void start() throws Exception {
    registry = new TestRegistry();
    bmc = new TestBmc();
    pkg = new byte[256 << 10];
    new Random(5).nextBytes(pkg);
    registry.push(
        "firmware/acme/bios", "2.4.1", "application/vnd.plinth.firmware.v1", pkg, "bios.bin");
  }

  @AfterEach
  void stop() {
    bmc.close();
    registry.close();
  }

  ToolRunner tool() {
    return new ToolRunner("vendor-firmware")
        .env("PLINTH_REGISTRY", registry.host())
        .env("PLINTH_REGISTRY_SCHEME", "http")
        .env("PLINTH_BMC_URL", bmc.url())
        .env("PLINTH_BMC_USERNAME", TestBmc.USER)
        .env("PLINTH_BMC_PASSWORD", TestBmc.PASSWORD)
        .env("PLINTH_BMC_POLL_SECONDS", "0");
  }

  static String[] apply(String vendor, String digest, String reboot) {
    return new String[] {
      "apply",
      "--vendor",
      vendor,
      "--component",
      "bios",
      "--source",
      SOURCE,
      "--digest",
      digest,
      "--reboot",
      reboot
    };
  }

  @Test
  void multipartPushThenResetAlways() throws Exception {
    var r = tool().run(apply("generic", TestRegistry.sha256(pkg), "always"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(bmc.received).isEqualTo(pkg);
    assertThat(bmc.parameters).contains("\"Component\":\"bios\"").contains("OnReset");
    assertThat(bmc.polls()).isGreaterThanOrEqualTo(2);
    assertThat(r.stderr())
        .contains("plinth-progress: 100/100 firmware task")
        .contains("applied generic bios firmware from " + SOURCE)
        .contains("requested a graceful restart");
    // --reboot always resets even though the task asked for none
    assertThat(bmc.resets).containsExactly("GracefulRestart");
    // the push came after the digest check: the fetch precedes the first BMC request
    assertThat(bmc.requests.get(0)).isEqualTo("GET /redfish/v1/UpdateService");
  }

  @Test
  void simpleUpdateAndTheRebootPolicy() throws Exception {
    bmc.multipart = false;
    bmc.resetRequired = true;
    var never = tool().run(apply("generic", TestRegistry.sha256(pkg), "never"));
    assertThat(never.exit()).as(never.toString()).isZero();
    assertThat(bmc.imageUri).startsWith("http://" + registry.host() + "/v2/firmware/acme/bios/");
    assertThat(bmc.received).isEqualTo(pkg); // the BMC pulled the package itself
    assertThat(bmc.resets).isEmpty();
    assertThat(never.stderr()).contains("applied at the next restart (--reboot never)");

    var ifRequired = tool().run(apply("generic", TestRegistry.sha256(pkg), "if-required"));
    assertThat(ifRequired.exit()).as(ifRequired.toString()).isZero();
    assertThat(bmc.resets).containsExactly("GracefulRestart");

    bmc.resetRequired = false;
    bmc.resets.clear();
    var notNeeded = tool().run(apply("generic", TestRegistry.sha256(pkg), "if-required"));
    assertThat(notNeeded.exit()).as(notNeeded.toString()).isZero();
    assertThat(bmc.resets).isEmpty();
  }

  @Test
  void wrongDigestPushesNothing() throws Exception {
    var r = tool().run(apply("generic", "sha256:" + "1".repeat(64), "always"));
    assertThat(r.exit()).as(r.toString()).isEqualTo(4);
    assertThat(r.stderr()).contains("digest mismatch").contains("nothing was flashed");
    assertThat(bmc.requests).isEmpty();
    assertThat(bmc.received).isNull();

    var usage = tool().run("apply", "--vendor", "generic", "--component", "bios");
    assertThat(usage.exit()).isEqualTo(2);
    var noBmc =
        tool().env("PLINTH_BMC_URL", "").run(apply("generic", TestRegistry.sha256(pkg), "never"));
    assertThat(noBmc.exit()).as(noBmc.toString()).isEqualTo(6);
    assertThat(noBmc.stderr()).contains("no site flasher");
  }

  @Test
  void aSiteFlasherIsPreferred() throws Exception {
    Path flashers = Files.createDirectories(tmp.resolve("flashers"));
    Path out = Files.createDirectories(tmp.resolve("flashed"));
    Path flasher = flashers.resolve("acme");
    // exit 10: done, a reboot applies it (the site flasher contract)
    Files.writeString(
        flasher,
        "#!/bin/sh\ncp \"$1\" " + out + "/got.bin\necho \"$2 $3\" > " + out + "/args\nexit 10\n");
    Sh.run("chmod", "0755", flasher.toString());
    ToolRunner t = tool().share(out);
    if (ToolRunner.chroot()) {
      t.bind(flashers, "/usr/lib/plinth/flashers");
    } else {
      t.env("PLINTH_FLASHERS_DIR", flashers.toString());
    }
    var r = t.run(apply("acme", TestRegistry.sha256(pkg), "if-required"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(Files.readAllBytes(out.resolve("got.bin"))).isEqualTo(pkg);
    assertThat(Files.readString(out.resolve("args"))).isEqualTo("bios if-required\n");
    // nothing went through the UpdateService; the reset the flasher asked for did
    assertThat(bmc.requests).noneMatch(s -> s.contains("UpdateService"));
    assertThat(bmc.resets).containsExactly("GracefulRestart");

    // another vendor has no flasher here: the BMC path
    var other = t.run(apply("generic", TestRegistry.sha256(pkg), "never"));
    assertThat(other.exit()).as(other.toString()).isZero();
    assertThat(bmc.received).isEqualTo(pkg);
  }
}
