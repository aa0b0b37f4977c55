# SPDX-License-Identifier: AGPL-3.0-or-later
# shellcheck shell=bash
#
# Shared library of the Plinth tool wrappers (docs/tools.md). Sourced by every
# /usr/local/bin/plinth-<tool> after `set -eu`. Provides:
#   plinth_init NAME "$@"      parse --dry-run / PLINTH_DRY_RUN, set PLINTH_TOOL; leaves PLINTH_ARGS
#   plinth_log / plinth_die CODE MSG / plinth_usage MSG
#   run CMD...                 print "+ CMD" and run it unless dry-run (for commands that change things)
#   run_quiet CMD...           the same, the command's stdout discarded
#   plinth_target_disk         the checked PLINTH_TARGET_DISK (exit 3 when unset, missing or removable)
#   plinth_check_on_target DEV refuse (exit 3) a device that is not the target disk or one of its partitions
#   plinth_part LABEL          /dev/... of the target disk's partition with that GPT label (exit 3 when absent)
#   plinth_fetch REF OUTVAR... resolve REF in the registry (manifest -> single payload layer)
#   plinth_stream_verified ... stream the payload (resume, retries), verify blob and payload digests
#   plinth_mount DEV DIR [opts] mount, remembered for unmounting at exit
# Exit codes: 0 done, 1 failed, 2 usage, 3 refused target, 4 digest mismatch, 5 fetch failed, 6 unsupported.

shopt -s inherit_errexit
PLINTH_DRY_RUN=${PLINTH_DRY_RUN:-0}
PLINTH_TOOL=${PLINTH_TOOL:-plinth}
PLINTH_MIB=1048576
_plinth_cleanups=()
_plinth_tmp=""

plinth_log() { printf '%s: %s\n' "$PLINTH_TOOL" "$*" >&2; }

# plinth_die CODE MESSAGE: the last line of a failure says what, where, and what to do.
plinth_die() {
  local code=$1
  shift
  printf '%s: error: %s\n' "$PLINTH_TOOL" "$*" >&2
  exit "$code"
}

plinth_usage() { plinth_die 2 "$* (usage: $PLINTH_USAGE)"; }

plinth_dry() { [ "$PLINTH_DRY_RUN" = 1 ]; }

# run CMD...: a command that changes something. Printed as "+ CMD"; skipped in dry-run.
run() {
  printf '+ %s\n' "$*"
  if plinth_dry; then return 0; fi
  "$@"
}

# run_quiet CMD...: like run, but the command's own stdout is discarded; the "+ CMD" line is kept
# (a "run CMD >/dev/null" would hide it, from --dry-run too).
run_quiet() {
  printf '+ %s\n' "$*"
  if plinth_dry; then return 0; fi
  "$@" >/dev/null
}

# plinth_init NAME "$@": strips --dry-run from the arguments into PLINTH_ARGS (array).
plinth_init() {
  PLINTH_TOOL=plinth-$1
  shift
  PLINTH_ARGS=()
  local a
  for a in "$@"; do
    if [ "$a" = "--dry-run" ]; then PLINTH_DRY_RUN=1; else PLINTH_ARGS+=("$a"); fi
  done
  [ "$PLINTH_DRY_RUN" = 1 ] || PLINTH_DRY_RUN=0
  _plinth_tmp=$(mktemp -d "${TMPDIR:-/tmp}/plinth.XXXXXX")
  trap _plinth_exit EXIT
  trap 'exit 130' INT TERM
  if [ -n "${PLINTH_JOB_ID:-}${PLINTH_STEP:-}" ]; then
    plinth_log "job ${PLINTH_JOB_ID:-?} step ${PLINTH_STEP:-?}"
  fi
}

# plinth_at_exit CMD...: run at exit (reverse order), e.g. unmount.
plinth_at_exit() { _plinth_cleanups+=("$(printf '%q ' "$@")"); }

