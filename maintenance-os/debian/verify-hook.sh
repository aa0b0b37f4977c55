#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# mmdebstrap customize hook of `build.sh`: every .deb that was installed (kept in the chroot's
# /var/cache/apt/archives by --skip=download/empty) must be in the lock with the same version,
# architecture and sha256, and every locked package must have been installed. apt has already
# checked each .deb against the signed Release file; this pins the build to the reviewed set.
# Usage: verify-hook.sh ROOT LOCK
set -euo pipefail
root=$1 lock=$2
fail=0
declare -A want seen
while IFS=$'\t' read -r p v a sha size file; do
  [ "$p" = package ] && continue
  want["$p"]="$v $a $sha"
done < "$lock"
for deb in "$root"/var/cache/apt/archives/*.deb; do
  read -r p v a < <(dpkg-deb -f "$deb" Package Version Architecture | tr '\n' ' ')
  sha=$(sha256sum "$deb" | cut -d' ' -f1)
  seen["$p"]=1
  if [ -z "${want[$p]:-}" ]; then
    echo "maintenance-os: package $p $v ($a) was installed but is not in the lock $lock." >&2
    echo "  A dependency changed: run 'maintenance-os/build.sh lock' and review the new lock." >&2
    fail=1
  elif [ "${want[$p]}" != "$v $a $sha" ]; then
    echo "maintenance-os: package $p does not match the lock: got $v $a sha256 $sha," >&2
    echo "  the lock says ${want[$p]}. Run 'maintenance-os/build.sh lock' to refresh it." >&2
    fail=1
  fi
done
for p in "${!want[@]}"; do
  if [ -z "${seen[$p]:-}" ]; then
    echo "maintenance-os: locked package $p (${want[$p]%% *}) was not installed." >&2
    fail=1
  fi
done
[ "$fail" = 0 ] || exit 1
echo "maintenance-os: ${#seen[@]} packages match the lock"
