/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = PlinthCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void versionPrintsVersionCommitAndBuildTime() {
    Run r = run("version");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("plinth ").contains("commit:").contains("built:");
  }

  @Test
  void versionAsJson() {
    Run r = run("version", "-o", "json");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("\"version\":").contains("\"buildTime\":");
  }

  @Test
  void unknownOutputFormatIsAUserErrorWithoutStackTrace() {
    Run r = run("version", "-o", "xml");
    assertThat(r.exit()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(r.err()).contains("unknown output format 'xml'").doesNotContain("at dev.plinth");
  }

  @Test
  void everyCommandHasHelp() {
    CommandLine root = PlinthCommand.commandLine();
    assertHelp(root, "plinth");
  }

  private static void assertHelp(CommandLine cl, String path) {
    assertThat(
            cl.getCommandSpec().mixinStandardHelpOptions()
                || cl.getCommandName().equals("generate-completion"))
        .as("%s has --help", path)
        .isTrue();
    for (var e : cl.getSubcommands().entrySet()) {
      assertHelp(e.getValue(), path + " " + e.getKey());
    }
  }

  @Test
  void bmcHelpListsTheSimulator() {
    Run r = run("bmc", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).containsPattern("(?m)^\\s+simulate\\s+Run simulated BMCs");
  }

  @Test
  void completionScriptIsGenerated() {
    Run r = run("generate-completion");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("complete -F").contains("plinth");
  }

  @Test
  void serveRejectsABadListenAddressClearly() {
    Run r = run("serve", "--listen", "nowhere");
    assertThat(r.exit()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(r.err()).contains("HOST:PORT");
  }
}
