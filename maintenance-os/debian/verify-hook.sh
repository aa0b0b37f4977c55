#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# mmdebstrap customize hook of `build.sh`: the installed system must be exactly the lock.
#  - every installed package is locked, with the same version and architecture, and every locked
#    package is installed;
#  - every .deb still in the chroot's /var/cache/apt/archives (the essential ones are kept by
#    --skip=essential/unlink) has the locked sha256;
#  - for each of the others, the signed Packages index apt verified the download against gives
#    the locked sha256.
# Errors name the package and the refresh command.
# Usage: verify-hook.sh ROOT LOCK
set -euo pipefail
root=$1 lock=$2
refresh="run 'maintenance-os/build.sh lock' to refresh the lock, review it and commit it"
fail=0
declare -A want got
while IFS=$'\t' read -r p v a sha size file; do
  [ "$p" = package ] && continue
  want["$p:$a"]="$v $sha"
done < "$lock"
while read -r p v a; do
  got["$p:$a"]=$v
  if [ -z "${want[$p:$a]:-}" ]; then
    echo "maintenance-os: package $p $v ($a) was installed but is not in the lock; $refresh." >&2
    fail=1
  elif [ "${want[$p:$a]%% *}" != "$v" ]; then
    echo "maintenance-os: package $p ($a) is $v, the lock says ${want[$p:$a]%% *}; $refresh." >&2
    fail=1
  fi
done < <(chroot "$root" dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${Version} ${Architecture}\n' | awk '$1 ~ /^ii/ {print $2, $3, $4}')
for k in "${!want[@]}"; do
  [ -n "${got[$k]:-}" ] || { echo "maintenance-os: locked package ${k%%:*} (${want[$k]%% *}) was not installed." >&2; fail=1; }
done
declare -A checked
n=0
for deb in "$root"/var/cache/apt/archives/*.deb; do
  [ -e "$deb" ] || continue
  read -r p v a < <(dpkg-deb --show --showformat='${Package} ${Version} ${Architecture}\n' "$deb")
  sha=$(sha256sum "$deb" | cut -d' ' -f1)
  if [ "${want[$p:$a]:-}" != "$v $sha" ]; then
    echo "maintenance-os: ${p}_${v}_${a}.deb has sha256 $sha, the lock says ${want[$p:$a]:-nothing}; $refresh." >&2
    fail=1
  fi
  checked["$p:$a"]=1; n=$((n + 1))
done
m=0
while IFS=$'\t' read -r key sha; do
  [ -n "${checked[$key]:-}" ] && continue
  [ -n "${got[$key]:-}" ] || continue
  if [ "${want[$key]}" != "${got[$key]} $sha" ]; then
    echo "maintenance-os: the mirror's ${key%%:*} ${got[$key]} has sha256 $sha, the lock says ${want[$key]#* }; $refresh." >&2
    fail=1
  fi
  m=$((m + 1))
done < <(chroot "$root" apt-get indextargets --format '$(FILENAME)' 'Created-By: Packages' \
  | while read -r f; do chroot "$root" /usr/lib/apt/apt-helper cat-file "$f" < /dev/null; done \
  | awk 'NR == FNR {inst[$1] = $2; next}
         /^Package: /{p=$2} /^Version: /{v=$2} /^Architecture: /{a=$2} /^SHA256: /{h=$2}
         /^$/{k = p":"a; if (p != "" && inst[k] == v) print k"\t"h; p=v=a=h=""}' <(for k in "${!got[@]}"; do echo "$k ${got[$k]}"; done) -)
[ "$fail" = 0 ] || exit 1
echo "maintenance-os: ${#got[@]} installed packages match the lock ($n .debs hashed, $m through the signed index)"
