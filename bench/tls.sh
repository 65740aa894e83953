#!/usr/bin/env bash
# What TLS costs: server CPU per request and req/s, cleartext against TLS 1.3, HTTP/1.1 and
# HTTP/2, with the same client (h2load). The server is pinned to core 0, h2load to core 1; CPU
# time is read from /proc, which a busy shared machine disturbs less than req/s.
#   VENV=.venv-test-3.13 bench/tls.sh
#   VENV=.venv-test-3.13 N=200000 RUNS=3 bench/tls.sh
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv-test-3.13}
N=${N:-100000}
RUNS=${RUNS:-3}
PORT=${PORT:-18080}
TLS_PORT=${TLS_PORT:-18443}
command -v h2load >/dev/null || { echo "h2load is required (Debian: nghttp2-client)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/key.pem" \
  -out "$dir/cert.pem" -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
(cd tests/apps && exec taskset -c 0 "../../$VENV/bin/fasterapi" serve async_app:app --workers 1 \
  --port "$PORT" --ssl-port "$TLS_PORT" --ssl-certfile "$dir/cert.pem" --ssl-keyfile "$dir/key.pem" \
  2>"$dir/log") &
pid=$!
for _ in $(seq 100); do grep -q "running on" "$dir/log" 2>/dev/null && break; sleep 0.1; done

# measure NAME H2LOAD-ARGS...: the server's CPU microseconds per request, and req/s
measure() {
  local name=$1; shift
  local t0 t1 out
  t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
  out=$(taskset -c 1 h2load -t 1 -c 50 -n "$N" "$@" 2>&1)
  t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
  echo "$out" | grep -q " $N succeeded" || { echo "$name: failed"; echo "$out"; exit 1; }
  awk -v a="$t0" -v b="$t1" -v n="$N" -v name="$name" -v rps="$(echo "$out" | awk '/^finished/ {print $4}')" \
    -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%-22s %6.1f us/req  %10s req/s\n", name, (b-a)*1e6/hz/n, rps }'
}
for _ in $(seq "$RUNS"); do
  measure "HTTP/1.1 cleartext" --h1 "http://127.0.0.1:$PORT/sync"
  measure "HTTP/1.1 TLS" --h1 "https://127.0.0.1:$TLS_PORT/sync"
  measure "h2c, 10 streams" -m 10 "http://127.0.0.1:$PORT/sync"
  measure "h2 TLS, 10 streams" -m 10 "https://127.0.0.1:$TLS_PORT/sync"
done
