/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plinth.tools.debian.Closure;
import dev.plinth.tools.debian.DebCache;
import dev.plinth.tools.debian.Lock;
import dev.plinth.tools.debian.LockEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lock refresh} against the real trixie mirror, on a small package set: apt-get in a
 * throwaway root per arch resolves the closures, the lock pins them with epochs and SHA256, the
 * tool's closure leaves out what the base has, and {@code [arch]} limits a package to one arch.
 */
class LockRefreshIT {
  @Test
  void refreshResolvesBothArchesFromTheMirror(@TempDir Path tmp) throws Exception {
    Path root = tmp.resolve("tools-images");
    Files.createDirectories(root.resolve("debian"));
    Files.createDirectories(root.resolve("base"));
    Files.createDirectories(root.resolve("sgdisk"));
    Files.writeString(root.resolve("base/packages"), "# test\ndash\ngawk\n");
    Files.writeString(root.resolve("sgdisk/packages"), "gdisk\ngrub-efi-arm64-bin [arm64]\n");
    Sources s = new Sources(root);

    LockRefresh.Summary sum = LockRefresh.refresh(s, DebCache.mirrorFromEnvironment());

    Lock lock = Lock.read(s.lock());
    assertThat(sum.amd64()).isPositive();
    assertThat(lock.get("amd64", "gawk").version()).contains(":");
    assertThat(lock.get("arm64", "libc6").filename()).endsWith("_arm64.deb");
    for (LockEntry e : lock.entries()) {
      assertThat(e.filename()).matches("pool/main/.*_(" + e.arch() + "|all)\\.deb");
    }
    Closure base = Closure.read(s.closure("base"));
    Closure sgdisk = Closure.read(s.closure("sgdisk"));
    assertThat(base.packages("amd64")).contains("dash", "gawk", "libc6");
    assertThat(sgdisk.packages("amd64")).contains("gdisk").doesNotContain("libc6");
    assertThat(sgdisk.packages("arm64")).contains("gdisk", "grub-efi-arm64-bin");
    assertThat(sgdisk.packages("amd64")).doesNotContain("grub-efi-arm64-bin");
    assertThat(Closure.read(s.closure("wimapply")).packages("arm64")).isEmpty();
    assertThat(Files.readString(s.lock())).isEqualTo(lock.format());

    Files.writeString(root.resolve("sgdisk/packages"), "no-such-package-plinth\n");
    IOException e =
        assertThrows(
            IOException.class, () -> LockRefresh.refresh(s, DebCache.mirrorFromEnvironment()));
    assertThat(e.getMessage()).contains("no-such-package-plinth");
  }
}
