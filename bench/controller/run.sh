#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Controller benchmark: start-to-ready and idle RSS of `plinth serve`; `plinth demo` with N
# simulated machines (wall time, peak RSS); webhook events/s. Usage: bench/controller/run.sh [N=1000]
# Limits for the 1,000-machine run: PLINTH_JOBS_MAX_ACTIVE=1000 bench/controller/run.sh 1000
# Needs a built controller (./mvnw -pl controller -am package -DskipTests) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000}
. scripts/find-jdk.sh; plinth_find_jdk
JAR=${PLINTH_JAR:-controller/target/plinth.jar}
JAVA="$JAVA_HOME/bin/java"
OPTS=${PLINTH_JAVA_OPTS:--XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1}
work=$(mktemp -d -t plinth-bench.XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT

port=$(python3 bench/controller/free-port.py)
t0=$(date +%s%N)
# shellcheck disable=SC2086
"$JAVA" $OPTS -jar "$JAR" serve --listen 127.0.0.1:$port --data "$work/var" >"$work/serve.log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.02; done
t1=$(date +%s%N)
sleep 5
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
kill $pid; wait $pid 2>/dev/null || true
printf '%-44s %10s\n' "measure" "value"
printf '%-44s %8.2f s\n' "serve: start to ready (first start, SQLite)" "$(echo "($t1-$t0)/1000000000" | bc -l)"
printf '%-44s %7d MiB\n' "serve: idle RSS after 5 s" "$((rss / 1024))"

/usr/bin/time -v -o "$work/time.txt" "$JAVA" $OPTS -jar "$JAR" demo --machines "$N" --quiet \
  --data "$work/demo" >"$work/demo.log" 2>"$work/demo.err" || true
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
peak=$(awk -F': ' '/Maximum resident/ {print $2}' "$work/time.txt")
printf '%-44s %10s\n' "demo --machines $N: wall" "$wall"
printf '%-44s %7d MiB\n' "demo --machines $N: peak RSS (all in one JVM)" "$((peak / 1024))"
grep 'machines provisioned' "$work/demo.log" || tail -5 "$work/demo.log"

# Webhook events stored durably per second: through the endpoint (token + HMAC, 202 = fsync'd),
# JOBS jobs posting in parallel after a warm-up round, then the event store alone.
# CLIENT=raw (the default and the verdict's: blocking sockets with pre-built, pre-signed requests,
# as wrk is for nginx), jdk (the dispatcher's JDK HttpClient, 50 virtual threads) or both.
JOBS=${JOBS:-50}; EVENTS=${EVENTS:-100}; CLIENT=${CLIENT:-raw}
"$JAVA_HOME/bin/javac" -d "$work/wb" -cp "$JAR" bench/controller/WebhookBench.java
echo "| path | jobs | events 202 | other | wall s | events/s | controller CPU s | controller CPU µs/event | client CPU s | client CPU µs/event | controller disk writes KiB/event |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
# shellcheck disable=SC2086
"$JAVA" $OPTS -cp "$JAR:$work/wb" WebhookBench "$work/webhook" "$JOBS" "$EVENTS" "$CLIENT" 2>/dev/null | grep '^|'
