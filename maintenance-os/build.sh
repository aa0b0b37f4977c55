#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Builds the Plinth maintenance OS (Debian 13 "trixie", amd64) from the locked package set:
#   maintenance-os/build.sh [build] [--out DIR]   the ISO, initrd, kernel, OCI image (as root)
#   maintenance-os/build.sh lock                  refreshes debian/trixie-amd64.lock (as root)
# Environment: SOURCE_DATE_EPOCH (default: commit time of HEAD), PLINTH_BUILD_DIR (Maven build
# directory name, default target), MOS_MIRROR (default http://deb.debian.org/debian),
# MOS_ZSTD_LEVEL (initrd compression, default 3), MOS_REVISION (default: HEAD), MOS_VERSION,
# MOS_DEB_CACHE, KEEP_WORK=1 (keep the work tree), MOS_TOOL_SIGNING_KEY (the site's image-signing
# public key, SPKI PEM from `ci keygen`: installed as /etc/plinth/tool-signing.pub, the dispatcher
# then refuses tool images whose signature does not verify against it).
# Outputs (default maintenance-os/$PLINTH_BUILD_DIR/mos/): maintenance.iso, rootfs.cpio.zst,
# vmlinuz, plinth-maintenance-os-VERSION.tar (OCI layout), packages.lock, SHA256SUMS.
# Every step is described in docs/maintenance-os.md.
set -euo pipefail
# The whole script is one group, parsed completely before it runs: editing this file during a
# build does not change the running build.
{
main() {
umask 022
export LC_ALL=C.UTF-8 TZ=UTC

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
bd=${PLINTH_BUILD_DIR:-target}
lock=${MOS_LOCK:-$here/debian/trixie-amd64.lock}
mirror=${MOS_MIRROR:-http://deb.debian.org/debian}
suite=trixie
cmd=build
out=$here/$bd/mos
while [ $# -gt 0 ]; do
  case "$1" in
    build | lock) cmd=$1 ;;
    --out) out=$2; shift ;;
    *) echo "usage: $0 [build|lock] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
# An absolute --out: the OCI step (src/main/scripts/oci-image.sh) writes into it from other
# directories, and a relative one failed there after the whole root had been built.
case $out in /*) ;; *) out=$PWD/$out ;; esac

log() { printf '[mos %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { printf 'maintenance-os: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "build.sh must run as root (mmdebstrap --mode=root, chroot, device nodes)."
for t in mmdebstrap cpio zstd; do command -v $t >/dev/null || die "$t is missing (apt-get install $t)."; done

# The package list, without comments.
packages=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/packages" | grep -v '^$' | paste -sd, -)

# Options shared by the lock refresh and the build. Docs, man pages, info and locales are never
# unpacked (dpkg path-exclude; the copyright files stay). Kernel module trees a server being
# provisioned does not need are not unpacked either (depmod runs afterwards in the kernel's
# postinst, so modules.dep matches what is there).
mm_opts=(--mode=root --variant=minbase --architectures=amd64 --components=main
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*'
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --aptopt='Acquire::Retries "3"')
for tree in drivers/gpu/drm/amd drivers/gpu/drm/nouveau drivers/gpu/drm/i915 drivers/gpu/drm/xe \
  drivers/gpu/drm/radeon sound drivers/media drivers/net/wireless net/wireless net/mac80211 \
  drivers/infiniband net/rds drivers/iio drivers/staging drivers/comedi drivers/bluetooth net/bluetooth \
  drivers/net/can net/can drivers/net/wwan drivers/isdn drivers/nfc net/nfc drivers/net/ieee802154 \
  net/ieee802154 drivers/input/joystick drivers/input/touchscreen drivers/hwmon/pmbus; do
  mm_opts+=(--dpkgopt="path-exclude=/lib/modules/*/kernel/$tree/*"
    --dpkgopt="path-exclude=/usr/lib/modules/*/kernel/$tree/*")
done
# The kernel's postinst would build an initramfs-tools initrd (about 15 s) that we delete anyway:
# update-initramfs is diverted to /bin/true while packages are installed and restored afterwards.
mm_opts+=(--essential-hook='chroot "$1" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs; ln -sf /bin/true "$1/usr/sbin/update-initramfs"')

# A cache of downloaded .debs (apt re-checks each one against the signed index, and the verify
# hook against the lock): a rebuild downloads nothing. Set MOS_DEB_CACHE= (empty) to disable it.
cache=${MOS_DEB_CACHE-${XDG_CACHE_HOME:-$HOME/.cache}/plinth/mos-debs}
cache_in=() cache_out=()
if [ -n "$cache" ]; then
  mkdir -p "$cache"
  cache_in=(--setup-hook="mkdir -p \"\$1/var/cache/apt/archives\" && find \"$cache\" -name '*.deb' -exec cp -t \"\$1/var/cache/apt/archives/\" {} +")
  cache_out=(--customize-hook="find \"\$1/var/cache/apt/archives\" -maxdepth 1 -name '*.deb' -exec cp -n -t \"$cache/\" {} +")
fi

# Runs mmdebstrap, turning apt's "Version '…' for '…' was not found" into a clear error.
run_mmdebstrap() {
  local logf=$1; shift
  if ! mmdebstrap "$@" 2>&1 | tee "$logf" >&2; then
    local missing
    missing=$(sed -n "s/.*Version '\([^']*\)' for '\([^']*\)' was not found.*/\2 \1/p" "$logf" | sort -u)
    if [ -n "$missing" ]; then
      printf 'maintenance-os: the mirror %s no longer has these locked versions:\n' "$mirror" >&2
      printf '  %s\n' "$missing" | sed 's/^  \([^ ]*\) /  \1 = /' >&2
      die "run 'maintenance-os/build.sh lock' to refresh debian/trixie-amd64.lock, then review and commit it."
    fi
    die "mmdebstrap failed (log: $logf)."
  fi
}

