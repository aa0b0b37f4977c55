/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the licence names found in POMs ({@code <licenses><license><name>/<url>}) and Debian
 * machine-readable copyright files ({@code License:} short names) to SPDX identifiers. A name not
 * known here is kept as a {@code LicenseRef-} (POM) or {@code LicenseRef-Debian-} (Debian)
 * reference, which the licence gate treats as unknown.
 */
public final class LicenceNames {
  private static final Map<String, String> POM = new LinkedHashMap<>();
  private static final Map<String, String> DEBIAN = new LinkedHashMap<>();

  static {
    String[][] pom = {
      {"apache license, version 2.0", "Apache-2.0"},
      {"the apache software license, version 2.0", "Apache-2.0"},
      {"the apache license, version 2.0", "Apache-2.0"},
      {"apache license 2.0", "Apache-2.0"},
      {"apache 2.0", "Apache-2.0"},
      {"apache 2", "Apache-2.0"},
      {"apache-2.0", "Apache-2.0"},
      {"apache software license - version 2.0", "Apache-2.0"},
      {"apache license version 2.0", "Apache-2.0"},
      {"asf 2.0", "Apache-2.0"},
      {"mit", "MIT"},
      {"mit license", "MIT"},
      {"the mit license", "MIT"},
      {"the mit license (mit)", "MIT"},
      {"bsd-2-clause", "BSD-2-Clause"},
      {"bsd 2-clause license", "BSD-2-Clause"},
      {"the bsd 2-clause license", "BSD-2-Clause"},
      {"bsd-3-clause", "BSD-3-Clause"},
      {"bsd 3-clause", "BSD-3-Clause"},
      {"bsd 3-clause license", "BSD-3-Clause"},
      {"the bsd 3-clause license", "BSD-3-Clause"},
      {"new bsd license", "BSD-3-Clause"},
      {"revised bsd", "BSD-3-Clause"},
      {"eclipse public license - v 2.0", "EPL-2.0"},
      {"eclipse public license v2.0", "EPL-2.0"},
      {"eclipse public license 2.0", "EPL-2.0"},
      {"epl-2.0", "EPL-2.0"},
      {"eclipse public license - v 1.0", "EPL-1.0"},
      {"eclipse distribution license - v 1.0", "BSD-3-Clause"},
      {"edl 1.0", "BSD-3-Clause"},
      {"gnu lesser general public license", "LGPL-2.1-or-later"},
      {"gnu affero general public license v3.0 or later", "AGPL-3.0-or-later"},
      {"agpl-3.0-or-later", "AGPL-3.0-or-later"},
      {"gnu affero general public license, version 3 or later", "AGPL-3.0-or-later"},
      {"mozilla public license 2.0", "MPL-2.0"},
      {"mpl 2.0", "MPL-2.0"},
      {"cc0", "CC0-1.0"},
      {"public domain, per creative commons cc0", "CC0-1.0"},
      {"the unlicense", "Unlicense"},
      {"isc", "ISC"},
      {"bouncy castle licence", "MIT"},
      {"www.apache.org/licenses/license-2.0", "Apache-2.0"},
      {"opensource.org/licenses/mit", "MIT"},
      {"opensource.org/licenses/mit-license.php", "MIT"},
      {"opensource.org/licenses/bsd-2-clause", "BSD-2-Clause"},
      {"opensource.org/licenses/bsd-3-clause", "BSD-3-Clause"},
      {"www.eclipse.org/legal/epl-2.0", "EPL-2.0"},
      {"www.eclipse.org/legal/epl-v20.html", "EPL-2.0"},
      {"jdbc.postgresql.org/about/license.html", "BSD-2-Clause"},
      {"www.gnu.org/licenses/agpl-3.0.html", "AGPL-3.0-or-later"},
    };
    for (String[] p : pom) {
      POM.put(p[0], p[1]);
    }
    String[][] deb = {
      {"gpl-1", "GPL-1.0-only"},
      {"gpl-1+", "GPL-1.0-or-later"},
      {"gpl-2", "GPL-2.0-only"},
      {"gpl-2.0", "GPL-2.0-only"},
      {"gpl-2+", "GPL-2.0-or-later"},
      {"gpl-2.0+", "GPL-2.0-or-later"},
      {"gpl-3", "GPL-3.0-only"},
      {"gpl-3.0", "GPL-3.0-only"},
      {"gpl-3+", "GPL-3.0-or-later"},
      {"gpl-3.0+", "GPL-3.0-or-later"},
      {"gpl", "GPL-1.0-or-later"},
      {"gpl+", "GPL-1.0-or-later"},
      {"lgpl-2", "LGPL-2.0-only"},
      {"lgpl-2+", "LGPL-2.0-or-later"},
      {"lgpl-2.0+", "LGPL-2.0-or-later"},
      {"lgpl-2.1", "LGPL-2.1-only"},
      {"lgpl-2.1+", "LGPL-2.1-or-later"},
      {"lgpl-3", "LGPL-3.0-only"},
      {"lgpl-3+", "LGPL-3.0-or-later"},
      {"lgpl-3.0+", "LGPL-3.0-or-later"},
      {"agpl-3", "AGPL-3.0-only"},
      {"agpl-3+", "AGPL-3.0-or-later"},
      {"gfdl-1.2+", "GFDL-1.2-or-later"},
      {"gfdl-1.3+", "GFDL-1.3-or-later"},
      {"gfdl-1.3", "GFDL-1.3-only"},
      {"gfdl-nis", "GFDL-1.2-invariants-or-later"},
      {"apache-2.0", "Apache-2.0"},
      {"apache-2", "Apache-2.0"},
      {"artistic", "Artistic-1.0-Perl"},
      {"artistic-1", "Artistic-1.0-Perl"},
      {"artistic-2.0", "Artistic-2.0"},
      {"bsd-2-clause", "BSD-2-Clause"},
      {"bsd-3-clause", "BSD-3-Clause"},
      {"bsd-4-clause", "BSD-4-Clause"},
      {"bsd-4-clause-uc", "BSD-4-Clause-UC"},
      {"expat", "MIT"},
      {"mit", "MIT"},
      {"x11", "X11"},
      {"isc", "ISC"},
      {"zlib", "Zlib"},
      {"bsl-1.0", "BSL-1.0"},
      {"boost-1.0", "BSL-1.0"},
      {"mpl-1.1", "MPL-1.1"},
      {"mpl-2.0", "MPL-2.0"},
      {"cc0-1.0", "CC0-1.0"},
      {"cc0", "CC0-1.0"},
      {"cc-by-4.0", "CC-BY-4.0"},
      {"cc-by-sa-3.0", "CC-BY-SA-3.0"},
      {"cc-by-sa-4.0", "CC-BY-SA-4.0"},
      {"openssl", "OpenSSL"},
      {"curl", "curl"},
      {"psf-2", "PSF-2.0"},
      {"python", "PSF-2.0"},
      {"unicode-dfs-2016", "Unicode-DFS-2016"},
      {"unicode", "Unicode-3.0"},
      {"ftl", "FTL"},
      {"libpng", "Libpng"},
      {"libpng-2.0", "libpng-2.0"},
      {"ijg", "IJG"},
      {"bzip2-1.0.6", "bzip2-1.0.6"},
      {"bzip2", "bzip2-1.0.6"},
      {"0bsd", "0BSD"},
      {"ofl-1.1", "OFL-1.1"},
      {"wtfpl", "WTFPL"},
      {"unlicense", "Unlicense"},
      {"mit-0", "MIT-0"},
      {"bsd-2-clause-patent", "BSD-2-Clause-Patent"},
      {"isc-original", "ISC"},
      {"lgpl-2.1-or-later", "LGPL-2.1-or-later"},
      {"gpl-2.0-or-later", "GPL-2.0-or-later"},
      {"gpl-2.0-only", "GPL-2.0-only"},
      {"gpl-3.0-or-later", "GPL-3.0-or-later"},
      {"lgpl-2.1-only", "LGPL-2.1-only"},
    };
    for (String[] d : deb) {
      DEBIAN.put(d[0], d[1]);
    }
  }

