#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Writes a root file system as a one-layer OCI image, in an OCI image layout packed as a tar
# (podman load / skopeo copy oci-archive:FILE). Deterministic: entries in byte-wise name order,
# every date SOURCE_DATE_EPOCH, numeric owners as in the tree, no atime/ctime, fixed PAX header
# names; the layer is zstd-compressed (the output does not depend on the thread count).
# Usage: oci-image.sh ROOT OUT.tar VERSION REVISION
set -euo pipefail
root=$1 out=$2 version=$3 revision=$4
: "${SOURCE_DATE_EPOCH:?}"
work=$(mktemp -d "${out%/*}/.oci.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar_opts=(--format=posix --pax-option='exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime'
  --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" --no-recursion --null)
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
mkdir -p "$work/layout/blobs/sha256"
blob() { # stores stdin-produced file $1 as a blob, prints "digest size"
  local d s
  d=$(sha256sum "$1" | cut -d' ' -f1); s=$(stat -c %s "$1")
  mv "$1" "$work/layout/blobs/sha256/$d"
  echo "$d $s"
}

(cd "$root" && find . -mindepth 1 -printf '%P\0' | LC_ALL=C sort -z) > "$work/files"
(cd "$root" && tar "${tar_opts[@]}" -T "$work/files" -cf -) \
  | tee >(sha256sum | cut -d' ' -f1 > "$work/diffid") | zstd -q -T0 -3 > "$work/layer"
sleep 0.1; while [ ! -s "$work/diffid" ]; do sleep 0.1; done
read -r ldig lsize < <(blob "$work/layer")
diffid=$(cat "$work/diffid")

labels=$(printf '"org.opencontainers.image.title":"Plinth maintenance OS","org.opencontainers.image.description":"Debian 13 live system that runs the Plinth dispatcher (podman, Quadlet)","org.opencontainers.image.version":"%s","org.opencontainers.image.revision":"%s","org.opencontainers.image.created":"%s","org.opencontainers.image.licenses":"AGPL-3.0-or-later","org.opencontainers.image.source":"https://github.com/plinth-dev/plinth","org.opencontainers.image.base.name":"debian:trixie"' \
  "$version" "$revision" "$created")
printf '{"architecture":"amd64","config":{"Cmd":["/usr/lib/systemd/systemd"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Labels":{%s},"StopSignal":"SIGRTMIN+3"},"created":"%s","history":[{"created":"%s","created_by":"maintenance-os/build.sh"}],"os":"linux","rootfs":{"diff_ids":["sha256:%s"],"type":"layers"}}' \
  "$labels" "$created" "$created" "$diffid" > "$work/config"
read -r cdig csize < <(blob "$work/config")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":"sha256:%s","size":%s}],"annotations":{%s}}' \
  "$cdig" "$csize" "$ldig" "$lsize" "$labels" > "$work/manifest"
read -r mdig msize < <(blob "$work/manifest")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
  "$mdig" "$msize" "$version" > "$work/layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$work/layout/oci-layout"
(cd "$work/layout" && find . -mindepth 1 -printf '%P\0' | LC_ALL=C sort -z > "$work/lfiles" &&
  tar "${tar_opts[@]}" --owner=0 --group=0 --mode=u+rw,go+r -T "$work/lfiles" -cf "$out.tmp")
mv "$out.tmp" "$out"
echo "OCI image $out: manifest sha256:$mdig, layer sha256:$ldig ($lsize bytes)" >&2
