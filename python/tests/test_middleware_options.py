"""fasterapi.middleware: the options checked at add_middleware, the order kept, and the
header sets worked out exactly as Starlette's own classes do (compared when Starlette is
installed)."""

from typing import Any

import pytest

from fasterapi import FastAPI
from fasterapi.middleware import Middleware
from fasterapi.middleware.cors import CORSMiddleware
from fasterapi.middleware.gzip import GZipMiddleware
from fasterapi.middleware.httpsredirect import HTTPSRedirectMiddleware
from fasterapi.middleware.trustedhost import TrustedHostMiddleware


def names(app: FastAPI) -> list[str]:
    return [name for name, _ in app.host_table()["app"]["middleware"]]


def test_last_added_is_outermost_and_the_constructor_list_is_outermost_first() -> None:
    app = FastAPI(middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=["a"]),
                              Middleware(GZipMiddleware)])
    app.add_middleware(CORSMiddleware, allow_origins=["*"])
    app.add_middleware(HTTPSRedirectMiddleware)
    assert names(app) == ["httpsredirect", "cors", "trustedhost", "gzip"]
    assert [m.cls for m in app.user_middleware] == [
        HTTPSRedirectMiddleware, CORSMiddleware, TrustedHostMiddleware, GZipMiddleware]
    assert repr(app.user_middleware[1]) == "Middleware(CORSMiddleware, allow_origins=['*'])"


def test_arbitrary_asgi_middleware_is_refused_with_the_way_out() -> None:
    class Timing:
        def __init__(self, app: Any) -> None:
            self.app = app

    app = FastAPI()
    with pytest.raises(TypeError) as info:
        app.add_middleware(Timing)
    message = str(info.value)
    assert "does not run ASGI middleware" in message and '@app.middleware("http")' in message
    with pytest.raises(TypeError, match="does not run ASGI middleware"):
        FastAPI(middleware=[Middleware(Timing)])


def test_starlettes_own_class_gets_a_hint_to_import_ours() -> None:
    starlette_cors = type("CORSMiddleware", (), {"__module__": "starlette.middleware.cors"})
    with pytest.raises(TypeError, match=r"from fasterapi\.middleware\.cors import CORSMiddleware"):
        FastAPI().add_middleware(starlette_cors)


@pytest.mark.parametrize(("cls", "options", "error", "match"), [
    (CORSMiddleware, {"allow_origin": ["x"]}, TypeError, "allow_origin"),
    (CORSMiddleware, {"allow_origins": "https://a"}, TypeError, "allow_origins=.*list of strings"),
    (CORSMiddleware, {"allow_methods": [1]}, TypeError, "allow_methods"),
    (CORSMiddleware, {"max_age": "600"}, TypeError, "max_age"),
    (CORSMiddleware, {"allow_credentials": 1}, TypeError, "allow_credentials"),
    (CORSMiddleware, {"allow_origin_regex": "("}, ValueError, "allow_origin_regex"),
    (CORSMiddleware, {"expose_headers": ["a\r\nb"]}, ValueError, "expose_headers"),
    (GZipMiddleware, {"minimum_size": "1"}, TypeError, "minimum_size"),
    (GZipMiddleware, {"compresslevel": 10}, ValueError, "compresslevel"),
    (GZipMiddleware, {"compresslevel": True}, TypeError, "compresslevel"),
    (TrustedHostMiddleware, {"allowed_hosts": ["*example.com"]}, AssertionError, "wildcard"),
    (TrustedHostMiddleware, {"allowed_hosts": ["a.*.com"]}, AssertionError, "wildcard"),
    (TrustedHostMiddleware, {"www_redirect": "yes"}, TypeError, "www_redirect"),
    (HTTPSRedirectMiddleware, {"port": 1}, TypeError, "port"),
])
def test_bad_options_fail_at_add_time(cls: Any, options: dict[str, Any], error: type[Exception],
                                      match: str) -> None:
    app = FastAPI()
    with pytest.raises(error, match=match):
        app.add_middleware(cls, **options)
    assert app.user_middleware == []


CORS_OPTIONS: list[dict[str, Any]] = [
    {},
    {"allow_origins": ["*"]},
    {"allow_origins": ["*"], "allow_credentials": True, "allow_headers": ["*"]},
    {"allow_origins": ["https://a"], "allow_methods": ["*"], "allow_headers": ["X-B", "x-a"],
     "expose_headers": ["X-C", "X-D"], "max_age": 5, "allow_private_network": True},
    {"allow_origin_regex": r"https://.*\.x", "allow_methods": ["PUT"], "allow_credentials": True},
]


@pytest.mark.parametrize("options", CORS_OPTIONS)
def test_cors_header_sets_equal_starlettes(options: dict[str, Any]) -> None:
    cors = pytest.importorskip("starlette.middleware.cors")
    theirs = cors.CORSMiddleware(None, **options)
    ours = CORSMiddleware(None, **options)
    for attribute in ("simple_headers", "preflight_headers", "allow_headers", "allow_all_origins",
                      "allow_all_headers", "preflight_explicit_allow_origin",
                      "allow_private_network", "allow_credentials"):
        assert getattr(ours, attribute) == getattr(theirs, attribute), attribute
    assert list(ours.allow_methods) == list(theirs.allow_methods)


def test_gzip_defaults_equal_starlettes() -> None:
    gzip = pytest.importorskip("starlette.middleware.gzip")
    theirs = gzip.GZipMiddleware(None)
    ours = GZipMiddleware(None)
    assert (ours.minimum_size, ours.compresslevel, ours.exclude_content_types) == (
        theirs.minimum_size, theirs.compresslevel, theirs.exclude_content_types)
