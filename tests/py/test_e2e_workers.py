"""`--workers N` really runs N interpreters with a GIL each (the main one and N-1
sub-interpreters): each event loop owns one, pinned to the loop's thread, and new connections go
to the loops in turn. The module's server is started once per
worker count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from e2e_support import (
    APPS_DIR,
    Connection,
    start_line_pattern,
    wait_for_output,
    wait_until_started,
)

from fasterapi.testing import LiveServer

WORKER_COUNTS = [1, 2, 3]


@pytest.fixture(scope="module")
def fasterapi_app() -> str:
    return "serve_app:app"


@pytest.fixture(scope="module")
def fasterapi_app_dir() -> str:
    return str(APPS_DIR)


@pytest.fixture(scope="module", params=WORKER_COUNTS, ids=[f"workers={n}" for n in WORKER_COUNTS])
def fasterapi_server_args(request: pytest.FixtureRequest) -> list[str]:
    return ["--workers", str(request.param)]


@pytest.fixture(scope="module")
def workers(fasterapi_server_args: list[str]) -> int:
    return int(fasterapi_server_args[fasterapi_server_args.index("--workers") + 1])


@pytest.fixture(scope="module", autouse=True)
def started(live_server: LiveServer) -> None:
    wait_until_started(live_server)


def interp_on_new_connection(server: LiveServer) -> dict[str, int | str]:
    with Connection(server.host, server.port) as conn:
        result: dict[str, int | str] = conn.get_json("/interp")
        return result


def test_start_line_counts_the_interpreters(live_server: LiveServer, workers: int) -> None:
    pattern = start_line_pattern(live_server.host, live_server.port, workers)
    # logged once every interpreter booted, which may be just after the first answer
    stderr = wait_for_output(live_server.stderr_text, pattern)
    assert pattern.search(stderr), stderr


def test_exactly_n_interpreters_answer(live_server: LiveServer, workers: int) -> None:
    seen = [interp_on_new_connection(live_server) for _ in range(4 * workers)]
    assert len({entry["modules_id"] for entry in seen}) == workers
    # module state is per interpreter too: each imported the app module itself
    assert len({entry["token"] for entry in seen}) == workers


def test_connections_go_round_robin(live_server: LiveServer, workers: int) -> None:
    order = [interp_on_new_connection(live_server)["token"] for _ in range(3 * workers)]
    first_round = order[:workers]
    assert len(set(first_round)) == workers, order
    assert order == first_round * 3, order


def test_interpreters_are_pinned_to_loop_threads(live_server: LiveServer, workers: int) -> None:
    thread_of: dict[object, set[object]] = {}
    for _ in range(2 * workers):
        with Connection(live_server.host, live_server.port) as conn:
            answers = [conn.get_json("/interp") for _ in range(3)]
        # a keep-alive connection stays on its loop, hence on one interpreter
        assert len({answer["token"] for answer in answers}) == 1, answers
        counts = [answer["count"] for answer in answers]
        assert counts == list(range(counts[0], counts[0] + 3)), counts
        for answer in answers:
            thread_of.setdefault(answer["token"], set()).add(answer["thread"])
    assert len(thread_of) == workers
    # one OS thread per interpreter, and no thread shared between interpreters
    assert all(len(threads) == 1 for threads in thread_of.values()), thread_of
    assert len(set.union(*thread_of.values())) == workers


def test_interpreters_run_in_parallel(live_server: LiveServer, workers: int,
                                      tmp_path: Path) -> None:
    # One connection per interpreter, then a request on each that waits (up to 10 s) for all
    # the others to be inside the handler at the same time.
    connections: dict[object, Connection] = {}
    spare: list[Connection] = []
    try:
        while len(connections) < workers:
            conn = Connection(live_server.host, live_server.port)
            token = conn.get_json("/interp")["token"]
            if token in connections:
                spare.append(conn)
            else:
                connections[token] = conn
        path = f"/rendezvous?directory={tmp_path}&parties={workers}&timeout=10"
        for conn in connections.values():
            conn.send("GET", path)
        results = []
        for conn in connections.values():
            status, _, body = conn.receive()
            assert status == 200, body
            results.append(json.loads(body))
    finally:
        for conn in [*connections.values(), *spare]:
            conn.close()
    assert [result["met"] for result in results] == [True] * workers, results
    assert {result["token"] for result in results} == set(connections)


def test_rendezvous_needs_distinct_interpreters(live_server: LiveServer,
                                                tmp_path: Path) -> None:
    # The check above can fail: two requests on one interpreter drop the same token, so
    # they never count as two parties, however the server schedules them.
    with Connection(live_server.host, live_server.port) as first:
        token = first.get_json("/interp")["token"]
        others = []
        try:
            while True:
                second = Connection(live_server.host, live_server.port)
                others.append(second)
                if second.get_json("/interp")["token"] == token:
                    break
            path = f"/rendezvous?directory={tmp_path}&parties=2&timeout=0.2"
            first.send("GET", path)
            second.send("GET", path)
            results = [json.loads(conn.receive()[2]) for conn in (first, second)]
        finally:
            for conn in others:
                conn.close()
    assert [result["met"] for result in results] == [False, False], results
