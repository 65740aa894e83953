#!/usr/bin/env bash
# Benchmarks FasterAPI against its peers in one run and prints a markdown table, then runs
# the WebSocket/SSE benchmark (bench/ws.sh). gnet-bare (a gnet loop answering fixed bytes, no
# Python) is the ceiling for /json.
# Each server is pinned to core 0 (taskset -c 0), wrk runs on core 1; every endpoint at each
# connection count, median of RUNS runs of DURATION after a warm-up.
#   bench/run.sh
#   DURATION=8s RUNS=3 CONNS="64 256" SERVERS="fasterapi uvicorn+fastapi" PATHS="/json /cpu" bench/run.sh
# HTTP/2 row: h2load -c 16 -m 10 on /json (cleartext, prior knowledge) against H2SERVERS; set
# SERVERS="" to run only that row:   SERVERS= bench/run.sh
# WS=0 skips the WebSocket/SSE part:   WS=0 H2SERVERS= PATHS="/big /big-bytes" bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-8s}
RUNS=${RUNS:-3}
CONNS=${CONNS:-64 256}
PORT=${PORT:-8765}
SERVERS=${SERVERS-fasterapi uvicorn+fastapi granian+fastapi granian-rsgi uvicorn+starlette go-net/http gnet-bare}
PATHS=${PATHS:-/json /plaintext /items/5?q=x /big /big-bytes /echo /async /cpu}
H2SERVERS=${H2SERVERS-fasterapi go-net/http granian+fastapi granian-rsgi}
H2CONNS=${H2CONNS:-16}
H2STREAMS=${H2STREAMS:-10}
OUT=bench/results
mkdir -p "$OUT"

bench/install.sh --peers
go build -o "$OUT/nethttp" ./bench/nethttp
go build -o "$OUT/gnetbare" ./bench/gnetbare
V=../../.venv-bench/bin

server_cmd() { # run from bench/apps
  case $1 in
    fasterapi) echo "env BENCH_FRAMEWORK=fasterapi $V/fasterapi serve fastapi_app:app --port $PORT --workers ${2:-1}" ;;
    uvicorn+fastapi) echo "$V/uvicorn fastapi_app:app --port $PORT --workers 1 --log-level warning --no-access-log" ;;
    granian+fastapi) echo "$V/granian --interface asgi --port $PORT --workers 1 --log-level warning ${GRANIAN_HTTP:-} fastapi_app:app" ;;
    granian-rsgi) echo "$V/granian --interface rsgi --port $PORT --workers 1 --log-level warning ${GRANIAN_HTTP:-} rsgi_app:app" ;;
    uvicorn+starlette) echo "$V/uvicorn starlette_app:app --port $PORT --workers 1 --log-level warning --no-access-log" ;;
    go-net/http) echo "../results/nethttp -addr 127.0.0.1:$PORT" ;;
    gnet-bare) echo "../results/gnetbare -addr 127.0.0.1:$PORT" ;;
  esac
}

