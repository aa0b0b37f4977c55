#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# mmdebstrap customize hook of `build.sh lock`: writes the lock of every installed package (TSV
# with a header, sorted by arch then package; the tool images' format): package, version, arch,
# and the sha256, size and pool filename of its .deb from the signed Packages index apt used
# (apt checked each downloaded .deb against exactly these). The chroot's apt lists are still
# present when customize hooks run.
# Usage: lock-hook.sh ROOT OUT.lock
set -euo pipefail
root=$1 out=$2
chroot "$root" apt-get indextargets --format '$(FILENAME)' 'Created-By: Packages' \
  | while read -r f; do chroot "$root" /usr/lib/apt/apt-helper cat-file "$f" < /dev/null; done \
  | awk '/^Package: /{p=$2} /^Version: /{v=$2} /^Architecture: /{a=$2} /^Filename: /{f=$2}
         /^Size: /{s=$2} /^SHA256: /{h=$2}
         /^$/{if (p != "") print p" "v" "a"\t"h"\t"s"\t"f; p=v=a=f=s=h=""}' > "$out.index"
chroot "$root" dpkg-query -W -f '${db:Status-Abbrev}\t${Package} ${Version} ${Architecture}\n' \
  | awk -F'\t' '$1 ~ /^ii/ {print $2}' > "$out.installed"
awk -F'\t' 'NR == FNR {idx[$1] = $2"\t"$3"\t"$4; next}
  { split($0, k, " ")
    if (!($0 in idx)) { print "lock: " $0 " is installed but not in the Packages index" > "/dev/stderr"; bad = 1; next }
    print k[1]"\t"k[2]"\t"k[3]"\t"idx[$0] }
  END { exit bad }' "$out.index" "$out.installed" | LC_ALL=C sort -t $'\t' -k3,3 -k1,1 > "$out.body"
{ printf 'package\tversion\tarch\tsha256\tsize\tfilename\n'; cat "$out.body"; } > "$out"
rm -f "$out.body" "$out.index" "$out.installed"
echo "lock: $(($(wc -l < "$out") - 1)) packages written to $out"
