#!/usr/bin/env bash
# Resident memory of the example app (examples/hello) under `fasterapi serve`, for 1, 2 and 3
# interpreters: when idle after start-up, after wrk load on its sync routes, and after load on
# its async route and POSTs (the first async request starts the interpreter's asyncio loop).
# Prints a markdown table (MiB, from VmRSS) and writes it to bench/results/rss.md.
#   bench/rss.sh
#   WORKERS="2" LOAD=5s bench/rss.sh
set -euo pipefail
cd "$(dirname "$0")/.."
WORKERS=${WORKERS:-1 2 3}
LOAD=${LOAD:-2s}
PORT=${PORT:-8766}
OUT=bench/results
mkdir -p "$OUT"

bench/install.sh

rss_mib() { awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/"$1"/status; }

table=$OUT/rss.md
{
  echo "| interpreters | idle, MiB | after sync load, MiB | after async load, MiB |"
  echo "|---|---|---|---|"
} | tee "$table"
for workers in $WORKERS; do
  (cd examples/hello && exec ../../.venv-bench/bin/fasterapi serve app:app --port "$PORT" \
    --workers "$workers") >"$OUT/rss-server.log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do
    grep -q "FasterAPI running" "$OUT/rss-server.log" && break
    sleep 0.1
  done
  if ! grep -q "FasterAPI running" "$OUT/rss-server.log"; then
    echo "the example app did not start with $workers interpreters:" >&2
    cat "$OUT/rss-server.log" >&2
    kill "$pid" 2>/dev/null || true
    exit 1
  fi
  sleep 1
  idle=$(rss_mib "$pid")
  wrk -t1 -c16 -d"$LOAD" "http://127.0.0.1:$PORT/" >/dev/null
  wrk -t1 -c16 -d"$LOAD" "http://127.0.0.1:$PORT/items/5?q=x" >/dev/null
  sync=$(rss_mib "$pid")
  wrk -t1 -c16 -d"$LOAD" "http://127.0.0.1:$PORT/async" >/dev/null
  for _ in $(seq 100); do
    curl -sf -o /dev/null -X POST -H 'content-type: application/json' \
      -d '{"name":"pen","price":1.5,"tags":["office"]}' "http://127.0.0.1:$PORT/items"
  done
  after=$(rss_mib "$pid")
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  echo "| $workers | $idle | $sync | $after |" | tee -a "$table"
done
