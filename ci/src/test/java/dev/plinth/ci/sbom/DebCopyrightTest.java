/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DebCopyrightTest {
  @Test
  void dep5ParagraphsBecomeOneExpression() {
    String text =
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
            + "Upstream-Name: x\n\n"
            + "Files: *\nCopyright: a\nLicense: GPL-2+\n\n"
            + "Files: lib/*\nCopyright: b\nLicense: LGPL-2.1+ or BSD-3-clause\n\n"
            + "Files: doc/*\nCopyright: c\nLicense: GPL-2+ with Autoconf exception\n\n"
            + "Files: odd/*\nCopyright: d\nLicense: Beerware\n\n"
            + "License: GPL-2+\n On Debian systems see /usr/share/common-licenses/GPL-2.\n";
    DebCopyright c = DebCopyright.parse(text).orElseThrow();
    assertThat(c.method()).isEqualTo("dep5");
    assertThat(c.expression())
        .isEqualTo(
            "(LGPL-2.1-or-later OR BSD-3-Clause) AND GPL-2.0-or-later AND LicenseRef-Debian-Beerware");
  }

  @Test
  void freeFormFilesByTheirCommonLicenceReferences() {
    String text =
        "This package was debianized by someone.\n\nIt is free software; you can redistribute it"
            + " under the GNU GPL version 2, or (at your option) any later version.\n"
            + "See /usr/share/common-licenses/GPL-2.\n";
    assertThat(DebCopyright.parse(text).orElseThrow().expression()).isEqualTo("GPL-2.0-or-later");
    assertThat(DebCopyright.parse("Public domain, no references.")).isEmpty();
  }
}
