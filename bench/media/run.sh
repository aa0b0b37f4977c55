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
P_NGX=18490 P_PLI=18492 P_DP=18493
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
wait_up() { for _ in $(seq 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; exit 1; }
wait_up "http://127.0.0.1:$P_NGX/"; wait_up "http://127.0.0.1:$P_PLI/healthz"
PLI_PATH="${PLINTH_MEDIA_PATH:-/media/maintenance.iso}"
HELIDON="${HELIDON:-0}"
# BMCs are handed the data plane's URL when plinth serves media there (plain HTTP, no public URL).
for _ in $(seq 100); do grep -q "media: BMCs read from the data plane" "$W/plinth.log" && break; sleep 0.2; done
grep -q "media: BMCs read from the data plane" "$W/plinth.log" || { echo "plinth does not serve media on its data plane" >&2; exit 1; }
for u in "http://127.0.0.1:$P_NGX/media/maintenance.iso" "http://127.0.0.1:$P_DP$PLI_PATH" "http://127.0.0.1:$P_PLI$PLI_PATH"; do
  got=$(curl -s -L -o /dev/null -w '%{http_code} %{size_download}' -H 'Range: bytes=0-262143' "$u")
  [ "$got" = "206 262144" ] || { echo "$u: $got, expected 206 262144" >&2; exit 1; }
done
"$JAVA_HOME/bin/javac" -d "$W/cls" "$here/bench/media/RangeBench.java"
bench() { "$JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$W/cls" RangeBench 127.0.0.1 "$1" "$2" "$BYTES" "$CONNECTIONS" "$SECONDS_" "$RANGE"; }
# A controller serving BMCs has run for a while: one unmeasured pass against each server first (the
# JVM compiles the data plane's request path; under load that takes a run or two). WARMUP=0: none.
WARMUP="${WARMUP:-20}"
if [ "$WARMUP" -gt 0 ]; then
  echo "warm-up: ${WARMUP} s against each server, not counted" >&2
  wb() { "$JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$W/cls" RangeBench 127.0.0.1 "$1" "$2" "$BYTES" "$CONNECTIONS" "$WARMUP" "$RANGE"; }
  echo "warm-up nginx: $(wb "$P_NGX" /media/maintenance.iso)" >&2
  echo "warm-up plinth (data plane): $(wb "$P_DP" "$PLI_PATH")" >&2
  [ "$HELIDON" = 1 ] && echo "warm-up plinth (Helidon): $(wb "$P_PLI" "$PLI_PATH")" >&2
fi
NG=() PL=() HE=()
mibs() { sed 's/.*MiB\/s=\([0-9]*\).*/\1/' <<<"$1"; }
for i in $(seq "$RUNS"); do
  echo "run $i: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  a=$(bench "$P_NGX" /media/maintenance.iso); echo "run $i nginx:  $a" >&2
  b=$(bench "$P_DP" "$PLI_PATH"); echo "run $i plinth (data plane): $b" >&2
  NG+=("$(mibs "$a")"); PL+=("$(mibs "$b")")
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
if [ "$HELIDON" = 1 ]; then
  h=$(median "${HE[@]}")
  echo "| the controller's own /media route (Helidon) | $n | $h | $(awk -v a="$h" -v b="$n" 'BEGIN { printf "%.2f", a / b }') |"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
