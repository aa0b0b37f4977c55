#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Builds the CI-only test OS artifacts and bundles them for `plinth registry import`:
#   tools-images/ci-os/bundle.sh --out DIR [--version V] [--source-date-epoch N] [--cache DIR] [--payloads DIR]
# writes DIR/payloads/ (unless --payloads), DIR/layout/ (OCI layout) and DIR/plinth-ci-os-V.tar, whose index
# names ci-only/os/linux-rootfs:1, ci-only/os/linux-raw:1 and ci-only/os/minimal-wim:1.
# The jar is built on first use (PLINTH_REBUILD=1 rebuilds it), as tools-images/build.sh does.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
top="$(dirname "$here")"
. "$top/scripts/find-jdk.sh"
plinth_find_jdk || exit 1
plinth_utf8_locale
build_dir="${PLINTH_BUILD_DIR:-target}"
jar="$here/$build_dir/plinth-tools-images.jar"
if [ ! -f "$jar" ] || [ -n "${PLINTH_REBUILD:-}" ]; then
  echo "ci-os: building the image builder..." >&2
  log="$(mktemp -t plinth-ci-os-build.XXXXXX.log)"
  if ! "$top/mvnw" -q -B -f "$top/pom.xml" -pl tools-images package -DskipTests \
      -Dplinth.buildDir="$build_dir" >"$log" 2>&1; then
    echo "ci-os: build failed; the last lines of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  rm -f "$log"
fi
exec "$JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$jar" dev.plinth.tools.cios.CiOsMain --sources "$here" "$@"
