#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Quick self-check of linux-rootfs.tar.zst under QEMU (TCG). NOT the real flow (no Plinth tools write the
# disk), but the same disk shape: a GPT virtio disk with the tar on an ext4 partition (fixed UUID) and a vfat
# partition labelled cidata holding meta-data (local-hostname: selfcheck-host). Checks the marker lines.
#   direct  boots the tar's /boot/vmlinuz-* and /boot/initrd.img-* with -kernel/-initrd (no firmware)
#   uefi    OVMF boots GRUB from the ESP's removable path (EFI/BOOT/BOOTX64.EFI, built with grub-mkimage
#           like the linux-bootloader tool), GRUB loads the kernel and initramfs from the ext4 root
#
# Usage: selfcheck-boot.sh linux-rootfs.tar.zst [TIMEOUT_SECONDS] [direct|uefi]   (exit 0 = marker seen)
# Needs: zstd, tar, sgdisk, mke2fs, mkfs.vfat, mtools, qemu-system-x86_64; uefi: ovmf, grub-efi-amd64-bin.
set -euo pipefail
export LC_ALL=C
TAR=$(readlink -f "${1:?usage: selfcheck-boot.sh linux-rootfs.tar.zst [TIMEOUT] [direct|uefi]}")
TIMEOUT=${2:-60}
MODE=${3:-direct}
UUID=5e1fc4ec-0000-4000-8000-00000000b007
HOST=selfcheck-host
MARK=plinth.marker=selfcheck-$MODE
W=$(mktemp -d "${TMPDIR:-/tmp}/plinth-ci-os-boot.XXXXXX")
trap 'rm -rf "$W"' EXIT

mkdir "$W/root"
zstd -qdc "$TAR" | tar -C "$W/root" -xf -
K=$(cd "$W/root/boot" && ls vmlinuz-* | head -n1)
I=initrd.img-${K#vmlinuz-}
[ -f "$W/root/boot/$K" ] && [ -f "$W/root/boot/$I" ] ||
  { echo "selfcheck: no /boot/vmlinuz-* with its initrd.img-* in $TAR" >&2 && exit 1; }
ARGS="console=ttyS0,115200 root=UUID=$UUID ro $MARK"

DISK=$W/disk.img
truncate -s 160M "$DISK"
case "$MODE" in
  direct) sgdisk -o -n 2:2048:+96M -t 2:8304 -c 2:root -n 3:0:+16M -t 3:0700 -c 3:cidata "$DISK" >/dev/null ;;
  uefi)
    sgdisk -o -n 1:2048:+40M -t 1:EF00 -c 1:ESP -n 2:0:+96M -t 2:8304 -c 2:root -n 3:0:+16M -t 3:0700 -c 3:cidata \
      "$DISK" >/dev/null
    mkdir -p "$W/root/boot/grub"
    cat >"$W/root/boot/grub/grub.cfg" <<EOF
set timeout=0
serial --unit=0 --speed=115200
terminal_output serial console
insmod part_gpt
insmod ext2
search --no-floppy --fs-uuid --set=root $UUID
menuentry 'Plinth CI test OS' {
  linux /boot/$K $ARGS
  initrd /boot/$I
}
EOF
    printf 'search --no-floppy --fs-uuid --set=root %s\nset prefix=($root)/boot/grub\nconfigfile $prefix/grub.cfg\n' \
      "$UUID" >"$W/early.cfg"
    grub-mkimage -d /usr/lib/grub/x86_64-efi -O x86_64-efi -o "$W/BOOTX64.EFI" -p /boot/grub -c "$W/early.cfg" \
      part_gpt fat ext2 search search_fs_uuid configfile normal linux echo test serial terminal
    ;;
  *) echo "selfcheck: mode must be direct or uefi" >&2 && exit 2 ;;
esac
part() { sgdisk -i "$1" "$DISK" | sed -n "s/^$2 sector: \([0-9]*\).*/\1/p"; }
put() { # N IMAGE
  dd if="$2" of="$DISK" bs=512 seek="$(part "$1" First)" conv=notrunc status=none
}
blank() { # N FILE
  truncate -s $((($(part "$1" Last) - $(part "$1" First) + 1) * 512)) "$2"
}
blank 2 "$W/p2"
mke2fs -q -F -t ext4 -U "$UUID" -d "$W/root" "$W/p2"
put 2 "$W/p2"
blank 3 "$W/p3"
mkfs.vfat -n cidata "$W/p3" >/dev/null 2>&1
printf 'instance-id: selfcheck-1\nlocal-hostname: %s\n' "$HOST" >"$W/meta-data"
mcopy -i "$W/p3" "$W/meta-data" ::/meta-data
put 3 "$W/p3"

QEMU=(qemu-system-x86_64 -machine q35,accel=tcg -m 512 -smp 1 -nodefaults -display none
  -serial "file:$W/serial.log" -monitor none -no-reboot
  -drive "file=$DISK,format=raw,if=none,id=d0" -device virtio-blk-pci,drive=d0,bootindex=1)
if [ "$MODE" = direct ]; then
  QEMU+=(-kernel "$W/root/boot/$K" -initrd "$W/root/boot/$I" -append "$ARGS")
else
  blank 1 "$W/p1"
  mkfs.vfat -F 32 -n ESP "$W/p1" >/dev/null 2>&1
  mmd -i "$W/p1" ::/EFI ::/EFI/BOOT
  mcopy -i "$W/p1" "$W/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
  put 1 "$W/p1"
  cp /usr/share/OVMF/OVMF_VARS_4M.fd "$W/vars.fd"
  QEMU+=(-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
    -drive "if=pflash,format=raw,unit=1,file=$W/vars.fd")
fi

start=$(date +%s.%N)
set +e
timeout "$TIMEOUT" "${QEMU[@]}"
rc=$?
set -e
end=$(date +%s.%N)
tr -d '\r' <"$W/serial.log" | grep -a -v '^\s*$' | tail -n 40
echo "selfcheck: $MODE: qemu exit $rc after $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s" >&2
want="PLINTH-TEST-OS-BOOTED root=$UUID hostname=$HOST cmdline="
if grep -a -q "^$want.* $MARK" "$W/serial.log" && grep -a -q '^PLINTH_TEST_OS=linux-rootfs' "$W/serial.log"; then
  echo "selfcheck: OK" >&2
  exit 0
fi
echo "selfcheck: FAILED, no '$want... $MARK' line in the serial log" >&2
exit 1