if [ "$cmd" = lock ]; then
  work=$(mktemp -d /tmp/plinth-mos-lock.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  log "resolving the newest versions of $(echo "$packages" | tr ',' '\n' | wc -l) packages from $mirror $suite"
  run_mmdebstrap "$work/mmdebstrap.log" "${mm_opts[@]}" --include="$packages" --skip=essential/unlink \
    --customize-hook="\"$here/debian/lock-hook.sh\" \"\$1\" \"$work/new.lock\"" "${cache_out[@]}" \
    "$suite" /dev/null "$mirror"
  mv "$work/new.lock" "$lock"
  log "wrote $lock ($(($(wc -l < "$lock") - 1)) packages); review 'git diff' and commit it"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------------------------
[ -f "$lock" ] || die "no lock $lock: run 'maintenance-os/build.sh lock' first."
for t in grub-mkimage mkfs.vfat mmd mcopy strip; do
  command -v $t >/dev/null || die "$t is missing (.ci/packages lists the build's packages)."
done
isolinux_dir=/usr/lib/ISOLINUX syslinux_dir=/usr/lib/syslinux/modules/bios
for f in $isolinux_dir/isolinux.bin $isolinux_dir/isohdpfx.bin $syslinux_dir/ldlinux.c32; do
  [ -f "$f" ] || die "$f is missing (apt-get install isolinux syslinux-common)."
done
# shellcheck source=../scripts/find-jdk.sh
. "$repo/scripts/find-jdk.sh"
plinth_find_jdk || die "no JDK 21+ (the dispatcher's runtime is jlink'd from it)."
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || echo 0)}
version=${MOS_VERSION:-$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$here/pom.xml" | head -n1)}
revision=${MOS_REVISION:-$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)}
level=${MOS_ZSTD_LEVEL:-3}
t0=$SECONDS
log "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH version=$version zstd -$level JDK=$JAVA_HOME out=$out"

