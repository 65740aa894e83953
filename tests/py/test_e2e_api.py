"""The Python API, first slice, against a live server: tests/apps/api_app.py must answer every
request exactly as FastAPI answers it. Expected bodies are literal bytes, checked once against
FastAPI 0.165 / Starlette 1.10 / pydantic 2.14 running the same app module."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
from e2e_support import (
    APPS_DIR,
    Connection,
    raw_request,
    wait_for_output,
    wait_until_started,
)

from fasterapi.testing import LiveServer

JSON = "application/json"
INT_MSG = "Input should be a valid integer, unable to parse string as an integer"
FLOAT_MSG = "Input should be a valid number, unable to parse string as a number"
BOOL_MSG = "Input should be a valid boolean, unable to interpret input"


@pytest.fixture(scope="module")
def fasterapi_app() -> str:
    return "api_app:app"


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
    return ["--workers", "2"]


@pytest.fixture(scope="module", autouse=True)
def started(live_server: LiveServer) -> None:
    wait_until_started(live_server)


def check(response: httpx.Response, status: int, body: bytes,
          content_type: str | None = JSON) -> None:
    assert (response.status_code, response.content) == (status, body)
    assert response.headers.get("content-type") == content_type
    assert response.headers.get("content-length") == str(len(body))


# ---- method decorators ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_each_method_decorator_routes_its_method(client: httpx.Client, method: str) -> None:
    response = client.request(method, "/method")
    check(response, 200, b'{"decorator":"%s"}' % method.lower().encode())


def test_head_decorator(client: httpx.Client) -> None:
    response = client.head("/head-only")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["x-head"] == "yes"
    assert response.headers["content-type"] == JSON
    assert response.headers["content-length"] == str(len(b'{"head":true}'))


def test_head_only_route_refuses_get(client: httpx.Client) -> None:
    response = client.get("/head-only")
    check(response, 405, b'{"detail":"Method Not Allowed"}')
    assert response.headers["allow"] == "HEAD"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_api_route_with_several_methods(client: httpx.Client, method: str) -> None:
    check(client.request(method, "/multi"), 200, b'{"method":"%s"}' % method.encode())


def test_api_route_refuses_other_methods(client: httpx.Client) -> None:
    response = client.put("/multi")
    check(response, 405, b'{"detail":"Method Not Allowed"}')
    allowed = {method.strip() for method in response.headers["allow"].split(",")}
    # FastAPI lists GET, POST; FasterAPI also answers HEAD for GET routes (on purpose).
    assert {"GET", "POST"} <= allowed <= {"GET", "POST", "HEAD"}


# ---- path and query parameters by type hint ---------------------------------------------


@pytest.mark.parametrize(("url", "status", "body"), [
    ("/path/int/42", 200, '{"value":42,"type":"int"}'),
    ("/path/int/-3", 200, '{"value":-3,"type":"int"}'),
    ("/path/int/4.5", 422, ('{"detail":[{"type":"int_parsing","loc":["path","value"],'
                            f'"msg":"{INT_MSG}","input":"4.5"}}]}}')),
    ("/path/int/abc", 422, ('{"detail":[{"type":"int_parsing","loc":["path","value"],'
                            f'"msg":"{INT_MSG}","input":"abc"}}]}}')),
    ("/path/float/2.5", 200, '{"value":2.5,"type":"float"}'),
    ("/path/float/3", 200, '{"value":3.0,"type":"float"}'),
    ("/path/float/1e3", 200, '{"value":1000.0,"type":"float"}'),
    ("/path/float/x", 422, ('{"detail":[{"type":"float_parsing","loc":["path","value"],'
                            f'"msg":"{FLOAT_MSG}","input":"x"}}]}}')),
    ("/path/str/hello%20world", 200, '{"value":"hello world","type":"str"}'),
    ("/path/str/%C3%A9t%C3%A9", 200, '{"value":"été","type":"str"}'),
    ("/path/str/123", 200, '{"value":"123","type":"str"}'),
    ("/path/two/a/1", 200, '{"first":"a","second":1}'),
    ("/path/two/a/b", 422, ('{"detail":[{"type":"int_parsing","loc":["path","second"],'
                            f'"msg":"{INT_MSG}","input":"b"}}]}}')),
    ("/path/bool/maybe", 422, ('{"detail":[{"type":"bool_parsing","loc":["path","value"],'
                               f'"msg":"{BOOL_MSG}","input":"maybe"}}]}}')),
])
def test_path_parameters(client: httpx.Client, url: str, status: int, body: str) -> None:
    check(client.get(url), status, body.encode())


TRUE_SPELLINGS = ["true", "True", "TRUE", "1", "yes", "on", "t", "y"]
FALSE_SPELLINGS = ["false", "False", "0", "no", "off", "f", "n"]


@pytest.mark.parametrize(("spelling", "value"),
                         [(s, "true") for s in TRUE_SPELLINGS]
                         + [(s, "false") for s in FALSE_SPELLINGS])
def test_bool_path_parameter_spellings(client: httpx.Client, spelling: str, value: str) -> None:
    check(client.get(f"/path/bool/{spelling}"), 200,
          b'{"value":%s,"type":"bool"}' % value.encode())


@pytest.mark.parametrize(("spelling", "value"), [
    ("true", "true"), ("ON", "true"), ("Yes", "true"), ("1", "true"),
    ("off", "false"), ("No", "false"), ("0", "false"), ("F", "false"),
])
def test_bool_query_parameter_spellings(client: httpx.Client, spelling: str, value: str) -> None:
    check(client.get(f"/query/bool?flag={spelling}"), 200, b'{"flag":%s}' % value.encode())


@pytest.mark.parametrize(("url", "status", "body"), [
    # defaults, Optional, a repeated scalar key takes the last value
    ("/query?i=1", 200, '{"i":1,"f":0.5,"b":false,"s":"default","o":null,"ids":null}'),
    ("/query?i=1&f=2&b=yes&s=x+y&o=5&ids=1&ids=2&ids=3", 200,
     '{"i":1,"f":2.0,"b":true,"s":"x y","o":5,"ids":[1,2,3]}'),
    ("/query?i=1&i=2", 200, '{"i":2,"f":0.5,"b":false,"s":"default","o":null,"ids":null}'),
    ("/query?i=%2B7&s=%E2%9C%93", 200, '{"i":7,"f":0.5,"b":false,"s":"✓","o":null,"ids":null}'),
    ("/query/list?n=1&n=2&n=3", 200, '{"n":[1,2,3],"total":6}'),
    ("/query/list?n=5", 200, '{"n":[5],"total":5}'),
])
def test_query_parameters(client: httpx.Client, url: str, status: int, body: str) -> None:
    check(client.get(url), status, body.encode())


@pytest.mark.parametrize(("url", "status", "body"), [
    # the path is percent-decoded before routing, as uvicorn does: %2F is a separator
    ("/path/str/a%2Fb", 404, '{"detail":"Not Found"}'),
    ("/path/str/a+b", 200, '{"value":"a+b","type":"str"}'),
    ("/path/str/%7E%20x", 200, '{"value":"~ x","type":"str"}'),
    ("/path/int/%2B5", 200, '{"value":5,"type":"int"}'),
    ("/path/int/1_000", 200, '{"value":1000,"type":"int"}'),
    ("/path/int/%205", 200, '{"value":5,"type":"int"}'),
    ("/path/int/99999999999999999999999", 200,
     '{"value":99999999999999999999999,"type":"int"}'),
    ("/path/int/5.0", 200, '{"value":5,"type":"int"}'),
    ("/path/int/0x10", 422, ('{"detail":[{"type":"int_parsing","loc":["path","value"],'
                             f'"msg":"{INT_MSG}","input":"0x10"}}]}}')),
    ("/path/float/1_000.5", 200, '{"value":1000.5,"type":"float"}'),
    ("/path/float/.5", 200, '{"value":0.5,"type":"float"}'),
    ("/path/bool/tRuE", 200, '{"value":true,"type":"bool"}'),
    ("/path/bool/on%20", 422, ('{"detail":[{"type":"bool_parsing","loc":["path","value"],'
                               f'"msg":"{BOOL_MSG}","input":"on "}}]}}')),
    # the query string arrives raw and is split and decoded like Starlette's parse_qsl
    ("/query?i=1&s=%ZZ", 200, '{"i":1,"f":0.5,"b":false,"s":"%ZZ","o":null,"ids":null}'),
    ("/query?i=1&s=%FF", 200, '{"i":1,"f":0.5,"b":false,"s":"\ufffd","o":null,"ids":null}'),
    ("/query?i=1&s=a%00b", 200,
     '{"i":1,"f":0.5,"b":false,"s":"a\\u0000b","o":null,"ids":null}'),
    ("/query?i=1&s", 200, '{"i":1,"f":0.5,"b":false,"s":"","o":null,"ids":null}'),
    ("/query?i=1;s=x", 422, ('{"detail":[{"type":"int_parsing","loc":["query","i"],'
                             f'"msg":"{INT_MSG}","input":"1;s=x"}}]}}')),
    ("/query?i=1&ids=", 422, ('{"detail":[{"type":"int_parsing","loc":["query","ids",0],'
                              f'"msg":"{INT_MSG}","input":""}}]}}')),
    ("/query?%69=3", 200, '{"i":3,"f":0.5,"b":false,"s":"default","o":null,"ids":null}'),
    ("/query?i=1&&&s=y", 200, '{"i":1,"f":0.5,"b":false,"s":"y","o":null,"ids":null}'),
    ("/query?i=1&f=1e308&o=-1", 200,
     '{"i":1,"f":1e+308,"b":false,"s":"default","o":-1,"ids":null}'),
])
def test_path_and_query_edge_cases(client: httpx.Client, url: str, status: int,
                                   body: str) -> None:
    check(client.get(url), status, body.encode())


# ---- 422 in FastAPI's exact shape -------------------------------------------------------


@pytest.mark.parametrize(("url", "body"), [
    ("/query",
     '{"detail":[{"type":"missing","loc":["query","i"],"msg":"Field required","input":null}]}'),
    ("/query?i=1&o=",
     f'{{"detail":[{{"type":"int_parsing","loc":["query","o"],"msg":"{INT_MSG}","input":""}}]}}'),
    ("/query?i=",
     f'{{"detail":[{{"type":"int_parsing","loc":["query","i"],"msg":"{INT_MSG}","input":""}}]}}'),
    ("/query/list",
     '{"detail":[{"type":"missing","loc":["query","n"],"msg":"Field required","input":null}]}'),
    ("/query/list?n=1&n=x",
     ('{"detail":[{"type":"int_parsing","loc":["query","n",1],'
      f'"msg":"{INT_MSG}","input":"x"}}]}}')),
    ("/query/bool?flag=",
     (f'{{"detail":[{{"type":"bool_parsing","loc":["query","flag"],"msg":"{BOOL_MSG}",'
      '"input":""}]}')),
    ("/query/bool?flag=nope",
     (f'{{"detail":[{{"type":"bool_parsing","loc":["query","flag"],"msg":"{BOOL_MSG}",'
      '"input":"nope"}]}')),
])
def test_query_validation_errors(client: httpx.Client, url: str, body: str) -> None:
    check(client.get(url), 422, body.encode())


def test_every_query_error_is_reported_in_signature_order(client: httpx.Client) -> None:
    expected = (
        '{"detail":['
        '{"type":"int_parsing","loc":["query","i"],'
        '"msg":"Input should be a valid integer, unable to parse string as an integer",'
        '"input":"x"},'
        '{"type":"float_parsing","loc":["query","f"],'
        '"msg":"Input should be a valid number, unable to parse string as a number",'
        '"input":"y"},'
        '{"type":"bool_parsing","loc":["query","b"],'
        '"msg":"Input should be a valid boolean, unable to interpret input","input":"z"},'
        '{"type":"int_parsing","loc":["query","o"],'
        '"msg":"Input should be a valid integer, unable to parse string as an integer",'
        '"input":"w"},'
        '{"type":"int_parsing","loc":["query","ids",1],'
        '"msg":"Input should be a valid integer, unable to parse string as an integer",'
        '"input":"q"}]}'
    )
    check(client.get("/query?i=x&f=y&b=z&o=w&ids=1&ids=q"), 422, expected.encode())


def test_path_query_and_body_errors_together(client: httpx.Client) -> None:
    response = client.put("/body/item/x?verbose=x", content=b'{"price":1}',
                          headers={"content-type": JSON})
    expected = (
        '{"detail":['
        '{"type":"int_parsing","loc":["path","item_id"],'
        '"msg":"Input should be a valid integer, unable to parse string as an integer",'
        '"input":"x"},'
        '{"type":"bool_parsing","loc":["query","verbose"],'
        '"msg":"Input should be a valid boolean, unable to interpret input","input":"x"},'
        '{"type":"missing","loc":["body","name"],"msg":"Field required","input":{"price":1}}]}'
    )
    check(response, 422, expected.encode())


# ---- JSON bodies ------------------------------------------------------------------------


def post(client: httpx.Client, url: str, body: bytes,
         content_type: str | None = JSON) -> httpx.Response:
    headers = {} if content_type is None else {"content-type": content_type}
    return client.post(url, content=body, headers=headers)


@pytest.mark.parametrize("content_type", [
    JSON, "application/json; charset=utf-8", "application/vnd.api+json", "Application/JSON"])
def test_dict_body(client: httpx.Client, content_type: str) -> None:
    response = post(client, "/body/dict", b'{"b":1,"a":[true,null]}', content_type)
    check(response, 200, b'{"got":{"b":1,"a":[true,null]},"keys":["a","b"]}')


def test_list_body(client: httpx.Client) -> None:
    check(post(client, "/body/list", b"[1,2,3]"), 200, b'{"values":[1,2,3],"sum":6}')


def test_dataclass_body_and_decorator_status(client: httpx.Client) -> None:
    response = post(client, "/body/item", b'{"name":"pen","price":1.5,"tags":["a"]}')
    check(response, 201, b'{"is_item":true,"name":"pen","price":1.5,"tags":["a"]}')


def test_dataclass_body_with_default_field_path_and_query(client: httpx.Client) -> None:
    response = client.put("/body/item/5?verbose=true", content=b'{"name":"pen","price":1}',
                          headers={"content-type": JSON})
    check(response, 200, b'{"item_id":5,"name":"pen","verbose":true}')


# FastAPI >= 0.132 defaults to strict_content_type=True: a body sent without a Content-Type is
# not parsed as JSON but validated as raw bytes, so it fails with the parameter's type error.
@pytest.mark.parametrize(("path", "body", "error_type"), [
    ("/body/dict", b'{"b":1,"a":[true,null]}', "dict_type"),
    ("/body/list", b'[1,"2",3]', "list_type"),
    ("/body/item", b'{"name":"pen","price":2}', "dataclass_type"),
    ("/body/dict", b'{"b":1,', "dict_type"),
])
def test_body_without_content_type_is_not_json(client: httpx.Client, path: str, body: bytes,
                                               error_type: str) -> None:
    response = post(client, path, body, None)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [(d["type"], d["loc"]) for d in detail] == [(error_type, ["body"])]


def test_non_json_content_type_is_not_parsed(client: httpx.Client) -> None:
    response = post(client, "/body/dict", b'{"b":1}', "text/plain")
    check(response, 422, b'{"detail":[{"type":"dict_type","loc":["body"],'
                         b'"msg":"Input should be a valid dictionary","input":"{\\"b\\":1}"}]}')


@pytest.mark.parametrize(("url", "body", "expected"), [
    ("/body/dict", b'{"b":1,',
     ('{"detail":[{"type":"json_invalid","loc":["body",7],"msg":"JSON decode error",'
      '"input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]}')),
    ("/body/item", b'{"name":"pen","price":1',
     ('{"detail":[{"type":"json_invalid","loc":["body",23],"msg":"JSON decode error",'
      '"input":{},"ctx":{"error":"Expecting \',\' delimiter"}}]}')),
])
def test_invalid_json_is_json_invalid(client: httpx.Client, url: str, body: bytes,
                                      expected: str) -> None:
    check(post(client, url, body), 422, expected.encode())


@pytest.mark.parametrize(("url", "body", "expected"), [
    ("/body/dict", b"[1,2]",
     ('{"detail":[{"type":"dict_type","loc":["body"],'
      '"msg":"Input should be a valid dictionary","input":[1,2]}]}')),
    ("/body/dict", b"",
     '{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}'),
    ("/body/list", b'[1,"x",{}]',
     ('{"detail":[{"type":"int_parsing","loc":["body",1],'
      '"msg":"Input should be a valid integer, unable to parse string as an integer",'
      '"input":"x"},{"type":"int_type","loc":["body",2],'
      '"msg":"Input should be a valid integer","input":{}}]}')),
    ("/body/list", b'{"a":1}',
     ('{"detail":[{"type":"list_type","loc":["body"],"msg":"Input should be a valid list",'
      '"input":{"a":1}}]}')),
    ("/body/item", b'{"name":"pen"}',
     ('{"detail":[{"type":"missing","loc":["body","price"],"msg":"Field required",'
      '"input":{"name":"pen"}}]}')),
    ("/body/item", b'{"name":1,"price":"x","tags":"nope"}',
     ('{"detail":[{"type":"string_type","loc":["body","name"],'
      '"msg":"Input should be a valid string","input":1},'
      '{"type":"float_parsing","loc":["body","price"],'
      '"msg":"Input should be a valid number, unable to parse string as a number","input":"x"},'
      '{"type":"list_type","loc":["body","tags"],"msg":"Input should be a valid list",'
      '"input":"nope"}]}')),
])
def test_body_validation_errors(client: httpx.Client, url: str, body: bytes,
                                expected: str) -> None:
    check(post(client, url, body), 422, expected.encode())


@pytest.mark.parametrize(("url", "body", "status", "expected"), [
    ("/body/dict", b"null", 422,
     ('{"detail":[{"type":"dict_type","loc":["body"],'
      '"msg":"Input should be a valid dictionary","input":null}]}')),
    ("/body/dict", b'  {"a": 1}  ', 200, '{"got":{"a":1},"keys":["a"]}'),
    ("/body/dict", b'\xef\xbb\xbf{"a": 1}', 200, '{"got":{"a":1},"keys":["a"]}'),
    ("/body/dict", b'{"a": 1, "a": 2}', 200, '{"got":{"a":2},"keys":["a"]}'),
    ("/body/dict", b'{"\xff": 1}', 400, '{"detail":"There was an error parsing the body"}'),
    ("/body/list", b'[1.0, 2.5, true, "3", " 4 "]', 422,
     ('{"detail":[{"type":"int_from_float","loc":["body",1],'
      '"msg":"Input should be a valid integer, got a number with a fractional part",'
      '"input":2.5}]}')),
    ("/body/list", b"[1e2, 12345678901234567890]", 200,
     '{"values":[100,12345678901234567890],"sum":12345678901234567990}'),
    ("/body/item", b'{"name":"pen","price":"1.5","tags":[],"extra":1}', 201,
     '{"is_item":true,"name":"pen","price":1.5,"tags":[]}'),
    ("/body/item", b'{"name":"pen","price":true}', 201,
     '{"is_item":true,"name":"pen","price":1.0,"tags":[]}'),
    ("/body/item", b'{"name":"pen","price":1,"tags":["a",1]}', 422,
     ('{"detail":[{"type":"string_type","loc":["body","tags",1],'
      '"msg":"Input should be a valid string","input":1}]}')),
    ("/body/item", b'["pen", 1]', 422,
     ('{"detail":[{"type":"dataclass_type","loc":["body"],'
      '"msg":"Input should be a dictionary or an instance of Item","input":["pen",1],'
      '"ctx":{"class_name":"Item"}}]}')),
    ("/body/item", b"{}", 422,
     ('{"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{}},'
      '{"type":"missing","loc":["body","price"],"msg":"Field required","input":{}}]}')),
])
def test_json_body_edge_cases(client: httpx.Client, url: str, body: bytes, status: int,
                              expected: str) -> None:
    check(post(client, url, body), status, expected.encode())


def test_missing_body(client: httpx.Client) -> None:
    check(client.post("/body/item"), 422,
          b'{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}')


# ---- Request ----------------------------------------------------------------------------


def test_request_attributes(live_server: LiveServer) -> None:
    with Connection(live_server.host, live_server.port) as conn:
        status, headers, raw = conn.request(
            "POST", "/request/a%20b%C3%A9?a=1&a=2&b=x+y&c=%26",
            body='{"k": "vé"}'.encode(),
            headers={"X-Test": "yes", "Cookie": "session=abc; theme=dark",
                     "User-Agent": "e2e/1"})
        client_address = list(conn.local_address)
    assert status == 200, raw
    assert json.loads(raw) == {
        "method": "POST",
        "url": f"http://127.0.0.1:{live_server.port}/request/a bé?a=1&a=2&b=x+y&c=%26",
        "path": "/request/a bé",
        "tail": "a bé",
        "path_params": {"tail": "a bé"},
        "query": {"a": "2", "b": "x y", "c": "&"},
        "query_a": ["1", "2"],
        "header": "yes",
        "header_upper": "yes",
        "user_agent": "e2e/1",
        "cookies": {"session": "abc", "theme": "dark"},
        "client": client_address,
        "body": '{"k": "vé"}',
    }
    assert headers["content-type"] == JSON


def test_request_without_extras(client: httpx.Client, live_server: LiveServer) -> None:
    response = client.get("/request/plain", headers={"user-agent": "e2e/2"})
    body = response.json()
    assert response.status_code == 200
    assert body["url"] == f"http://127.0.0.1:{live_server.port}/request/plain"
    assert (body["query"], body["query_a"], body["header"], body["cookies"], body["body"]) == (
        {}, [], None, {}, "")
    assert body["method"] == "GET" and body["user_agent"] == "e2e/2"


def test_repeated_and_latin1_headers(live_server: LiveServer) -> None:
    status, _, raw = raw_request(live_server.host, live_server.port, (
        b"GET /headers HTTP/1.1\r\nHost: example.com:8080\r\nX-Multi: a\r\n"
        b"x-multi: b\r\nX-Latin: caf\xe9\r\nConnection: close\r\n\r\n"))
    assert status == 200, raw
    assert json.loads(raw) == {
        "multi": ["a", "b"], "first": "a", "latin": "café", "host": "example.com:8080",
        "url": "http://example.com:8080/headers", "base_url": "http://example.com:8080/",
        "client_is_set": True,
    }


@pytest.mark.parametrize("host_header", [b"", b"Host: bad:port:x\r\n"],
                         ids=["http/1.0 without Host", "invalid Host"])
def test_url_falls_back_to_the_server_address(live_server: LiveServer,
                                              host_header: bytes) -> None:
    status, _, raw = raw_request(live_server.host, live_server.port,
                                 b"GET /headers HTTP/1.0\r\n" + host_header + b"\r\n")
    assert status == 200, raw
    body = json.loads(raw)
    assert body["url"] == f"http://127.0.0.1:{live_server.port}/headers"
    assert body["base_url"] == f"http://127.0.0.1:{live_server.port}/"


def test_body_on_get_reaches_the_handler(client: httpx.Client) -> None:
    response = client.request("GET", "/request/x", content=b"body on GET")
    assert response.status_code == 200
    assert response.json()["body"] == "body on GET"


def test_request_json(client: httpx.Client) -> None:
    response = post(client, "/request-json", b'{"k":[1,"\\u00e9"]}')
    check(response, 200, '{"json":{"k":[1,"é"]}}'.encode())


# ---- Response classes, headers, cookies, status codes -----------------------------------


def test_plain_text_response(client: httpx.Client) -> None:
    response = client.get("/response/plain")
    check(response, 200, "plain text, ünïcode".encode(), "text/plain; charset=utf-8")
    assert response.headers["x-kind"] == "plain"


def test_html_response_with_status(client: httpx.Client) -> None:
    check(client.get("/response/html"), 203, b"<h1>Hi</h1>", "text/html; charset=utf-8")


def test_json_response_with_status_and_header(client: httpx.Client) -> None:
    response = client.get("/response/json")
    check(response, 202, '{"a":[1,2],"é":null}'.encode())
    assert response.headers["x-kind"] == "json"


def test_bare_response_with_media_type(client: httpx.Client) -> None:
    response = client.get("/response/raw")
    check(response, 200, b"\x00\x01raw", "application/octet-stream")
    assert response.headers["x-kind"] == "raw"


def test_redirect_response(client: httpx.Client) -> None:
    response = client.get("/response/redirect")
    check(response, 307, b"", None)
    assert response.headers["location"] == "/response/plain"


def test_redirect_response_external_and_escaped(client: httpx.Client) -> None:
    response = client.get("/response/redirect-external")
    check(response, 301, b"", None)
    assert response.headers["location"] == "https://example.com/a%20b?x=1"


def test_cookies_set_and_deleted(client: httpx.Client) -> None:
    response = client.get("/response/cookies")
    check(response, 200, b'{"cookies":"set"}')
    cookies = response.headers.get_list("set-cookie")
    assert len(cookies) == 3, cookies
    assert cookies[0] == "session=abc123; HttpOnly; Max-Age=60; Path=/; SameSite=lax"
    assert cookies[1] == "theme=dark; Path=/app; SameSite=strict; Secure"
    assert re.fullmatch(r'old=""; expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; '
                        r"Max-Age=0; Path=/; SameSite=lax", cookies[2]), cookies[2]


def test_status_code_on_the_decorator(client: httpx.Client) -> None:
    check(client.post("/status/created"), 201, b'{"created":true}')


def test_status_204_has_no_body_and_no_length(client: httpx.Client) -> None:
    response = client.delete("/status/no-content")
    assert response.status_code == 204
    assert response.content == b""
    assert "content-length" not in response.headers


def test_returned_response_wins_over_decorator_status(client: httpx.Client) -> None:
    check(client.get("/status/accepted"), 200, b'{"explicit":true}')


# ---- HTTPException and crashes ----------------------------------------------------------


def test_http_exception_with_headers(client: httpx.Client) -> None:
    response = client.get("/items/0")
    check(response, 404, b'{"detail":"Item not found"}')
    assert response.headers["x-error"] == "missing-item"


def test_http_exception_default_detail(client: httpx.Client) -> None:
    check(client.get("/items/1"), 418, b'{"detail":"I\'m a Teapot"}')


def test_http_exception_structured_detail(client: httpx.Client) -> None:
    check(client.get("/items/2"), 400, b'{"detail":{"code":7,"fields":["a","b"]}}')


def test_no_exception(client: httpx.Client) -> None:
    check(client.get("/items/3"), 200, b'{"item_id":3}')


@pytest.mark.parametrize(("url", "last_line"), [
    ("/crash", "RuntimeError: handler-crash-marker-7f3a"),
    ("/crash-async", "KeyError: 'async-crash-marker-91c2'"),
])
def test_handler_exception_is_a_500_with_a_logged_traceback(
        client: httpx.Client, live_server: LiveServer, url: str, last_line: str) -> None:
    response = client.get(url)
    check(response, 500, b"Internal Server Error", "text/plain; charset=utf-8")
    stderr = wait_for_output(live_server.stderr_text, last_line)
    assert last_line in stderr
    traceback = stderr[:stderr.index(last_line)]
    assert "Traceback (most recent call last)" in traceback
    assert "api_app.py" in traceback
    # the same keep-alive connection, hence the same interpreter, still serves
    check(client.get("/sync"), 200, b'{"kind":"def"}')


# ---- def and async def ------------------------------------------------------------------


def test_sync_handler(client: httpx.Client) -> None:
    check(client.get("/sync"), 200, b'{"kind":"def"}')


def test_async_handler_awaits(client: httpx.Client) -> None:
    response = client.get("/async", params={"delay_ms": 50})
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "async def" and body["parts"] == [0, 1, 2]
    assert body["slept_ms"] >= 50


def test_async_handlers_on_every_interpreter(live_server: LiveServer) -> None:
    # A fresh connection per request: round-robin reaches both interpreters' event loops.
    for _ in range(4):
        with Connection(live_server.host, live_server.port) as conn:
            body = conn.get_json("/async?delay_ms=1")
        assert body["parts"] == [0, 1, 2]
