/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.ci.sbom.DistFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GatesTest {
  static final Path DB = Path.of("src/test/resources/osv");

  static DistFixture dist(Path tmp) throws Exception {
    DistFixture f = new DistFixture(tmp);
    f.generator().writeAll(f.dist);
    return f;
  }

  @Test
  void licenceGatePassesTheFixtureAndRefusesATamperedSbom(@TempDir Path tmp) throws Exception {
    DistFixture f = dist(tmp);
    LicenceGate gate = new LicenceGate(LicencePolicy.load(null, null));
    assertThat(gate.check(f.dist)).isEmpty();

    Path sbom = f.dist.resolve("plinth-0.1.0.tar.gz.cdx.json");
    String json = Files.readString(sbom);
    Files.writeString(
        sbom, json.replaceFirst("\"id\" : \"Apache-2.0\"", "\"name\" : \"Commons Clause\""));
    List<LicenceGate.Violation> v = gate.check(f.dist);
    assertThat(v).hasSize(1);
    assertThat(v.get(0).toString())
        .startsWith("controller-tarball: pkg:maven/")
        .contains("is licensed Commons-Clause")
        .contains("not allowed: Commons-Clause");
  }

  @Test
  void licenceGateRefusesAnIncompatibleOrUnknownLicence(@TempDir Path tmp) throws Exception {
    DistFixture f = new DistFixture(tmp);
    f.relicense("info.picocli", "picocli", "4.7.7", "Eclipse Public License - v 2.0");
    f.generator().writeAll(f.dist);
    LicenceGate gate = new LicenceGate(LicencePolicy.load(null, null));
    assertThat(gate.check(f.dist))
        .extracting(Object::toString)
        .containsExactly(
            "controller-tarball: pkg:maven/info.picocli/picocli@4.7.7?type=jar is licensed EPL-2.0"
                + " (not allowed: EPL-2.0)");

    // An exception file with a reason lets it through; without a reason it is refused.
    Path ex = tmp.resolve("ex.json");
    Files.writeString(
        ex,
        "{\"exceptions\":[{\"component\":\"pkg:maven/info.picocli/picocli\","
            + "\"licence\":\"EPL-2.0\",\"reason\":\"GPL-2.0 named as a secondary licence\"}]}");
    assertThat(new LicenceGate(LicencePolicy.load(null, ex)).check(f.dist)).isEmpty();
    Files.writeString(
        ex,
        "{\"exceptions\":[{\"component\":\"pkg:maven/info.picocli/picocli\",\"licence\":\"EPL-2.0\"}]}");
    assertThatThrownBy(() -> LicencePolicy.load(null, ex)).hasMessageContaining("reason");

    f.relicense("info.picocli", "picocli", "4.7.7", "Some Custom Licence");
    f.generator().writeAll(f.dist);
    assertThat(gate.check(f.dist).get(0).offending())
        .containsExactly("LicenseRef-Some-Custom-Licence");
  }

  @Test
  void aNoassertionDebianPackageFailsUnlessExcepted(@TempDir Path tmp) throws Exception {
    DistFixture f = new DistFixture(tmp);
    try (var s = Files.list(f.debs)) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    f.generator().writeAll(f.dist);
    List<LicenceGate.Violation> v = new LicenceGate(LicencePolicy.load(null, null)).check(f.dist);
    assertThat(v).hasSize(4);
    assertThat(v.get(0).toString())
        .startsWith("tools/sgdisk: pkg:deb/debian/gawk@")
        .contains("NOASSERTION");
  }

  /** LicenseRef-Debian-* only for the packages listed, not for every Debian package. */
  @Test
  void debianLicenceNamesAreAcceptedOnlyForTheListedPackages() {
    LicencePolicy p = LicencePolicy.load(null, null);
    LicencePolicy.Scope agg = LicencePolicy.Scope.AGGREGATE;
    assertThat(p.allows(agg, "pkg:deb/debian/dash", "LicenseRef-Debian-public-domain")).isTrue();
    assertThat(p.allows(agg, "pkg:deb/debian/new-package", "LicenseRef-Debian-public-domain"))
        .isFalse();
    // The kernel's binary package carries its version in its name: listed by prefix.
    assertThat(
            p.allows(
                agg, "pkg:deb/debian/linux-image-6.12.200%2Bdeb13-amd64", "LicenseRef-Debian-X"))
        .isTrue();
    assertThat(
            p.allows(
                LicencePolicy.Scope.LINKED,
                "pkg:maven/org.example/lib",
                "LicenseRef-Debian-public-domain"))
        .isFalse();
  }

  @Test
  void spdxExpressions() {
    var allowed = java.util.Set.of("MIT", "GPL-2.0-or-later");
    assertThat(SpdxExpression.parse("MIT OR EPL-2.0").offending(allowed::contains)).isEmpty();
    assertThat(SpdxExpression.parse("MIT AND EPL-2.0").offending(allowed::contains))
        .containsExactly("EPL-2.0");
    assertThat(
            SpdxExpression.parse("(EPL-2.0 OR MIT) AND (GPL-2.0-or-later OR X)")
                .offending(allowed::contains))
        .isEmpty();
    assertThat(
            SpdxExpression.parse("GPL-2.0-only WITH Classpath-exception-2.0")
                .offending(allowed::contains))
        .containsExactly("GPL-2.0-only WITH Classpath-exception-2.0");
    assertThatThrownBy(() -> SpdxExpression.parse("(MIT OR"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void vulnGateBlocksHighAndCriticalUntilExcepted(@TempDir Path tmp) throws Exception {
    DistFixture f = dist(tmp);
    OsvDatabase db = OsvDatabase.load(DB);
    LocalDate today = LocalDate.parse("2026-12-05");
    List<VulnGate.Finding> all = new VulnGate(db, List.of(), today).check(f.dist);
    assertThat(all)
        .extracting(Object::toString)
        .containsExactly(
            "controller-tarball: pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.22.4?type=jar"
                + " is affected by GHSA-test-jdbx-0001 (HIGH), fixed in 2.22.5",
            "controller-tarball: pkg:maven/info.picocli/picocli@4.7.7?type=jar is affected by"
                + " GHSA-test-pico-0002 (LOW)",
            "tools/sgdisk: pkg:deb/debian/libssl3t64@3.5.1-1?arch=amd64&distro=debian-13&upstream=openssl"
                + " is affected by DSA-TEST-0003 (CRITICAL), fixed in 3.5.1-1+deb13u1");
    assertThat(all).filteredOn(VulnGate.Finding::blocks).hasSize(2);

    Path ex = tmp.resolve("vuln-exceptions.json");
    Files.writeString(
        ex,
        "{\"exceptions\":["
            + "{\"id\":\"CVE-2099-0001\",\"reason\":\"not reachable: no polymorphic typing\",\"expires\":\"2026-12-31\"},"
            + "{\"id\":\"DSA-TEST-0003\",\"component\":\"pkg:deb/debian/libssl3t64\",\"reason\":\"TLS unused in the tool\",\"expires\":\"2026-12-04\"}]}");
    List<VulnGate.Finding> excepted =
        new VulnGate(db, VulnGate.readWaivers(ex), today).check(f.dist);
    assertThat(excepted)
        .filteredOn(VulnGate.Finding::blocks)
        .extracting(Object::toString)
        .containsExactly(
            "tools/sgdisk: pkg:deb/debian/libssl3t64@3.5.1-1?arch=amd64&distro=debian-13&upstream=openssl"
                + " is affected by DSA-TEST-0003 (CRITICAL), fixed in 3.5.1-1+deb13u1;"
                + " its exception expired on 2026-12-04");

    // The command: exit 1 naming the artifact; exit 0 once everything blocking is excepted.
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new GateCommand());
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    int rc =
        cl.execute(
            "vulns",
            "--dist",
            f.dist.toString(),
            "--db",
            DB.toString(),
            "--exceptions",
            ex.toString(),
            "--today",
            "2026-12-05");
    assertThat(rc).isEqualTo(1);
    assertThat(err.toString())
        .contains("tools/sgdisk: pkg:deb/debian/libssl3t64")
        .contains("1 blocking");
    rc =
        cl.execute(
            "vulns",
            "--dist",
            f.dist.toString(),
            "--db",
            DB.toString(),
            "--exceptions",
            ex.toString(),
            "--today",
            "2026-12-04");
    assertThat(rc).isZero();
  }

  @Test
  void waiversNeedAReasonAndAnExpiry(@TempDir Path tmp) throws Exception {
    Path ex = tmp.resolve("e.json");
    Files.writeString(ex, "{\"exceptions\":[{\"id\":\"X\",\"reason\":\"r\"}]}");
    assertThatThrownBy(() -> VulnGate.readWaivers(ex)).hasMessageContaining("expiry");
  }
}
