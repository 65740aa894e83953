"""The bridge's encoding of return values, against a live server: tests/apps/encoding_app.py
returns each value of its VALUES table as is, and the body must be byte for byte what FastAPI
sends (jsonable_encoder, then JSONResponse: compact, UTF-8 kept raw, NaN refused). The
expected bytes were checked once against FastAPI 0.165 running the same app module."""

from __future__ import annotations

import hashlib
import json
import math
import random
import struct
from collections.abc import Iterator

import httpx
import pytest
from e2e_support import APPS_DIR, wait_until_started

from fasterapi.testing import LiveServer

EXPECTED: list[tuple[str, bytes]] = [
    # plain JSON types, encoded by the host's C encoder
    ("dict", b'{"a":1,"b":"two","c":null}'),
    ("empty_dict", b"{}"),
    ("list", b'[1,"a",null,true,2.5]'),
    ("empty_list", b"[]"),
    ("tuple", b'[1,2,"three"]'),
    ("str", b'"hello"'),
    ("empty_str", b'""'),
    ("int", b"42"),
    ("negative_int", b"-7"),
    ("zero", b"0"),
    ("float", b"3.25"),
    ("true", b"true"),
    ("false", b"false"),
    ("none", b"null"),
    ("nested", b'{"a":[{"b":[1,[2,[3,{"c":[4,5]}]]]}],"d":{"e":{"f":{}}}}'),
    # strings: raw UTF-8, never \u escapes, except for quote, backslash and C0 controls
    ("non_ascii", (b'{"name":"Zo\xc3\xab","city":"Z\xc3\xbcrich",'
                   b'"greek":"\xce\xb1\xce\xb2\xce\xb3",'
                   b'"cjk":"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e","emoji":"\xf0\x9f\x9a\x80"}')),
    ("escapes", (b'"quote\\" backslash\\\\ slash/ nl\\n cr\\r tab\\t bs\\b ff\\f nul\\u0000 '
                 b'us\\u001f del\x7f"')),
    ("non_ascii_key", (b'{"\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87":'
                       b'"\xd0\xb7\xd0\xbd\xd0\xb0\xd1\x87\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5"}')),
    ("line_separators", b'"a\xe2\x80\xa8b\xe2\x80\xa9c"'),
    # numbers
    ("compact_int_edges", b"[1073741823,1073741824,-1073741823,-1073741824,2147483648,-1]"),
    ("big_int", b"18446744073709551616"),
    ("huge_int", b"10000000000000000000000000000000000000001"),
    ("negative_big_int", b"-9223372036854775809"),
    ("int64_max", b"9223372036854775807"),
    ("float_one", b"1.0"),
    ("float_1e16", b"1e+16"),
    ("float_small", b"1e-07"),
    ("float_negative_zero", b"-0.0"),
    ("float_precise", b"0.30000000000000004"),
    ("float_big", b"1.7976931348623157e+308"),
    ("float_1e15", b"1000000000000000.0"),
    ("numbers_mix", b"[1,1.0,-1.5,9007199254740993,123456789.123]"),
    # keys json.dumps turns into strings
    ("int_keys", b'{"1":"a","2":"b"}'),
    ("mixed_keys", b'{"true":1,"null":2,"1.5":3,"s":4}'),
    # through the Python encoder (jsonable_encoder)
    ("dataclass", b'{"x":1,"y":2.5,"label":"p"}'),
    ("nested_dataclass", (b'{"name":"tri","points":[{"x":0,"y":0.0,"label":"p"},'
                          b'{"x":1,"y":1.5,"label":"q"}],"color":"red","created":"2024-02-29"}')),
    ("datetime", b'"2024-02-29T13:45:30.123456"'),
    ("datetime_tz", b'"2024-02-29T13:45:30+00:00"'),
    ("date", b'"2024-02-29"'),
    ("time", b'"08:05:03"'),
    ("timedelta", b"86430.5"),
    ("uuid", b'"12345678-1234-5678-1234-567812345678"'),
    ("decimal_fraction", b"1.1"),
    ("decimal_integral", b"10"),
    ("decimal_exponent", b"100"),
    ("enum", b'"green"'),
    ("int_enum", b"3"),
    ("set", b"[1,2,3]"),
    ("frozenset", b"[5]"),
    ("enum_keys", b'{"red":1,"green":2}'),
    ("date_keys", b'{"2024-01-01":"new year"}'),
    ("bytes", b'"raw bytes"'),
    ("mixed_encoded", (b'{"when":"2000-01-01","ids":["00000000-0000-0000-0000-000000000001",'
                       b'"00000000-0000-0000-0000-000000000002"],"price":9.99,"level":1,'
                       b'"tags":["only"],"point":{"x":-1,"y":-1.5,"label":"p"}}')),
]


