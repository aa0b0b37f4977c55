#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Proves the build is reproducible: two clean clones of HEAD, built at different paths and with
# different umask/TZ/LANG (./mvnw fixes the umask), must give byte-identical jars and release tarball.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d -t plinth-repro.XXXXXX)"
trap 'rm -rf "$work"' EXIT

rev="$(git -C "$repo" rev-parse HEAD)"
build() { # dir tz lang umask
  git clone -q "$repo" "$1"
  git -C "$1" checkout -q --detach "$rev"
  (cd "$1" && umask "$4" && TZ="$2" LANG="$3" ./mvnw -q -B package -DskipTests >"$1.log" 2>&1) ||
    { tail -40 "$1.log"; exit 1; }
  (cd "$1" && find . -path ./.git -prune -o \( -name '*.jar' -o -name '*.tar.gz' \) -path '*/target/*' -print |
    sort | xargs sha256sum) >"$1.sums"
}
build "$work/a" UTC C.UTF-8 022
sleep 1
build "$work/b" Pacific/Chatham en_US.UTF-8 077
if diff -u "$work/a.sums" "$work/b.sums"; then
  echo "reproducible: $(wc -l <"$work/a.sums") artifacts of ${rev:0:12} identical"
else
  echo "NOT reproducible (see diff above)" >&2
  exit 1
fi
