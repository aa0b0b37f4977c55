/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ci gate}: the release gates over the SBOMs. */
@Command(
    name = "gate",
    mixinStandardHelpOptions = true,
    description = "Release gates over the SBOMs of a dist directory.",
    subcommands = {GateCommand.Licences.class, GateCommand.Vulns.class})
public final class GateCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code ci gate licences}. */
  @Command(
      name = "licences",
      aliases = "licenses",
      mixinStandardHelpOptions = true,
      description =
          "Fail when a component's licence is not on the AGPL-3.0-compatible allow-list (Java"
              + " libraries) or the free-licence list (Debian packages), unless excepted.")
  public static final class Licences implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dist", required = true, description = "The dist directory.")
    Path dist;

    @Option(names = "--allow", description = "Allow list replacing the shipped one.")
    Path allow;

    @Option(names = "--exceptions", description = "More licence exceptions (JSON).")
    Path exceptions;

    @Override
    public Integer call() {
      try {
        List<LicenceGate.Violation> v =
            new LicenceGate(LicencePolicy.load(allow, exceptions)).check(dist);
        v.forEach(x -> spec.commandLine().getErr().println("ci gate licences: " + x));
        if (!v.isEmpty()) {
          spec.commandLine().getErr().println("ci gate licences: " + v.size() + " violation(s)");
          return 1;
        }
        spec.commandLine().getOut().println("ci gate licences: every component is allowed");
        return 0;
      } catch (RuntimeException e) {
        spec.commandLine().getErr().println("ci gate licences: " + e.getMessage());
        return 1;
      }
    }
  }

  /** {@code ci gate vulns}. */
  @Command(
      name = "vulns",
      mixinStandardHelpOptions = true,
      description =
          "Match the SBOMs against an OSV database (file, zip or directory); fail on HIGH or"
              + " CRITICAL without a recorded, unexpired exception.")
  public static final class Vulns implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dist", required = true, description = "The dist directory.")
    Path dist;

    @Option(names = "--db", required = true, description = "OSV advisories: file, zip or dir.")
    Path db;

    @Option(names = "--exceptions", description = "Recorded exceptions (JSON).")
    Path exceptions;

    @Option(names = "--today", description = "The date exceptions expire against (YYYY-MM-DD).")
    LocalDate today;

    @Override
    public Integer call() {
      try {
        OsvDatabase osv = OsvDatabase.load(db);
        List<VulnGate.Waiver> w = exceptions == null ? List.of() : VulnGate.readWaivers(exceptions);
        LocalDate day = today != null ? today : LocalDate.now(ZoneOffset.UTC);
        List<VulnGate.Finding> f = new VulnGate(osv, w, day).check(dist);
        long blocking = f.stream().filter(VulnGate.Finding::blocks).count();
        for (VulnGate.Finding x : f) {
          (x.blocks() ? spec.commandLine().getErr() : spec.commandLine().getOut())
              .println("ci gate vulns: " + (x.blocks() ? "" : "[not blocking] ") + x);
        }
        String summary =
            osv.advisories().size()
                + " advisories, "
                + f.size()
                + " finding(s), "
                + blocking
                + " blocking";
        if (blocking > 0) {
          spec.commandLine().getErr().println("ci gate vulns: " + summary);
          return 1;
        }
        spec.commandLine().getOut().println("ci gate vulns: " + summary);
        return 0;
      } catch (RuntimeException e) {
        spec.commandLine().getErr().println("ci gate vulns: " + e.getMessage());
        return 1;
      }
    }
  }
}
