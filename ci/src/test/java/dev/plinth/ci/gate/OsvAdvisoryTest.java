/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OsvAdvisoryTest {
  static final Path DB = Path.of("src/test/resources/osv");

  static List<String> ids(List<OsvDatabase.Match> m) {
    return m.stream().map(x -> x.advisory().id()).toList();
  }

  @Test
  void mavenRangeIsHalfOpen() {
    OsvDatabase db = OsvDatabase.load(DB);
    String p = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@";
    assertThat(ids(db.matches(p + "2.22.4?type=jar"))).containsExactly("GHSA-test-jdbx-0001");
    assertThat(ids(db.matches(p + "2.0.0"))).containsExactly("GHSA-test-jdbx-0001");
    assertThat(db.matches(p + "2.22.5")).isEmpty(); // the fixed version is outside
    assertThat(db.matches(p + "1.9.13")).isEmpty(); // before introduced
    assertThat(db.matches("pkg:maven/com.fasterxml.jackson.core/jackson-core@2.22.4")).isEmpty();
  }

  @Test
  void debianMatchesTheSourcePackageWithDpkgOrdering() {
    OsvDatabase db = OsvDatabase.load(DB);
    String libssl = "pkg:deb/debian/libssl3t64@3.5.1-1?arch=amd64&upstream=openssl";
    assertThat(ids(db.matches(libssl))).containsExactly("DSA-TEST-0003");
    assertThat(db.matches("pkg:deb/debian/libssl3t64@3.5.1-1+deb13u1?arch=amd64&upstream=openssl"))
        .isEmpty();
    assertThat(db.matches("pkg:deb/debian/libssl3t64@3.5.1-1?arch=amd64")).isEmpty();
    // gawk's locked version is exactly the fixed one (with epoch): outside; one before: inside.
    assertThat(db.matches("pkg:deb/debian/gawk@1%3A5.2.1-2%2Bb1?arch=amd64")).isEmpty();
    assertThat(ids(db.matches("pkg:deb/debian/gawk@1%3A5.2.1-2?arch=amd64")))
        .containsExactly("DSA-TEST-0004");
    // Without the epoch 5.2.1 is older than 1:5.0.0: outside.
    assertThat(db.matches("pkg:deb/debian/gawk@5.2.1-1?arch=amd64")).isEmpty();
  }

  @Test
  void severityFromLabelsAndCvss() {
    OsvDatabase db = OsvDatabase.load(DB);
    assertThat(db.advisories())
        .extracting(OsvAdvisory::id, OsvAdvisory::severity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("DSA-TEST-0003", Severity.CRITICAL),
            org.assertj.core.groups.Tuple.tuple("DSA-TEST-0004", Severity.CRITICAL),
            org.assertj.core.groups.Tuple.tuple("GHSA-test-jdbx-0001", Severity.HIGH),
            org.assertj.core.groups.Tuple.tuple("GHSA-test-pico-0002", Severity.LOW));
    assertThat(Severity.cvss3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"))
        .contains(9.8);
    assertThat(Severity.cvss3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"))
        .contains(6.1);
    assertThat(Severity.cvss3BaseScore("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"))
        .contains(5.5);
    assertThat(Severity.cvss3BaseScore("CVSS:4.0/AV:N")).isEmpty();
  }

  @Test
  void rangesWithSeveralIntervalsAndLastAffected() {
    List<OsvAdvisory.Event> ev =
        List.of(
            new OsvAdvisory.Event("introduced", "1.0"),
            new OsvAdvisory.Event("fixed", "1.5"),
            new OsvAdvisory.Event("introduced", "2.0"),
            new OsvAdvisory.Event("last_affected", "2.3"));
    assertThat(OsvAdvisory.inRange(ev, "1.4.9", VersionScheme.MAVEN)).isTrue();
    assertThat(OsvAdvisory.inRange(ev, "1.7", VersionScheme.MAVEN)).isFalse();
    assertThat(OsvAdvisory.inRange(ev, "2.3", VersionScheme.MAVEN)).isTrue();
    assertThat(OsvAdvisory.inRange(ev, "2.3.1", VersionScheme.MAVEN)).isFalse();
    assertThat(OsvAdvisory.inRange(ev, "0.9", VersionScheme.MAVEN)).isFalse();
  }

  @Test
  void semverPrecedence() {
    assertThat(VersionScheme.SEMVER.compare("1.0.0-alpha", "1.0.0-alpha.1")).isNegative();
    assertThat(VersionScheme.SEMVER.compare("1.0.0-alpha.beta", "1.0.0-beta")).isNegative();
    assertThat(VersionScheme.SEMVER.compare("1.0.0-rc.1", "1.0.0")).isNegative();
    assertThat(VersionScheme.SEMVER.compare("1.0.0+build", "1.0.0")).isZero();
    assertThat(VersionScheme.SEMVER.compare("1.10.0", "1.9.0")).isPositive();
  }
}
