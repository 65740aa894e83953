# FasterAPI: `make run` serves examples/hello, `make test` runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell scripts/find-python.sh)
VENV := .venv
TEST_PYTHONS := 3.12 3.13
FUZZTIME ?= 15s
PORT ?= 8000
# Test clients and tools installed from PyPI into each test venv, as a user would (pydantic:
# FasterAPI hands pydantic models to it, and the differential tests serve some).
TEST_REQS := pytest httpx h2 websockets mypy ruff openapi-spec-validator schemathesis pydantic brotli zstandard
# The reference for the differential tests (tests/py/test_diff_*.py serve the same apps with
# uvicorn + FastAPI from it): PyPI's current FastAPI, in a venv of its own so that FasterAPI's
# tests never see it. `rm -rf .venv-ref` before `make test` takes newer releases.
REF_VENV := .venv-ref
REF_REQS := fastapi uvicorn python-multipart httpx pytest

.PHONY: help run install test setup go-vet go-test fuzz py-test lint bench clean

help:
	@echo "make run    build, install into $(VENV) and serve examples/hello on port $(PORT)"
	@echo "make test   install what the tests need and run every Go and Python test"
	@echo "make bench  benchmark against uvicorn, Granian, Starlette and Go (bench/run.sh, then bench/ws.sh), then the example app's RSS (bench/rss.sh)"

install:
	@test -n "$(PYTHON)" || { scripts/find-python.sh; exit 1; }
	@[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check .

run: install
	cd examples/hello && ../../$(VENV)/bin/fasterapi serve app:app --port $(PORT)

# ---- tests -------------------------------------------------------------------

setup:
	@scripts/setup.sh

test: setup go-vet go-test fuzz py-test lint
	@echo "all tests passed"

go-vet:
	eval "$$(scripts/cgo-env.sh)"; go vet ./...

go-test: venvs
	eval "$$(scripts/cgo-env.sh)"; \
	H2SPEC="$$(go env GOPATH)/bin/h2spec" \
	FASTERAPI_TEST_VENVS="$(foreach v,$(TEST_PYTHONS),$(CURDIR)/.venv-test-$(v))" go test -race -count=1 ./...

fuzz:
	eval "$$(scripts/cgo-env.sh)"; \
	go test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./protocols/http1/ && \
	go test -run '^$$' -fuzz '^FuzzStreamBody$$' -fuzztime $(FUZZTIME) ./protocols/http1/ && \
	go test -run '^$$' -fuzz '^FuzzLookup$$' -fuzztime $(FUZZTIME) ./router/ && \
	go test -run '^$$' -fuzz '^FuzzReader$$' -fuzztime $(FUZZTIME) ./protocols/websocket/ && \
	go test -run '^$$' -fuzz '^FuzzConn$$' -fuzztime $(FUZZTIME) ./protocols/http2/ && \
	go test -run '^$$' -fuzz '^FuzzParseRange$$' -fuzztime $(FUZZTIME) ./server/ && \
	go test -run '^$$' -fuzz '^FuzzNormPath$$' -fuzztime $(FUZZTIME) ./server/ && \
	go test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./protocols/form/ && \
	go test -run '^$$' -fuzz '^FuzzMiddleware$$' -fuzztime $(FUZZTIME) ./server/

.PHONY: venvs venv-ref
venvs: $(foreach v,$(TEST_PYTHONS),venv-$(v))

venv-ref:
	@py=$$(scripts/find-python.sh 3.13); \
	[ -x $(REF_VENV)/bin/python ] || $$py -m venv $(REF_VENV); \
	$(REF_VENV)/bin/pip install -q --disable-pip-version-check $(REF_REQS)

venv-%:
	@py=$$(scripts/find-python.sh $*); v=.venv-test-$*; \
	[ -x $$v/bin/python ] || $$py -m venv $$v; \
	$$v/bin/pip install -q --disable-pip-version-check $(TEST_REQS) && \
	$$v/bin/pip install -q --disable-pip-version-check --force-reinstall --no-deps .

py-test: venvs venv-ref
	for v in $(TEST_PYTHONS); do \
		echo "== Python $$v"; \
		.venv-test-$$v/bin/python -m pytest -q -p no:cacheprovider python/tests build_backend tests/py; \
		echo "== examples/todo on Python $$v"; \
		.venv-test-$$v/bin/python -m pytest -q -p no:cacheprovider examples/todo; \
	done
	@echo "== python/tests beside FastAPI ($(REF_VENV))"
	$(REF_VENV)/bin/python -m pytest -q -p no:cacheprovider python/tests

lint: venvs
	eval "$$(scripts/cgo-env.sh)"; go tool golangci-lint run ./...
	.venv-test-3.13/bin/ruff check python build_backend tests/py tests/apps examples bench
	.venv-test-3.13/bin/mypy --config-file python/mypy.ini python/fasterapi

bench:
	bench/run.sh
	bench/rss.sh

clean:
	rm -rf $(VENV) .venv-test-* $(REF_VENV) build dist
