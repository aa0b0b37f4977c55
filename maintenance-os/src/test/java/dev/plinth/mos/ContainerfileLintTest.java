/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.mos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Lints {@code maintenance-os/bootc/Containerfile}, which cannot be built here (no registry for its
 * base): a tagged, digest-free base (see its comment), JSON-form CMD/ENTRYPOINT, COPY sources that
 * exist in the tree (or are build outputs of a module), and {@code bootc container lint} as the
 * last instruction.
 */
class ContainerfileLintTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path FILE = REPO.resolve("maintenance-os/bootc/Containerfile");
  private static final Pattern JSON_ARRAY =
      Pattern.compile("\\[\\s*\"(?:[^\"\\\\]|\\\\.)*\"(?:\\s*,\\s*\"(?:[^\"\\\\]|\\\\.)*\")*\\s*]");

  record Instruction(String keyword, String args, int line) {}

  static List<Instruction> parse(List<String> lines) {
    List<Instruction> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int start = 0;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      if (cur.isEmpty() && (l.isEmpty() || l.startsWith("#"))) {
        continue;
      }
      if (cur.isEmpty()) {
        start = i + 1;
      } else if (l.startsWith("#")) {
        continue;
      }
      if (l.endsWith("\\")) {
        cur.append(l.substring(0, l.length() - 1).stripTrailing()).append(" ");
        continue;
      }
      cur.append(l);
      String s = cur.toString().strip();
      int sp = s.indexOf(' ');
      out.add(
          new Instruction(
              s.substring(0, sp < 0 ? s.length() : sp).toUpperCase(Locale.ROOT),
              sp < 0 ? "" : s.substring(sp + 1).strip(),
              start));
      cur.setLength(0);
    }
    return out;
  }

  private static List<Instruction> instructions() throws IOException {
    return parse(Files.readAllLines(FILE));
  }

  @Test
  void baseImageIsPinnedToATagNotALatestOrPlaceholderDigest() throws IOException {
    List<Instruction> from =
        instructions().stream().filter(i -> i.keyword().equals("FROM")).toList();
    assertThat(from).isNotEmpty();
    for (Instruction f : from) {
      String image = f.args().split("\\s+")[0];
      assertThat(image).as("line %d", f.line()).doesNotContain("@").doesNotEndWith(":latest");
      assertThat(image.substring(image.lastIndexOf('/') + 1)).as("tag of %s", image).contains(":");
    }
    assertThat(Files.readString(FILE))
        .as("the pin is explained")
        .contains("pinned to a stream tag");
  }

  @Test
  void cmdAndEntrypointUseTheJsonForm() throws IOException {
    List<Instruction> exec =
        instructions().stream()
            .filter(i -> i.keyword().equals("CMD") || i.keyword().equals("ENTRYPOINT"))
            .toList();
    assertThat(exec).isNotEmpty();
    for (Instruction i : exec) {
      assertThat(JSON_ARRAY.matcher(i.args()).matches())
          .as("line %d: %s", i.line(), i.args())
          .isTrue();
    }
  }

  @Test
  void copiedFilesExistInTheTreeOrAreBuildOutputsOfAModule() throws IOException {
    for (Instruction i : instructions()) {
      if (!i.keyword().equals("COPY") && !i.keyword().equals("ADD")) {
        continue;
      }
      assertThat(i.keyword()).as("line %d: COPY, not ADD", i.line()).isEqualTo("COPY");
      List<String> words = new ArrayList<>(List.of(i.args().split("\\s+")));
      words.removeIf(w -> w.startsWith("--"));
      for (String src : words.subList(0, words.size() - 1)) {
        Path p = REPO.resolve(src).normalize();
        assertThat(p.startsWith(REPO)).as("line %d: %s inside the context", i.line(), src).isTrue();
        int t = src.indexOf("/target/");
        if (t > 0) {
          assertThat(REPO.resolve(src.substring(0, t)).resolve("pom.xml"))
              .as("line %d: %s is the build output of a Maven module", i.line(), src)
              .exists();
        } else {
          assertThat(p).as("line %d: COPY source", i.line()).exists();
        }
      }
    }
  }

  @Test
  void bootcContainerLintIsTheLastInstruction() throws IOException {
    List<Instruction> all = instructions();
    Instruction last = all.get(all.size() - 1);
    assertThat(last.keyword() + " " + last.args()).isEqualTo("RUN bootc container lint");
  }

  @Test
  void parserJoinsContinuationLinesAndSkipsComments() {
    List<Instruction> i =
        parse(
            List.of(
                "# c", "FROM a:1", "RUN x \\", "  # inner", "  && y", "", "CMD [\"a\", \"b\"]"));
    assertThat(i)
        .containsExactly(
            new Instruction("FROM", "a:1", 2),
            new Instruction("RUN", "x && y", 3),
            new Instruction("CMD", "[\"a\", \"b\"]", 7));
  }
}