_plinth_exit() {
  local rc=$? i
  for ((i = ${#_plinth_cleanups[@]} - 1; i >= 0; i--)); do
    eval "${_plinth_cleanups[$i]}" >/dev/null 2>&1 || true
  done
  [ -z "$_plinth_tmp" ] || rm -rf "$_plinth_tmp"
  return $rc
}

# plinth_tmpdir: the private scratch directory plinth_init made (removed at exit).
plinth_tmpdir() { printf '%s\n' "$_plinth_tmp"; }

# plinth_need_value OPTION VALUE: an option's value is present.
plinth_need_value() { [ "$#" -ge 2 ] && [ -n "$2" ] || plinth_usage "$1 needs a value"; }

plinth_progress() { printf 'plinth-progress: %s/%s %s\n' "$1" "$2" "$3" >&2; }

# ---------------------------------------------------------------- disks

# plinth_devname DEV -> kernel name (loop0p1) of a block device node.
plinth_devname() {
  local dev
  dev=$(readlink -f "$1")
  [ -b "$dev" ] || return 1
  local mm
  mm=$(printf '%d:%d' "0x$(stat -c %t "$dev")" "0x$(stat -c %T "$dev")")
  local d
  d=$(readlink -f "/sys/dev/block/$mm") || return 1
  basename "$d"
}

# plinth_whole_disk NAME -> the whole disk's kernel name for a disk or partition name.
plinth_whole_disk() {
  if [ -e "/sys/class/block/$1/partition" ]; then
    basename "$(dirname "$(readlink -f "/sys/class/block/$1")")"
  else
    printf '%s\n' "$1"
  fi
}

# plinth_target_disk: checks PLINTH_TARGET_DISK and prints its path.
plinth_target_disk() {
  local disk=${PLINTH_TARGET_DISK:-}
  [ -n "$disk" ] || plinth_die 3 "PLINTH_TARGET_DISK is not set: this step needs the target disk (devices: [target-disk] in the step)"
  [ -b "$disk" ] || plinth_die 3 "target disk $disk is not a block device here: check that the dispatcher exposed it to the container"
  local name
  name=$(plinth_devname "$disk") || plinth_die 3 "target disk $disk: not found in /sys/dev/block"
  [ ! -e "/sys/class/block/$name/partition" ] || plinth_die 3 "target disk $disk is a partition, not a whole disk"
  if [ "$(cat "/sys/class/block/$name/removable" 2>/dev/null || echo 0)" = 1 ]; then
    plinth_die 3 "target disk $disk is removable: Plinth never writes to removable disks; choose a fixed disk in disk.match"
  fi
  printf '%s\n' "$disk"
}

# plinth_check_on_target DEV: refuse a device that is not the target disk or one of its partitions.
plinth_check_on_target() {
  local target tname dname
  target=$(plinth_target_disk)
  tname=$(plinth_devname "$target")
  dname=$(plinth_devname "$1") || plinth_die 3 "$1 is not a block device: refusing to write it"
  [ "$(plinth_whole_disk "$dname")" = "$tname" ] ||
    plinth_die 3 "$1 is not on the target disk $target: refusing to touch it"
}

# plinth_check_unused DISK: refuse (exit 3) a disk that has a mounted filesystem or active swap
# on it or on one of its partitions here (the maintenance OS's own medium, or a disk in use).
plinth_check_unused() {
  local name mm dev
  name=$(plinth_devname "$1") || plinth_die 3 "$1 is not a block device"
  for dev in "/sys/class/block/$name" "/sys/class/block/$name"/*/partition; do
    dev=${dev%/partition}
    [ -r "$dev/dev" ] || continue
    mm=$(cat "$dev/dev")
    if awk -v mm="$mm" '$3 == mm { found = 1 } END { exit !found }' /proc/self/mountinfo ||
      grep -q "^/dev/$(basename "$dev")[[:space:]]" /proc/swaps 2>/dev/null; then
      plinth_die 3 "$1 is in use here (/dev/$(basename "$dev") is mounted or active swap): refusing to write it; is it the maintenance OS's own disk?"
    fi
  done
}

# plinth_disk_partitions DISK -> "/dev/NAME" of each partition, in partition-number order.
plinth_disk_partitions() {
  local name p
  name=$(plinth_devname "$1")
  for p in "/sys/class/block/$name"/*/partition; do
    [ -e "$p" ] || continue
    printf '%s %s\n' "$(cat "$p")" "$(basename "$(dirname "$p")")"
  done | sort -n | while read -r _ n; do printf '/dev/%s\n' "$n"; done
}

# plinth_part_node NAME: make sure /dev/NAME exists (no udev: create the node from sysfs).
plinth_part_node() {
  local name=$1
  if [ ! -b "/dev/$name" ] && [ -r "/sys/class/block/$name/dev" ]; then
    local mm
    mm=$(cat "/sys/class/block/$name/dev")
    mknod "/dev/$name" b "${mm%%:*}" "${mm##*:}" 2>/dev/null || true
  fi
  [ -b "/dev/$name" ]
}

# plinth_part LABEL: the target disk's partition with this GPT partition name.
plinth_part() {
  local label=$1 target found="" part name
  target=$(plinth_target_disk)
  if [ -L "/dev/disk/by-partlabel/$label" ]; then
    part=$(readlink -f "/dev/disk/by-partlabel/$label")
    if name=$(plinth_devname "$part") && [ "$(plinth_whole_disk "$name")" = "$(plinth_devname "$target")" ]; then
      printf '%s\n' "$part"
      return 0
    fi
  fi
  while read -r part; do
    [ -n "$part" ] || continue
    plinth_part_node "$(basename "$part")" || continue
    if [ "$(blkid -p -o value -s PART_ENTRY_NAME "$part" 2>/dev/null || true)" = "$label" ]; then
      [ -z "$found" ] || plinth_die 3 "two partitions on $target are labelled '$label' ($found, $part): relabel one"
      found=$part
    fi
  done <<<"$(plinth_disk_partitions "$target")"
  [ -n "$found" ] || plinth_die 3 "no partition labelled '$label' on the target disk $target: create it in an earlier partition step (partitions[].label)"
  printf '%s\n' "$found"
}

# plinth_reread DISK: make the kernel see a new partition table and wait for the nodes.
plinth_reread() {
  local disk=$1 want=${2:-0} i name n
  run partx -u "$disk" || run blockdev --rereadpt "$disk" || true
  plinth_dry && return 0
  name=$(plinth_devname "$disk")
  for ((i = 0; i < 100; i++)); do
    n=0
    for p in "/sys/class/block/$name"/*/partition; do
      [ -e "$p" ] || continue
      plinth_part_node "$(basename "$(dirname "$p")")" && n=$((n + 1))
    done
    [ "$n" -ge "$want" ] && return 0
    sleep 0.1
  done
  plinth_die 1 "the kernel shows $n of $want partitions on $disk after re-reading its table: is the disk in use (mounted, swap, LVM)?"
}

plinth_size() { blockdev --getsize64 "$1"; }

# plinth_mount DEV DIR [mount options...]: mount and unmount at exit.
plinth_mount() {
  local dev=$1 dir=$2
  shift 2
  mkdir -p "$dir"
  run mount "$@" "$dev" "$dir" || plinth_die 1 "cannot mount $dev on $dir: does it hold a filesystem? (partition step filesystem)"
  # never removed recursively: if the unmount fails, rmdir fails too and the files stay
  plinth_dry || plinth_at_exit _plinth_umount "$dir"
}

_plinth_umount() {
  sync -f "$1" 2>/dev/null || true
  umount "$1" || umount -l "$1" || return 0
  rmdir "$1" 2>/dev/null || true
}

# plinth_fat_put DEV DIR: copy DIR's tree into the FAT filesystem on DEV with mtools (no mount:
# works where the kernel has no vfat, and never leaves a mounted ESP behind). Overwrites files.
plinth_fat_put() {
  local dev=$1 dir=$2 f
  export MTOOLS_SKIP_CHECK=1
  while IFS= read -r -d '' f; do
    f=${f#"$dir"/}
    if [ -d "$dir/$f" ]; then
      if ! MTOOLS_SKIP_CHECK=1 mdir -i "$dev" "::$f" >/dev/null 2>&1; then run mmd -i "$dev" "::$f"; fi
    else
      run mcopy -o -i "$dev" "$dir/$f" "::$f"
    fi
  done < <(find "$dir" -mindepth 1 -print0 | sort -z)
}

plinth_fs_uuid() { blkid -p -o value -s UUID "$1" 2>/dev/null || true; }

# ---------------------------------------------------------------- registry

# PLINTH_FETCH_RETRIES (default 5) attempts per blob; PLINTH_RETRY_DELAY seconds between (doubling, max 30).
_plinth_auth=""    # curl -H value once known
_plinth_basic=""   # user:pass from REGISTRY_AUTH_FILE

_plinth_registry_base() {
  [ -n "${PLINTH_REGISTRY:-}" ] || plinth_die 5 "PLINTH_REGISTRY is not set: the dispatcher gives the registry host:port"
  printf '%s://%s' "${PLINTH_REGISTRY_SCHEME:-https}" "$PLINTH_REGISTRY"
}

_plinth_curl_common() {
  _plinth_curl_opts=(-sS --connect-timeout 20 --speed-limit 1 --speed-time 60)
  if [ -n "${PLINTH_CA_FILE:-}" ]; then _plinth_curl_opts+=(--cacert "$PLINTH_CA_FILE"); fi
  if [ -z "$_plinth_basic" ] && [ -n "${REGISTRY_AUTH_FILE:-}" ] && [ -r "$REGISTRY_AUTH_FILE" ]; then
    local a
    a=$(jq -r --arg h "$PLINTH_REGISTRY" '.auths[$h].auth // empty' "$REGISTRY_AUTH_FILE")
    if [ -n "$a" ]; then _plinth_basic=$(printf '%s' "$a" | base64 -d); fi
  fi
  if [ -z "$_plinth_auth" ] && [ -n "$_plinth_basic" ]; then
    _plinth_auth="Authorization: Basic $(printf '%s' "$_plinth_basic" | base64 -w0)"
  fi
}

# _plinth_bearer HEADERS_FILE: exchange the credentials for a token at the realm the 401 named.
_plinth_bearer() {
  local h realm service scope url tok
  h=$(tr -d '\r' <"$1" | grep -i '^www-authenticate: *bearer' | head -n1) || return 1
  realm=$(printf '%s' "$h" | sed -n 's/.*realm="\([^"]*\)".*/\1/p')
  service=$(printf '%s' "$h" | sed -n 's/.*service="\([^"]*\)".*/\1/p')
  scope=$(printf '%s' "$h" | sed -n 's/.*scope="\([^"]*\)".*/\1/p')
  [ -n "$realm" ] || return 1
  url="$realm?service=$(jq -rn --arg v "$service" '$v|@uri')&scope=$(jq -rn --arg v "$scope" '$v|@uri')"
  local opts=("${_plinth_curl_opts[@]}")
  if [ -n "$_plinth_basic" ]; then opts+=(-u "$_plinth_basic"); fi
  tok=$(curl "${opts[@]}" --fail "$url" | jq -r '.token // .access_token // empty') || return 1
  [ -n "$tok" ] || return 1
  _plinth_auth="Authorization: Bearer $tok"
}

# _plinth_get URL OUT [ACCEPT]: GET with auth (Basic, then Bearer on 401). Sets _plinth_code.
_plinth_get() {
  local url=$1 out=$2 accept=${3:-} tmp code
  tmp=$(plinth_tmpdir)
  local opts=("${_plinth_curl_opts[@]}" -L -D "$tmp/headers" -o "$out" -w '%{http_code}')
  if [ -n "$accept" ]; then opts+=(-H "Accept: $accept"); fi
  local ah=()
  if [ -n "$_plinth_auth" ]; then ah=(-H "$_plinth_auth"); fi
  code=$(curl "${opts[@]}" "${ah[@]}" "$url") || code=000
  if [ "$code" = 401 ] && _plinth_bearer "$tmp/headers"; then
    code=$(curl "${opts[@]}" -H "$_plinth_auth" "$url") || code=000
  fi
  _plinth_code=$code
}

plinth_arch() {
  case "$(uname -m)" in
    x86_64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) uname -m ;;
  esac
}

# plinth_fetch REF: resolves REF (repo:tag, repo@sha256:..., repo:tag@sha256:...) to its payload layer.
# Sets PLINTH_BLOB_DIGEST, PLINTH_BLOB_SIZE, PLINTH_BLOB_TYPE, PLINTH_BLOB_TITLE, PLINTH_BLOB_URL.
plinth_fetch() {
  local ref=$1 repo reference base tmp code m mt digest
  case "$ref" in
    *@sha256:*) repo=${ref%%@*}; reference=${ref#*@}; repo=${repo%%:*} ;;
    *:*) repo=${ref%:*}; reference=${ref##*:} ;;
    *) plinth_usage "--source $ref names no tag or digest (repository:tag or repository@sha256:...)" ;;
  esac
  base=$(_plinth_registry_base)
  _plinth_curl_common
  tmp=$(plinth_tmpdir)
  local accept="application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json"
  m=$tmp/manifest.json
  local i
  for ((i = 0; i < 3; i++)); do
    _plinth_get "$base/v2/$repo/manifests/$reference" "$m" "$accept"
    code=$_plinth_code
    case "$code" in
      200) break ;;
      401 | 403) plinth_die 5 "registry $PLINTH_REGISTRY refused $ref (HTTP $code): check the job's registry credentials (REGISTRY_AUTH_FILE)" ;;
      404) plinth_die 5 "registry $PLINTH_REGISTRY has no manifest $ref (HTTP 404): push it or fix --source" ;;
    esac
    sleep "${PLINTH_RETRY_DELAY:-2}"
  done
  [ "$code" = 200 ] || plinth_die 5 "registry $PLINTH_REGISTRY: manifest $ref failed (HTTP $code) after 3 tries: check the registry is reachable from the machine"
  case "$reference" in
    sha256:*)
      [ "sha256:$(sha256sum <"$m" | cut -d' ' -f1)" = "$reference" ] ||
        plinth_die 4 "manifest $ref does not match its digest: the registry served other bytes; nothing was written"
      ;;
  esac
  mt=$(jq -r '.mediaType // empty' "$m")
  if [ "$mt" = application/vnd.oci.image.index.v1+json ] || [ "$mt" = application/vnd.docker.distribution.manifest.list.v2+json ] || jq -e '.manifests' "$m" >/dev/null 2>&1; then
    digest=$(jq -r --arg a "$(plinth_arch)" '([.manifests[] | select(.platform.os == "linux" and .platform.architecture == $a)] + .manifests)[0].digest' "$m")
    _plinth_get "$base/v2/$repo/manifests/$digest" "$m" "$accept"
    code=$_plinth_code
    [ "$code" = 200 ] || plinth_die 5 "registry $PLINTH_REGISTRY: manifest $repo@$digest (from the index $ref) failed (HTTP $code)"
    [ "sha256:$(sha256sum <"$m" | cut -d' ' -f1)" = "$digest" ] ||
      plinth_die 4 "manifest $repo@$digest does not match its digest: nothing was written"
  fi
  local n layer
  n=$(jq '.layers | length' "$m")
  if [ "$n" = 1 ]; then
    layer=$(jq -c '.layers[0]' "$m")
  else
    layer=$(jq -c '[.layers[] | select(.annotations["org.opencontainers.image.title"] != null)] | if length == 1 then .[0] else empty end' "$m")
    [ -n "$layer" ] || plinth_die 5 "$ref has $n layers and not exactly one titled (org.opencontainers.image.title): push the payload as a single-layer artifact"
  fi
  PLINTH_BLOB_DIGEST=$(jq -r '.digest' <<<"$layer")
  PLINTH_BLOB_SIZE=$(jq -r '.size' <<<"$layer")
  PLINTH_BLOB_TYPE=$(jq -r '.mediaType' <<<"$layer")
  PLINTH_BLOB_TITLE=$(jq -r '.annotations["org.opencontainers.image.title"] // ""' <<<"$layer")
  PLINTH_BLOB_URL="$base/v2/$repo/blobs/$PLINTH_BLOB_DIGEST"
  case "$PLINTH_BLOB_DIGEST" in
    sha256:????????????????????????????????????????????????????????????????) ;;
    *) plinth_die 5 "$ref: layer digest '$PLINTH_BLOB_DIGEST' is not sha256" ;;
  esac
  plinth_log "source $ref: blob $PLINTH_BLOB_DIGEST ($PLINTH_BLOB_SIZE bytes, $PLINTH_BLOB_TYPE)"
}

