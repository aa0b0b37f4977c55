#!/bin/bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Debian bookworm's skopeo 1.9.3 is built with sigstore disabled ("Debian-local change: sigstore
# disabled"), so it cannot check a sigstoreSigned policy. Trixie's skopeo 1.18 can (the maintenance
# OS is trixie, so this is also the verifier it runs). This fetches trixie's skopeo and the libraries
# it needs with apt-get (a private apt state: the system's sources and packages stay untouched),
# unpacks them under DIR and writes DIR/skopeo, a wrapper that runs it with trixie's own loader.
# Prints the wrapper's path. Used by ci's ImageSignatureIT and MaintenanceOsPolicyIT.
set -euo pipefail
dir=${1:?usage: trixie-skopeo.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ -x "$dir/skopeo" ] && "$dir/skopeo" --version >/dev/null 2>&1; then
  echo "$dir/skopeo"
  exit 0
fi
apt="$dir/apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir/debs" "$dir/root"
echo "deb http://deb.debian.org/debian trixie main" >"$apt/sources.list"
opts=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "APT::Get::List-Cleanup=0"
  -o "APT::Sandbox::User=root")
apt-get -q "${opts[@]}" update >&2
(cd "$dir/debs" && apt-get -q "${opts[@]}" download \
  skopeo libc6 libgpgme11t64 libassuan9 libgpg-error0 libsqlite3-0 >&2)
for d in "$dir"/debs/*.deb; do dpkg-deb -x "$d" "$dir/root"; done
cat >"$dir/skopeo.tmp" <<WRAP
#!/bin/sh
r="$dir/root"
exec "\$r/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --library-path "\$r/usr/lib/x86_64-linux-gnu" "\$r/usr/bin/skopeo" "\$@"
WRAP
chmod 0755 "$dir/skopeo.tmp"
mv "$dir/skopeo.tmp" "$dir/skopeo"
"$dir/skopeo" --version >&2
echo "$dir/skopeo"
