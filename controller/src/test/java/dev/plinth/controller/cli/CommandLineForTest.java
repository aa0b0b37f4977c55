/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The one-subcommand command line the binary builds for {@code plinth NAME ...}. */
class CommandLineForTest {

  @Test
  void eachSubcommandAloneHasTheSameModelAsInTheWholeTree() {
    CommandLine whole = PlinthCommand.commandLine();
    for (var e : whole.getSubcommands().entrySet()) {
      String name = e.getKey();
      CommandLine one = PlinthCommand.commandLineFor(name, "--help");
      if (name.equals("generate-completion")) {
        assertThat(one.getSubcommands()).as(name).hasSameSizeAs(whole.getSubcommands());
        continue;
      }
      assertThat(one.getSubcommands().keySet()).as(name).containsExactly(name);
      assertThat(shape(one.getSubcommands().get(name).getCommandSpec()))
          .as(name)
          .isEqualTo(shape(e.getValue().getCommandSpec()));
      assertThat(one.getCommandSpec().qualifiedName()).isEqualTo("plinth");
    }
  }

  // Options, positionals and nested subcommands, recursively, as text.
  private static Map<String, String> shape(CommandSpec spec) {
    Map<String, String> m = new TreeMap<>();
    m.put(
        spec.qualifiedName() + " options",
        spec.options().stream()
            .map(o -> String.join("|", o.names()) + ":" + o.arity())
            .toList()
            .toString());
    m.put(
        spec.qualifiedName() + " positionals",
        Integer.toString(spec.positionalParameters().size()));
    for (var sub : spec.subcommands().values()) {
      m.putAll(shape(sub.getCommandSpec()));
    }
    return m;
  }

  @Test
  void anythingElseGetsTheWholeTree() {
    int all = PlinthCommand.commandLine().getSubcommands().size();
    assertThat(PlinthCommand.commandLineFor().getSubcommands()).hasSize(all);
    assertThat(PlinthCommand.commandLineFor("--help").getSubcommands()).hasSize(all);
    assertThat(PlinthCommand.commandLineFor("serv").getSubcommands()).hasSize(all);
  }

  @Test
  void errorsAndOutputAreTheSameAsThroughTheWholeTree() {
    String[] bad = {"serve", "--listen", "nowhere"};
    String[] viaOne = run(PlinthCommand.commandLineFor(bad), bad);
    String[] viaWhole = run(PlinthCommand.commandLine(), bad);
    assertThat(viaOne).isEqualTo(viaWhole);
    assertThat(viaOne[0]).isEqualTo(Integer.toString(CliErrors.USAGE_OR_INPUT));
    assertThat(viaOne[2]).contains("HOST:PORT");
    String[] help = {"machines", "add", "--help"};
    assertThat(run(PlinthCommand.commandLineFor(help), help))
        .isEqualTo(run(PlinthCommand.commandLine(), help));
    String[] version = {"version", "-o", "json"};
    assertThat(run(PlinthCommand.commandLineFor(version), version)[1]).contains("\"version\":");
  }

  private static String[] run(CommandLine cl, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }
}
