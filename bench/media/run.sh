#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Media benchmark (issue 18): N simulated BMCs read the maintenance ISO at once with 256 KiB Range
# GETs, one request at a time per connection, keep-alive (QEMU's curl block driver pattern), against
# the URL `plinth serve` hands BMCs (its data plane's /media/maintenance.iso: Netty, sendfile) and
# nginx 1.22 serving the same file (sendfile on, tcp_nopush on). Each run measures nginx, then
# plinth; prints every run and the medians. HELIDON=1 also measures the controller's own
# /media/maintenance.iso (Helidon, the path before media moved to the data plane) in each run.
#
#   PLINTH_JAR=controller/target/plinth.jar RUNS=3 bench/media/run.sh
#   SIZE_MIB=512 CONNECTIONS=1000 DURATION=20 RANGE=262144 HELIDON=1 WARMUP=20 ...
# PLINTH_JAR_B=other/plinth.jar also measures a second build's data plane in each run (A/B: both
# serve the same file; A and B take turns going first after nginx), with its ratio to A.
#
# Needs: nginx (nginx-light), curl, a JDK 25 (scripts/find-jdk.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$here/scripts/find-jdk.sh"
plinth_find_jdk
SIZE_MIB="${SIZE_MIB:-512}"
RUNS="${RUNS:-3}"
CONNECTIONS="${CONNECTIONS:-1000}"
SECONDS_="${DURATION:-20}"
RANGE="${RANGE:-262144}"
JAR="${PLINTH_JAR:-$here/controller/target/plinth.jar}"
W="$(mktemp -d -t plinth-media.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
P_NGX=18490 P_PLI=18492 P_DP=18493 P_PLI_B=18494 P_DP_B=18495
JAR_B="${PLINTH_JAR_B:-}"
ulimit -n 65536 2>/dev/null || true

echo "preparing a ${SIZE_MIB} MiB ISO stand-in in $W ..." >&2
mkdir -p "$W/www" "$W/plinth/media"
head -c "$((SIZE_MIB << 20))" /dev/urandom > "$W/www/maintenance.iso"
ln "$W/www/maintenance.iso" "$W/plinth/media/maintenance.iso"
BYTES=$(stat -c %s "$W/www/maintenance.iso")

cat > "$W/nginx.conf" <<NGX
user root;
worker_processes 2;
worker_rlimit_nofile 65536;
pid $W/nginx.pid;
error_log $W/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on; tcp_nopush on;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$P_NGX backlog=4096;
    location /media/ { alias $W/www/; }
  }
}
NGX
nginx -c "$W/nginx.conf" -g 'daemon off;' & PIDS+=($!)
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmx256m ${PLINTH_JAVA_OPTS:-} -jar "$JAR" serve \
  --listen "127.0.0.1:$P_PLI" --data-plane-listen "127.0.0.1:$P_DP" --data "$W/plinth" \
  >"$W/plinth.log" 2>&1 & PIDS+=($!)
if [ -n "$JAR_B" ]; then
  mkdir -p "$W/plinth-b/media"
  ln "$W/www/maintenance.iso" "$W/plinth-b/media/maintenance.iso"
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmx256m ${PLINTH_JAVA_OPTS_B:-${PLINTH_JAVA_OPTS:-}} -jar "$JAR_B" serve \
    --listen "127.0.0.1:$P_PLI_B" --data-plane-listen "127.0.0.1:$P_DP_B" --data "$W/plinth-b" \
    >"$W/plinth-b.log" 2>&1 & PIDS+=($!)