PID=""
start_server() { # name cores [workers]
  (cd bench/apps && exec taskset -c "$2" $(server_cmd "$1" "${3:-1}")) >"$OUT/${1//\//_}.log" 2>&1 &
  PID=$!
  for _ in $(seq 300); do
    curl -sf ${CURL_HTTP:-} "http://127.0.0.1:$PORT/json" >/dev/null && return 0
    sleep 0.1
  done
  echo "$1 did not start; see $OUT/${1//\//_}.log" >&2
  kill "$PID"; exit 1
}
# Granian serving HTTP/2 did not always exit on SIGTERM: after 10 s it and its workers are killed.
stop_server() {
  kill -TERM "$PID" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  pkill -KILL -P "$PID" 2>/dev/null || true
  kill -KILL "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
}
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/"$(pgrep -P "$PID" | head -1 || echo "$PID")"/status 2>/dev/null || awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/"$PID"/status; }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}' <<<"$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# measure PATH CONNS WRK_CPUS [WRK_SCRIPT] -> "rps p50 p99" medians
measure() {
  local path=$1 c=$2 cpus=$3 script=()
  [ "$path" = /echo ] && script=(-s bench/post.lua)
  [ -n "${4:-}" ] && script=(-s "$4")
  taskset -c "$cpus" wrk -t1 -c"$c" -d2s "${script[@]}" "http://127.0.0.1:$PORT$path" >/dev/null
  local rps=() p50=() p99=() res
  for _ in $(seq "$RUNS"); do
    res=$(taskset -c "$cpus" wrk -t1 -c"$c" -d"$DURATION" --latency "${script[@]}" "http://127.0.0.1:$PORT$path")
    if grep -q "Non-2xx" <<<"$res"; then echo "non-2xx answers from $path:" >&2; echo "$res" >&2; fi
    rps+=("$(awk '/Requests\/sec/ {print $2}' <<<"$res")")
    p50+=("$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$res")")")
    p99+=("$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$res")")")
  done
  echo "$(median "${rps[@]}") $(median "${p50[@]}") $(median "${p99[@]}")"
}

declare -A RPS
table="$OUT/table.md"
{
  echo "| server | path | conns | req/s | p50 ms | p99 ms | RSS idle / after, MB |"
  echo "|---|---|---|---|---|---|---|"
} >"$table"
for name in $SERVERS; do
  paths=$PATHS
  [ "$name" = gnet-bare ] && paths=/json  # the no-Python ceiling answers one fixed body
  start_server "$name" 0
  idle=$(rss_mb)
  for path in $paths; do
    for c in $CONNS; do
      read -r rps p50 p99 < <(measure "$path" "$c" 1)
      RPS["$name|$path|$c"]=$rps
      printf '| %s | `%s` | %s | %.0f | %s | %s | |\n' "$name" "$path" "$c" "$rps" "$p50" "$p99" | tee -a "$table"
    done
  done
  printf '| %s | (RSS) | | | | | %s / %s |\n' "$name" "$idle" "$(rss_mb)" | tee -a "$table"
  stop_server
done

# cpu_per_request CPUS -> server CPU time (user + system, from /proc) per request, in us, over
# one wrk run of DURATION on /cpu: unlike req/s it does not depend on how much of the cores
# wrk and other processes took.
cpu_per_request() {
  local before after res
  before=$(awk '{print $14 + $15}' /proc/"$PID"/stat)
  res=$(taskset -c "$1" wrk -t1 -c64 -d"$DURATION" "http://127.0.0.1:$PORT/cpu")
  after=$(awk '{print $14 + $15}' /proc/"$PID"/stat)
  awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$(awk '/requests in/ {print $1}' <<<"$res")" \
    'BEGIN {printf "%.1f", t / hz / n * 1e6}'
}

# Scaling on the CPU-bound handler: 1 vs 2 interpreters, server on both cores. wrk shares them,
# so it pipelines 16 requests per write (bench/pipeline.lua) to take less of them; the CPU time
# per request (plain wrk) shows whether a second interpreter costs anything per request.
if [[ " $SERVERS " == *" fasterapi "* ]]; then
  for w in 1 2; do
    start_server fasterapi 0,1 "$w"
    read -r rps _ _ < <(measure /cpu 64 0,1 bench/pipeline.lua)
    RPS["scale|$w"]=$rps
    RPS["scalecpu|$w"]=$(cpu_per_request 0,1)
    stop_server
  done
  printf '\nScaling, `/cpu` at 64 connections pipelining 16 requests each, server and wrk sharing both cores: 1 interpreter %.0f req/s (%s us of server CPU per request), 2 interpreters %.0f req/s (%s us) (%.2fx)\n' \
    "${RPS[scale|1]}" "${RPS[scalecpu|1]}" "${RPS[scale|2]}" "${RPS[scalecpu|2]}" \
    "$(awk -v a="${RPS[scale|2]}" -v b="${RPS[scale|1]}" 'BEGIN {print a/b}')" | tee -a "$table"
