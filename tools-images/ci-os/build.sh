#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Builds the CI-only test OS payloads, deterministically, into OUT:
#   linux-rootfs.tar.zst  bootable root tree: Debian trixie kernel + busybox initramfs (/boot), /sbin/init
#   linux-raw.img.zst     64 MiB GPT disk, one ext4 partition holding a marker file
#   minimal.wim           a WIM that looks like a Windows system (fake boot manager, marker, BCD-Template hive)
#   payloads.sha256       sha256 of every payload as stored and of its decompressed bytes
#
# Usage: build.sh OUT [CACHE]     (CACHE keeps the downloaded .debs; default OUT/../ci-os-cache)
# Environment: SOURCE_DATE_EPOCH (default below), PLINTH_DEBIAN_MIRROR (default http://deb.debian.org/debian),
#   PLINTH_CI_OS_LOCK (default ../debian/trixie.lock).
# The .debs come from tools-images/debian/trixie.lock when it pins them (sha256 checked), else from a temporary
# trixie apt root (apt-get download). Needs: dpkg-deb, kmod (depmod, modprobe), cpio, xz, zstd, tar, sgdisk,
# mke2fs, wimcapture, hivexsh (libhivex-bin, optional: without it the WIM has no BCD-Template).
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: build.sh OUT [CACHE]}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CACHE=${2:-$OUT/../ci-os-cache}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
: "${SOURCE_DATE_EPOCH:=1767225600}" # 2026-01-01T00:00:00Z
export SOURCE_DATE_EPOCH
MIRROR=${PLINTH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
LOCK=${PLINTH_CI_OS_LOCK:-$HERE/../debian/trixie.lock}
# Level 19 for the small initramfs; 12 for the rest (the kernel in the tar does not compress: 19 took 16 s
# for 0.2 MB less).
ZSTD="zstd -q -19 -T0 --no-progress"
ZSTD_FAST="zstd -q -12 -T0 --no-progress"

W=$(mktemp -d "${TMPDIR:-/tmp}/plinth-ci-os.XXXXXX")
trap 'rm -rf "$W"' EXIT
say() { echo "ci-os: $*" >&2; }

# ---------------------------------------------------------------------------------------------------------------
# Debian packages
packages() { sed -e 's/#.*//' -e 's/[[:space:]]//g' "$HERE/packages" | grep -v '^$'; }

# fetch_locked PKG -> path of the verified .deb, or nothing when the lock does not pin PKG for amd64
fetch_locked() {
  [ -f "$LOCK" ] || return 0
  local line
  line=$(awk -F'\t' -v p="$1" '$1 == p && $3 == "amd64" { print; exit }' "$LOCK")
  [ -n "$line" ] || return 0
  local sha file deb
  sha=$(cut -f4 <<<"$line")
  file=$(cut -f6 <<<"$line")
  deb=$CACHE/$(basename "$file")
  if [ ! -f "$deb" ] || [ "$(sha256sum "$deb" | cut -d' ' -f1)" != "$sha" ]; then
    curl -fsSL --retry 3 -o "$deb.part" "$MIRROR/$file"
    [ "$(sha256sum "$deb.part" | cut -d' ' -f1)" = "$sha" ] || {
      say "$file: sha256 differs from $LOCK"
      exit 1
    }
    mv "$deb.part" "$deb"
  fi
  echo "$deb"
}

apt_root() {
  local r=$CACHE/apt
  if [ ! -f "$r/apt.conf" ]; then
    mkdir -p "$r"/etc/apt/apt.conf.d "$r"/etc/apt/preferences.d "$r"/var/lib/apt/lists/partial \
      "$r"/var/cache/apt/archives/partial "$r"/var/lib/dpkg
    touch "$r/var/lib/dpkg/status"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main" \
      >"$r/etc/apt/sources.list"
    printf 'Dir "%s/";\nDir::State::status "%s/var/lib/dpkg/status";\nAPT::Architecture "amd64";\n%s\n' \
      "$r" "$r" 'Acquire::Languages "none";' >"$r/apt.conf"
  fi
  if [ -z "$(find "$r/var/lib/apt/lists" -name '*_Packages' -mmin -720 2>/dev/null)" ]; then
    APT_CONFIG=$r/apt.conf apt-get -q -o Debug::NoLocking=1 update >&2
  fi
  echo "$r/apt.conf"
}

# fetch_apt PKG -> path of the .deb downloaded by apt-get (trixie candidate)
fetch_apt() {
  local conf name
  conf=$(apt_root)
  name=$1
  if ! APT_CONFIG=$conf apt-cache show "$name" >/dev/null 2>&1; then
    local now
    now=$(APT_CONFIG=$conf apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: //p' | head -n1)
    case "$name" in
      linux-image-*) say "$name is gone from trixie; using $now (update ci-os/packages)" && name=$now ;;
    esac
  fi
  local ver deb
  ver=$(APT_CONFIG=$conf apt-cache show --no-all-versions "$name" | sed -n 's/^Version: //p' | head -n1)
  deb=$CACHE/${name}_$(sed 's/:/%3a/' <<<"$ver")_amd64.deb
  if [ ! -f "$deb" ]; then
    (cd "$CACHE" && APT_CONFIG=$conf apt-get -q -o Debug::NoLocking=1 -o APT::Sandbox::User=root download "$name" >&2)
  fi
  [ -f "$deb" ] || { say "apt-get download $name did not give $deb" && exit 1; }
  echo "$deb"
}

fetch() {
  local deb
  deb=$(fetch_locked "$1")
  [ -n "$deb" ] || deb=$(fetch_apt "$1")
  echo "$deb"
}

KDEB= BBDEB=
for p in $(packages); do
  case "$p" in
    linux-image-*) KDEB=$(fetch "$p") ;;
    busybox-static) BBDEB=$(fetch "$p") ;;
    *) say "unexpected package $p in $HERE/packages" && exit 2 ;;
  esac
