#!/usr/bin/env bash
# Installs the system tools the tests use when they are missing (a fresh CI machine has Go,
# gcc and pyenv's Pythons, but not necessarily these).
set -eu
need=()
command -v curl >/dev/null || need+=(curl)
command -v pkg-config >/dev/null || need+=(pkg-config)
# h2load drives many HTTP/2 streams at once in tests/go and in bench/run.sh.
command -v h2load >/dev/null || need+=(nghttp2-client)
# Headless Chromium: /docs (test_e2e_openapi.py), WebSocket and EventSource in a page
# (test_e2e_browser.py), a page over TLS and h2 (tests/go/tls_test.go).
command -v chromium >/dev/null || need+=(chromium)
# Node and npm: swagger-ui-dist for /docs, Node's `ws` client (test_e2e_node_clients.py).
command -v npm >/dev/null || need+=(nodejs npm)
# The TLS tests make an encrypted PKCS#8 key the way users do.
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${need[@]}"
fi
command -v go >/dev/null || { echo "Go is required: https://go.dev/dl" >&2; exit 1; }
# h2spec, the HTTP/2 conformance suite, run by tests/go against the real server.
[ -x "$(go env GOPATH)/bin/h2spec" ] || go install github.com/summerwind/h2spec/cmd/h2spec@latest
scripts/find-python.sh 3.12 >/dev/null
scripts/find-python.sh 3.13 >/dev/null
