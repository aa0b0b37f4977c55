/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The refresh's parsers, on output captured from apt 2.6 against trixie (resources/apt/). */
class AptResolverTest {
  private static String resource(String name) throws IOException {
    try (InputStream in = AptResolverTest.class.getResourceAsStream("/apt/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void printUrisGivesTheClosureWithPoolPaths() throws IOException {
    List<AptResolver.UriLine> uris = AptResolver.parsePrintUris(resource("print-uris-amd64.txt"));
    assertThat(uris).hasSize(13);
    AptResolver.UriLine libc =
        uris.stream().filter(u -> u.fileName().startsWith("libc6_")).findFirst().orElseThrow();
    assertThat(libc.size()).isEqualTo(2850108);
    assertThat(libc.hash()).startsWith("MD5Sum:");
    AptResolver r = new AptResolver("http://deb.debian.org/debian/", Path.of("unused"));
    assertThat(r.poolPath(libc.uri()))
        .isEqualTo("pool/main/g/glibc/libc6_2.41-12+deb13u5_amd64.deb");
    assertThrows(IllegalArgumentException.class, () -> r.poolPath("http://elsewhere/pool/x.deb"));
  }

  @Test
  void showGivesVersionWithEpochSha256AndFilename() throws IOException {
    List<LockEntry> entries = AptResolver.lockEntries(resource("show-amd64.txt"), "amd64");
    assertThat(entries).extracting(LockEntry::name).containsExactly("gawk", "libstdc++6", "dash");
    LockEntry gawk = entries.get(0);
    assertThat(gawk.version()).isEqualTo("1:5.2.1-2+b1");
    assertThat(gawk.filename()).isEqualTo("pool/main/g/gawk/gawk_5.2.1-2+b1_amd64.deb");
    assertThat(gawk.size()).isEqualTo(673696);
    assertThat(gawk.sha256())
        .isEqualTo("0e3b376e74cadfa5049bc8248c563efe89fd45e31466f8891c094c65c0879f5c");
  }

  @Test
  void stanzasSkipContinuationLines() {
    var st = AptResolver.parseStanzas("A: 1\nDescription: x\n more\n\nA: 2\n");
    assertThat(st).hasSize(2);
    assertThat(st.get(0)).containsEntry("Description", "x").doesNotContainKey(" more");
    assertThat(st.get(1)).containsEntry("A", "2");
  }
}