fi
wait_up() { for _ in $(seq 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; exit 1; }
wait_up "http://127.0.0.1:$P_NGX/"; wait_up "http://127.0.0.1:$P_PLI/healthz"
[ -z "$JAR_B" ] || wait_up "http://127.0.0.1:$P_PLI_B/healthz"
PLI_PATH="${PLINTH_MEDIA_PATH:-/media/maintenance.iso}"
HELIDON="${HELIDON:-0}"
# BMCs are handed the data plane's URL when plinth serves media there (plain HTTP, no public URL).
for _ in $(seq 100); do grep -q "media: BMCs read from the data plane" "$W/plinth.log" && break; sleep 0.2; done
grep -q "media: BMCs read from the data plane" "$W/plinth.log" || { echo "plinth does not serve media on its data plane" >&2; exit 1; }
URLS=("http://127.0.0.1:$P_NGX/media/maintenance.iso" "http://127.0.0.1:$P_DP$PLI_PATH" "http://127.0.0.1:$P_PLI$PLI_PATH")
if [ -n "$JAR_B" ]; then
  for _ in $(seq 100); do grep -q "media: BMCs read from the data plane" "$W/plinth-b.log" && break; sleep 0.2; done
  grep -q "media: BMCs read from the data plane" "$W/plinth-b.log" || { echo "plinth B does not serve media on its data plane" >&2; exit 1; }
  URLS+=("http://127.0.0.1:$P_DP_B$PLI_PATH")
fi
for u in "${URLS[@]}"; do
  got=$(curl -s -L -o /dev/null -w '%{http_code} %{size_download}' -H 'Range: bytes=0-262143' "$u")
  [ "$got" = "206 262144" ] || { echo "$u: $got, expected 206 262144" >&2; exit 1; }
done
"$JAVA_HOME/bin/javac" -d "$W/cls" "$here/bench/media/RangeBench.java"
# Each run also gives the server's CPU (utime + stime from /proc; nginx: its workers) per 1,000
# requests, which a loaded machine disturbs far less than MiB/s. The CPU is taken over the whole
# bench process (RangeBench's 3 s unmeasured ramp included), the requests as req/s x (s + 3).
TICK=$(getconf CLK_TCK)
pid_of() { case "$1" in "$P_NGX") pgrep -P "${PIDS[0]}" | tr '\n' ' ' ;; "$P_DP") echo "${PIDS[1]}" ;; "$P_DP_B") echo "${PIDS[2]}" ;; esac; }
ticks() { local t=0 p; for p in $1; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
bench() {
  local pids c0 out c1
  pids=$(pid_of "$1"); c0=$(ticks "$pids")
  out=$("$JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$W/cls" RangeBench 127.0.0.1 "$1" "$2" "$BYTES" "$CONNECTIONS" "$SECONDS_" "$RANGE")
  c1=$(ticks "$pids")
  awk -v o="$out" -v c="$((c1 - c0))" -v t="$TICK" -v s="$SECONDS_" 'BEGIN {
    match(o, /req\/s=[0-9.]+/); r = substr(o, RSTART + 6, RLENGTH - 6)
    printf "%s server_cpu_s=%.2f cpu_ms_per_1000_req=%.1f\n", o, c / t, (r > 0 ? 1000 * (c / t) * 1000 / (r * (s + 3)) : 0) }'
}
cpums() { sed 's/.*cpu_ms_per_1000_req=\([0-9.]*\).*/\1/' <<<"$1"; }
# A controller serving BMCs has run for a while: one unmeasured pass against each server first (the
# JVM compiles the data plane's request path; under load that takes a run or two). WARMUP=0: none.
WARMUP="${WARMUP:-20}"
if [ "$WARMUP" -gt 0 ]; then
  echo "warm-up: ${WARMUP} s against each server, not counted" >&2
  wb() { "$JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$W/cls" RangeBench 127.0.0.1 "$1" "$2" "$BYTES" "$CONNECTIONS" "$WARMUP" "$RANGE"; }
  echo "warm-up nginx: $(wb "$P_NGX" /media/maintenance.iso)" >&2
  echo "warm-up plinth (data plane): $(wb "$P_DP" "$PLI_PATH")" >&2
  [ -z "$JAR_B" ] || echo "warm-up plinth B (data plane): $(wb "$P_DP_B" "$PLI_PATH")" >&2
  [ "$HELIDON" = 1 ] && echo "warm-up plinth (Helidon): $(wb "$P_PLI" "$PLI_PATH")" >&2
fi
NG=() PL=() HE=() PB=() CN=() CA=() CB=()
mibs() { sed 's/.*MiB\/s=\([0-9]*\).*/\1/' <<<"$1"; }
for i in $(seq "$RUNS"); do
  echo "run $i: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  a=$(bench "$P_NGX" /media/maintenance.iso); echo "run $i nginx:  $a" >&2
  if [ -n "$JAR_B" ] && [ $((i % 2)) = 0 ]; then
    d=$(bench "$P_DP_B" "$PLI_PATH"); echo "run $i plinth B (data plane): $d" >&2
  fi
  b=$(bench "$P_DP" "$PLI_PATH"); echo "run $i plinth (data plane): $b" >&2
  if [ -n "$JAR_B" ] && [ $((i % 2)) = 1 ]; then
    d=$(bench "$P_DP_B" "$PLI_PATH"); echo "run $i plinth B (data plane): $d" >&2
  fi
  [ -z "$JAR_B" ] || { PB+=("$(mibs "$d")"); CB+=("$(cpums "$d")"); }
  NG+=("$(mibs "$a")"); PL+=("$(mibs "$b")"); CN+=("$(cpums "$a")"); CA+=("$(cpums "$b")")
  if [ "$HELIDON" = 1 ]; then
    c=$(bench "$P_PLI" "$PLI_PATH"); echo "run $i plinth (Helidon /media): $c" >&2
    HE+=("$(mibs "$c")")
  fi
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
n=$(median "${NG[@]}"); p=$(median "${PL[@]}")
echo
echo "| $CONNECTIONS connections, $RANGE-byte Range GETs of a ${SIZE_MIB} MiB ISO, ${SECONDS_} s, MiB/s (median of $RUNS) | nginx | plinth | plinth / nginx |"
echo "| --- | ---: | ---: | ---: |"
echo "| aggregate body throughput (plinth: the data plane, as BMCs are handed) | $n | $p | $(awk -v a="$p" -v b="$n" 'BEGIN { printf "%.2f", a / b }') |"
if [ -n "$JAR_B" ]; then
  pb=$(median "${PB[@]}")
  echo "| plinth B ($JAR_B), the data plane; B / A: $(awk -v a="$pb" -v b="$p" 'BEGIN { printf "%.2f", a / b }') | $n | $pb | $(awk -v a="$pb" -v b="$n" 'BEGIN { printf "%.2f", a / b }') |"
  echo "runs (MiB/s): nginx ${NG[*]}; plinth A ${PL[*]}; plinth B ${PB[*]}"
  echo "server CPU ms per 1,000 requests: nginx ${CN[*]}; plinth A ${CA[*]}; plinth B ${CB[*]}"
else
  echo "server CPU ms per 1,000 requests: nginx ${CN[*]}; plinth ${CA[*]}"
fi
if [ "$HELIDON" = 1 ]; then
  h=$(median "${HE[@]}")
  echo "| the controller's own /media route (Helidon) | $n | $h | $(awk -v a="$h" -v b="$n" 'BEGIN { printf "%.2f", a / b }') |"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
