/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.iso;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** iso-builder's main code depends on java.base only, and exposes only its API types. */
class ArchitectureTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          // Not Predefined.DO_NOT_INCLUDE_TESTS: it expects target/, and builds may use target-*/.
          .withImportOption(location -> !location.contains("/test-classes/"))
          .importPackages("dev.plinth.iso");

  @Test
  void mainCodeUsesOnlyTheJdk() {
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("dev.plinth.iso..", "java..")
        .check(MAIN);
  }

  @Test
  void onlyTheApiTypesArePublic() {
    classes()
        .that()
        .arePublic()
        .should()
        .haveSimpleNameStartingWith("Iso")
        .orShould()
        .beNestedClasses()
        .check(MAIN);
  }
}
