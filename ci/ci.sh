#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Runs the pipeline program: ci/ci.sh STAGE [ARGS...] (ci/ci.sh --help lists the stages).
# Builds the ci module and what it needs on first use (PLINTH_REBUILD=1 forces it);
# PLINTH_BUILD_DIR names the Maven build directory (default target).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$(dirname "$here")"
. "$top/scripts/find-jdk.sh"
plinth_find_jdk >/dev/null || exit 1
bd="${PLINTH_BUILD_DIR:-target}"
cp_file="$here/$bd/ci.classpath"
if [ ! -f "$here/$bd/classes/dev/plinth/ci/Ci.class" ] || [ ! -f "$cp_file" ] || [ -n "${PLINTH_REBUILD:-}" ]; then
  echo "ci: building the ci module..." >&2
  (cd "$top" && ./mvnw -q -B -Dplinth.buildDir="$bd" -pl ci -am -DskipTests -Djacoco.skip=true install >&2)
  (cd "$top" && ./mvnw -q -B -Dplinth.buildDir="$bd" -pl ci dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" >&2)
fi
exec "$JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$here/$bd/classes:$(cat "$cp_file")" dev.plinth.ci.Ci "$@"
