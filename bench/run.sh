#!/usr/bin/env bash
# Benchmarks: builds, starts the embedded services, generates the data, runs every contender in
# alternating order for several rounds, prints medians and ratios, appends them to bench/RESULTS.md.
#   bench/run.sh [load|crawl|crawl-latency|cdc|cdc-warehouse|scale|scale-cluster|startup|pipeline|quality|lake] [--events N] [--rows N] [--updates M] [--rounds R] [--split-size S] [--rate U/s] [--seconds S] [--checkpoint D] [--files F] [--customers C] [--parallelism P] [--task-heap MB] [--split] [--join|--join-dimension|--shipped] [--quick]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# the CLI too: the startup scenario launches ./tributary as a user does
./mvnw -B -q -DskipTests -Dspotless.check.skip=true package -pl bench,cli,spark-client -am >&2
touch "$ROOT/cli/target/.tributary-built"
# the pipeline scenarios run the reference pipeline's MiniCluster in this JVM, and its join holds
# every order on the heap (issue 24): about 0.8 GB live at 1M orders, so a 1 GiB heap spent an
# eighth of each run in GC pauses and full collections, and a contender's cost grew with the
# garbage it made (bench/RESULTS.md, 2026-12-05 22:25); the other scenarios keep the 1 GiB their
# heap goals are about
HEAP=1g
case "${1:-}" in pipeline|quality) HEAP=4g ;; esac
# BENCH_HEAP=1g: a heap goal's own size (issue 24: the dimension join at 10M orders in 1 GiB)
HEAP=${BENCH_HEAP:-$HEAP}
# the collector the tributary launcher runs pipelines with (parallel since 2026-12-07; G1 before:
# runs of earlier dates name it in bench/RESULTS.md's readings)
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx$HEAP -XX:+UseParallelGC ${BENCH_JAVA_OPTS:-} \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED \
  -Dtributary.plugins.dir="$ROOT/bench/target/plugins" -Dtributary.root="$ROOT" \
  -cp "$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/classpath.txt")" \
  io.tributary.bench.Bench "$@"