done
say "kernel $(basename "$KDEB"), busybox $(basename "$BBDEB")"
# The kernel package, unpacked and depmod-ed once per .deb in the cache (about 30 s, 121 MB).
KX=$CACHE/unpacked/$(basename "$KDEB" .deb)
if [ ! -f "$KX/done" ]; then
  rm -rf "$KX" "$KX.tmp"
  mkdir -p "$KX.tmp/kst/lib/modules"
  dpkg-deb -x "$KDEB" "$KX.tmp/kpkg"
  K=$(basename "$(ls "$KX".tmp/kpkg/boot/vmlinuz-*)")
  K=${K#vmlinuz-}
  ln -s "../../../kpkg/usr/lib/modules/$K" "$KX.tmp/kst/lib/modules/$K"
  depmod -b "$KX.tmp/kst" "$K"
  echo "$K" >"$KX.tmp/done"
  mv "$KX.tmp" "$KX"
fi
K=$(cat "$KX/done")
dpkg-deb -x "$BBDEB" "$W/bb"
BUSYBOX=$W/bb/usr/bin/busybox
[ -x "$BUSYBOX" ] || BUSYBOX=$W/bb/bin/busybox
BBVER=$(dpkg-deb -f "$BBDEB" Version)
KVER=$(dpkg-deb -f "$KDEB" Version)

# normalize DIR: modes (0755 for dirs and executables, 0644 else), mtimes = SOURCE_DATE_EPOCH
normalize() {
  find "$1" -type d -exec chmod 0755 {} +
  find "$1" -type f -perm /111 -exec chmod 0755 {} +
  find "$1" -type f ! -perm /111 -exec chmod 0644 {} +
  find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

# ---------------------------------------------------------------------------------------------------------------
# Module closure (uncompressed .ko, with its own modules.dep): the initramfs and the root tree share it.
MODS="virtio_pci virtio_blk virtio_scsi sd_mod crc32c_generic crc32c_intel ext4 vfat nls_cp437 nls_ascii nls_utf8 isofs
virtio_net"
MT=$W/mods/lib/modules/$K
mkdir -p "$MT"
for m in $MODS; do modprobe -d "$KX/kst" -S "$K" --show-depends "$m"; done | awk '$1 == "insmod" { print $2 }' |
  sort -u | while read -r f; do
  rel=${f#"$KX"/kst/lib/modules/"$K"/}
  mkdir -p "$MT/$(dirname "$rel")"
  case "$f" in
    *.xz) xz -dc "$f" >"$MT/${rel%.xz}" ;;
    *.zst) zstd -qdc "$f" >"$MT/${rel%.zst}" ;;
    *) cp "$f" "$MT/$rel" ;;
  esac
