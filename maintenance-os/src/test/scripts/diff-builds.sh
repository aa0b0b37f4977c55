#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Lists what differs between two maintenance-os build outputs (diffoscope is not available):
# the SHA256SUMS, the differing files inside the ISOs and OCI images, then, if the initrds
# differ, every path of the root file system whose type,
# mode, owner, size, mtime, link target or sha256 differs (both cpio archives are unpacked).
# Usage: diff-builds.sh DIR_A DIR_B      (as root; exit 0 if the outputs are identical)
set -euo pipefail
a=$(realpath "$1") b=$(realpath "$2")
if cmp -s "$a/SHA256SUMS" "$b/SHA256SUMS"; then echo "identical: $(wc -l < "$a/SHA256SUMS") files"; exit 0; fi
diff "$a/SHA256SUMS" "$b/SHA256SUMS" || true
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
sums() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum); }
if ! cmp -s "$a/maintenance.iso" "$b/maintenance.iso" && command -v xorriso >/dev/null; then
  echo "--- files of maintenance.iso that differ"
  for x in a b; do
    xorriso -osirrox on -indev "${!x}/maintenance.iso" -extract / "$work/iso-$x" >/dev/null 2>&1
  done
  { diff <(sums "$work/iso-a") <(sums "$work/iso-b") || true; } | grep "^[<>]" || echo "(none: the difference is in the image's own structures)"
fi
oci=$(cd "$a" && ls plinth-maintenance-os-*.tar 2>/dev/null | head -n1)
if [ -n "$oci" ] && ! cmp -s "$a/$oci" "$b/$oci"; then
  echo "--- files of $oci that differ (blobs are named by digest; small ones shown)"
  for x in a b; do mkdir "$work/oci-$x"; tar -xf "${!x}/$oci" -C "$work/oci-$x"; done
  diff <(sums "$work/oci-a") <(sums "$work/oci-b") | grep '^[<>]' || true
  for f in $(cd "$work/oci-a" && find . -type f -size -8k | LC_ALL=C sort); do
    [ -f "$work/oci-b/$f" ] || continue
    cmp -s "$work/oci-a/$f" "$work/oci-b/$f" || { echo "$f:"; diff <(tr ',' '\n' < "$work/oci-a/$f") <(tr ',' '\n' < "$work/oci-b/$f") | head -20 || true; }
  done
fi
cmp -s "$a/rootfs.cpio.zst" "$b/rootfs.cpio.zst" && exit 1
for x in a b; do
  d=${!x}; mkdir "$work/$x"
  (cd "$work/$x" && zstd -dc "$d/rootfs.cpio.zst" | cpio -idm --quiet --no-absolute-filenames 2>/dev/null)
  # metadata from the archive itself (extracting changes directory and link dates)
  zstd -dc "$d/rootfs.cpio.zst" | cpio -itv --numeric-uid-gid --quiet 2>/dev/null \
    | awk '{$2 = ""; print}' | LC_ALL=C sort -k8 > "$work/$x.meta"
  (cd "$work/$x" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum > "$work/$x.sha")
done
echo "--- metadata (mode owner size date path) that differs"
{ diff "$work/a.meta" "$work/b.meta" || true; } | grep '^[<>]' | head -100 || true
echo "--- content that differs"
join -j 2 <(awk '{print $1, $2}' "$work/a.sha" | sort -k2) <(awk '{print $1, $2}' "$work/b.sha" | sort -k2) \
  | awk '$2 != $3 {print $1}' | head -100 || true
exit 1
