/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

/**
 * One step of a recipe. {@link RunStep} is the generic form (a tool image with arguments); the
 * others are typed shorthands for common work, expanded into generic steps with documented
 * arguments.
 */
public sealed interface Step
    permits RunStep,
        PartitionStep,
        OsImageStep,
        WimStep,
        BootloaderStep,
        ConfigDriveStep,
        FirmwareStep,
        WipeStep {

  /** The step's name, unique in the recipe. */
  String name();

  /** How the step is run. */
  StepPolicy policy();

  /** The key that selects this step type in a recipe ({@code run}, {@code partition}...). */
  default String action() {
    return switch (this) {
      case RunStep s -> "run";
      case PartitionStep s -> "partition";
      case OsImageStep s -> "image";
      case WimStep s -> "wim";
      case BootloaderStep s -> "bootloader";
      case ConfigDriveStep s -> "configDrive";
      case FirmwareStep s -> "firmware";
      case WipeStep s -> "wipe";
    };
  }
}
