/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.validate;

import dev.plinth.ci.Ci;
import dev.plinth.ci.build.Proc;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ci validate}: the pull-request gate as one command. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "The PR gate, every check in order, a summary line each, exit 1 if any failed:",
      "  format     google-java-format and licence headers (./mvnw spotless:check)",
      "  tests      unit and integration tests with the per-module coverage floors (./mvnw verify)",
      "  task-iso   task-ISO determinism (iso-builder DeterminismTest)",
      "  schema     representative recipes valid against the current and the N-1 release schema",
      "  deadcode   unreferenced classes (jdeps), exempt: entry points and ci/deadcode-allowlist.txt",
      "  licences   ci gate licences / vulns on the SBOMs of a smoke build (when those stages exist)"
    })
public final class ValidateCommand implements Callable<Integer> {

  static final List<String> CHECKS =
      List.of("format", "tests", "task-iso", "schema", "deadcode", "licences");

  @Spec CommandSpec spec;

  @Option(names = "--repo", paramLabel = "DIR")
  Path repo = Path.of(".");

  @Option(names = "--build-dir", defaultValue = "target", paramLabel = "NAME")
  String buildDir;

  @Option(names = "--skip", split = ",", paramLabel = "CHECK", description = "Checks not to run.")
  List<String> skip = new ArrayList<>();

  @Option(
      names = "--only",
      split = ",",
      paramLabel = "CHECK",
      description = "Run only these checks.")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--previous",
      paramLabel = "REF",
      description = "N-1 release (default: the last v* tag).")
  String previous;

  @Option(
      names = "--maven-args",
      paramLabel = "ARGS",
      description = "Extra arguments for ./mvnw verify (split on spaces).")
  String mavenArgs = "";

  @Option(
      names = "--advisories",
      paramLabel = "FILE",
      description = "OSV database for the vulnerability gate.")
  Path advisories;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path top = repo.toAbsolutePath().normalize();
    Map<String, String> results = new LinkedHashMap<>();
    boolean failed = false;
    for (String check : CHECKS) {
      if (skip.contains(check) || (!only.isEmpty() && !only.contains(check))) {
        continue;
      }
      long t0 = System.nanoTime();
      List<String> notes = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      try {
        run(check, top, notes, problems);
      } catch (IOException | RuntimeException e) {
        problems.add(e.getMessage());
      }
      double s = (System.nanoTime() - t0) / 1e9;
      String line =
          String.format(
              "%-9s %s (%.0f s)%s",
              check,
              problems.isEmpty() ? "ok" : "FAILED",
              s,
              notes.isEmpty() ? "" : ": " + String.join("; ", notes));
      out.println("ci validate: " + line);
      problems.forEach(p -> out.println("  " + check + ": " + p));
      out.flush();
      results.put(check, line);
      failed |= !problems.isEmpty();
    }
    out.println(
        "ci validate: " + (failed ? "FAILED" : "passed") + " (" + results.size() + " checks)");
    return failed ? 1 : 0;
  }

  private void run(String check, Path top, List<String> notes, List<String> problems)
      throws IOException {
    String bd = "-Dplinth.buildDir=" + buildDir;
    switch (check) {
      case "format" ->
          maven(top, List.of("./mvnw", "-B", "-q", bd, "spotless:check"), problems, 20);
      case "tests" -> {
        List<String> cmd = new ArrayList<>(List.of("./mvnw", "-B", bd, "verify"));
        if (!mavenArgs.isBlank()) {
          cmd.addAll(List.of(mavenArgs.strip().split(" +")));
        }
        maven(top, cmd, problems, 60);
        notes.add("coverage floors: each module's coverage.line.minimum (JaCoCo check)");
      }
      case "task-iso" ->
          maven(
              top,
              List.of(
                  "./mvnw",
                  "-B",
                  "-q",
                  bd,
                  "-pl",
                  "iso-builder",
                  "-Dtest=DeterminismTest",
                  "-Dsurefire.failIfNoSpecifiedTests=false",
                  "-Djacoco.skip=true",
                  "test"),
              problems,
              20);
      case "schema" -> {
        String prev = previous != null ? previous : SchemaCompatibility.previousRelease(top);
        problems.addAll(SchemaCompatibility.check(top, prev, notes));
      }
      case "deadcode" -> {
        List<String> dead =
            DeadCode.scan(top, buildDir, top.resolve("ci/deadcode-allowlist.txt"), notes);
        dead.forEach(
            d ->
                problems.add(
                    d
                        + " is referenced by no other class (delete it, or allow-list it with a reason)"));
      }
      case "licences" -> gates(top, notes, problems);
      default -> throw new IllegalArgumentException(check);
    }
  }

  private void gates(Path top, List<String> notes, List<String> problems) throws IOException {
    Set<String> stages = new CommandLine(new Ci()).getSubcommands().keySet();
    if (!stages.contains("gate") || !stages.contains("sbom")) {
      notes.add("SKIPPED: ci sbom / ci gate not in this build yet");
      return;
    }
    Path dist = Files.createTempDirectory("ci-validate-dist");
    List<List<String>> steps = new ArrayList<>();
    steps.add(
        List.of(
            "build",
            "--dist",
            dist.toString(),
            "--repo",
            top.toString(),
            "--build-dir",
            buildDir,
            "--skip",
            "tools,ci-os,mos"));
    steps.add(List.of("sbom", "--dist", dist.toString(), "--source", top.toString()));
    steps.add(List.of("gate", "licences", "--dist", dist.toString()));
    List<String> vulns = new ArrayList<>(List.of("gate", "vulns", "--dist", dist.toString()));
    Path fixtures = top.resolve("ci/src/test/resources");
    if (advisories == null) {
      vulns.addAll(List.of("--db", fixtures.resolve("osv").toString()));
      if (Files.exists(fixtures.resolve("osv-rehearsal-exceptions.json"))) {
        vulns.addAll(
            List.of("--exceptions", fixtures.resolve("osv-rehearsal-exceptions.json").toString()));
      }
    } else {
      vulns.addAll(List.of("--db", advisories.toString()));
    }
    steps.add(vulns);
    for (List<String> args : steps) {
      java.io.StringWriter sw = new java.io.StringWriter();
      PrintWriter pw = new PrintWriter(sw);
      int rc = new CommandLine(new Ci()).setOut(pw).setErr(pw).execute(args.toArray(String[]::new));
      pw.flush();
      if (rc != 0) {
        problems.add(
            "ci "
                + String.join(" ", args.subList(0, 2))
                + " (exit "
                + rc
                + "): "
                + sw.toString().strip());
        return;
      }
    }
    notes.add("controller tarball and dispatcher SBOMs gated (smoke build, no images)");
  }

  private static void maven(Path top, List<String> cmd, List<String> problems, int minutes) {
    try {
      Proc.run(top, cmd, Map.of(), Duration.ofMinutes(minutes), null);
    } catch (IOException e) {
      problems.add(e.getMessage());
    }
  }
}
