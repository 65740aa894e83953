#!/usr/bin/env bash
# Prints the path of a CPython >= 3.12 with a shared libpython (FasterAPI embeds it).
# With an argument (3.12 or 3.13) only that minor version qualifies. $PYTHON wins if it fits.
set -u
want=${1:-}
fits() {
    "$1" - "$want" <<'PY' >/dev/null 2>&1
import sys, sysconfig
want = sys.argv[1]
ok = sys.version_info >= (3, 12) and sysconfig.get_config_var("Py_ENABLE_SHARED")
if want:
    ok = ok and "%d.%d" % sys.version_info[:2] == want
sys.exit(0 if ok else 1)
PY
}
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
if [ -n "$want" ]; then
    candidates+=("python$want")
else
    candidates+=(python3.13 python3.12 python3)
fi
if command -v pyenv >/dev/null 2>&1; then
    root=$(pyenv root)
    for v in $(ls -d "$root"/versions/3.1[3-9]* "$root"/versions/3.12* 2>/dev/null | sort -rV); do
        candidates+=("$v/bin/python3")
    done
fi
for c in "${candidates[@]}"; do
    p=$(command -v "$c" 2>/dev/null) || continue
    if fits "$p"; then
        # resolve pyenv shims to the real interpreter so venvs point at it
        "$p" -c 'import sys; print(sys.executable)'
        exit 0
    fi
done
echo "no CPython ${want:->= 3.12} with a shared libpython found; install one (pyenv: PYTHON_CONFIGURE_OPTS=--enable-shared pyenv install 3.13) or set PYTHON=/path/to/python3.13" >&2
exit 1
