#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# N simulated machines provisioned at once by `plinth serve`, against the critical path: the same
# hardware timing for one machine alone, on the same controller, in the same run. The simulated
# servers (and their dispatchers) run in a second JVM, so RSS and CPU of serve are its own.
# Usage: bench/controller/fleet.sh [N=1000] [LATENCY_MS=100] [POWER_MS=5000] [BOOT_MS=30000]
# SUBMITTERS=K submits K machines at a time (default 4). ENROL_FIRST=true enrols every machine
# before the first job, so that the span counts the jobs alone as the critical path does.
# Needs a built controller (./mvnw -pl controller -am package -DskipTests).
# The harness (FleetBench and the simulator on its class path) can differ from serve's jar, for an
# A/B of the harness against one serve: FLEET_JAR=JAR (default: PLINTH_JAR), FLEET_BENCH=FleetBench.java,
# FLEET_JAVA_OPTS="..." added to the fleet JVM (e.g. -XX:StartFlightRecording=filename=f.jfr).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000}; LAT=${2:-100}; POWER=${3:-5000}; BOOT=${4:-30000}
. scripts/find-jdk.sh; plinth_find_jdk
JAR=${PLINTH_JAR:-controller/target/plinth.jar}
JAVA="$JAVA_HOME/bin/java"
OPTS=${PLINTH_JAVA_OPTS:--XX:+UseSerialGC -Xss512k -Xmx256m}  # as the launcher runs serve
work=$(mktemp -d -t plinth-fleet.XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
FJAR=${FLEET_JAR:-$JAR}
"$JAVA_HOME/bin/javac" -d "$work/fb" -cp "$FJAR" "${FLEET_BENCH:-bench/controller/FleetBench.java}"
fb() { "$JAVA" -XX:+UseSerialGC -Xss512k -cp "$FJAR:$work/fb" FleetBench "$@"; }
fb maintenance-iso "$work/var/media/maintenance.iso"
port=$(python3 bench/controller/free-port.py)
# shellcheck disable=SC2086
PLINTH_JOBS_MAX_ACTIVE=$N "$JAVA" $OPTS -jar "$JAR" serve --listen 127.0.0.1:$port \
  --data "$work/var" >"$work/serve.log" 2>&1 &
pid=$!
# A random port's data plane (port + 1) can be taken: stop with serve's log rather than wait forever.
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { echo "fleet: serve exited before it was ready:" >&2; tail -n 5 "$work/serve.log" >&2; exit 1; }
  sleep 0.05
done
cpu() { awk '{print ($14+$15)/100}' /proc/$pid/stat; }
run() { # N PREFIX
  /usr/bin/time -f "%U %S" -o "$work/fleet-cpu" \
    "$JAVA" -XX:+UseSerialGC -Xss512k ${FLEET_JAVA_OPTS:-} -Dsubmitters="${SUBMITTERS:-4}" -Denrolfirst="${ENROL_FIRST:-false}" -cp "$FJAR:$work/fb" FleetBench run "http://127.0.0.1:$port" \
    "$work/var/admin.token" "$1" "$2" "$LAT" "$POWER" "$BOOT" "$work/fleet-$2" 2>"$work/fleet-$2.err" \
    | tee "$work/fleet-$2.out" | grep '^RESULT' || { echo "fleet: the $1-machine run failed:" >&2; tail -n 20 "$work/fleet-$2.err" >&2; exit 1; }
}
c0=$(cpu); one=$(run 1 solo-); c1=$(cpu)
many=$(run "$N" m-); c2=$(cpu); fleetcpu=$(awk '{print $1+$2}' "$work/fleet-cpu")
hwm=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$pid/status)
grep '^fleet error' "$work"/fleet-*.out | head -5 || true
val() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k {print $2}'; }
cp1=$(val "$one" span_s); span=$(val "$many" span_s)
echo "| measure | value |"
echo "| --- | ---: |"
echo "| timing: BMC answer / power change / POST + OS boot | ${LAT} ms / ${POWER} ms / ${BOOT} ms |"
echo "| critical path: 1 machine alone, submitted to Succeeded | ${cp1} s |"
echo "| $N machines: first submitted to last finished | ${span} s |"
echo "| ratio to the critical path (target <= 1.2) | $(echo "$span / $cp1" | bc -l | xargs printf '%.2f') |"
echo "| $N machines: per job median / max | $(val "$many" median_s) s / $(val "$many" max_s) s |"
echo "| $N machines: succeeded | $(val "$many" succeeded) |"
echo "| $N machines: all submitted after (machine + job, ${SUBMITTERS:-4} at a time) | $(val "$many" submit_s) s |"
echo "| $N machines: POST /api/v1/jobs median / p90 | $(val "$many" submit_median_ms) ms / $(val "$many" submit_p90_ms) ms |"
echo "| Redfish requests per job (1 alone / $N) | $(val "$one" redfish_per_job) / $(val "$many" redfish_per_job) |"
echo "| serve: peak RSS (VmHWM) | ${hwm} MiB |"
echo "| serve: CPU for the $N (user + sys) | $(echo "$c2 - $c1" | bc -l) s |"
echo "| simulated fleet + dispatchers (other JVM): CPU | ${fleetcpu} s |"
echo "| the bench's own job polls (GET /api/v1/jobs/{id}) | $(val "$many" polls) |"
echo "| load average at the end | $(cut -d' ' -f1-3 /proc/loadavg) |"
