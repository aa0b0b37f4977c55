/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockTest {
  private static final String SHA = "a".repeat(64);

  private static LockEntry entry(String name, String arch) {
    return new LockEntry(
        name, "1:2.0-1", arch, SHA, 42, "pool/main/x/" + name + "_2.0-1_" + arch + ".deb");
  }

  @Test
  void formatSortsByArchThenPackageAndParsesBack(@TempDir Path dir) throws Exception {
    Lock lock =
        new Lock(List.of(entry("zstd", "arm64"), entry("bash", "arm64"), entry("zstd", "amd64")));
    assertThat(lock.format())
        .isEqualTo(
            Lock.HEADER
                + "\n"
                + "zstd\t1:2.0-1\tamd64\t"
                + SHA
                + "\t42\tpool/main/x/zstd_2.0-1_amd64.deb\n"
                + "bash\t1:2.0-1\tarm64\t"
                + SHA
                + "\t42\tpool/main/x/bash_2.0-1_arm64.deb\n"
                + "zstd\t1:2.0-1\tarm64\t"
                + SHA
                + "\t42\tpool/main/x/zstd_2.0-1_arm64.deb\n");
    Path f = dir.resolve("trixie.lock");
    lock.write(f);
    Lock back = Lock.read(f);
    assertThat(back.entries()).isEqualTo(lock.entries());
    assertThat(back.get("arm64", "bash").version()).isEqualTo("1:2.0-1");
  }

  @Test
  void missingPackageNamesTheRefreshCommand() {
    Lock lock = new Lock(List.of(entry("bash", "amd64")));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> lock.get("arm64", "bash"));
    assertThat(e.getMessage()).contains("bash", "arm64", "lock refresh");
  }

  @Test
  void malformedLinesAreRejectedWithTheirLineNumber() {
    assertThat(
            assertThrows(
                    IllegalArgumentException.class, () -> Lock.parse("package\tversion\n", "x"))
                .getMessage())
        .contains("header");
    String bad = Lock.HEADER + "\nbash\t1\tamd64\tnothex\t1\tpool/main/b/bash.deb\n";
    assertThat(
            assertThrows(IllegalArgumentException.class, () -> Lock.parse(bad, "f")).getMessage())
        .startsWith("f:2:");
    String outside = Lock.HEADER + "\nbash\t1\tamd64\t" + SHA + "\t1\t../etc/passwd\n";
    assertThrows(IllegalArgumentException.class, () -> Lock.parse(outside, "f"));
    String arch = Lock.HEADER + "\nbash\t1\ti386\t" + SHA + "\t1\tpool/main/b/b.deb\n";
    assertThrows(IllegalArgumentException.class, () -> Lock.parse(arch, "f"));
    String fields = Lock.HEADER + "\nbash\t1\tamd64\n";
    assertThrows(IllegalArgumentException.class, () -> Lock.parse(fields, "f"));
  }

  @Test
  void aPackagePinnedTwiceDifferentlyIsAnError() {
    LockEntry a = entry("bash", "amd64");
    LockEntry b = new LockEntry("bash", "9", "amd64", SHA, 1, "pool/main/b/bash_9_amd64.deb");
    assertThrows(IllegalArgumentException.class, () -> new Lock(List.of(a, b)));
    assertThat(new Lock(List.of(a, a)).entries()).hasSize(1);
  }

  @Test
  void packageListsHonourArchSuffixesAndComments() {
    PackageList l =
        PackageList.parse(
            "# comment\ngdisk\n\ngrub-pc-bin [amd64]  # BIOS\ngrub-efi-arm64-bin [arm64]\nlibstdc++6\n",
            "p");
    assertThat(l.names("amd64")).containsExactly("gdisk", "grub-pc-bin", "libstdc++6");
    assertThat(l.names("arm64")).containsExactly("gdisk", "grub-efi-arm64-bin", "libstdc++6");
    assertThat(
            assertThrows(IllegalArgumentException.class, () -> PackageList.parse("x y\n", "p"))
                .getMessage())
        .startsWith("p:1:");
    assertThrows(IllegalArgumentException.class, () -> PackageList.parse("gdisk [i386]", "p"));
  }

  @Test
  void closuresRoundTripSorted(@TempDir Path dir) throws Exception {
    Closure c = new Closure(Map.of("arm64", Set.of("b", "a"), "amd64", Set.of("c")));
    assertThat(c.format()).isEqualTo("amd64\tc\narm64\ta\narm64\tb\n");
    Path f = dir.resolve("x.closure");
    c.write(f);
    assertThat(Closure.read(f)).isEqualTo(c);
    assertThat(c.packages("arm64")).containsExactly("a", "b");
    Files.writeString(f, "amd64 c\n");
    assertThrows(IllegalArgumentException.class, () -> Closure.read(f));
  }
}
