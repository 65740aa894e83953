"""WebSocket (wss) and Server-Sent Events over TLS, with cleartext beside them (--ssl-port)."""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from e2e_support import APPS_DIR
from websockets.asyncio.client import connect

from fasterapi.testing import LiveServer, free_port


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed (make test installs it through scripts/setup.sh)")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def tls_server(certificate: tuple[Path, Path]) -> Iterator[tuple[LiveServer, int]]:
    cert, key = certificate
    tls_port = free_port("127.0.0.1")
    server = LiveServer("stream_app:app", str(APPS_DIR), extra_args=[
        "--workers", "1", "--ssl-certfile", str(cert), "--ssl-keyfile", str(key),
        "--ssl-port", str(tls_port)])
    server.start()
    try:
        yield server, tls_port
    finally:
        server.close()


def test_wss_echo(tls_server: tuple[LiveServer, int],
                  certificate: tuple[Path, Path]) -> None:
    # websockets' asyncio client: its sync client reads on a background thread while the main
    # thread writes the handshake request, two threads on one OpenSSL connection, and about
    # 1 in 300 of its TLS 1.3 handshake requests never left the client (the server's socket
    # had received the 581 bytes of the TLS handshake and nothing more).
    server, port = tls_server
    context = ssl.create_default_context(cafile=str(certificate[0]))

    async def exchange() -> None:
        async with connect(f"wss://127.0.0.1:{port}/ws/echo", ssl=context) as ws:
            await ws.send("secure hello")
            assert await ws.recv() == "secure hello"
        async with connect(f"wss://127.0.0.1:{port}/ws/rooms/tls", ssl=context) as ws:
            assert json.loads(await ws.recv())["room"] == "tls"

    try:
        asyncio.run(exchange())
    except Exception as exc:
        # The server listens on 127.0.0.1 only: "localhost" could reach whatever listens on
        # ::1 at the same port, which made this fail in full runs (the server saw nothing).
        raise AssertionError(f"{exc!r}; the server's stderr ends:\n"
                             f"{server.stderr_text()[-3000:]}") from exc


def test_sse_over_https_http2(tls_server: tuple[LiveServer, int],
                              certificate: tuple[Path, Path]) -> None:
    _, port = tls_server
    context = ssl.create_default_context(cafile=str(certificate[0]))
    with httpx.Client(verify=context, http2=True, timeout=15) as client:
        response = client.get(f"https://127.0.0.1:{port}/events", params={"n": 1})
        assert response.http_version == "HTTP/2"
        assert response.text.startswith('data: {"n":0}\n\n')
        streamed = client.get(f"https://127.0.0.1:{port}/stream/sync", params={"n": 2})
        assert streamed.text == "piece 0\npiece 1\n"


def test_openssl_loads_in_the_app_only_once_a_handler_uses_tls(
        tls_server: tuple[LiveServer, int], certificate: tuple[Path, Path]) -> None:
    # The app imports asyncio, which imports ssl; the host defers ssl's body to first use, so
    # OpenSSL is not loaded until the handler below makes a TLS connection of its own.
    server, port = tls_server
    base = f"http://{server.host}:{server.port}"
    assert httpx.get(f"{base}/tls/loaded").json() == {"openssl": False}
    answer = httpx.get(f"{base}/tls/fetch", params={"port": port, "cafile": str(certificate[0])},
                       timeout=30).json()
    assert answer == {"before": False, "status_line": "HTTP/1.1 200 OK", "body": '{"openssl":true}'}