done
cp "$KX/kpkg/usr/lib/modules/$K"/modules.{builtin,builtin.modinfo} "$MT/"
sed -e 's/\.ko\.\(xz\|zst\)$/.ko/' "$KX/kpkg/usr/lib/modules/$K/modules.order" >"$MT/modules.order"
depmod -b "$W/mods" "$K"
say "module closure: $(find "$MT" -name '*.ko' | wc -l) modules, $(du -sk "$MT" | cut -f1) KiB"

# ---------------------------------------------------------------------------------------------------------------
# 1. linux-rootfs: initramfs + root tree -> tar.zst
I=$W/initrd
mkdir -p "$I"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,sysroot,mnt,etc,lib}
cp "$BUSYBOX" "$I/bin/busybox"
for a in $("$BUSYBOX" --list | sort); do
  [ "$a" = busybox ] || [ -e "$I/bin/$a" ] || ln -s busybox "$I/bin/$a"
done
ln -s ../bin/busybox "$I/sbin/modprobe"
cp "$HERE/initramfs/init" "$I/init"
cp "$HERE/initramfs/udhcpc.script" "$I/etc/udhcpc.script"
chmod 0755 "$I/init" "$I/etc/udhcpc.script"
cp -a "$W/mods/lib/modules" "$I/lib/"
normalize "$I"
(cd "$I" && find . -print0 | sort -z | cpio --null -o -H newc --reproducible -R 0:0 --quiet) | $ZSTD >"$W/initrd.img"

R=$W/rootfs
mkdir -p "$R"/{boot,bin,sbin,etc,dev,proc,sys,tmp,run,root,usr/lib}
cp "$KX/kpkg/boot/vmlinuz-$K" "$R/boot/vmlinuz-$K"
cp "$KX/kpkg/boot/config-$K" "$R/boot/config-$K"
cp "$W/initrd.img" "$R/boot/initrd.img-$K"
cp "$BUSYBOX" "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
ln -s ../bin/busybox "$R/sbin/init"
cp -a "$W/mods/lib/modules" "$R/usr/lib/"
ln -s usr/lib "$R/lib"
: >"$R/etc/fstab"
cat >"$R/etc/plinth-test-os-release" <<EOF
PLINTH_TEST_OS=linux-rootfs
VERSION=1
KERNEL=$K
KERNEL_PACKAGE=$KVER
BUSYBOX=$BBVER
EOF
cat >"$R/etc/os-release" <<EOF
NAME="Plinth CI test OS"
ID=plinth-test-os
VERSION_ID=1
PRETTY_NAME="Plinth CI test OS 1 (busybox, Linux $K)"
EOF
normalize "$R"
chmod 0700 "$R/root"
tar -C "$R" --sort=name --format=gnu --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -cf "$W/linux-rootfs.tar" .
$ZSTD_FAST -f "$W/linux-rootfs.tar" -o "$OUT/linux-rootfs.tar.zst"

# ---------------------------------------------------------------------------------------------------------------
# 2. linux-raw: 64 MiB GPT, partition 1 (sectors 2048..129023, 62 MiB) ext4 with a marker
T=$W/rawtree
mkdir -p "$T/etc"
printf 'PLINTH_TEST_OS=linux-raw\nVERSION=1\n' >"$T/etc/plinth-test-os-release"
echo "PLINTH-TEST-RAW-MARKER v1" >"$T/plinth-test-raw-marker"
normalize "$T"
RAW=$W/linux-raw.img
truncate -s 64M "$RAW"
# (no -q: with it, sgdisk 1.0.9 does not write the new table)
sgdisk -o -U 0F1E7A5D-0000-4000-8000-00000000C105 \
  -n 1:2048:129023 -t 1:8300 -c 1:plinth-raw -u 1:0F1E7A5D-0001-4000-8000-00000000C105 "$RAW" >/dev/null
