#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Registry benchmark (issue 3): nginx, Debian's docker-registry and plinth side by side on the
# same 1 GiB blob, loopback: GET x1, 16 and 64 concurrent GETs, PUT of 1 GiB (with digest check),
# a streamed upload (PATCH with chunked transfer encoding, then PUT ?digest=), `openssl dgst
# -sha256` of the file and `openssl speed sha256` (16 KiB blocks) as the hashing limits. Prints a
# Markdown table (MiB/s, median of RUNS; each run measures every server in turn).
#
#   bench/registry/run.sh                 # uses controller/target/plinth.jar (./plinth builds it)
#   PLINTH_JAR=path/to/plinth.jar SIZE_MIB=1024 RUNS=3 bench/registry/run.sh
#   CONCURRENCY= RUNS=5 bench/registry/run.sh     # uploads only
#   PLINTH_JAVA_OPTS=-Dplinth.registry.uploadsOnDataPlane=false ...  # uploads through Helidon
#   WARMUP=0 ...   # no warm-up upload (by default one PUT to each registry first, reported apart)
#
# Also prints: each server's CPU seconds per PUT (user + system, from /proc: less sensitive to the
# machine's load than MiB/s), the data plane's phases of every PUT (body received, hash, background
# flush, fsync + commit), and dd of the blob to the same disk with and without conv=fdatasync (what
# the fsync before the 201 costs on this disk).
#
# Needs: nginx (nginx-light), docker-registry, curl, openssl, a JDK 25 (scripts/find-jdk.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$here/scripts/find-jdk.sh"
plinth_find_jdk
SIZE_MIB="${SIZE_MIB:-1024}"
RUNS="${RUNS:-3}"
CONCURRENCY="${CONCURRENCY-1 16 64}"   # PLINTH_REGISTRY_REDIRECT_ABOVE=1T measures the Helidon path
JAR="${PLINTH_JAR:-$here/controller/target/plinth.jar}"
W="$(mktemp -d -t plinth-bench.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
P_NGX=18480 P_REG=18481 P_PLI=18482 P_DP=18483

echo "preparing a ${SIZE_MIB} MiB random blob in $W ..." >&2
head -c "$((SIZE_MIB << 20))" /dev/urandom > "$W/blob"
DIGEST="sha256:$(openssl dgst -sha256 -r "$W/blob" | cut -d' ' -f1)"
BYTES=$(stat -c %s "$W/blob")

# --- nginx: GET from a root, PUT through WebDAV ---
mkdir -p "$W/nginx/www" "$W/nginx/dav" "$W/nginx/tmp"
ln "$W/blob" "$W/nginx/www/blob"
cat > "$W/nginx/nginx.conf" <<NGX
user root;
worker_processes 2;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on;
  client_body_temp_path $W/nginx/tmp;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:$P_NGX;
    location / { root $W/nginx/www; }
    location /dav/ { root $W/nginx; dav_methods PUT; create_full_put_path on; }
  }
}
NGX
nginx -c "$W/nginx/nginx.conf" -g 'daemon off;' & PIDS+=($!)
PID_NGX=$!

# --- docker-registry (CNCF distribution 2.8, filesystem driver) ---
cat > "$W/registry.yml" <<REG
version: 0.1
log: { level: error }
storage: { filesystem: { rootdirectory: $W/docker-registry }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$P_REG }
REG
docker-registry serve "$W/registry.yml" >"$W/docker-registry.log" 2>&1 & PIDS+=($!)
PID_REG=$!

# --- plinth serve ---
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmx256m -Dplinth.dataplane.uploadTimings=true ${PLINTH_JAVA_OPTS:-} -jar "$JAR" serve \
  --listen "127.0.0.1:$P_PLI" --data-plane-listen "127.0.0.1:$P_DP" --data "$W/plinth" \
  >"$W/plinth.log" 2>&1 & PIDS+=($!)
PID_PLI=$!

wait_up() { for _ in $(seq 600); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "not up: $1" >&2; exit 1; }
wait_up "http://127.0.0.1:$P_NGX/"; wait_up "http://127.0.0.1:$P_REG/v2/"; wait_up "http://127.0.0.1:$P_PLI/healthz"
TOKEN="$(cat "$W/plinth/admin.token")"
AUTH=(-u "bench:$TOKEN")

check_size() { # url [curl args...]: the whole blob must arrive
  local url=$1; shift
  local got; got=$(curl -s -L -o /dev/null -w '%{size_download}' "$@" "$url")
  [ "$got" = "$BYTES" ] || { echo "GET $url returned $got bytes, expected $BYTES" >&2; exit 1; }
}

