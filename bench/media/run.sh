#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Media benchmark (issue 18): N simulated BMCs read the maintenance ISO at once with 256 KiB Range
# GETs, one request at a time per connection, keep-alive (QEMU's curl block driver pattern), against
# `plinth serve`'s /media/maintenance.iso and nginx 1.22 serving the same file (sendfile on,
# tcp_nopush on). Each run measures nginx, then plinth; prints every run and the medians.
#
#   PLINTH_JAR=controller/target/plinth.jar RUNS=3 bench/media/run.sh
#   SIZE_MIB=512 CONNECTIONS=1000 DURATION=20 RANGE=262144 ...
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
for u in "http://127.0.0.1:$P_NGX/media/maintenance.iso" "http://127.0.0.1:$P_PLI$PLI_PATH"; do
  got=$(curl -s -L -o /dev/null -w '%{http_code} %{size_download}' -H 'Range: bytes=0-262143' "$u")
  [ "$got" = "206 262144" ] || { echo "$u: $got, expected 206 262144" >&2; exit 1; }
done
"$JAVA_HOME/bin/javac" -d "$W/cls" "$here/bench/media/RangeBench.java"
bench() { "$JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$W/cls" RangeBench 127.0.0.1 "$1" "$2" "$BYTES" "$CONNECTIONS" "$SECONDS_" "$RANGE"; }
NG=() PL=()
for i in $(seq "$RUNS"); do
  a=$(bench "$P_NGX" /media/maintenance.iso); echo "run $i nginx:  $a" >&2
  b=$(bench "$P_PLI" "$PLI_PATH"); echo "run $i plinth: $b" >&2
  NG+=("$(sed 's/.*MiB\/s=\([0-9]*\).*/\1/' <<<"$a")"); PL+=("$(sed 's/.*MiB\/s=\([0-9]*\).*/\1/' <<<"$b")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
n=$(median "${NG[@]}"); p=$(median "${PL[@]}")
echo
echo "| $CONNECTIONS connections, $RANGE-byte Range GETs of a ${SIZE_MIB} MiB ISO, ${SECONDS_} s, MiB/s (median of $RUNS) | nginx | plinth | plinth / nginx |"
echo "| --- | ---: | ---: | ---: |"
echo "| aggregate body throughput | $n | $p | $(awk -v a="$p" -v b="$n" 'BEGIN { printf "%.2f", a / b }') |"
