#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# N simulated machines provisioned at once by TWO `plinth serve` sharing PostgreSQL behind HAProxy,
# against the critical path: the same hardware timing for one machine alone, through the same
# set-up, in the same run (fleet.sh is the one-controller variant). The simulated servers and their
# dispatchers run in a third JVM and reach the controllers only through HAProxy.
# Usage: bench/controller/fleet-multi.sh [N=1000] [LATENCY_MS=100] [POWER_MS=5000] [BOOT_MS=30000]
# SUBMITTERS=K submits K machines at a time (default 4). ENROL_FIRST=true enrols every machine
# before the first job, so that the span counts the jobs alone as the critical path does (fleet.sh).
# Needs: PostgreSQL from .ci/services (127.0.0.1:55432, or PLINTH_TEST_PG_URL), haproxy, and a built
# controller (./mvnw -pl controller -am package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000}; LAT=${2:-100}; POWER=${3:-5000}; BOOT=${4:-30000}
. scripts/find-jdk.sh; plinth_find_jdk
JAR=${PLINTH_JAR:-controller/target/plinth.jar}
JAVA="$JAVA_HOME/bin/java"
OPTS=${PLINTH_JAVA_OPTS:--XX:+UseSerialGC -Xss512k -Xmx256m}  # as the launcher runs serve
PG=${PLINTH_TEST_PG_URL:-jdbc:postgresql://127.0.0.1:55432/plinth_test?user=plinth}
PSQL=(psql -h 127.0.0.1 -p 55432 -U plinth -d plinth_test -qAt)
command -v psql >/dev/null || PSQL=("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)/psql" "${PSQL[@]:1}")
schema=bench_$$_$(date +%s)
work=$(mktemp -d -t plinth-fleet-multi.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "${PSQL[@]}" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"${PSQL[@]}" -c "CREATE SCHEMA $schema"
"$JAVA_HOME/bin/javac" -d "$work/fb" -cp "$JAR" bench/controller/FleetBench.java
fb() { "$JAVA" -XX:+UseSerialGC -Xss512k -cp "$JAR:$work/fb" FleetBench "$@"; }
fb maintenance-iso "$work/maintenance.iso"
free() { python3 bench/controller/free-port.py; }  # P and P + 1 free: serve's data plane is on P + 1
pa=$(free); pb=$(free)
while [ $((pb - pa)) -ge -1 ] && [ $((pb - pa)) -le 1 ]; do pb=$(free); done
lb=$(free)
while [ "$lb" = "$pa" ] || [ "$lb" = $((pa + 1)) ] || [ "$lb" = "$pb" ] || [ "$lb" = $((pb + 1)) ]; do lb=$(free); done
# Both controllers share the secret key and the admin token (docs/operations.md, Several controllers).
token="plinth_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
head -c 32 /dev/urandom >"$work/secret.key"
for c in a b; do
  mkdir -p "$work/$c/secrets"; chmod 700 "$work/$c"
  install -m 600 "$work/secret.key" "$work/$c/secrets/secret.key"
  printf '%s\n' "$token" >"$work/$c/admin.token"; chmod 600 "$work/$c/admin.token"
done
serve() { # NAME PORT
  # shellcheck disable=SC2086
  PLINTH_DATABASE_URL="$PG&currentSchema=$schema" PLINTH_PUBLIC_URL="http://127.0.0.1:$lb" \
    PLINTH_MAINTENANCE_ISO="$work/maintenance.iso" PLINTH_JOBS_MAX_ACTIVE=$N \
    PLINTH_REGISTRY_REDIRECT_ABOVE=1099511627776 \
    "$JAVA" $OPTS -jar "$JAR" serve --listen 127.0.0.1:$2 --data-plane-listen 127.0.0.1:0 \
    --data "$work/$1" >"$work/serve-$1.log" 2>&1 &
  pids+=($!)
}
serve a "$pa"; pida=${pids[-1]}
serve b "$pb"; pidb=${pids[-1]}
cat >"$work/haproxy.cfg" <<EOF
global
  maxconn 8192
defaults
  mode http
  timeout connect 2s
  timeout client 10m
  timeout server 10m
  retries 3
  option redispatch
frontend plinth
  bind 127.0.0.1:$lb
  default_backend controllers
backend controllers
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  server a 127.0.0.1:$pa check inter 1s fall 2 rise 2
  server b 127.0.0.1:$pb check inter 1s fall 2 rise 2
EOF
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
pids+=($!)
# A random port's data plane (port + 1) can be taken: stop with serve's log rather than wait forever.
for p in "$pa" "$pb" "$lb"; do
  until curl -fs "http://127.0.0.1:$p/readyz" >/dev/null 2>&1; do
    for s in "$pida:a" "$pidb:b"; do
      kill -0 "${s%%:*}" 2>/dev/null || { echo "fleet-multi: serve ${s##*:} exited before it was ready:" >&2; tail -n 5 "$work/serve-${s##*:}.log" >&2; exit 1; }
    done
    sleep 0.1
  done
done
echo "$token" >"$work/token"
cpu() { awk '{print ($14+$15)/100}' /proc/$1/stat; }
run() { # N PREFIX
  /usr/bin/time -f "%U %S" -o "$work/fleet-cpu" \
    "$JAVA" -XX:+UseSerialGC -Xss512k -Dsubmitters="${SUBMITTERS:-4}" -Denrolfirst="${ENROL_FIRST:-false}" \
    -Dpublish="http://127.0.0.1:$pa,http://127.0.0.1:$pb" -cp "$JAR:$work/fb" FleetBench run \
    "http://127.0.0.1:$lb" "$work/token" "$1" "$2" "$LAT" "$POWER" "$BOOT" "$work/fleet-$2" \
    2>"$work/fleet-$2.err" | tee "$work/fleet-$2.out" | grep '^RESULT'
}
one=$(run 1 solo-)
a1=$(cpu $pida); b1=$(cpu $pidb)
many=$(run "$N" m-)
a2=$(cpu $pida); b2=$(cpu $pidb); fleetcpu=$(awk '{print $1+$2}' "$work/fleet-cpu")
hwm() { awk '/VmHWM/ {print int($2/1024)}' /proc/$1/status; }
grep '^fleet error' "$work"/fleet-*.out | head -5 || true
# Who drove the jobs: the lease events of the N jobs, by controller.
drivers=$("${PSQL[@]}" -c "SET search_path=$schema; SELECT string_agg(n::text, ' / ') FROM (SELECT COUNT(*) n FROM job_events WHERE type='job.leased' GROUP BY data ORDER BY 1 DESC) x" 2>/dev/null || echo '?')
val() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k {print $2}'; }
cp1=$(val "$one" span_s); span=$(val "$many" span_s)
echo "| measure | value |"
echo "| --- | ---: |"
echo "| timing: BMC answer / power change / POST + OS boot | ${LAT} ms / ${POWER} ms / ${BOOT} ms |"
echo "| critical path: 1 machine alone, submitted to Succeeded (2 controllers) | ${cp1} s |"
echo "| $N machines: first submitted to last finished | ${span} s |"
echo "| ratio to the critical path (target <= 1.2) | $(echo "$span / $cp1" | bc -l | xargs printf '%.2f') |"
echo "| $N machines: per job median / max | $(val "$many" median_s) s / $(val "$many" max_s) s |"
echo "| $N machines: succeeded | $(val "$many" succeeded) |"
echo "| jobs leased by each controller | ${drivers} |"
echo "| serve a / b: peak RSS (VmHWM) | $(hwm $pida) / $(hwm $pidb) MiB |"
echo "| serve a / b: CPU for the $N (user + sys) | $(echo "$a2 - $a1" | bc -l) / $(echo "$b2 - $b1" | bc -l) s |"
echo "| simulated fleet + dispatchers (other JVM): CPU | ${fleetcpu} s |"
echo "| load average at the end | $(cut -d' ' -f1-3 /proc/loadavg) |"