now() { date +%s.%N; }
mibs() { # bytes t0 t1
  awk -v b="$1" -v t0="$2" -v t1="$3" 'BEGIN { printf "%.0f", b / (t1 - t0) / 1048576 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# PUT: one monolithic upload (POST for a session, PUT with ?digest=): the server hashes and checks.
reg_put() { # base-url [curl auth...]
  local base=$1; shift
  local loc; loc=$(curl -s -D - -o /dev/null -X POST "$@" "$base/v2/bench/blob/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
  case "$loc" in http*) ;; *) loc="$base$loc" ;; esac
  case "$loc" in *\?*) loc="$loc&digest=$DIGEST" ;; *) loc="$loc?digest=$DIGEST" ;; esac
  local t0; t0=$(now)
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/octet-stream' -T "$W/blob" "$@" "$loc")
  local t1; t1=$(now)
  [ "$code" = 201 ] || { echo "PUT to $base failed: $code" >&2; exit 1; }
  mibs "$BYTES" "$t0" "$t1"
}
# Streamed: PATCH with Transfer-Encoding: chunked (no length known), then PUT ?digest= with no body.
reg_stream() { # base-url [curl auth...]
  local base=$1; shift
  local loc; loc=$(curl -s -D - -o /dev/null -X POST "$@" "$base/v2/bench/stream/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
  case "$loc" in http*) ;; *) loc="$base$loc" ;; esac
  local t0; t0=$(now)
  local next; next=$(curl -s -D - -o /dev/null -X PATCH -H 'Content-Type: application/octet-stream' -H 'Transfer-Encoding: chunked' -T - "$@" "$loc" < "$W/blob" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
  case "$next" in http*) ;; *) next="$base$next" ;; esac
  case "$next" in *\?*) next="$next&digest=$DIGEST" ;; *) next="$next?digest=$DIGEST" ;; esac
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Length: 0' "$@" "$next")
  local t1; t1=$(now)
  [ "$code" = 201 ] || { echo "streamed upload to $base failed: $code" >&2; exit 1; }
  mibs "$BYTES" "$t0" "$t1"
}
# openssl speed sha256, 16 KiB blocks, 3 s: the hash's own rate on this CPU (MiB/s)
speed() { openssl speed -elapsed -seconds 3 -bytes 16384 sha256 2>/dev/null | awk '/^sha256/ { sub(/k$/, "", $2); printf "%.0f", $2 * 1000 / 1048576 }'; }
dav_put() {
  local t0; t0=$(now)
  curl -s -o /dev/null -T "$W/blob" "http://127.0.0.1:$P_NGX/dav/blob-$1"
  local t1; t1=$(now)
  mibs "$BYTES" "$t0" "$t1"
}
get_n() { # n url [curl args...] -> aggregate MiB/s
  local n=$1 url=$2; shift 2
  local t0; t0=$(now)
  local pids=()
  for _ in $(seq "$n"); do curl -s -L -o /dev/null "$@" "$url" & pids+=($!); done
  wait "${pids[@]}"
  local t1; t1=$(now)
  mibs "$((BYTES * n))" "$t0" "$t1"
}
sha() { local t0; t0=$(now); openssl dgst -sha256 "$W/blob" >/dev/null; local t1; t1=$(now); mibs "$BYTES" "$t0" "$t1"; }

