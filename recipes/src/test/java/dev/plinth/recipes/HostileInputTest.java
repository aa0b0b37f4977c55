/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile or broken input is refused with one clear, located error, quickly, without an exception
 * or a large allocation: each case must finish within seconds (5 s here, on a shared 2-core
 * machine; typically well under one).
 */
class HostileInputTest {
  private static final Duration FAST = Duration.ofSeconds(5);

  private static RecipeError refuse(byte[] bytes) {
    ParseResult r =
        assertTimeoutPreemptively(FAST, () -> RecipeParser.create().parse(bytes, "hostile.yaml"));
    assertThat(r).isInstanceOf(ParseResult.Invalid.class);
    assertThat(r.errors()).isNotEmpty();
    RecipeError e = r.errors().get(0);
    assertThat(e.format()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(e.expected()).isNotBlank();
    return e;
  }

  private static RecipeError refuse(String text) {
    return refuse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void emptyInputIsRefused() {
    RecipeError e = refuse(new byte[0]);
    assertThat(e.message()).isEqualTo("the file is empty");
    assertThat(e.where()).isEqualTo("hostile.yaml:1:1");
  }

  @Test
  void blankInputIsRefused() {
    assertThat(refuse("  \n\n\t\n").message()).isEqualTo("the file has only blank lines");
  }

  @Test
  void commentsOnlyAreRefused() {
    assertThat(refuse("# nothing here\n# at all\n").message())
        .isEqualTo("the file has no content, only comments or blank lines");
  }

  @Test
  void binaryInputIsRefusedAtTheFirstBadByte() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    RecipeError e = refuse(png);
    assertThat(e.message()).startsWith("not UTF-8 text: invalid byte 0x89 at offset 0");
    byte[] random = new byte[64 * 1024];
    new Random(42).nextBytes(random);
    assertThat(refuse(random).message()).startsWith("not UTF-8 text");
  }

  @Test
  void controlCharactersAreBinaryContent() {
    RecipeError e = refuse("apiVersion: plinth.dev/v1\nkind: \u0000Recipe\n");
    assertThat(e.message()).isEqualTo("binary content: control character U+0000");
    assertThat(e.where()).isEqualTo("hostile.yaml:2:7");
  }

  @Test
  void utf16IsRefusedWithAHint() {
    byte[] bytes = "\uFEFFkind: Recipe".getBytes(StandardCharsets.UTF_16LE);
    assertThat(refuse(bytes).message()).contains("UTF-16");
  }

  @Test
  void aUtf8ByteOrderMarkIsAccepted() {
    String body =
        "\uFEFFapiVersion: plinth.dev/v1\nkind: Recipe\nmetadata: {name: x}\nsteps:\n"
            + "  - name: fw\n    firmware: {vendor: dell, component: bios, ref: fw/bios:1}\n";
    assertThat(RecipeParser.create().parse(body.getBytes(StandardCharsets.UTF_8), "bom.yaml"))
        .isInstanceOf(ParseResult.Valid.class);
  }

  @Test
  void oversizedInputIsRefusedBeforeParsing() {
    byte[] big = new byte[(1 << 20) + 1];
    java.util.Arrays.fill(big, (byte) 'a');
    RecipeError e = refuse(big);
    assertThat(e.message())
        .isEqualTo("the file is 1048577 bytes, more than the limit of 1048576 bytes");
  }

  @Test
  void aHugeFileIsRefusedWithoutReadingIt(@TempDir Path dir) throws IOException {
    Path sparse = dir.resolve("huge.yaml");
    try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
      f.setLength(8L << 30); // 8 GiB, sparse: reading it would take long and need memory
    }
    ParseResult r = assertTimeoutPreemptively(FAST, () -> RecipeParser.create().parse(sparse));
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0).message()).contains("8589934592 bytes, more than the limit");
  }

  @Test
  void aMissingFileIsOneError(@TempDir Path dir) {
    ParseResult r = RecipeParser.create().parse(dir.resolve("absent.yaml"));
    assertThat(r.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).startsWith("cannot read the file"));
  }

  @Test
  void deepFlowNestingIsRefused() {
    String deep = "a: " + "[".repeat(200_000);
    RecipeError e = refuse(deep);
    assertThat(e.message()).isEqualTo("values are nested deeper than 32 levels");
  }

  @Test
  void deepBlockNestingIsRefused() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      b.append("  ".repeat(i)).append("k:\n");
    }
    assertThat(refuse(b.toString()).message()).isEqualTo("values are nested deeper than 32 levels");
  }

  @Test
  void deepJsonNestingIsRefused() {
    String json = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
    assertThat(refuse(json).message()).contains("nested deeper than 32 levels");
  }

  @Test
  void billionLaughsIsRefused() {
    StringBuilder b = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
      b.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        b.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      b.append("]\n");
    }
    RecipeError e = refuse(b.toString());
    assertThat(e.message()).contains("expands to more than 20000 values (a YAML alias bomb?)");
  }

  @Test
  void tooManyAliasesAreRefused() {
    StringBuilder b = new StringBuilder("x: &x 1\nlist:\n");
    for (int i = 0; i < 500; i++) {
      b.append("  - *x\n");
    }
    assertThat(refuse(b.toString()).message())
        .isEqualTo("too many YAML aliases: more than 100 in one recipe");
  }

  @Test
  void tooManyValuesAreRefused() {
    StringBuilder b = new StringBuilder("l: [");
    for (int i = 0; i < 150_000; i++) {
      b.append("1,");
    }
    b.append("1]\n");
    assertThat(refuse(b.toString()).message()).contains("expands to more than 20000 values");
  }

  @Test
  void aHugeStringIsRefused() {
    String s = "k: \"" + "x".repeat(300 * 1024) + "\"\n";
    assertThat(refuse(s).message()).startsWith("a string of 307200 characters");
  }

  @Test
  void aHugeNumberIsRefused() {
    assertThat(refuse("{\"k\": " + "9".repeat(5000) + "}").message())
        .startsWith("the document exceeds a limit: Number value length (5000)");
  }

  @Test
  void randomPrintableGarbageNeverThrows() {
    Random random = new Random(7);
    String alphabet = "{}[]:,-&*!|>'\"#%@` \n\tabc123";
    for (int n = 0; n < 300; n++) {
      StringBuilder b = new StringBuilder();
      int len = random.nextInt(400);
      for (int i = 0; i < len; i++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      ParseResult r =
          assertTimeoutPreemptively(
              FAST,
              () ->
                  RecipeParser.create()
                      .parse(b.toString().getBytes(StandardCharsets.UTF_8), "fuzz.yaml"));
      assertThat(r).isInstanceOf(ParseResult.Invalid.class);
      assertThat(r.errors())
          .allSatisfy(e -> assertThat(e.message()).doesNotContain("internal error"));
    }
  }

  @Test
  void yamlTagsNeverInstantiateAnything() {
    assertThat(refuse("k: !!binary aGVsbG8=\n").message()).startsWith("unsupported value");
    RecipeError python = refuse("k: !!python/object/apply:os.system [\"id\"]\n");
    assertThat(python.message()).isEqualTo("missing required key 'apiVersion' at the top level");
    assertThat(refuse("k: !!int abc\n").message()).doesNotContain("internal error");
  }

  @Test
  void theExamplesParseQuickly() throws IOException {
    for (Path p : Fixtures.examples()) {
      byte[] bytes = Files.readAllBytes(p);
      assertTimeoutPreemptively(FAST, () -> RecipeParser.create().parse(bytes, p.toString()));
    }
  }
}