first=$(sgdisk -i 1 "$RAW" | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
last=$(sgdisk -i 1 "$RAW" | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
truncate -s $(((last - first + 1) * 512)) "$W/raw-part.img"
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mke2fs -q -F -t ext4 -L plinth-raw -U 0f1e7a5d-0002-4000-8000-00000000c105 \
  -E root_owner=0:0,hash_seed=0f1e7a5d-0003-4000-8000-00000000c105,lazy_itable_init=0,nodiscard \
  -d "$T" "$W/raw-part.img"
# mke2fs -d copies each file's atime and ctime (which no one can set on the host): pin every time field.
(cd "$T" && find . | sed -e 's#^\.##' -e 's#^$#/#') | while read -r p; do
  for f in atime ctime mtime crtime; do
    printf 'set_inode_field "%s" %s @%s\nset_inode_field "%s" %s_extra 0\n' "$p" $f "$SOURCE_DATE_EPOCH" "$p" $f
  done
done >"$W/debugfs.cmd"
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH debugfs -w -f "$W/debugfs.cmd" "$W/raw-part.img" >/dev/null 2>"$W/debugfs.log"
if grep -v '^debugfs [0-9]' "$W/debugfs.log" | grep -q .; then
  cat "$W/debugfs.log" >&2
  exit 1
fi
dd if="$W/raw-part.img" of="$RAW" bs=512 seek="$first" conv=notrunc status=none
$ZSTD_FAST -f "$RAW" -o "$OUT/linux-raw.img.zst"

# ---------------------------------------------------------------------------------------------------------------
# 3. minimal-wim
WT=$W/wimtree
mkdir -p "$WT/Windows/System32/config" "$WT/Windows/Boot/EFI"
printf 'PLINTH FAKE bootmgfw.efi: not an EFI binary, for CI only\n' >"$WT/Windows/Boot/EFI/bootmgfw.efi"
printf 'PLINTH_TEST_OS=minimal-wim\r\nVERSION=1\r\n' >"$WT/plinth-test-os-release.txt"
if command -v hivexsh >/dev/null && "$HERE/make-bcd-template.py" "$WT/Windows/System32/config/BCD-Template"; then
  :
else
  say "no hivexsh or hive build failed: the WIM has no Windows/System32/config/BCD-Template"
  rm -f "$WT/Windows/System32/config/BCD-Template"
fi
normalize "$WT"
wimcapture "$WT" "$W/minimal.wim" "Plinth CI minimal" "CI-only test image" --no-acls --compress=LZX \
  --threads=1 >/dev/null
"$HERE/wim-fix-times.py" "$W/minimal.wim" "$SOURCE_DATE_EPOCH"
cp "$W/minimal.wim" "$OUT/minimal.wim"

# ---------------------------------------------------------------------------------------------------------------
{
  for f in linux-rootfs.tar.zst linux-raw.img.zst minimal.wim; do
    case "$f" in
      *.zst) raw=$(zstd -qdc "$OUT/$f" | sha256sum | cut -d' ' -f1) ;;
      *) raw=$(sha256sum <"$OUT/$f" | cut -d' ' -f1) ;;
    esac
    printf '%s  %s  %s  %s\n' "$(sha256sum <"$OUT/$f" | cut -d' ' -f1)" "$raw" "$(stat -c %s "$OUT/$f")" "$f"
  done
} >"$OUT/payloads.sha256"
printf 'KERNEL=%s\nKERNEL_PACKAGE=%s\nBUSYBOX=%s\nSOURCE_DATE_EPOCH=%s\n' "$K" "$KVER" "$BBVER" \
  "$SOURCE_DATE_EPOCH" >"$OUT/build-info"
say "done: $(tr '\n' ' ' <"$OUT/build-info")"
cat "$OUT/payloads.sha256" >&2