fi

# HTTP/2 over cleartext with prior knowledge: h2load multiplexes H2STREAMS streams on each of
# H2CONNS connections. Granian speaks only HTTP/2 with --http 2, so it is probed that way.
# measure_h2 CPUS -> "rps" median
measure_h2() {
  local url="http://127.0.0.1:$PORT/json" rps=() res
  taskset -c "$1" h2load -t1 -c"$H2CONNS" -m"$H2STREAMS" -D 2 "$url" >/dev/null
  for _ in $(seq "$RUNS"); do
    res=$(taskset -c "$1" h2load -t1 -c"$H2CONNS" -m"$H2STREAMS" -D "${DURATION%s}" "$url")
    if ! grep -q " 0 failed, 0 errored" <<<"$res"; then echo "h2load errors against $url:" >&2; echo "$res" >&2; fi
    rps+=("$(awk '/^finished in/ {print $4}' <<<"$res")")
  done
  median "${rps[@]}"
}
if [ -n "$H2SERVERS" ]; then
  {
    echo; echo "HTTP/2 cleartext (prior knowledge), \`h2load -t1 -c$H2CONNS -m$H2STREAMS -D ${DURATION%s}\` on \`/json\`:"; echo
    echo "| server | req/s |"; echo "|---|---|"
  } | tee -a "$table"
  for name in $H2SERVERS; do
    GRANIAN_HTTP="" CURL_HTTP=""
    [[ $name == granian* ]] && GRANIAN_HTTP="--http 2" CURL_HTTP="--http2-prior-knowledge"
    start_server "$name" 0
    rps=$(measure_h2 1)
    RPS["h2|$name"]=$rps
    printf '| %s | %.0f |\n' "$name" "$rps" | tee -a "$table"
    stop_server
  done
  GRANIAN_HTTP="" CURL_HTTP=""
  a=${RPS["h2|fasterapi"]:-}
  if [ -n "$a" ]; then
    for name in $H2SERVERS; do
      b=${RPS["h2|$name"]:-}
      if [ "$name" != fasterapi ] && [ -n "$b" ]; then
        awk -v a="$a" -v b="$b" -v n="$name" 'BEGIN {printf "FasterAPI h2 vs %s h2: %.2fx\n", n, a/b}' | tee -a "$table"
      fi
    done
    b=${RPS["fasterapi|/json|64"]:-}
    if [ -n "$b" ]; then
      awk -v a="$a" -v b="$b" 'BEGIN {printf "FasterAPI h2 vs its own HTTP/1.1 (wrk -c64): %.2fx\n", a/b}' | tee -a "$table"
    fi
  fi
fi

# FasterAPI's ratio to each peer, same path and connection count.
{
  echo; echo "| FasterAPI vs | path | conns | ratio |"; echo "|---|---|---|---|"
  for name in $SERVERS; do
    [ "$name" = fasterapi ] && continue
    for path in $PATHS; do for c in $CONNS; do
      a=${RPS["fasterapi|$path|$c"]:-}; b=${RPS["$name|$path|$c"]:-}
      # An if, not a && chain: a pair not measured (gnet-bare serves /json only) must not end
      # the block with a failing status, which set -e would turn into the script's exit.
      if [ -n "$a" ] && [ -n "$b" ]; then
        awk -v a="$a" -v b="$b" -v n="$name" -v p="$path" -v c="$c" 'BEGIN {printf "| %s | `%s` | %s | %.2fx |\n", n, p, c, a/b}'
      fi
    done; done
  done
} | tee -a "$table"
echo; echo "full table: $table"

# WebSocket echo and SSE fan-out against the same Python stacks, same pinning (WS=0 skips it).
if [ "${WS:-1}" != 0 ]; then
  echo; BENCH_INSTALLED=1 bench/ws.sh
fi
