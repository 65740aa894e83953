#!/usr/bin/env bash
# WebSocket and Server-Sent Events benchmark: FasterAPI against uvicorn+Starlette, Granian
# (ASGI with the same Starlette app, and its RSGI interface with a bare handler) and a Go
# gorilla/websocket server (no Python), all in one run. Prints a markdown table with each
# figure's ratio to uvicorn+Starlette.
# Each server is pinned to core 0 (taskset -c 0), bench/wsload runs on core 1; every
# measurement is the median of RUNS runs of DURATION, each after a 1 s warm-up:
#   echo    32 messages (64 B text) in flight on 1 connection, and on 100 connections: msgs/s
#   ping    1 message in flight on 1 connection: latency-bound, so p50/p99 round trip, no ratio
#   sse     1,000 clients of /sse (bench/apps/broadcast.py): events/s received by all clients
# bench/run.sh calls it at the end; alone:
#   bench/ws.sh
#   DURATION=5s RUNS=3 SERVERS="fasterapi uvicorn+starlette" bench/ws.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-5s}
RUNS=${RUNS:-3}
PORT=${PORT:-8765}
SSE_CLIENTS=${SSE_CLIENTS:-1000}
SERVERS=${SERVERS:-fasterapi uvicorn+starlette granian+starlette granian-rsgi go-gorilla}
BASE=uvicorn+starlette
OUT=bench/results
mkdir -p "$OUT"

# Every SSE client is one socket on each side, plus the server's own files.
need=$((SSE_CLIENTS + 256))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  ulimit -n "$need" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  [ "$(ulimit -n)" -ge "$need" ] || { echo "ulimit -n is $(ulimit -n), need $need: raise the hard limit" >&2; exit 1; }
fi

if [ -z "${BENCH_INSTALLED:-}" ]; then  # bench/run.sh has installed them already
  bench/install.sh --peers
fi
go build -o "$OUT/wsload" ./bench/wsload
go build -o "$OUT/wsecho" ./bench/wsecho
V=../../.venv-bench/bin

server_cmd() { # run from bench/apps
  case $1 in
    fasterapi) echo "env BENCH_FRAMEWORK=fasterapi $V/fasterapi serve fastapi_app:app --port $PORT --workers 1" ;;
    # Diagnostic, not a default: pinned to one core Go picks GOMAXPROCS=1, and a Go call from
    # the interpreter's asyncio thread (a completion, a channel operation; sends and events
    # go through C mailboxes) waits for the event loop's P.
    fasterapi-gomaxprocs4) echo "env GOMAXPROCS=4 BENCH_FRAMEWORK=fasterapi $V/fasterapi serve fastapi_app:app --port $PORT --workers 1" ;;
    uvicorn+fastapi) echo "$V/uvicorn fastapi_app:app --port $PORT --workers 1 --log-level warning --no-access-log" ;;
    uvicorn+starlette) echo "$V/uvicorn starlette_app:app --port $PORT --workers 1 --log-level warning --no-access-log" ;;
    granian+starlette) echo "$V/granian --interface asgi --port $PORT --workers 1 --log-level warning starlette_app:app" ;;
    granian-rsgi) echo "$V/granian --interface rsgi --port $PORT --workers 1 --log-level warning rsgi_app:app" ;;
    go-gorilla) echo "../results/wsecho -addr 127.0.0.1:$PORT" ;;
    *) echo "unknown server $1" >&2; return 1 ;;
  esac
}

PID=""
start_server() { # name
  local cmd log=$OUT/ws-${1//\//_}.log
  cmd=$(server_cmd "$1")
  (cd bench/apps && exec taskset -c 0 $cmd) >"$log" 2>&1 &
  PID=$!
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$PORT/json" >/dev/null && return 0
    sleep 0.1
  done
  echo "$1 did not start; see $log" >&2
  kill "$PID"; exit 1
}
stop_server() { kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; sleep 0.5; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1==k {print $2}'; }

# measure MODE ARGS... -> the medians "rate p50 p99" of the RUNS wsload runs that succeeded,
# or "- - -" when none did (the errors go to stderr and the table shows "failed").
measure() {
  local mode=$1 rate=() p50=() p99=() line; shift
  for _ in $(seq "$RUNS"); do
    line=$(taskset -c 1 "$OUT/wsload" "$mode" -duration "$DURATION" "$@") || continue
    echo "  $line" >&2
    if [ "$mode" = sse ]; then
      rate+=("$(field "$line" events_per_s)"); p50+=(0); p99+=(0)
    else
      rate+=("$(field "$line" msgs_per_s)"); p50+=("$(field "$line" p50_ms)"); p99+=("$(field "$line" p99_ms)")
    fi
  done
  [ ${#rate[@]} -gt 0 ] || { echo "- - -"; return; }
  echo "$(median "${rate[@]}") $(median "${p50[@]}") $(median "${p99[@]}")"
}

declare -A R
ws=ws://127.0.0.1:$PORT/ws
for name in $SERVERS; do
  echo "== $name" >&2
  start_server "$name"
  read -r R[$name,e1] _ _ < <(measure echo -url "$ws" -conns 1 -inflight 32)
  read -r R[$name,e100] _ _ < <(measure echo -url "$ws" -conns 100 -inflight 32)
  read -r R[$name,ping] R[$name,p50] R[$name,p99] < <(measure echo -url "$ws" -conns 1 -inflight 1)
  # A server busy pushing to the clients already connected can take many seconds to accept
  # the rest, hence the long connect timeout; wsload reports the time as connect_s.
  read -r R[$name,sse] _ _ < <(measure sse -url "http://127.0.0.1:$PORT/sse" -clients "$SSE_CLIENTS" -connect-timeout 120s)
  stop_server
done

# cell NAME KEY: the figure, with its ratio to the base server when both were measured.
cell() {
  local a=${R[$1,$2]} b=${R[$BASE,$2]:--}
  [ "$a" = - ] && { echo failed; return; }
  awk -v a="$a" -v b="$b" 'BEGIN {
    s = sprintf("%.0f", a); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
    if (b != "-" && b > 0) s = s sprintf(" (%.2fx)", a / b); print s }'
}
table=$OUT/ws-table.md
{
  echo "| server | echo, 32 in flight, 1 conn, msgs/s | echo, 32 in flight, 100 conns, msgs/s | ping-pong p50 / p99 ms (msgs/s) | SSE to $SSE_CLIENTS clients, events/s |"
  echo "|---|---|---|---|---|"
  for name in $SERVERS; do
    ping=failed
    [ "${R[$name,ping]}" != - ] && ping="${R[$name,p50]} / ${R[$name,p99]} ($(awk -v a="${R[$name,ping]}" 'BEGIN {printf "%.0f", a}'))"
    printf '| %s | %s | %s | %s | %s |\n' "$name" "$(cell "$name" e1)" "$(cell "$name" e100)" "$ping" "$(cell "$name" sse)"
  done
  echo
  echo "Ratios are to $BASE. DURATION=$DURATION RUNS=$RUNS, server on core 0, wsload on core 1."
} | tee "$table"
echo "full table: $table" >&2
