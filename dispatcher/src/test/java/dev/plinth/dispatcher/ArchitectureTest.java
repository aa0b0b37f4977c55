/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * The package dependencies written in {@code package-info.java} of this package, enforced. The
 * contract ({@code dev.plinth.contract}) is a module of its own that depends on Jackson only.
 */
class ArchitectureTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          // Not Predefined.DO_NOT_INCLUDE_TESTS: it knows target/test-classes only, and builds
          // here may use another build directory (-Dplinth.buildDir).
          .withImportOption(location -> !location.contains("/test-classes/"))
          .importPackages("dev.plinth.dispatcher");

  @Test
  void layersOnlyLookDown() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "..dispatcher.runner..",
            "..dispatcher.report..",
            "..dispatcher.intake..",
            "..dispatcher.sys..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.plinth.dispatcher", "..dispatcher.cli..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAnyPackage("..dispatcher.runner..", "..dispatcher.report..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("..dispatcher.intake..", "dev.plinth.iso..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage("..dispatcher.report..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("..dispatcher.runner..", "..dispatcher.sys..")
        .check(CLASSES);
    slices().matching("dev.plinth.dispatcher.(*)..").should().beFreeOfCycles().check(CLASSES);
  }
}
