/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.List;
import java.util.Optional;

/**
 * Installs a boot loader on the ESP and registers a UEFI boot entry: GRUB or systemd-boot for the
 * Linux root partition, or the Windows Boot Manager (BCD) for the Windows partition.
 */
public record BootloaderStep(
    String name,
    StepPolicy policy,
    BootloaderType type,
    String esp,
    Optional<String> root,
    List<String> kernelArgs,
    Optional<String> entryName)
    implements Step {
  public BootloaderStep {
    esp = esp == null ? "ESP" : esp;
    root = root == null ? Optional.empty() : root;
    kernelArgs = List.copyOf(kernelArgs);
    entryName = entryName == null ? Optional.empty() : entryName;
  }
}
