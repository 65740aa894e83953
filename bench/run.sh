#!/usr/bin/env bash
# Benchmarks FasterAPI against its peers in one run: each server pinned to core 0 with taskset,
# wrk on core 1, every endpoint at each connection count, median of RUNS runs.
#   bench/run.sh                 (DURATION=8s RUNS=3 CONNS="64 256" to change)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-8s}
RUNS=${RUNS:-3}
CONNS=${CONNS:-64 256}
PORT=${PORT:-8765}
OUT=bench/results
mkdir -p "$OUT"

command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo; $sudo apt-get install -y -qq wrk; }
PY=$(scripts/find-python.sh 3.13)
[ -x .venv-bench/bin/python ] || "$PY" -m venv .venv-bench
.venv-bench/bin/pip install -q --disable-pip-version-check fastapi uvicorn granian uvloop httptools
.venv-bench/bin/pip install -q --disable-pip-version-check --force-reinstall --no-deps .
go build -o "$OUT/nethttp" ./bench/nethttp

# name | command (run from bench/apps)
servers=(
  "fasterapi|../../.venv-bench/bin/fasterapi serve fasterapi_app:app --port $PORT --workers 1"
  "uvicorn+fastapi|../../.venv-bench/bin/uvicorn fastapi_app:app --port $PORT --workers 1 --log-level warning --no-access-log"
  "granian+fastapi|../../.venv-bench/bin/granian --interface asgi --port $PORT --workers 1 --log-level warning fastapi_app:app"
  "go-net/http|../results/nethttp -addr 127.0.0.1:$PORT"
)
paths=("/json" "/items/5?q=x")

wait_up() {
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$PORT/json" >/dev/null && return 0; sleep 0.1; done
  return 1
}

printf '| server | path | conns | req/s (median of %s) | p50 ms | p99 ms |\n|---|---|---|---|---|---|\n' "$RUNS" > "$OUT/table.md"
for entry in "${servers[@]}"; do
  name=${entry%%|*}; cmd=${entry#*|}
  (cd bench/apps && exec taskset -c 0 $cmd) >"$OUT/$name.log" 2>&1 &
  pid=$!
  if ! wait_up; then echo "$name did not start; see $OUT/$name.log" >&2; kill $pid; exit 1; fi
  for path in "${paths[@]}"; do
    for c in $CONNS; do
      taskset -c 1 wrk -t1 -c"$c" -d2s "http://127.0.0.1:$PORT$path" >/dev/null  # warm-up
      rps=(); p50=(); p99=()
      for r in $(seq "$RUNS"); do
        res=$(taskset -c 1 wrk -t1 -c"$c" -d"$DURATION" --latency "http://127.0.0.1:$PORT$path")
        rps+=("$(awk '/Requests\/sec/ {print $2}' <<<"$res")")
        p50+=("$(awk '$1=="50%" {print $2}' <<<"$res")")
        p99+=("$(awk '$1=="99%" {print $2}' <<<"$res")")
      done
      med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
      ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}' <<<"$1"; }
      p50m=$(for v in "${p50[@]}"; do ms "$v"; echo; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
      p99m=$(for v in "${p99[@]}"; do ms "$v"; echo; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
      printf '| %s | `%s` | %s | %.0f | %s | %s |\n' "$name" "$path" "$c" "$(med "${rps[@]}")" "$p50m" "$p99m" | tee -a "$OUT/table.md"
    done
  done
  kill -TERM $pid; wait $pid 2>/dev/null || true
done
echo; cat "$OUT/table.md"
