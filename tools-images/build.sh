#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Builds, pushes and inspects the Plinth tool images without a container daemon:
#   tools-images/build.sh build --out DIR [--arch amd64,arm64] [--version V] [--source-date-epoch N] [--revision SHA]
#   tools-images/build.sh push --layout DIR --registry URL [--username U --password-file F] [--insecure]
#   tools-images/build.sh lock refresh
#   tools-images/build.sh materialize --layout DIR --tool T --arch A --out DIR
# The jar is built on first use (PLINTH_REBUILD=1 rebuilds it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$(dirname "$here")"
. "$top/scripts/find-jdk.sh"
plinth_find_jdk || exit 1
plinth_utf8_locale
build_dir="${PLINTH_BUILD_DIR:-target}"
jar="$here/$build_dir/plinth-tools-images.jar"
if [ ! -f "$jar" ] || [ -n "${PLINTH_REBUILD:-}" ]; then
  echo "tools-images: building the image builder..." >&2
  log="$(mktemp -t plinth-tools-build.XXXXXX.log)"
  if ! "$top/mvnw" -q -B -f "$top/pom.xml" -pl tools-images package -DskipTests \
      -Dplinth.buildDir="$build_dir" >"$log" 2>&1; then
    echo "tools-images: build failed; the last lines of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  rm -f "$log"
fi
exec "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Dplinth.tools.sources="$here" -jar "$jar" "$@"
