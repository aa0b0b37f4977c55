#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Quick self-check of linux-rootfs.tar.zst (NOT the real flow: no firmware, no GRUB, no imaging by the
# tools): boots the tar's /boot/vmlinuz-* and /boot/initrd.img-* directly (-kernel/-initrd, TCG) with a
# 64 MiB virtio disk that holds the tar on an ext4 partition (fixed UUID) and a vfat partition labelled
# cidata with a meta-data file, and checks the marker lines on the serial console.
#
# Usage: selfcheck-boot.sh linux-rootfs.tar.zst [TIMEOUT_SECONDS]   (exit 0 = marker seen)
# Needs: zstd, tar, sgdisk, mke2fs, mkfs.vfat, mcopy, qemu-system-x86_64. Prints the serial log.
set -euo pipefail
export LC_ALL=C
TAR=$(readlink -f "${1:?usage: selfcheck-boot.sh linux-rootfs.tar.zst [TIMEOUT]}")
TIMEOUT=${2:-60}
UUID=5e1fc4ec-0000-4000-8000-00000000b007
HOST=selfcheck-host
W=$(mktemp -d "${TMPDIR:-/tmp}/plinth-ci-os-boot.XXXXXX")
trap 'rm -rf "$W"' EXIT

mkdir "$W/root"
zstd -qdc "$TAR" | tar -C "$W/root" -xf -
K=$(ls "$W"/root/boot/vmlinuz-* | head -n1)
I=$(ls "$W"/root/boot/initrd.img-* | head -n1)
[ -f "$K" ] && [ -f "$I" ] || { echo "selfcheck: no /boot/vmlinuz-* or /boot/initrd.img-* in $TAR" >&2 && exit 1; }

DISK=$W/disk.img
truncate -s 96M "$DISK"
sgdisk -o -n 1:2048:+64M -t 1:8304 -c 1:root -n 2:0:0 -t 2:0700 -c 2:cidata "$DISK" >/dev/null
part() { sgdisk -i "$1" "$DISK" | sed -n "s/^$2 sector: \([0-9]*\).*/\1/p"; }
s1=$(part 1 First) e1=$(part 1 Last) s2=$(part 2 First) e2=$(part 2 Last)
truncate -s $(((e1 - s1 + 1) * 512)) "$W/p1"
mke2fs -q -F -t ext4 -U "$UUID" -d "$W/root" "$W/p1"
mkfs.vfat -C -n cidata "$W/p2" $(((e2 - s2 + 1) / 2)) >/dev/null
printf 'instance-id: selfcheck-1\nlocal-hostname: %s\n' "$HOST" >"$W/meta-data"
mcopy -i "$W/p2" "$W/meta-data" ::/meta-data
dd if="$W/p1" of="$DISK" bs=512 seek="$s1" conv=notrunc status=none
dd if="$W/p2" of="$DISK" bs=512 seek="$s2" conv=notrunc status=none

start=$(date +%s.%N)
set +e
timeout "$TIMEOUT" qemu-system-x86_64 -machine q35,accel=tcg -m 512 -smp 1 -nodefaults -display none \
  -serial "file:$W/serial.log" -monitor none -no-reboot \
  -kernel "$K" -initrd "$I" -append "console=ttyS0,115200 quiet root=UUID=$UUID plinth.marker=selfcheck" \
  -drive "file=$DISK,format=raw,if=none,id=d0" -device virtio-blk-pci,drive=d0
rc=$?
set -e
end=$(date +%s.%N)
cat "$W/serial.log"
echo "selfcheck: qemu exit $rc after $(echo "$end - $start" | bc) s" >&2
want="PLINTH-TEST-OS-BOOTED root=$UUID hostname=$HOST cmdline="
if grep -q "^$want.*plinth.marker=selfcheck" "$W/serial.log" && grep -q '^PLINTH_TEST_OS=linux-rootfs' "$W/serial.log"; then
  echo "selfcheck: OK" >&2
  exit 0
fi
echo "selfcheck: FAILED, no '$want...' line in the serial log" >&2
exit 1
