#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Issue 18's quiet-machine pass: every benchmark of its targets, one after the other, 3 runs each
# with its reference in the same run (docs/benchmarks.md, "Issue 18: the verdict on a quiet
# machine"). Run it with nothing else on the machine; it takes about 35 minutes.
# Usage: [OLD=CHECKOUT] [OUT=DIR] bench/quiet-pass.sh
# OLD is another checkout with a built controller (controller/target/plinth.jar): its jar then
# also runs start to ready, media and one fleet, in the same window, for a before/after.
# Needs a built controller (./mvnw -pl controller -am package -DskipTests), the peers of
# bench/registry and bench/media, and for the two-controller fleet the PostgreSQL of .ci/services.
set -u
cd "$(dirname "$0")/.."
JAR=$PWD/controller/target/plinth.jar
OLD=${OLD:-}
out=${OUT:-$(mktemp -d -t plinth-quiet.XXXXXX)}; mkdir -p "$out"
stamp() { echo "== $1 $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"; }
. scripts/find-jdk.sh; plinth_find_jdk
if [ -n "$OLD" ]; then
  { stamp start-to-ready; RUNS=7 bench/controller/start-to-ready.sh "$OLD" "$PWD"; stamp end; } >"$out/startup.txt" 2>&1
  { stamp media; PLINTH_JAR="$OLD/controller/target/plinth.jar" PLINTH_JAR_B=$JAR RUNS=3 bench/media/run.sh; stamp end; } >"$out/media.txt" 2>&1
else
  { stamp start-to-ready; RUNS=7 bench/controller/start-to-ready.sh; stamp end; } >"$out/startup.txt" 2>&1
  { stamp media; PLINTH_JAR=$JAR RUNS=3 bench/media/run.sh; stamp end; } >"$out/media.txt" 2>&1
fi
{ stamp uploads; PLINTH_JAR=$JAR CONCURRENCY= SIZE_MIB=1024 RUNS=3 bench/registry/run.sh; stamp end; } >"$out/uploads.txt" 2>&1
w=$(mktemp -d); "$JAVA_HOME/bin/javac" -d "$w/wb" -cp "$JAR" bench/controller/WebhookBench.java
{ for i in 1 2 3; do
    stamp "webhooks-$i"; rm -rf "$w/webhook"
    "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xss512k -Xmx256m -cp "$JAR:$w/wb" WebhookBench "$w/webhook" 50 400 both 2>/dev/null | grep '^|'
  done; stamp end; } >"$out/webhooks.txt" 2>&1
rm -rf "$w"
if [ -n "$OLD" ]; then
  { stamp fleet-old; ENROL_FIRST=true SUBMITTERS=16 PLINTH_JAR="$OLD/controller/target/plinth.jar" \
      FLEET_BENCH="$OLD/bench/controller/FleetBench.java" bench/controller/fleet.sh 1000 100 5000 30000; stamp end; } >"$out/fleet-old.txt" 2>&1
fi
for i in 1 2 3; do
  { stamp "fleet-$i"; ENROL_FIRST=true SUBMITTERS=16 PLINTH_JAR=$JAR bench/controller/fleet.sh 1000 100 5000 30000; stamp end; } >"$out/fleet-$i.txt" 2>&1
done
for i in 1 2 3; do
  { stamp "fleet-multi-$i"; ENROL_FIRST=true SUBMITTERS=16 PLINTH_JAR=$JAR bench/controller/fleet-multi.sh 1000 100 5000 30000; stamp end; } >"$out/fleet-multi-$i.txt" 2>&1
done
echo "results in $out"
