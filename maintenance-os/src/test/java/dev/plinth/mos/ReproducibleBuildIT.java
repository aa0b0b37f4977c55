/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.mos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Builds the maintenance OS a second time into another directory and compares the sha256 of every
 * output (ISO, initrd, kernel, OCI image) with the first build. On a difference the message lists
 * the differing files of the root file system ({@code src/test/scripts/diff-builds.sh}).
 */
class ReproducibleBuildIT {

  @Test
  void aSecondBuildIsBitIdentical() throws Exception {
    MosBuild.Built a = MosBuild.first();
    MosBuild.Built b = MosBuild.build(MosBuild.buildDir().resolve("mos-b"));
    String diff =
        MosBuild.run(
            600,
            List.of(
                "bash",
                MosBuild.MODULE.resolve("src/test/scripts/diff-builds.sh").toString(),
                a.dir().toString(),
                b.dir().toString()));
    assertThat(b.sums()).as("outputs of two builds; differences:\n%s", diff).isEqualTo(a.sums());
    assertThat(b.sums()).containsKeys("maintenance.iso", "rootfs.cpio.zst", "vmlinuz");
  }
}
