/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import dev.plinth.controller.BuildInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plinth version}: what this binary is. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print the version, git commit and build time.")
final class VersionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--output"},
      description = "Output format: text or json (default: ${DEFAULT-VALUE}).",
      defaultValue = "text")
  String output;

  @Override
  public Integer call() {
    BuildInfo b = BuildInfo.current();
    var out = spec.commandLine().getOut();
    switch (output) {
      case "json" ->
          out.printf(
              "{\"version\":\"%s\",\"commit\":\"%s\",\"dirty\":%s,\"buildTime\":\"%s\",\"buildJdk\":\"%s\",\"runtimeJdk\":\"%s\"}%n",
              b.version(), b.commit(), b.dirty(), b.buildTime(), b.buildJdk(), Runtime.version());
      case "text" -> {
        out.println("plinth " + b.version());
        out.println("commit:     " + b.shortCommit());
        out.println("built:      " + b.buildTime() + " (JDK " + b.buildJdk() + ")");
        out.println("runtime:    Java " + Runtime.version());
      }
      default ->
          throw new UserException("unknown output format '" + output + "': use text or json");
    }
    return 0;
  }
}
