/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.mos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.iso.IsoEntry;
import dev.plinth.iso.IsoReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceIsoTest {
  private static final long EPOCH = 1_700_000_000L;
  private static final String ISOLINUX_CFG =
      "SERIAL 0 115200\nDEFAULT plinth\nLABEL plinth\n  KERNEL /boot/vmlinuz\n"
          + "  INITRD /boot/initrd.img\n  APPEND console=ttyS0,115200 quiet\n";
  private static final String GRUB_CFG =
      "set timeout=0\nmenuentry \"Plinth\" {\n  linux /boot/vmlinuz console=ttyS0,115200 quiet\n"
          + "  initrd /boot/initrd.img\n}\n";

  @TempDir Path tmp;

  private Path tree() throws IOException {
    Path t = tmp.resolve("tree");
    Files.createDirectories(t.resolve("isolinux"));
    Files.createDirectories(t.resolve("boot/grub"));
    Files.write(t.resolve("isolinux/isolinux.bin"), bytes(4096, 1));
    Files.writeString(t.resolve("isolinux/isolinux.cfg"), ISOLINUX_CFG);
    Files.writeString(t.resolve("boot/grub/grub.cfg"), GRUB_CFG);
    Files.write(t.resolve("boot/efiboot.img"), bytes(64 * 1024, 2));
    Files.write(t.resolve("boot/initrd.img"), bytes(300_000, 3));
    Files.write(t.resolve("boot/vmlinuz"), bytes(100_000, 4));
    return t;
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  private static byte[] mbr() {
    return bytes(440, 9);
  }

  @Test
  void remasterAddsTheArgumentsToBothBootEntriesAndKeepsEverythingElse() throws Exception {
    Path iso = tmp.resolve("mos.iso");
    MaintenanceIso.build(tree(), iso, mbr(), EPOCH);
    Path out = tmp.resolve("job.iso");
    String url = "plinth.task=https://ctl.example:8443/media/jobs/j-1/task.iso?sig=a%2Fb&exp=99";
    MaintenanceIso.withKernelArgs(iso, List.of(url, "plinth.selftest=1"), out);

    try (IsoReader r = IsoReader.open(out)) {
      assertThat(r.volumeId()).isEqualTo("PLINTH-MOS");
      assertThat(text(r, "isolinux/isolinux.cfg"))
          .contains("  APPEND console=ttyS0,115200 quiet " + url + " plinth.selftest=1\n");
      assertThat(text(r, "boot/grub/grub.cfg"))
          .contains(
              "linux /boot/vmlinuz console=ttyS0,115200 quiet '" + url + "' 'plinth.selftest=1'\n");
      assertThat(r.find("isolinux/boot.cat")).isPresent();
      assertThat(r.find("boot/initrd.img").orElseThrow().modified().getEpochSecond())
          .isEqualTo(EPOCH);
    }
    assertThat(contents(out)).containsAllEntriesOf(without(contents(iso), "isolinux/"));
    assertThat(head(out, 432)).isEqualTo(head(iso, 432));
    Path again = tmp.resolve("again.iso");
    MaintenanceIso.withKernelArgs(iso, List.of(url, "plinth.selftest=1"), again);
    assertThat(sha256(again)).isEqualTo(sha256(out));
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".remaster"));
    }
  }

  @Test
  void remasterRefusesArgumentsTheBootLoadersWouldMangle() throws Exception {
    Path iso = tmp.resolve("mos.iso");
    MaintenanceIso.build(tree(), iso, mbr(), EPOCH);
    Path out = tmp.resolve("job.iso");
    for (String bad :
        List.of("a b", "x='y'", "x=\"y\"", "a\\b", "", "ü=1", "x=" + "y".repeat(2000))) {
      assertThrows(
          IllegalArgumentException.class,
          () -> MaintenanceIso.withKernelArgs(iso, List.of(bad), out),
          bad);
    }
    assertThat(out).doesNotExist();
  }

  @Test
  void remasterRefusesAnIsoThatIsNotTheMaintenanceIso() throws Exception {
    Path t = tree();
    Path other = tmp.resolve("other.iso");
    dev.plinth.iso.IsoWriter.builder()
        .volumeId("PLINTH-TASK")
        .build()
        .write(dev.plinth.iso.IsoTree.fromDirectory(t), other);
    assertThrows(
        IOException.class,
        () -> MaintenanceIso.withKernelArgs(other, List.of("a=1"), tmp.resolve("x.iso")));
  }

  private static String text(IsoReader r, String path) throws IOException {
    return new String(r.readAllBytes(path, 1 << 20), StandardCharsets.UTF_8);
  }

  private static Map<String, String> contents(Path iso) throws Exception {
    Map<String, String> m = new TreeMap<>();
    try (IsoReader r = IsoReader.open(iso)) {
      for (IsoEntry e : r.entries()) {
        if (e.type() == IsoEntry.Type.FILE && !e.path().endsWith(".cfg")) {
          try (var in = r.open(e)) {
            m.put(
                e.path(),
                HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes())));
          }
        }
      }
    }
    return m;
  }

  private static Map<String, String> without(Map<String, String> m, String prefix) {
    Map<String, String> r = new TreeMap<>(m);
    r.keySet().removeIf(k -> k.startsWith(prefix) && !k.equals("isolinux/isolinux.bin"));
    return r;
  }

  private static byte[] head(Path f, int n) throws IOException {
    try (var in = Files.newInputStream(f)) {
      return in.readNBytes(n);
    }
  }

  private static String sha256(Path f) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }
}
