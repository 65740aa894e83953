#!/usr/bin/env bash
# Prints export lines that let `go build/test/vet` compile the cgo bridge against the given
# Python (default: the one scripts/find-python.sh picks): eval "$(scripts/cgo-env.sh PY)".
set -eu
py=${1:-$(dirname "$0")/find-python.sh}
[ -x "$py" ] && [ "${py##*/}" = find-python.sh ] && py=$("$py")
"$py" - <<'PY'
import shlex, sysconfig
inc = sysconfig.get_paths()["include"]
libdir = sysconfig.get_config_var("LIBDIR")
ver = sysconfig.get_config_var("LDVERSION")
print("export CGO_ENABLED=1")
print("export CGO_CFLAGS=" + shlex.quote(f"-I{inc} -O2"))
print("export CGO_LDFLAGS=" + shlex.quote(f"-L{libdir} -lpython{ver} -Wl,-rpath,{libdir}"))
PY
