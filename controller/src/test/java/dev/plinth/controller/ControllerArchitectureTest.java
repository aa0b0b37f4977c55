/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.plinth.controller.jobs.JobLifecycle;
import dev.plinth.controller.security.ApiTls;
import dev.plinth.controller.server.ControllerServer;
import dev.plinth.controller.store.EventStore;
import dev.plinth.controller.store.JobStore;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/controller.md ("Controller packages"): each package uses only the
 * packages its row names, so a new back-arrow fails here. {@code Layout} and {@code BuildInfo} (the
 * root package) may be used by all; {@code Main} starts the CLI.
 */
class ControllerArchitectureTest {

  private static final String ROOT = "dev.plinth.controller";

  private static final JavaClasses CONTROLLER =
      new ClassFileImporter()
          // Not Predefined.DO_NOT_INCLUDE_TESTS: it only knows target/, and builds use other dirs.
          .withImportOption(location -> !location.contains("/test-classes/"))
          .importPackages(ROOT);

  @Test
  void packagesUseOnlyWhatDocsControllerMdAllows() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("shared")
        .definedBy(
            resideInAPackage(ROOT).and(belongToAnyOf(Layout.class, BuildInfo.class)).as("root"))
        .layer("main")
        .definedBy(belongToAnyOf(Main.class))
        .layer("store")
        .definedBy(ROOT + ".store..")
        .layer("security")
        .definedBy(ROOT + ".security..")
        .layer("config")
        .definedBy(ROOT + ".config..")
        .layer("observe")
        .definedBy(ROOT + ".observe..")
        .layer("problem")
        .definedBy(ROOT + ".problem..")
        .layer("server")
        .definedBy(ROOT + ".server..")
        .layer("redfish")
        .definedBy(ROOT + ".redfish..")
        .layer("jobs")
        .definedBy(ROOT + ".jobs..")
        .layer("media")
        .definedBy(ROOT + ".media..")
        .layer("webhook")
        .definedBy(ROOT + ".webhook..")
        .layer("api")
        .definedBy(ROOT + ".api..")
        .layer("console")
        .definedBy(ROOT + ".console..")
        .layer("app")
        .definedBy(ROOT + ".app..")
        .layer("cli")
        .definedBy(ROOT + ".cli..")
        .whereLayer("shared")
        .mayNotAccessAnyLayer()
        .whereLayer("store")
        .mayNotAccessAnyLayer()
        .whereLayer("security")
        .mayOnlyAccessLayers("store", "shared")
        .whereLayer("config")
        .mayOnlyAccessLayers("shared")
        .whereLayer("observe")
        .mayOnlyAccessLayers("shared")
        .whereLayer("problem")
        .mayOnlyAccessLayers("shared")
        .whereLayer("server")
        .mayOnlyAccessLayers("observe", "config", "problem", "shared")
        .whereLayer("redfish")
        .mayNotAccessAnyLayer()
        .whereLayer("jobs")
        .mayOnlyAccessLayers("store", "security", "media", "redfish", "shared")
        .whereLayer("media")
        .mayOnlyAccessLayers("store", "problem", "shared")
        .whereLayer("webhook")
        .mayOnlyAccessLayers("store", "security", "jobs", "problem", "shared")
        .whereLayer("api")
        .mayOnlyAccessLayers("store", "security", "jobs", "problem", "shared")
        .whereLayer("console")
        .mayNotAccessAnyLayer()
        .whereLayer("cli")
        .mayOnlyAccessLayers("app", "shared")
        .whereLayer("main")
        .mayOnlyAccessLayers("cli", "observe")
        // FROZEN: arrows that were there before this test and break the documented rules. Each is
        // an exception for the named classes only, so any new arrow fails; remove a line when its
        // arrow goes.
        // security.ApiTls reads the API's TLS settings from config and reuses redfish's TlsPolicy.
        .ignoreDependency(belongToAnyOf(ApiTls.class), resideInAPackage(ROOT + ".config.."))
        .ignoreDependency(belongToAnyOf(ApiTls.class), resideInAPackage(ROOT + ".redfish.."))
        // server.ControllerServer builds its TLS listener from security.ApiTls.
        .ignoreDependency(belongToAnyOf(ControllerServer.class), belongToAnyOf(ApiTls.class))
        // cli uses these directly, not through app (settings, BMC commands, the token and store
        // commands): issue 16 leaves them for the CLI's own split.
        .ignoreDependency(
            resideInAPackage(ROOT + ".cli.."),
            resideInAPackage(ROOT + ".config..")
                .or(resideInAPackage(ROOT + ".jobs.."))
                .or(resideInAPackage(ROOT + ".observe.."))
                .or(resideInAPackage(ROOT + ".redfish.."))
                .or(resideInAPackage(ROOT + ".security.."))
                .or(resideInAPackage(ROOT + ".store..")))
        .check(CONTROLLER);
  }

  /**
   * The simulator and the dispatcher are modules of their own (docs/decisions.md): the binary ships
   * them for {@code plinth demo} and {@code plinth bmc simulate}, so only {@code cli} may use them;
   * every other package (and the root's {@code Main}) uses the contract module only.
   */
  @Test
  void onlyTheCliUsesTheSimulatorAndTheDispatcher() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.plinth.simulator..", "dev.plinth.dispatcher..")
        .check(CONTROLLER);
  }

  @Test
  void controllerPackagesHaveNoCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CONTROLLER);
  }

  @Test
  void noSqlOutsideTheStore() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "javax.sql..")
        .check(CONTROLLER);
  }

  @Test
  void onlyTheLifecycleWritesJobState() {
    methods()
        .that()
        .areDeclaredIn(JobStore.class)
        .and()
        .haveNameMatching("create|transition|changeDurably|appendEvent|requestCancel|lastStep")
        .should()
        .onlyBeCalled()
        .byClassesThat()
        .belongToAnyOf(JobLifecycle.class, JobStore.class, EventStore.class)
        .check(CONTROLLER);
  }

  @Test
  void onlyTheMachineLifecycleWritesMachineState() {
    methods()
        .that()
        .areDeclaredIn(dev.plinth.controller.store.MachineStates.class)
        .and()
        .haveNameMatching("change|write")
        .should()
        .onlyBeCalled()
        .byClassesThat()
        .belongToAnyOf(
            dev.plinth.controller.jobs.MachineLifecycle.class,
            JobStore.class,
            dev.plinth.controller.store.MachineStates.class)
        .check(CONTROLLER);
  }

  @Test
  void onlyThePlanCompilerParsesOrExpandsRecipes() {
    // A recipe is compiled once, at submit, into the job's plan (JobPlanTest counts the parses).
    noClasses()
        .that()
        .doNotBelongToAnyOf(dev.plinth.controller.jobs.PlanCompiler.class)
        // plinth recipe validate|plan: a local file on the operator's machine, not a job.
        .and()
        .haveNameNotMatching("dev\\.plinth\\.controller\\.cli\\.RecipeCommand.*")
        .should()
        .dependOnClassesThat()
        .belongToAnyOf(
            dev.plinth.recipes.RecipeParser.class, dev.plinth.recipes.RecipeExpander.class)
        .check(CONTROLLER);
  }
}
