/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The registry's package rules, as listed in docs/registry.md. */
class PackageRulesTest {

  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.plinth.registry");

  @Test
  void packagesUseOnlyWhatTheyAreAllowedTo() {
    layeredArchitecture()
        .consideringOnlyDependenciesInAnyPackage("dev.plinth.registry..")
        .layer("root")
        .definedBy("dev.plinth.registry")
        .layer("api")
        .definedBy("dev.plinth.registry.api..")
        .layer("storage")
        .definedBy("dev.plinth.registry.storage..")
        .layer("auth")
        .definedBy("dev.plinth.registry.auth..")
        .layer("dataplane")
        .definedBy("dev.plinth.registry.dataplane..")
        .layer("http")
        .definedBy("dev.plinth.registry.http..")
        .layer("gc")
        .definedBy("dev.plinth.registry.gc..")
        .layer("transfer")
        .definedBy("dev.plinth.registry.transfer..")
        .whereLayer("root")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("http")
        .mayOnlyBeAccessedByLayers("root")
        .whereLayer("gc")
        .mayOnlyBeAccessedByLayers("root")
        .whereLayer("transfer")
        .mayOnlyBeAccessedByLayers("root")
        .whereLayer("auth")
        .mayOnlyBeAccessedByLayers("root", "http")
        .whereLayer("dataplane")
        .mayOnlyBeAccessedByLayers("root", "http")
        .whereLayer("storage")
        .mayOnlyBeAccessedByLayers("root", "http", "gc", "transfer")
        .check(CLASSES);
  }
}