TCK=$(getconf CLK_TCK)
ticks() { # pids... -> user + system clock ticks of them and their children threads
  local t=0 p
  for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
ngx_pids() { echo "$PID_NGX $(pgrep -P "$PID_NGX" | tr '\n' ' ')"; }
# measure KEY CPUKEY PIDS-FN CMD...: CMD's stdout goes to R[KEY], the servers' CPU seconds meanwhile
# to R[CPUKEY] (not in a subshell: R is this shell's)
measure() {
  local key=$1 ckey=$2 pids; pids=$($3); shift 3
  local a; a=$(ticks $pids)
  local out; out=$("$@")
  local b; b=$(ticks $pids)
  R[$ckey]+="$(awk -v d="$((b - a))" -v t="$TCK" 'BEGIN { printf "%.2f", d / t }') "
  R[$key]+="$out "
}
pli_pids() { echo "$PID_PLI"; }
reg_pids() { echo "$PID_REG"; }
dd_to_disk() { # [conv] -> MiB/s writing the blob to the bench's disk
  local t0; t0=$(now)
  dd if="$W/blob" of="$W/dd.out" bs=1M ${1:+conv=$1} status=none
  local t1; t1=$(now)
  rm -f "$W/dd.out"
  mibs "$BYTES" "$t0" "$t1"
}

declare -A R
if [ "${WARMUP:-1}" = 1 ]; then
  # the first PUT after start runs before the JIT has compiled the receive path: reported apart
  R[cold_pli]="$(reg_put "http://127.0.0.1:$P_PLI" "${AUTH[@]}")"
  R[cold_reg]="$(reg_put "http://127.0.0.1:$P_REG")"
fi
for i in $(seq "$RUNS"); do
  echo "run $i: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  measure put_ngx cpu_ngx ngx_pids dav_put "$i"
  measure put_reg cpu_reg reg_pids reg_put "http://127.0.0.1:$P_REG"
  measure put_pli cpu_pli pli_pids reg_put "http://127.0.0.1:$P_PLI" "${AUTH[@]}"
  R[sha]+="$(sha) "
  R[dd]+="$(dd_to_disk) "; R[dd_sync]+="$(dd_to_disk fdatasync) "
  R[str_reg]+="$(reg_stream "http://127.0.0.1:$P_REG") "
  R[str_pli]+="$(reg_stream "http://127.0.0.1:$P_PLI" "${AUTH[@]}") "; R[speed]+="$(speed) "
done
NGX_URL="http://127.0.0.1:$P_NGX/blob"
REG_URL="http://127.0.0.1:$P_REG/v2/bench/blob/blobs/$DIGEST"
PLI_URL="http://127.0.0.1:$P_PLI/v2/bench/blob/blobs/$DIGEST"
check_size "$NGX_URL"; check_size "$REG_URL"; check_size "$PLI_URL" "${AUTH[@]}"
[ "$(stat -c %s "$W/nginx/dav/blob-1")" = "$BYTES" ] || { echo "nginx WebDAV PUT failed" >&2; exit 1; }
for n in $CONCURRENCY; do
  for i in $(seq "$RUNS"); do
    R[get${n}_ngx]+="$(get_n "$n" "$NGX_URL") "
    R[get${n}_reg]+="$(get_n "$n" "$REG_URL") "
    R[get${n}_pli]+="$(get_n "$n" "$PLI_URL" "${AUTH[@]}") "
  done
done
pick() { tr ' ' '\n' <<<"${R[$1]}" | grep . | median; }
echo >&2; for k in "${!R[@]}"; do echo "$k: ${R[$k]}" >&2; done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "| ${SIZE_MIB} MiB blob, loopback, MiB/s (median of $RUNS) | nginx | docker-registry | plinth | plinth / nginx | plinth / docker-registry |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for n in $CONCURRENCY; do
  a=$(pick "get${n}_ngx"); b=$(pick "get${n}_reg"); c=$(pick "get${n}_pli")
  echo "| GET, $n concurrent (aggregate) | $a | $b | $c | $(ratio "$c" "$a") | $(ratio "$c" "$b") |"
done
a=$(pick put_ngx); b=$(pick put_reg); c=$(pick put_pli)
echo "| PUT with digest check (nginx: WebDAV PUT, no hash) | $a | $b | $c | $(ratio "$c" "$a") | $(ratio "$c" "$b") |"
a=$(pick str_reg); c=$(pick str_pli)
echo "| streamed upload (chunked PATCH, then PUT ?digest=) | | $a | $c | | $(ratio "$c" "$a") |"
echo "| \`openssl dgst -sha256\` of the file (hash limit) | $(pick sha) | | | | |"
sp=$(pick speed)
echo "| \`openssl speed sha256\` (16 KiB blocks) | $sp | | | | |"
echo
echo "plinth PUT / openssl speed sha256: $(ratio "$(pick put_pli)" "$sp") (target >= 0.9); plinth streamed / openssl speed: $(ratio "$(pick str_pli)" "$sp")"
echo "plinth PUT / docker-registry PUT: $(ratio "$(pick put_pli)" "$(pick put_reg)") (target >= 2)"
echo "dd of the blob to this disk: $(pick dd) MiB/s without, $(pick dd_sync) MiB/s with conv=fdatasync"
echo "server CPU seconds per ${SIZE_MIB} MiB PUT (median): nginx $(pick cpu_ngx), docker-registry $(pick cpu_reg), plinth $(pick cpu_pli)"
if [ -n "${R[cold_pli]:-}" ]; then
  echo "warm-up (first) PUT, MiB/s: plinth ${R[cold_pli]}, docker-registry ${R[cold_reg]}"
fi
echo "plinth data-plane upload phases (every PUT and PATCH, warm-up first):"
grep -o 'upload timings: .*' "$W/plinth.log" | sed 's/["}].*//; s/^/  /' || true
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