# 1. The Java parts: the dispatcher (jar + lib/) and the ISO writer (this module's classes and the
#    iso-builder). Built with Maven when they are missing; the ITs pass their own class path.
disp=${DISPATCHER_DIR:-$repo/dispatcher/$bd}
if [ ! -f "$disp/plinth-dispatcher.jar" ]; then
  log "building the dispatcher (./mvnw -pl dispatcher -am package)"
  (cd "$repo" && ./mvnw -B -q -pl dispatcher -am package -DskipTests -Dplinth.buildDir="$bd")
fi
[ -d "$disp/lib" ] || die "$disp/lib is missing: the dispatcher's package phase writes it."
if [ -z "${PLINTH_MOS_CLASSPATH:-}" ]; then
  isojar=$(ls "$repo"/iso-builder/"$bd"/plinth-iso-builder*.jar 2>/dev/null | grep -v -- -sources | head -n1 || true)
  if [ ! -d "$here/$bd/classes/dev" ] || [ -z "$isojar" ]; then
    log "building the ISO writer (./mvnw -pl maintenance-os -am package)"
    (cd "$repo" && ./mvnw -B -q -pl maintenance-os -am package -DskipTests -Dplinth.buildDir="$bd")
    isojar=$(ls "$repo"/iso-builder/"$bd"/plinth-iso-builder*.jar | grep -v -- -sources | head -n1)
  fi
  PLINTH_MOS_CLASSPATH=$here/$bd/classes:$isojar
fi

