#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Lists what differs between two maintenance-os build outputs (diffoscope is not available):
# the SHA256SUMS, then, if the initrds differ, every path of the root file system whose type,
# mode, owner, size, mtime, link target or sha256 differs (both cpio archives are unpacked).
# Usage: diff-builds.sh DIR_A DIR_B      (as root; exit 0 if the outputs are identical)
set -euo pipefail
a=$1 b=$2
if cmp -s "$a/SHA256SUMS" "$b/SHA256SUMS"; then echo "identical: $(wc -l < "$a/SHA256SUMS") files"; exit 0; fi
diff "$a/SHA256SUMS" "$b/SHA256SUMS" || true
cmp -s "$a/rootfs.cpio.zst" "$b/rootfs.cpio.zst" && exit 1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for x in a b; do
  d=${!x}; mkdir "$work/$x"
  (cd "$work/$x" && zstd -dc "$d/rootfs.cpio.zst" | cpio -idm --quiet --no-absolute-filenames 2>/dev/null)
  (cd "$work/$x" && find . -printf '%p\t%y\t%m\t%U:%G\t%s\t%T@\t%l\n' | LC_ALL=C sort > "$work/$x.meta"
   find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum > "$work/$x.sha")
done
echo "--- metadata (path type mode owner size mtime link) that differs"
diff "$work/a.meta" "$work/b.meta" | grep '^[<>]' | head -100 || true
echo "--- content that differs"
join -j 2 <(awk '{print $1, $2}' "$work/a.sha" | sort -k2) <(awk '{print $1, $2}' "$work/b.sha" | sort -k2) \
  | awk '$2 != $3 {print $1}' | head -100
exit 1
