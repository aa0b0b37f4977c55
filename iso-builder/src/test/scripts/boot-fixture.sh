#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Builds the content tree of a tiny bootable ISO for QemuBootIT: a Debian kernel, a busybox
# initramfs whose /init prints "PLINTH-BOOT-OK <bios|uefi>" on the serial console and powers off,
# ISOLINUX for BIOS and a GRUB standalone EFI image (FAT ESP image) for UEFI.
# Usage: boot-fixture.sh OUT_DIR     (the ISO itself is written by our IsoWriter, not here)
# The kernel comes from /boot, $PLINTH_KERNEL, a cache ($XDG_CACHE_HOME/plinth/kernel) or is
# downloaded once with `apt-get download` (the package is unpacked, never installed).
set -euo pipefail
out=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

find_kernel() {
  if [ -n "${PLINTH_KERNEL:-}" ] && [ -f "$PLINTH_KERNEL" ]; then echo "$PLINTH_KERNEL"; return; fi
  local k
  k=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n1 || true)
  if [ -n "$k" ] && [ -r "$k" ]; then echo "$k"; return; fi
  local cache=${XDG_CACHE_HOME:-$HOME/.cache}/plinth/kernel
  if [ ! -f "$cache/vmlinuz" ]; then
    mkdir -p "$cache"
    local pkg
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
    [ -n "$pkg" ] || { echo "cannot resolve the Debian kernel package" >&2; exit 3; }
    (cd "$work" && apt-get download -q "$pkg" >/dev/null && dpkg-deb --fsys-tarfile ./*.deb \
      | tar -x -C "$work" --wildcards './boot/vmlinuz-*')
    cp "$work"/boot/vmlinuz-* "$cache/vmlinuz.tmp" && mv "$cache/vmlinuz.tmp" "$cache/vmlinuz"
  fi
  echo "$cache/vmlinuz"
}

kernel=$(find_kernel)
rm -rf "$out"
mkdir -p "$out/isolinux" "$out/boot/grub" "$work/root/bin" "$work/root/proc" "$work/root/sys" "$work/root/dev"

# initramfs: busybox and an /init that reports which firmware booted it
cp /bin/busybox "$work/root/bin/busybox"
for a in sh mount echo poweroff sleep; do ln -s busybox "$work/root/bin/$a"; done
cat > "$work/root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
fw=bios; [ -d /sys/firmware/efi ] && fw=uefi
echo "PLINTH-BOOT-OK $fw"
poweroff -f
sleep 10
INIT
chmod 755 "$work/root/init"
(cd "$work/root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet --reproducible) \
  | gzip -n -9 > "$out/boot/initrd.img"
cp "$kernel" "$out/boot/vmlinuz"

cmdline="console=ttyS0,115200 quiet panic=-1"
# BIOS: ISOLINUX (its boot info table is patched by our writer)
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$out/isolinux/"
printf 'SERIAL 0 115200\nDEFAULT linux\nPROMPT 0\nTIMEOUT 0\nLABEL linux\n  KERNEL /boot/vmlinuz\n  INITRD /boot/initrd.img\n  APPEND %s\n' \
  "$cmdline" > "$out/isolinux/isolinux.cfg"

# UEFI: GRUB standalone in a FAT image; it finds the ISO by a marker file
touch "$out/boot/plinth-boot.id"
cat > "$out/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_output serial
set timeout=0
menuentry plinth {
  linux /boot/vmlinuz $cmdline
  initrd /boot/initrd.img
}
CFG
cat > "$work/embed.cfg" <<'CFG'
search --no-floppy --file --set=root /boot/plinth-boot.id
set prefix=($root)/boot/grub
configfile ($root)/boot/grub/grub.cfg
CFG
grub-mkstandalone -O x86_64-efi -o "$work/BOOTX64.EFI" \
  --modules="part_gpt part_msdos iso9660 fat search search_fs_file configfile linux normal serial terminal echo" \
  --locales= --fonts= --themes= "boot/grub/grub.cfg=$work/embed.cfg"
truncate -s 4M "$out/boot/efiboot.img"
mkfs.vfat -n EFIBOOT "$out/boot/efiboot.img" >/dev/null
mmd -i "$out/boot/efiboot.img" ::/EFI ::/EFI/BOOT
mcopy -i "$out/boot/efiboot.img" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
echo "fixture ready in $out (kernel $kernel)"
