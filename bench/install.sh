#!/usr/bin/env bash
# Installs what the benchmarks need: wrk and h2load (Debian packages) when missing, and the
# bench venv (.venv-bench, Python 3.13) with this checkout of fasterapi; with --peers also the
# Python servers it is measured against, current from PyPI.
#   bench/install.sh [--peers]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null || ! command -v h2load >/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get install -y -qq wrk nghttp2-client
fi
PY=$(scripts/find-python.sh 3.13)
[ -x .venv-bench/bin/python ] || "$PY" -m venv .venv-bench
if [ "${1:-}" = --peers ]; then
  .venv-bench/bin/pip install -q --disable-pip-version-check fastapi uvicorn uvloop httptools granian starlette websockets
fi
.venv-bench/bin/pip install -q --disable-pip-version-check --force-reinstall --no-deps .
