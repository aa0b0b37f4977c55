#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Start-to-ready of `./plinth serve` (the launcher included: JDK lookup, CDS archive or AOT cache):
# RUNS starts on one data directory, each timed from the fork to the first 200 of /healthz and of
# /readyz, polled every 5 ms; CPU = utime + stime of the process at ready (the launcher execs the
# JVM). Two starts before them are not counted: the first creates the data directory (and trains
# the AOT cache or writes the CDS archive), the second settles the archive.
# Usage: bench/controller/start-to-ready.sh [CHECKOUT=.] [RUNS=7]
# CHECKOUT is a checkout with a built controller (controller/target/plinth.jar); to compare two
# commits in one session: git worktree add /tmp/a COMMIT, build there, and run this on each.
set -euo pipefail
cd "$(dirname "$0")/../.."
CHECKOUT=$(realpath "${1:-.}")
RUNS=${2:-7}
[ -f "$CHECKOUT/controller/target/plinth.jar" ] || { echo "no $CHECKOUT/controller/target/plinth.jar" >&2; exit 1; }
work=$(mktemp -d -t plinth-start.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
tick=$(getconf CLK_TCK)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# One start: prints "healthz_s readyz_s cpu_s".
start() {
  local t0 t1 t2 ok=
  t0=$(date +%s%N)
  "$CHECKOUT/plinth" serve --listen "127.0.0.1:$port" --data "$work/var" >"$work/serve.log" 2>&1 &
  pid=$!
  until curl -fso /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  until curl -fso /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; do sleep 0.005; done
  t2=$(date +%s%N)
  local cpu
  cpu=$(awk -v t="$tick" '{print ($14 + $15) / t}' "/proc/$pid/stat")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  echo "$(echo "($t1-$t0)/1000000000" | bc -l) $(echo "($t2-$t0)/1000000000" | bc -l) $cpu"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

start >/dev/null
start >/dev/null
: >"$work/runs"
for i in $(seq "$RUNS"); do
  r=$(start)
  echo "$r" >>"$work/runs"
  printf 'run %d: /healthz %.2f s, /readyz %.2f s, CPU %.2f s (load %s)\n' "$i" $r \
    "$(cut -d' ' -f1 /proc/loadavg)"
done
printf 'median of %d: /healthz %.2f s, /readyz %.2f s, CPU %.2f s\n' "$RUNS" \
  "$(cut -d' ' -f1 "$work/runs" | median)" "$(cut -d' ' -f2 "$work/runs" | median)" \
  "$(cut -d' ' -f3 "$work/runs" | median)"
