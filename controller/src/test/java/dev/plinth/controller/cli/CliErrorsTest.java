/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.controller.Layout;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Ordinary mistakes end in one line that says what was wrong and what to do, never exit 70. */
class CliErrorsTest {

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    CommandLine cl = PlinthCommand.commandLine(env);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(args), out.toString(), err.toString());
  }

  Run run(String... args) {
    return run(Map.of("HOME", tmp.toString(), "PLINTH_TOKEN", "plinth_x"), args);
  }

  private static void assertUserError(Run r, String... says) {
    assertThat(r.exit()).as(r.err()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(r.err())
        .startsWith("plinth: ")
        .contains(says)
        .doesNotContain("internal error")
        .doesNotContain("\tat ");
    assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
  }

  @Test
  void aUrlWithoutSchemeSaysSoAndShowsTheForm() {
    Run r =
        run(
            Map.of("HOME", tmp.toString(), "PLINTH_URL", "localhost:8080", "PLINTH_TOKEN", "x"),
            "jobs",
            "ls");
    assertUserError(r, "PLINTH_URL 'localhost:8080'", "http://HOST:PORT");
  }

  @Test
  void anUnparsableUrlSaysSo() {
    assertUserError(run("jobs", "ls", "--url", "http://[::1"), "--url", "is not a URL");
  }

  @Test
  void aBinaryRecipeFileIsNamedAsNotText() throws Exception {
    Path iso = Files.write(tmp.resolve("disk.iso"), new byte[] {0, (byte) 0xff, (byte) 0xfe, 7});
    assertUserError(
        run("submit", "-f", iso.toString(), "--machine", "m1"),
        iso.toString(),
        "not a text file",
        "YAML or JSON");
  }

  @Test
  void aMissingRecipeFileIsNamed() {
    Path none = tmp.resolve("none.yaml");
    assertUserError(
        run("submit", "-f", none.toString(), "--machine", "m1"), none.toString(), "no such file");
  }

  @Test
  void importingGarbageSaysWhatAnImportTakes() throws Exception {
    Path junk = Files.writeString(tmp.resolve("junk.tar"), "this is not a tar archive at all");
    assertUserError(
        run("registry", "import", "--data", tmp.resolve("d").toString(), junk.toString()),
        "junk.tar is not an OCI image layout",
        "skopeo copy");
  }

  @Test
  void exportingAnUnknownTagSaysHowToListThem() throws Exception {
    Path data = tmp.resolve("d");
    new Layout(data).create();
    assertUserError(
        run(
            "registry",
            "export",
            "--data",
            data.toString(),
            "-o",
            tmp.resolve("x.tar").toString(),
            "tools/x:nope"),
        "tools/x:nope",
        "plinth registry ls");
  }

  @Test
  void readOnlyRegistryCommandsCreateNothing() {
    Path none = tmp.resolve("nonexistent");
    assertUserError(run("registry", "ls", "--data", none.toString()), "no registry in", "--data");
    assertUserError(
        run(
            "registry",
            "export",
            "--data",
            none.toString(),
            "-o",
            tmp.resolve("x.tar").toString(),
            "a:b"),
        "no registry in");
    assertThat(none).doesNotExist();
  }

  @Test
  void registryLsWithoutDataAsksTheControllersApi() {
    Run r =
        run(
            Map.of("HOME", tmp.toString(), "PLINTH_URL", "http://127.0.0.1:9", "PLINTH_TOKEN", "x"),
            "registry",
            "ls");
    assertUserError(r, "cannot reach the controller at http://127.0.0.1:9");
  }

  @Test
  void durationsAreWrittenAsInPlinthYaml() {
    assertThat(dev.plinth.controller.config.Durations.parse("30s")).hasSeconds(30);
    assertThat(dev.plinth.controller.config.Durations.parse("1h30m")).hasMinutes(90);
    assertThat(dev.plinth.controller.config.Durations.parse("250ms")).hasMillis(250);
    assertThat(dev.plinth.controller.config.Durations.parse("PT2M")).hasSeconds(120);
    Run r = run("demo", "--timeout", "30x");
    assertThat(r.exit()).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(r.err()).contains("'30x' is not a duration").contains("90s, 15m");
  }

  @Test
  void progressIsRedrawnOnATerminalOnlyAndLoggedByTenthsElsewhere() {
    StringWriter log = new StringWriter();
    var bar = RegistryCommand.Base.bar("import", new PrintWriter(log, true), false);
    for (long i = 0; i <= 100; i++) {
      bar.update(i, 100);
    }
    assertThat(log.toString()).doesNotContain("\r").contains("import: 100%");
    assertThat(log.toString().lines()).hasSize(11);
    StringWriter tty = new StringWriter();
    RegistryCommand.Base.bar("import", new PrintWriter(tty, true), true).update(5, 10);
    assertThat(tty.toString()).startsWith("\rimport:  50%");
  }

  @Test
  void aBugIsAnInternalErrorWithItsTrace() {
    CommandLine cl = new CommandLine(CommandLine.Model.CommandSpec.create());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    int code =
        new CliErrors().handleExecutionException(new IllegalStateException("boom"), cl, null);
    assertThat(code).isEqualTo(CliErrors.INTERNAL);
    assertThat(err.toString()).contains("internal error").contains("boom").contains("\tat ");
  }
}
