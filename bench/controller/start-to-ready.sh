#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Start-to-ready of `./plinth serve` (the launcher included: JDK lookup, CDS archive or AOT cache),
# each start timed from the fork to the first 200 of /healthz and of /readyz, polled every 5 ms;
# CPU = utime + stime of the process at ready (the launcher execs the JVM).
# Usage: [RUNS=7] bench/controller/start-to-ready.sh [CHECKOUT[:BUILD_DIR]...]   (default: this checkout)
# Each CHECKOUT is a checkout with a built controller (controller/target/plinth.jar, or
# controller/BUILD_DIR/plinth.jar when built with -Dplinth.buildDir=BUILD_DIR: its own launcher
# then runs that jar, and its AOT cache or CDS archive lives beside it). Several are
# measured in turns (A B A B ...), so a noisy machine weighs on all of them alike: to compare two
# commits, `git worktree add /tmp/a COMMIT`, build there, and pass both. Per checkout, two starts
# are not counted: the first creates the data directory (and trains the AOT cache or writes the
# CDS archive), the second settles the archive. Prints each run and the medians.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-7}
[ $# -gt 0 ] || set -- .
work=$(mktemp -d -t plinth-start.XXXXXX)
checkouts=() names=()
for arg in "$@"; do
  c=$(realpath "${arg%%:*}")
  b=target
  [ "$arg" != "${arg%%:*}" ] && b=${arg#*:}
  [ -f "$c/controller/$b/plinth.jar" ] || { echo "no $c/controller/$b/plinth.jar" >&2; exit 1; }
  if [ "$b" != target ]; then
    # The launcher runs controller/target/plinth.jar beside it: a stand-in checkout of links.
    s="$work/co${#checkouts[@]}"
    mkdir -p "$s/controller"
    ln -s "$c/plinth" "$s/plinth"
    ln -s "$c/scripts" "$s/scripts"
    ln -s "$c/controller/$b" "$s/controller/target"
    c=$s
  fi
  checkouts+=("$c") names+=("$arg")
done
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
tick=$(getconf CLK_TCK)
port=$(python3 bench/controller/free-port.py)

# One start of checkout $1 (index $2): prints "healthz_s readyz_s cpu_s".
start() {
  local t0 t1 t2 cpu
  t0=$(date +%s%N)
  "$1/plinth" serve --listen "127.0.0.1:$port" --data "$work/var$2" >"$work/serve.log" 2>&1 &
  pid=$!
  until curl -fso /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  until curl -fso /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; do sleep 0.005; done
  t2=$(date +%s%N)
  cpu=$(awk -v t="$tick" '{print ($14 + $15) / t}' "/proc/$pid/stat")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
  echo "$(echo "($t1-$t0)/1000000000" | bc -l) $(echo "($t2-$t0)/1000000000" | bc -l) $cpu"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for i in "${!checkouts[@]}"; do
  start "${checkouts[$i]}" "$i" >/dev/null
  start "${checkouts[$i]}" "$i" >/dev/null
  : >"$work/runs$i"
done
for r in $(seq "$RUNS"); do
  for i in "${!checkouts[@]}"; do
    s=$(start "${checkouts[$i]}" "$i")
    echo "$s" >>"$work/runs$i"
    # shellcheck disable=SC2086
    printf 'run %d %s: /healthz %.2f s, /readyz %.2f s, CPU %.2f s (load %s)\n' "$r" \
      "${names[$i]}" $s "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
for i in "${!checkouts[@]}"; do
  printf 'median of %d, %s: /healthz %.2f s, /readyz %.2f s, CPU %.2f s\n' "$RUNS" \
    "${names[$i]}" "$(cut -d' ' -f1 "$work/runs$i" | median)" \
    "$(cut -d' ' -f2 "$work/runs$i" | median)" "$(cut -d' ' -f3 "$work/runs$i" | median)"
done
