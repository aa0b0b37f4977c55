#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# The maintenance OS (Debian 13) pulls step images with trixie's podman 5.4.2 (the version in
# maintenance-os/debian/trixie-amd64.lock). Debian bookworm's podman 4.3.1, like its skopeo, is
# built with sigstore disabled ("Debian-local change: sigstore disabled"): it refuses every image
# under a sigstoreSigned policy, signed or not, so it cannot show what the maintenance OS does.
# This fetches trixie's podman and the libraries bookworm lacks with apt-get (a private apt state:
# the system's sources and packages stay untouched), unpacks them under DIR, and writes
# DIR/bin/podman: a copy of the binary whose ELF interpreter and RPATH point at trixie's loader and
# libraries (patchelf). A loader wrapper (ld-linux.so podman ...) is not enough here: containers/
# storage re-executes /proc/self/exe to unpack layers, which would then be the loader.
# podman wants its network helper to exist even for a pull, so trixie's netavark is unpacked as
# well (DIR/containers.conf names its directory; a pull never runs it).
# Prints DIR/bin/podman. Needs patchelf (.ci/packages). Used by ci's ToolImagePolicyIT.
set -euo pipefail
dir=${1:?usage: trixie-podman.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ -x "$dir/bin/podman" ] && "$dir/bin/podman" --version >/dev/null 2>&1; then
  echo "$dir/bin/podman"
  exit 0
fi
command -v patchelf >/dev/null || { echo "trixie-podman.sh: patchelf is not installed (apt-get install patchelf)" >&2; exit 1; }
apt="$dir/apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir/debs" "$dir/root" "$dir/bin"
echo "deb http://deb.debian.org/debian trixie main" >"$apt/sources.list"
opts=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "APT::Get::List-Cleanup=0"
  -o "APT::Sandbox::User=root")
apt-get -q "${opts[@]}" update >&2
(cd "$dir/debs" && apt-get -q "${opts[@]}" download \
  podman netavark libc6 libgpgme11t64 libassuan9 libgpg-error0 libsqlite3-0 libseccomp2 libsubid5 >&2)
for d in "$dir"/debs/*.deb; do dpkg-deb -x "$d" "$dir/root"; done
lib="$dir/root/usr/lib/x86_64-linux-gnu"
cp "$dir/root/usr/bin/podman" "$dir/bin/podman.tmp"
# RPATH (not RUNPATH): it also applies to the libraries' own dependencies (gpgme -> assuan).
# The host's library directories come last, for what trixie's libsubid5 needs beyond the list.
patchelf --set-interpreter "$lib/ld-linux-x86-64.so.2" --force-rpath \
  --set-rpath "$lib:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu" "$dir/bin/podman.tmp"
printf '[engine]\nhelper_binaries_dir = ["%s"]\n' "$dir/root/usr/lib/podman" >"$dir/containers.conf"
mv "$dir/bin/podman.tmp" "$dir/bin/podman"
"$dir/bin/podman" --version >&2
echo "$dir/bin/podman"
