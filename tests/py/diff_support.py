"""Live differential tests against FastAPI itself.

An app of tests/apps/diff is served twice: by uvicorn with FastAPI from the reference venv
(.venv-ref, made by `make venv-ref` from PyPI's current FastAPI), and by `fasterapi serve`
from the venv running pytest. FRAMEWORK=fastapi|fasterapi picks the app's one import
(tests/apps/diff/framework.py). Every case is sent to both with httpx, and the status, the
body bytes and the headers (all but the transport's own) must be the same, as must
/openapi.json, unless the test module lists the difference as a deliberate `Deviation`.

A test module is one app and a list of requests:

    pair = served("values_app")
    CASES = [Case("GET", "/items/3?q=x"), Case("POST", "/dc", {"json": {"name": "n"}})]
    DEVIATIONS = {"GET /crash": Deviation({"headers"}, "why the difference is kept")}

    @pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
    def test_same_answer_as_fastapi(pair: ServerPair, case: Case) -> None:
        pair.check(case, DEVIATIONS)

    def test_same_openapi_document(pair: ServerPair) -> None:
        pair.check_openapi()

Both servers start once per module, and the cases run in order: some read state (a log) that
earlier cases left in the app, so FasterAPI serves with one interpreter, as uvicorn does.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import httpx
import pytest
from e2e_support import APPS_DIR, REPO_DIR

from fasterapi.testing import LiveServer, free_port

DIFF_APPS_DIR = APPS_DIR / "diff"
REFERENCE_VENV = Path(os.environ.get("FASTERAPI_REFERENCE_VENV", REPO_DIR / ".venv-ref"))
# Requests name this host, so URLs the apps echo do not carry either server's port.
HOST = "testserver"
# Headers that belong to the connection or the server, not to the app's answer.
TRANSPORT_HEADERS = frozenset({"date", "server", "content-length", "connection", "keep-alive",
                               "transfer-encoding"})
PARTS = frozenset({"status", "headers", "body"})
_COOKIE_DATE = re.compile(r"(?i)expires=[^;]+")


@dataclass(frozen=True)
class Case:
    """One request: method, URL (path and query) and httpx's keyword arguments."""

    method: str
    url: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """How DEVIATIONS name the case (repeated cases share it)."""
        return f"{self.method} {self.url}"


@dataclass(frozen=True)
class Deviation:
    """A difference kept on purpose: the parts of the answer that differ, and why."""

    parts: frozenset[str]
    reason: str

    def __init__(self, parts: set[str], reason: str) -> None:
        if not parts or not parts <= PARTS:
            raise ValueError(f"a deviation names some of {sorted(PARTS)}, not {parts}")
        object.__setattr__(self, "parts", frozenset(parts))
        object.__setattr__(self, "reason", reason)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, list[str]]
    body: bytes

    @classmethod
    def of(cls, response: httpx.Response) -> Answer:
        headers: dict[str, list[str]] = {}
        for name, value in response.headers.multi_items():
            if name not in TRANSPORT_HEADERS:
                headers.setdefault(name, []).append(_COOKIE_DATE.sub("expires=<date>", value))
        return cls(response.status_code, headers, response.content)

    def differing_parts(self, other: Answer) -> set[str]:
        return {part for part in PARTS if getattr(self, part) != getattr(other, part)}


def case_ids(cases: list[Case]) -> list[str]:
    return [f"{index} {case.method} {case.url[:60]}" for index, case in enumerate(cases)]


def reference_python() -> Path:
    python = REFERENCE_VENV / "bin" / "python"
    if not python.exists():
        raise RuntimeError(f"no reference venv at {REFERENCE_VENV}: `make venv-ref` makes it "
                           "(FastAPI, uvicorn and httpx from PyPI); FASTERAPI_REFERENCE_VENV "
                           "may name another one")
    return python


