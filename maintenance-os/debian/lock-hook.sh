#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# mmdebstrap customize hook of `build.sh lock`: writes the lock (TSV, sorted, with a header) of
# every .deb that mmdebstrap downloaded into the chroot's /var/cache/apt/archives (the build keeps
# them with --skip=download/empty). The pool path (filename) comes from the chroot's apt lists,
# which are still present when customize hooks run.
# Usage: lock-hook.sh ROOT OUT.lock
set -euo pipefail
root=$1 out=$2
# "package version arch" -> pool filename, from the Packages indices apt used
chroot "$root" apt-get indextargets --format '$(FILENAME)' 'Created-By: Packages' \
  | while read -r f; do chroot "$root" /usr/lib/apt/apt-helper cat-file "$f"; done \
  | awk '/^Package: /{p=$2} /^Version: /{v=$2} /^Architecture: /{a=$2} /^Filename: /{f=$2}
         /^$/{if (p != "") print p" "v" "a"\t"f; p=v=a=f=""}' > "$root/tmp/pool.map"
{
  for deb in "$root"/var/cache/apt/archives/*.deb; do
    read -r p v a < <(dpkg-deb -f "$deb" Package Version Architecture | tr '\n' ' ')
    sha=$(sha256sum "$deb" | cut -d' ' -f1)
    size=$(stat -c %s "$deb")
    file=$(awk -F'\t' -v k="$p $v $a" '$1 == k {print $2; exit}' "$root/tmp/pool.map")
    [ -n "$file" ] || { echo "lock: no pool filename for $p $v $a" >&2; exit 1; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$v" "$a" "$sha" "$size" "$file"
  done | LC_ALL=C sort -t $'\t' -k3,3 -k1,1
} > "$out.body"
{ printf 'package\tversion\tarch\tsha256\tsize\tfilename\n'; cat "$out.body"; } > "$out"
rm -f "$out.body" "$root/tmp/pool.map"
echo "lock: $(($(wc -l < "$out") - 1)) packages written to $out"
