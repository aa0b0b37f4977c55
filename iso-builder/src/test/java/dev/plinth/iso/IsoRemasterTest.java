/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The maintenance ISO's boot layout and its per-job remaster (the controller's one-slot path). */
class IsoRemasterTest {
  private static final long EPOCH = 1_700_000_000L;

  @TempDir Path tmp;

  private Path iso(String label) throws IOException {
    IsoTree t = IsoTree.create();
    t.addFile("isolinux/isolinux.bin", bytes(4096, 1));
    t.addFile(
        "isolinux/isolinux.cfg",
        "DEFAULT p\nLABEL p\n  KERNEL /boot/vmlinuz\n  APPEND console=ttyS0 quiet\n"
            .getBytes(StandardCharsets.UTF_8));
    t.addFile(
        "boot/grub/grub.cfg",
        "menuentry p {\n  linux /boot/vmlinuz console=ttyS0 quiet\n}\n"
            .getBytes(StandardCharsets.UTF_8));
    t.addFile("boot/efiboot.img", bytes(64 * 1024, 2));
    t.addFile("boot/vmlinuz", bytes(100_000, 3));
    Path out = tmp.resolve(label + ".iso");
    IsoRemaster.hybridBootWriter(label, "PLINTH TEST APP", bytes(440, 9), EPOCH).write(t, out);
    return out;
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  @Test
  void remasterKeepsLabelApplicationBootCodeAndDateAndIsDeterministic() throws Exception {
    Path iso = iso("PLINTH-MOS");
    Path out = tmp.resolve("jobs/j1/maintenance.iso");
    List<String> args = List.of("plinth.task=http://10.0.2.2:8080/media/abc_-9/task.iso");
    IsoRemaster.withKernelArgs(iso, "PLINTH-MOS", args, out);
    try (IsoReader r = IsoReader.open(out)) {
      assertThat(r.volumeId()).isEqualTo("PLINTH-MOS");
      assertThat(new String(r.readAllBytes("isolinux/isolinux.cfg", 4096), StandardCharsets.UTF_8))
          .contains("APPEND console=ttyS0 quiet " + args.getFirst() + "\n");
      assertThat(new String(r.readAllBytes("boot/grub/grub.cfg", 4096), StandardCharsets.UTF_8))
          .contains("linux /boot/vmlinuz console=ttyS0 quiet '" + args.getFirst() + "'\n");
      assertThat(r.readAllBytes("boot/vmlinuz", 200_000)).isEqualTo(bytes(100_000, 3));
      assertThat(r.find("boot/vmlinuz").orElseThrow().modified().getEpochSecond()).isEqualTo(EPOCH);
    }
    byte[] a = Files.readAllBytes(iso);
    byte[] b = Files.readAllBytes(out);
    assertThat(Arrays.copyOf(b, 432)).isEqualTo(Arrays.copyOf(a, 432));
    // Application identifier (PVD offset 574) kept.
    assertThat(Arrays.copyOfRange(b, 16 * 2048 + 574, 16 * 2048 + 702))
        .isEqualTo(Arrays.copyOfRange(a, 16 * 2048 + 574, 16 * 2048 + 702));
    Path again = tmp.resolve("again.iso");
    IsoRemaster.withKernelArgs(iso, "PLINTH-MOS", args, again);
    assertThat(Files.readAllBytes(again)).isEqualTo(b);
    try (var s = Files.list(out.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("maintenance.iso");
    }
  }

  @Test
  void remasterRefusesAnotherLabelAndBadArguments() throws Exception {
    Path iso = iso("PLINTH-TASK");
    Path out = tmp.resolve("x.iso");
    assertThrows(
        IOException.class, () -> IsoRemaster.withKernelArgs(iso, "PLINTH-MOS", List.of("a"), out));
    for (String bad : List.of("a b", "x='y'", "a\\b", "", "x=" + "y".repeat(2000))) {
      assertThrows(
          IllegalArgumentException.class,
          () -> IsoRemaster.withKernelArgs(iso, "PLINTH-TASK", List.of(bad), out),
          bad);
    }
    assertThat(out).doesNotExist();
  }

  @Test
  void configEditsNeedABootLine() {
    assertThrows(
        IllegalArgumentException.class, () -> KernelArgs.appendToIsolinux("DEFAULT x\n", "a=1"));
    assertThrows(IllegalArgumentException.class, () -> KernelArgs.appendToGrub("set x=1\n", "a=1"));
    assertThat(KernelArgs.appendToIsolinux("label x\n  append a\n", "b=1"))
        .isEqualTo("label x\n  append a b=1\n");
  }
}