@pytest.fixture(scope="module")
def fasterapi_app() -> str:
    return "encoding_app:app"


@pytest.fixture(scope="module")
def fasterapi_app_dir() -> str:
    return str(APPS_DIR)


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    """One keep-alive connection to the module's server; redirects are not followed."""
    with httpx.Client(base_url=live_server.url, timeout=15.0) as http:
        yield http


@pytest.fixture(scope="module")
def fasterapi_server_args() -> list[str]:
    return ["--workers", "1"]


@pytest.fixture(scope="module", autouse=True)
def started(live_server: LiveServer) -> None:
    wait_until_started(live_server)


def check_json(response: httpx.Response, body: bytes) -> None:
    assert (response.status_code, response.content) == (200, body)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-length"] == str(len(body))


@pytest.mark.parametrize(("name", "body"), EXPECTED, ids=[name for name, _ in EXPECTED])
def test_return_value_encoding(client: httpx.Client, name: str, body: bytes) -> None:
    check_json(client.get(f"/value/{name}"), body)


def test_every_value_of_the_app_is_checked(client: httpx.Client) -> None:
    names = client.get("/names").json()
    assert sorted(names) == sorted([name for name, _ in EXPECTED] + ["sqlalchemy_keys"])


def test_cached_keys_encode_as_json_dumps_does(client: httpx.Client) -> None:
    # The host caches the encoded form of interned dict keys; whatever it caches, replaces
    # or refuses to cache, the bytes must stay json.dumps's (SQLAlchemy's "_sa" keys dropped).
    for _ in range(2):  # the second request finds the cache filled
        response = client.get("/interned-keys/12")
        value = json.loads(response.content)
        for item in value:
            assert "_sa_state" not in item
        assert len(value) == 12 and any('quote"d' in item for item in value)
        assert response.content == json.dumps(
            value, ensure_ascii=False, separators=(",", ":")).encode()
        assert any("clé" in item for item in value) and any("x" * 40 in item for item in value)


def test_sqlalchemy_state_keys_are_dropped(client: httpx.Client) -> None:
    check_json(client.get("/value/sqlalchemy_keys"), b'{"name":"kept"}')


@pytest.mark.parametrize("kind", ["nan", "inf", "-inf"])
def test_non_finite_float_is_a_500(client: httpx.Client, kind: str) -> None:
    response = client.get(f"/not-finite/{kind}")
    assert (response.status_code, response.content) == (500, b"Internal Server Error")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    # and the interpreter still answers
    check_json(client.get("/value/int"), b"42")


@pytest.mark.parametrize("depth", [100, 500])
def test_deep_nesting(client: httpx.Client, depth: int) -> None:
    check_json(client.get(f"/deep/{depth}"),
               b'{"deep":' + b"[" * depth + b'"leaf"' + b"]" * depth + b"}")


def test_nesting_600_levels(client: httpx.Client) -> None:
    check_json(client.get("/deep/600"), b'{"deep":' + b"[" * 600 + b'"leaf"' + b"]" * 600 + b"}")


def test_large_body(client: httpx.Client) -> None:
    response = client.get("/big/100000")
    assert response.status_code == 200
    assert response.headers["content-length"] == "203913"
    assert len(response.content) == 203913
    assert hashlib.sha256(response.content).hexdigest() == (
        "74afec835e6f5de0946464edc3110d072d9f85ede86e12a4a894efd1152835b1")


def float_samples() -> list[float]:
    """Floats whose repr takes every path of the encoder: short decimals (prices, halves), the
    fixed/exponent boundaries of repr (1e-4, 1e16), and random bit patterns (17 digits)."""
    rng = random.Random(20261207)
    values = [0.1, 0.2, 0.3, 1.1, 2.675, 0.0001, 0.00011, 0.0000999, 1e-5, 123456789.123,
              999999999999999.9, 1e15 + 0.5, 9007199254740993.0, 2.0 ** 48 + 0.5, 5e-324,
              1.7976931348623157e308, -0.0, 0.0, 1e16, 1e22, 1e-7]
    for _ in range(4000):
        values.append(round(rng.uniform(-1e6, 1e6), rng.randint(0, 9)))
        values.append(rng.randint(-10**6, 10**6) * 1.5)
        values.append(rng.randint(1, 10**12) / 10 ** rng.randint(1, 16))
        values.append(10 ** rng.uniform(-6, 17) * rng.choice((1, -1)))
        bits = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
        if math.isfinite(bits):
            values.append(bits)
    return values


def test_floats_are_written_as_repr(client: httpx.Client) -> None:
    values = float_samples()
    sent = json.dumps(values, separators=(",", ":")).encode()
    response = client.post("/floats", content=sent, headers={"content-type": "application/json"})
    check_json(response, sent)