  private LicenceNames() {}

  /** The SPDX id of a POM licence, from its name, else its URL. */
  public static Optional<String> ofPom(String name, String url) {
    if (name != null) {
      String n = name.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
      if (POM.containsKey(n)) {
        return Optional.of(POM.get(n));
      }
    }
    if (url != null) {
      String u =
          url.strip()
              .toLowerCase(Locale.ROOT)
              .replaceFirst("^https?://", "")
              .replaceFirst("\\.(txt|html|php)$", "")
              .replaceFirst("/$", "");
      for (var e : POM.entrySet()) {
        String k = e.getKey().replaceFirst("\\.(txt|html|php)$", "");
        if (k.contains("/") && u.equals(k)) {
          return Optional.of(e.getValue());
        }
      }
    }
    return Optional.empty();
  }

  /** The SPDX id of a Debian copyright short name ({@code GPL-2+}, {@code Expat}, ...). */
  public static Optional<String> ofDebian(String shortName) {
    String n = shortName.strip().toLowerCase(Locale.ROOT);
    if (n.endsWith(" with autoconf exception") || n.contains(" with ")) {
      n = n.substring(0, n.indexOf(" with "));
    }
    return Optional.ofNullable(DEBIAN.get(n));
  }

  /** A LicenseRef for a name SPDX does not know: letters, digits, dots and dashes only. */
  public static String ref(String prefix, String name) {
    String s = name.strip().replaceAll("[^A-Za-z0-9.]+", "-").replaceAll("^-|-$", "");
    return "LicenseRef-" + prefix + (s.isEmpty() ? "unnamed" : s);
  }
}
