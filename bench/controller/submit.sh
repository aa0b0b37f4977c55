#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Job submission alone (POST /api/v1/jobs: parse, compile, pin references, seal, store), for one
# or more controller jars side by side: each round starts `plinth serve` from each jar in turn
# (PLINTH_JOBS_MAX_ACTIVE=1: the engine stays nearly idle), enrols N machines against simulated
# BMCs, submits N jobs SUBMITTERS at a time and reports the second half (the first warms up).
# Usage: bench/controller/submit.sh [N=400] [ROUNDS=3] JAR...   (default JAR: controller/target/plinth.jar)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-400}; ROUNDS=${2:-3}; shift 2 || true
JARS=("$@"); [ ${#JARS[@]} -gt 0 ] || JARS=(controller/target/plinth.jar)
. scripts/find-jdk.sh; plinth_find_jdk
JAVA="$JAVA_HOME/bin/java"
OPTS=${PLINTH_JAVA_OPTS:--XX:+UseSerialGC -Xss512k -Xmx256m}  # as the launcher runs serve
work=$(mktemp -d -t plinth-submit.XXXXXX)
pid=
trap '[ -z "$pid" ] || kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
"$JAVA_HOME/bin/javac" -d "$work/fb" -cp "${JARS[0]}" bench/controller/FleetBench.java
echo "| round | jar | submitted (K at a time) | wall | POST median / p90 / max | serve CPU per job | load average |"
echo "| --- | --- | ---: | ---: | ---: | ---: | --- |"
for r in $(seq 1 "$ROUNDS"); do
  for jar in "${JARS[@]}"; do
    d="$work/r$r-$(basename "$(dirname "$jar")")"
    mkdir -p "$d"
    port=$(python3 bench/controller/free-port.py)
    # shellcheck disable=SC2086
    PLINTH_JOBS_MAX_ACTIVE=1 "$JAVA" $OPTS ${SERVE_EXTRA:-} -jar "$jar" serve --listen 127.0.0.1:$port \
      --data "$d/var" >"$d/serve.log" 2>&1 &
    pid=$!
    until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.05; done
    res=$("$JAVA" -XX:+UseSerialGC -Xss512k -Dsubmitters="${SUBMITTERS:-4}" -cp "$jar:$work/fb" \
      FleetBench submit "http://127.0.0.1:$port" "$d/var/admin.token" "$N" m "$d/fleet" "$pid" \
      2>"$d/fleet.err" | grep '^RESULT' || { tail -5 "$d/fleet.err"; echo RESULT; })
    kill $pid; wait $pid 2>/dev/null || true; pid=
    val() { echo "$res" | tr ' ' '\n' | awk -F= -v k="$1" '$1==k {print $2}'; }
    echo "| $r | $jar | $(val submitted) ($(val submitters)) | $(val wall_s) s | $(val median_ms) / $(val p90_ms) / $(val max_ms) ms | $(val serve_cpu_ms_per_job) ms | $(cut -d' ' -f1-3 /proc/loadavg) |"
  done
done
