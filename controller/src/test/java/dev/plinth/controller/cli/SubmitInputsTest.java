/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SubmitInputsTest {

  @TempDir Path dir;

  @Test
  void inputOptionsAreRepeatableAndSplitAtTheFirstEquals() throws Exception {
    SubmitCommand c = new SubmitCommand();
    new CommandLine(c)
        .parseArgs(
            "-f",
            "r.yaml",
            "--machine",
            "m1",
            "--input",
            "sshKey=ssh-ed25519 AAAA= ops@x",
            "-i",
            "timezone=Europe/Berlin",
            "--input",
            "empty=");
    assertThat(c.input).hasSize(3);
    assertThat(SubmitCommand.inputs(null, c.input))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("sshKey", "ssh-ed25519 AAAA= ops@x", "timezone", "Europe/Berlin", "empty", ""));
    assertThat(SubmitCommand.inputs(null, List.of())).isEmpty();
  }

  @Test
  void anInputsFileIsYamlOrJsonAndTheCommandLineWins() throws Exception {
    Path yaml = Files.writeString(dir.resolve("in.yaml"), "sshKey: from-file\nport: 22\n");
    assertThat(SubmitCommand.inputs(yaml, List.of("sshKey=from-flag")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("sshKey", "from-flag", "port", "22"));
    Path json = Files.writeString(dir.resolve("in.json"), "{\"timezone\": \"Etc/UTC\"}");
    assertThat(SubmitCommand.inputs(json, List.of())).isEqualTo(Map.of("timezone", "Etc/UTC"));
  }

  @Test
  void malformedInputsAreClearUserErrors() throws Exception {
    var noEquals =
        assertThrows(UserException.class, () -> SubmitCommand.inputs(null, List.of("sshKey")));
    assertThat(noEquals.getMessage()).contains("KEY=VALUE");
    assertThrows(UserException.class, () -> SubmitCommand.inputs(null, List.of("=v")));
    Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
    assertThat(assertThrows(UserException.class, () -> SubmitCommand.inputs(list, List.of())))
        .hasMessageContaining("object");
    Path nested = Files.writeString(dir.resolve("nested.yaml"), "a: {b: c}\n");
    assertThat(assertThrows(UserException.class, () -> SubmitCommand.inputs(nested, List.of())))
        .hasMessageContaining("'a'");
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"a\": ");
    assertThat(assertThrows(UserException.class, () -> SubmitCommand.inputs(broken, List.of())))
        .hasMessageContaining("not YAML or JSON");
  }
}