# plinth_blob_stream URL SIZE: the blob's bytes on stdout. A dropped connection is resumed
# with a Range request (curl -C: refuses a server that ignores Range) up to PLINTH_FETCH_RETRIES times.
# Writes "ok" or the failure to $(plinth_tmpdir)/fetch.status.
plinth_blob_stream() {
  local url=$1 size=$2 got=0 tries=0 delay=${PLINTH_RETRY_DELAY:-2} st out rc
  local max=${PLINTH_FETCH_RETRIES:-5} status
  status=$(plinth_tmpdir)/fetch.status
  _plinth_curl_common
  local ah=()
  if [ -n "$_plinth_auth" ]; then ah=(-H "$_plinth_auth"); fi
  while :; do
    local opts=("${_plinth_curl_opts[@]}" -L --fail -o /dev/fd/3 -w '%{http_code} %{size_download}')
    if [ "$got" -gt 0 ]; then opts+=(-C "$got"); fi
    rc=0
    { out=$(curl "${opts[@]}" "${ah[@]}" "$url"); } 3>&1 || rc=$?
    st=${out%% *}
    got=$((got + ${out##* }))
    if [ "$rc" = 0 ] && [ "$got" -ge "$size" ]; then
      echo ok >"$status"
      return 0
    fi
    if [ "$rc" = 23 ]; then # the reader stopped (consumer failed): not a fetch problem
      echo "reader stopped" >"$status"
      return 1
    fi
    tries=$((tries + 1))
    printf '%s: fetch interrupted at %s/%s bytes (curl exit %s, HTTP %s); try %s of %s\n' \
      "$PLINTH_TOOL" "$got" "$size" "$rc" "$st" "$tries" "$max" >&2
    if [ "$tries" -ge "$max" ] || [ "$rc" = 33 ] || [ "$st" = 404 ] || [ "$st" = 401 ] || [ "$st" = 403 ]; then
      echo "fetch failed at $got/$size bytes (curl exit $rc, HTTP $st)" >"$status"
      return 1
    fi
    sleep "$delay"
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}

# _plinth_hash_tee FILE: stdin to stdout, sha256 of the bytes into FILE.
_plinth_hash_tee() {
  local fifo pid
  fifo=$(mktemp -u "$(plinth_tmpdir)/fifo.XXXXXX")
  mkfifo "$fifo"
  sha256sum <"$fifo" | cut -d' ' -f1 >"$1" &
  pid=$!
  tee "$fifo" || { wait "$pid" || true; return 1; }
  wait "$pid"
}

# _plinth_count WHAT TOTAL: stdin to stdout, a progress line at most every 2 s.
_plinth_count() {
  local what=$1 total=$2
  dd bs=1M iflag=fullblock status=progress 2> >(tr '\r' '\n' | awk -v t="$total" -v w="$what" '
      /bytes/ { s = systime(); if (s - last >= 2) { printf "plinth-progress: %s/%s %s\n", $1, t, w > "/dev/stderr"; last = s } }
      ')
}

_plinth_decompress() {
  case "$1" in
    none) cat ;;
    gzip) gzip -dc ;;
    zstd) zstd -dc -q ;;
    xz) xz -dc ;;
    *) return 2 ;;
  esac
}