work=${out%/}.work
rm -rf "$work"
mkdir -p "$work" "$out"
[ "${KEEP_WORK:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
root=$work/rootfs

# 2. The root file system: exactly the locked versions (pkg=version for every locked package).
#    The .debs are kept (--skip=essential/unlink) so that the verify hook can check each one against
#    the lock's sha256; the cache is deleted afterwards.
pinned=$(awk -F'\t' 'NR > 1 {printf "%s%s=%s", (n++ ? "," : ""), $1, $2}' "$lock")
log "mmdebstrap $suite: $(($(wc -l < "$lock") - 1)) locked packages"
run_mmdebstrap "$work/mmdebstrap.log" "${mm_opts[@]}" --include="$pinned" --skip=essential/unlink \
  "${cache_in[@]}" --customize-hook="\"$here/debian/verify-hook.sh\" \"\$1\" \"$lock\"" "${cache_out[@]}" \
  "$suite" "$root" "$mirror"
log "root file system installed ($((SECONDS - t0)) s)"

# 3. Undo the build-time diversion, drop what a RAM-booted live system does not need.
rm -f "$root/usr/sbin/update-initramfs"
chroot "$root" dpkg-divert --quiet --local --rename --remove /usr/sbin/update-initramfs
cp "$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n1)" "$out/vmlinuz"
kver=$(basename "$(ls -d "$root"/usr/lib/modules/* | sort -V | tail -n1)")
rm -rf "$root"/boot/* "$root"/vmlinuz* "$root"/initrd.img* "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/*
find "$root/var/log" -type f -delete
rm -f "$root"/var/cache/ldconfig/aux-cache "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old \
  "$root"/etc/passwd- "$root"/etc/group- "$root"/etc/shadow- "$root"/etc/gshadow- \
  "$root"/etc/subuid- "$root"/etc/subgid- "$root"/var/lib/dbus/machine-id
rm -rf "$root"/tmp/* "$root"/var/tmp/*

# 4. The dispatcher and its Java runtime. The runtime is jlink'd from the JDK that built the
#    dispatcher, with the modules jdeps finds in the jar and its libraries, a default CDS archive
#    (faster JVM start under TCG; classes_nocoops.jsa is only for heaps over 32 GB) and a
#    stripped libjvm. /usr/bin/java links to it: the launcher runs `java`.
dl=$root/usr/lib/plinth-dispatcher
install -d "$dl/lib"
install -m 0644 "$disp/plinth-dispatcher.jar" "$dl/"
install -m 0644 "$disp"/lib/*.jar "$dl/lib/"
install -m 0755 "$repo/dispatcher/src/main/dist/plinth-dispatcher" "$root/usr/bin/plinth-dispatcher"
install -m 0644 "$repo/dispatcher/src/main/dist/plinth-dispatcher.service" "$root/usr/lib/systemd/system/"
mods=$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 21 \
  --class-path "$dl/lib/*" "$dl/plinth-dispatcher.jar" "$dl"/lib/*.jar)
mods="$mods,jdk.crypto.ec,jdk.zipfs"   # loaded through providers, which jdeps cannot see
mods=$(echo "$mods" | tr ',' '\n' | while read -r m; do
  [ -e "$JAVA_HOME/jmods/$m.jmod" ] || "$JAVA_HOME/bin/java" --list-modules 2>/dev/null | grep -q "^$m@" && echo "$m"
done | sort -u | paste -sd, -)
log "jlink $mods"
"$JAVA_HOME/bin/jlink" --add-modules "$mods" --strip-debug --no-man-pages --no-header-files \
  --generate-cds-archive --output "$dl/jre"
rm -f "$dl/jre/lib/server/classes_nocoops.jsa"
strip --strip-unneeded "$dl/jre/lib/server/libjvm.so"
ln -s ../lib/plinth-dispatcher/jre/bin/java "$root/usr/bin/java"

# 5. System configuration (files in src/main/mos/, copied over the root), then units.
cp -a --no-preserve=ownership "$here/src/main/mos/." "$root/"
if [ -n "${MOS_TOOL_SIGNING_KEY:-}" ]; then
  install -D -m 0644 "$MOS_TOOL_SIGNING_KEY" "$root/etc/plinth/tool-signing.pub"
fi
chmod 0755 "$root/init" "$root"/usr/lib/plinth-mos/*
echo plinth-mos > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tplinth-mos\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
ln -sfn ../run/systemd/resolve/stub-resolv.conf "$root/etc/resolv.conf"
: > "$root/etc/machine-id"   # empty: systemd makes a transient one at every boot
chroot "$root" systemctl enable --quiet systemd-networkd.service systemd-resolved.service \
  plinth-dispatcher.service plinth-mos-ready.service
chroot "$root" systemctl set-default --quiet multi-user.target
chroot "$root" systemctl mask --quiet systemd-firstboot.service serial-getty@ttyS0.service getty@tty1.service
rm -f "$root/var/cache/ldconfig/aux-cache"

# 6. Every mtime becomes SOURCE_DATE_EPOCH (after the last change to the tree).
find "$root" -print0 | xargs -0 touch -h -d "@$SOURCE_DATE_EPOCH"
log "root file system ready: $(du -sm "$root" | cut -f1) MiB, kernel $kver ($((SECONDS - t0)) s)"

# 7. The initrd is the whole root: newc cpio in byte-wise name order, inode numbers renumbered
#    (--reproducible), owners as installed; zstd (multi-threaded output is identical to -T1).
(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --reproducible --quiet) \
  | zstd -q -T0 -"$level" -o "$out/rootfs.cpio.zst" -f
log "rootfs.cpio.zst: $(du -m "$out/rootfs.cpio.zst" | cut -f1) MiB ($((SECONDS - t0)) s)"

# 8. The OCI image: the same root as one layer (plinth-maintenance-os-VERSION.tar).
"$here/src/main/scripts/oci-image.sh" "$root" "$out/plinth-maintenance-os-$version.tar" "$version" "$revision"
log "OCI image written ($((SECONDS - t0)) s)"

# 9. The ISO tree: ISOLINUX (BIOS), GRUB standalone in a FAT ESP image (UEFI), kernel, initrd.
iso=$work/iso
cmdline="console=ttyS0,115200 console=tty0 quiet"
mkdir -p "$iso/isolinux" "$iso/boot/grub" "$iso/EFI/BOOT"
cp "$isolinux_dir/isolinux.bin" "$syslinux_dir/ldlinux.c32" "$iso/isolinux/"
cp "$out/vmlinuz" "$iso/boot/vmlinuz"
cp "$out/rootfs.cpio.zst" "$iso/boot/initrd.img"
printf 'SERIAL 0 115200\nDEFAULT plinth\nPROMPT 0\nTIMEOUT 0\nLABEL plinth\n  KERNEL /boot/vmlinuz\n  INITRD /boot/initrd.img\n  APPEND %s\n' \
  "$cmdline" > "$iso/isolinux/isolinux.cfg"
cat > "$iso/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry "Plinth maintenance OS" {
  linux /boot/vmlinuz $cmdline
  initrd /boot/initrd.img
}
CFG
echo "Plinth maintenance OS $version ($revision)" > "$iso/boot/plinth-mos.id"
printf 'search --no-floppy --file --set=root /boot/plinth-mos.id\nset prefix=($root)/boot/grub\nconfigfile ($root)/boot/grub/grub.cfg\n' \
  > "$work/embed.cfg"
touch -d "@$SOURCE_DATE_EPOCH" "$work/embed.cfg"
# grub-mkimage, not grub-mkstandalone: the latter packs its modules in a memdisk tar dated by the
# clock (two builds differ); this image has the modules built in and the small config above
# embedded (-c), and is bit-identical from build to build. all_video/efi_gop: the kernel gets the
# firmware's frame buffer, so console=tty0 shows on a BMC's remote console.
grub-mkimage -O x86_64-efi -o "$iso/EFI/BOOT/BOOTX64.EFI" -p /boot/grub -c "$work/embed.cfg" \
  part_gpt part_msdos iso9660 fat search search_fs_file configfile linux normal serial terminal \
  echo all_video efi_gop
touch -d "@$SOURCE_DATE_EPOCH" "$iso/EFI/BOOT/BOOTX64.EFI"
truncate -s 4M "$iso/boot/efiboot.img"
mkfs.vfat --invariant -i 504c4e54 -n EFIBOOT "$iso/boot/efiboot.img" >/dev/null
mmd -i "$iso/boot/efiboot.img" ::/EFI ::/EFI/BOOT
mcopy -m -i "$iso/boot/efiboot.img" "$iso/EFI/BOOT/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
"$JAVA_HOME/bin/java" -cp "$PLINTH_MOS_CLASSPATH" dev.plinth.mos.MaintenanceIso build "$iso" "$out/maintenance.iso" \
  --isohdpfx "$isolinux_dir/isohdpfx.bin" --source-date-epoch "$SOURCE_DATE_EPOCH"
cp "$lock" "$out/packages.lock"
# What else went into the bytes: the host's boot loaders and tools (pin them to reproduce a build
# on another machine).
{
  echo "source-date-epoch $SOURCE_DATE_EPOCH"; echo "revision $revision"; echo "kernel $kver"
  echo "jdk $("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
  echo "jlink-modules $mods"; echo "zstd-level $level"
  dpkg-query -W -f '${Package} ${Version}\n' isolinux syslinux-common grub-efi-amd64-bin grub-common \
    mtools dosfstools cpio zstd mmdebstrap tar 2>/dev/null
} > "$out/BUILDINFO"
(cd "$out" && sha256sum maintenance.iso rootfs.cpio.zst vmlinuz "plinth-maintenance-os-$version.tar" packages.lock > SHA256SUMS)
log "done in $((SECONDS - t0)) s: $out/maintenance.iso $(du -m "$out/maintenance.iso" | cut -f1) MiB"
cat "$out/SHA256SUMS" >&2
}
main "$@"
exit $?
}
