/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/tools.md: cli -&gt; tools -&gt; {debian, oci}; debian and oci use
 * neither each other nor anything above them. Checked on the main sources' references to {@code
 * dev.plinth.tools.*} (imports and qualified names).
 */
class PackageRulesTest {
  private static final Pattern REF =
      Pattern.compile("dev\\.plinth\\.tools\\.([a-z]+)?\\.?([A-Z]\\w*)?");
  private static final Path MAIN = Path.of("src/main/java/dev/plinth/tools");

  /** The packages of {@code dev.plinth.tools} that files in {@code pkg} refer to. */
  private static List<String> uses(String pkg) throws IOException {
    List<String> out = new ArrayList<>();
    Path dir = pkg.isEmpty() ? MAIN : MAIN.resolve(pkg);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = REF.matcher(Files.readString(f));
        while (m.find()) {
          String used = m.group(1) == null ? "" : m.group(1);
          if (!used.equals(pkg)) {
            out.add(f.getFileName() + " -> " + (used.isEmpty() ? "tools" : used));
          }
        }
      }
    }
    return out;
  }

  @Test
  void debianAndOciStandAlone() throws IOException {
    assertThat(uses("debian")).isEmpty();
    assertThat(uses("oci")).isEmpty();
  }

  @Test
  void theToolsPackageDoesNotUseTheCommandLine() throws IOException {
    List<String> tools = uses("");
    assertThat(tools).as("the scanner sees references").anyMatch(u -> u.endsWith("-> debian"));
    assertThat(tools).noneMatch(u -> u.endsWith("-> cli") || u.endsWith("-> cios"));
    assertThat(uses("cli")).anyMatch(u -> u.endsWith("-> tools"));
  }
}