# plinth_stream_verified COMPRESSION DIGEST WHAT CONSUMER...: fetches the blob of the last plinth_fetch,
# decompresses it and pipes it into CONSUMER, verifying the blob digest and, when DIGEST is not empty,
# the decompressed payload's sha256 while streaming. Returns 0 when everything matched and the
# consumer succeeded; otherwise returns 4 (digest mismatch), 5 (fetch failed), or the code the consumer
# wrote to $(plinth_tmpdir)/consumer.code (else 1), with the message in PLINTH_FAIL_MSG. The caller
# makes the result visible only after 0, cleans up otherwise, then plinth_die "$rc" "$PLINTH_FAIL_MSG".
plinth_stream_verified() {
  local comp=$1 want=$2 what=$3 tmp rc=0
  shift 3
  tmp=$(plinth_tmpdir)
  rm -f "$tmp/blob.sum" "$tmp/payload.sum" "$tmp/fetch.status" "$tmp/consumer.code" "$tmp/consumer.msg"
  PLINTH_FAIL_MSG=""
  set +e
  (
    set -o pipefail
    plinth_blob_stream "$PLINTH_BLOB_URL" "$PLINTH_BLOB_SIZE" |
      _plinth_count "$what" "$PLINTH_BLOB_SIZE" |
      _plinth_hash_tee "$tmp/blob.sum" |
      _plinth_decompress "$comp" |
      _plinth_hash_tee "$tmp/payload.sum" |
      "$@"
  )
  rc=$?
  set -e
  local fst blob payload
  fst=$(cat "$tmp/fetch.status" 2>/dev/null || echo "the fetch did not finish")
  blob=sha256:$(cat "$tmp/blob.sum" 2>/dev/null || true)
  payload=sha256:$(cat "$tmp/payload.sum" 2>/dev/null || true)
  if [ -e "$tmp/consumer.code" ]; then
    PLINTH_FAIL_MSG=$(cat "$tmp/consumer.msg" 2>/dev/null || echo "writing $what failed")
    return "$(cat "$tmp/consumer.code")"
  fi
  if [ "$fst" != ok ] && [ "$fst" != "reader stopped" ]; then
    PLINTH_FAIL_MSG="$fst for $PLINTH_BLOB_URL: retry the step when the registry $PLINTH_REGISTRY is reachable (nothing partial was made visible)"
    return 5
  fi
  if [ "$fst" = ok ] && [ "$blob" != "$PLINTH_BLOB_DIGEST" ]; then
    PLINTH_FAIL_MSG="blob digest mismatch for $what: got $blob, expected $PLINTH_BLOB_DIGEST; the partial data was discarded, re-push the artifact"
    return 4
  fi
  if [ "$rc" != 0 ]; then
    PLINTH_FAIL_MSG="writing $what failed (exit $rc; see the lines above): the data may be corrupt (--compression right?) or the target too small"
    return 1
  fi
  if [ -n "$want" ] && [ "$payload" != "$want" ]; then
    PLINTH_FAIL_MSG="content digest mismatch for $what: got $payload, expected $want (--digest); the partial data was discarded"
    return 4
  fi
  plinth_log "verified $what: blob $blob${want:+, content $payload}"
}

# plinth_consumer_fail CODE MESSAGE: inside a consumer, record why it stopped (see plinth_stream_verified).
plinth_consumer_fail() {
  local tmp
  tmp=$(plinth_tmpdir)
  printf '%s\n' "$2" >"$tmp/consumer.msg"
  printf '%s\n' "$1" >"$tmp/consumer.code"
  return "$1"
}

# plinth_dry_fetch REF COMPRESSION WHAT CONSUMER-DESCRIPTION: what a fetch would do, for --dry-run.
plinth_dry_fetch() {
  printf '+ curl -L -C <resume> %s/v2/%s/blobs/<layer of %s> | sha256 check | %s | %s\n' \
    "${PLINTH_REGISTRY_SCHEME:-https}://${PLINTH_REGISTRY:-REGISTRY}" "${1%%[:@]*}" "$1" \
    "$([ "$2" = none ] && echo cat || echo "$2 -dc")" "$4"
}
