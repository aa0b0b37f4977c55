#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# ISO build benchmark: our IsoWriter vs `xorriso -as mkisofs -J -R` on the same trees, same run.
#   bench/iso/run.sh [WORKDIR] [ROUNDS]      (default /var/tmp/plinth-bench-iso, 5 rounds)
# Needs xorriso and python3; builds iso-builder first. The trees (about 600 MB) stay in WORKDIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
work=${1:-/var/tmp/plinth-bench-iso}
rounds=${2:-5}
. "$root/scripts/find-jdk.sh"
plinth_find_jdk
export JAVA_HOME
"$root/mvnw" -q -B -f "$root/pom.xml" -pl iso-builder -Dplinth.buildDir=target-bench package -Dmaven.test.skip=true -Djacoco.skip=true
jar=$(ls "$root"/iso-builder/target-bench/plinth-iso-builder-*.jar | grep -v sources | head -n1)
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT
"$JAVA_HOME/bin/javac" -d "$classes" -cp "$jar" "$here/BuildIso.java"
# A jar, not a directory: the CDS archive accepts only jars on the class path.
"$JAVA_HOME/bin/jar" --create --file "$classes/bench.jar" -C "$classes" BuildIso.class
rm -f "$work/bench.jsa"
python3 "$here/bench.py" "$work" "$jar:$classes/bench.jar" "$rounds"
