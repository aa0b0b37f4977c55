/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The Redfish client and the simulator stand alone inside the controller. */
class RedfishArchitectureTest {

  private static final JavaClasses CONTROLLER =
      new ClassFileImporter()
          // Not Predefined.DO_NOT_INCLUDE_TESTS: it only knows target/, and builds use other dirs.
          .withImportOption(location -> !location.contains("/test-classes/"))
          .importPackages("dev.plinth.controller.redfish", "dev.plinth.simulator.bmc");

  @Test
  void redfishClientDependsOnNoOtherControllerPackage() {
    noClasses()
        .that()
        .resideInAPackage("dev.plinth.controller.redfish..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages(
            "dev.plinth.controller.redfish..", "java..", "javax..", "com.fasterxml.jackson..")
        .check(CONTROLLER);
  }

  @Test
  void simulatorDependsOnlyOnTheJdkAndJackson() {
    noClasses()
        .that()
        .resideInAPackage("dev.plinth.simulator.bmc..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages(
            "dev.plinth.simulator.bmc..",
            "java..",
            "javax..",
            "com.sun.net.httpserver..",
            "com.fasterxml.jackson..")
        .check(CONTROLLER);
  }
}