class ServerPair:
    """One app of tests/apps/diff under uvicorn + FastAPI and under FasterAPI."""

    def __init__(self, module: str, fasterapi_args: tuple[str, ...] = (),
                 attr: str = "app") -> None:
        self.module = module
        spec = f"{module}:{attr}"
        port = free_port()
        self.reference = LiveServer(
            spec, str(DIFF_APPS_DIR), port=port,
            command=[str(reference_python()), "-m", "uvicorn", spec, "--app-dir",
                     str(DIFF_APPS_DIR), "--host", "127.0.0.1", "--port", str(port),
                     "--log-level", "warning"],
            # A fixed hash seed: FastAPI names a route with several methods after whichever
            # its set of methods yields first, which would otherwise change between runs.
            env={**os.environ, "FRAMEWORK": "fastapi", "PYTHONHASHSEED": "0"})
        self.ours = LiveServer(spec, str(DIFF_APPS_DIR),
                               extra_args=["--workers", "1", *fasterapi_args],
                               env={**os.environ, "FRAMEWORK": "fasterapi"})
        self.clients: list[httpx.Client] = []

    def __enter__(self) -> Self:
        with ThreadPoolExecutor(2) as pool:
            started = [pool.submit(server.start) for server in (self.reference, self.ours)]
        errors = [future.exception() for future in started if future.exception()]
        if errors:
            self.__exit__()
            raise errors[0]  # type: ignore[misc]
        # A connection per request: uvicorn closes the connection after an exception reached
        # it, without saying so in the 500, and the next request on it would be reset.
        self.clients = [httpx.Client(base_url=server.url, timeout=15.0, follow_redirects=False,
                                     limits=httpx.Limits(max_keepalive_connections=0))
                        for server in (self.reference, self.ours)]
        return self

    def __exit__(self, *exc_info: object) -> None:
        for client in self.clients:
            client.close()
        with ThreadPoolExecutor(2) as pool:
            for server in (self.reference, self.ours):
                pool.submit(server.close)

    def send(self, case: Case) -> tuple[Answer, Answer]:
        """The answers of FastAPI and of FasterAPI to `case`."""
        kwargs = dict(case.kwargs)
        given = kwargs.pop("headers", {})
        headers = [("host", HOST), *(given.items() if isinstance(given, dict) else given)]
        answers = []
        for name, server, client in zip(("FastAPI", "FasterAPI"), (self.reference, self.ours),
                                        self.clients, strict=True):
            try:
                response = client.request(case.method, case.url, headers=headers, **kwargs)
            except httpx.HTTPError as exc:
                raise AssertionError(f"{name} did not answer {case}: {exc!r}; its stderr ends:"
                                     f"\n{server.stderr_text()[-3000:]}") from exc
            answers.append(Answer.of(response))
        return answers[0], answers[1]

    def check(self, case: Case, deviations: dict[str, Deviation]) -> None:
        """Assert that both answer `case` alike, or differ exactly as listed."""
        reference, ours = self.send(case)
        differing = reference.differing_parts(ours)
        deviation = deviations.get(case.key)
        report = (f"{case.method} {case.url} {case.kwargs}\n"
                  f"  FastAPI:   {reference}\n  FasterAPI: {ours}")
        if deviation is None:
            assert not differing, f"answers differ in {sorted(differing)}:\n{report}"
        else:
            assert differing == deviation.parts, (
                f"listed as differing in {sorted(deviation.parts)} ({deviation.reason}), "
                f"but differ in {sorted(differing)}; update DEVIATIONS:\n{report}")

    def get_json(self, path: str) -> tuple[Any, Any]:
        reference, ours = (client.get(path, headers={"host": HOST}) for client in self.clients)
        assert (reference.status_code, ours.status_code) == (200, 200), (reference, ours)
        return reference.json(), ours.json()

    def check_openapi(self, deviations: dict[str, str] | None = None,
                      path: str = "/openapi.json") -> None:
        """Assert that both serve the same OpenAPI document, except at the JSON pointers
        listed in `deviations` (pointer -> reason), each of which must still differ."""
        reference, ours = self.get_json(path)
        allowed = deviations or {}
        found = json_differences(reference, ours)
        unexpected = [pointer for pointer in found if pointer not in allowed]
        assert not unexpected, "\n".join(
            f"{p}: FastAPI {json_at(reference, p)!r} / FasterAPI {json_at(ours, p)!r}"
            for p in unexpected)
        stale = sorted(set(allowed) - set(found))
        assert not stale, f"listed deviations that are gone (remove them): {stale}"


def served(module: str, *fasterapi_args: str) -> Any:
    """A module-scoped `pair` fixture serving tests/apps/diff/`module`.py under both."""

    @pytest.fixture(scope="module")
    def pair() -> Iterator[ServerPair]:
        with ServerPair(module, fasterapi_args) as started:
            yield started

    return pair


def same_answers_and_document(cases: list[Case], deviations: dict[str, Deviation]
                              ) -> tuple[Any, Any]:
    """The two tests of a module that serves one app with `served`: every case answered
    alike (or differing exactly as `deviations` lists), and the same OpenAPI document.

        test_same_answer_as_fastapi, test_same_openapi_document = \
            same_answers_and_document(CASES, DEVIATIONS)
    """

    @pytest.mark.parametrize("case", cases, ids=case_ids(cases))
    def test_same_answer_as_fastapi(pair: ServerPair, case: Case) -> None:
        pair.check(case, deviations)

    def test_same_openapi_document(pair: ServerPair) -> None:
        pair.check_openapi()

    return test_same_answer_as_fastapi, test_same_openapi_document


def _pointer(path: list[str]) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path)


def json_differences(expected: Any, actual: Any, path: list[str] | None = None) -> list[str]:
    """JSON pointers (RFC 6901) where two documents differ; numbers compare by value."""
    path = path or []
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(expected.keys() | actual.keys()):
            if key not in actual or key not in expected:
                found.append(_pointer([*path, key]))
            else:
                found += json_differences(expected[key], actual[key], [*path, key])
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(
            actual):
        found = []
        for index, (a, b) in enumerate(zip(expected, actual, strict=True)):
            found += json_differences(a, b, [*path, str(index)])
        return found
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool)
                  for v in (expected, actual))
    if type(expected) is not type(actual) and not numbers:
        return [_pointer(path)]
    return [] if expected == actual else [_pointer(path)]


def json_at(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer, or "<absent>"."""
    current = document
    for part in pointer.split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict):
            if key not in current:
                return "<absent>"
            current = current[key]
        elif isinstance(current, list):
            current = current[int(key)]
    return current


__all__ = ["Case", "Deviation", "ServerPair", "case_ids", "json_differences", "served"]
