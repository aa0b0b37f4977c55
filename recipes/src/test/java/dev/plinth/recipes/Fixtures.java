/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.recipes.model.ImageRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Shared test inputs: the examples, a fake registry, a job's variables. */
final class Fixtures {
  static final Path EXAMPLES = Path.of("examples");

  private Fixtures() {}

  static List<Path> examples() throws IOException {
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  static ParseResult.Valid parseValid(Path file) {
    ParseResult r = RecipeParser.create().parse(file);
    assertThat(r.errors()).as("errors in %s", file).isEmpty();
    return (ParseResult.Valid) r;
  }

  static ParseResult parse(String yaml) {
    return RecipeParser.create().parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml");
  }

  /** The variables of one fixed job on one fixed machine. */
  static Variables job(ParseResult.Valid v) {
    Variables.Builder b =
        Variables.builder()
            .machineName("node-01")
            .machineId("m-0001")
            .machineSerial("SN-42")
            .macs(List.of("52:54:00:12:34:56", "52:54:00:12:34:57"))
            .jobId("job-0001");
    if (v.recipe().inputs().containsKey("sshKey")) {
      b.input("sshKey", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ops@example");
    }
    return b.build();
  }

  /** A registry that knows everything except {@code missing}; digests derive from the name. */
  static ReferenceResolver registry(Set<String> missing) {
    return ref -> {
      String name = ref.repository() + (ref.tag() == null ? "" : ":" + ref.tag());
      if (missing.contains(name) || missing.contains(ref.toString())) {
        return Optional.empty();
      }
      return Optional.of(ref.isPinned() ? ref.digest() : digest(name));
    };
  }

  static String digest(String s) {
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static ImageRef ref(String s) {
    return ImageRef.parse(s);
  }
}
