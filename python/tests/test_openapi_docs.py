"""fasterapi.openapi.docs: the Swagger UI, ReDoc and OAuth2 redirect pages."""

from __future__ import annotations

from fasterapi.openapi.docs import (
    REDOC_JS_URL,
    SWAGGER_CSS_URL,
    SWAGGER_JS_URL,
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fasterapi.responses import HTMLResponse


def test_swagger_ui_defaults_to_the_cdn() -> None:
    response = get_swagger_ui_html(openapi_url="/openapi.json", title="API - Swagger UI")
    assert isinstance(response, HTMLResponse)
    page = response.body.decode()
    assert SWAGGER_JS_URL.startswith("https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/")
    assert f'<script src="{SWAGGER_JS_URL}"></script>' in page
    assert f'href="{SWAGGER_CSS_URL}"' in page
    assert 'url: "/openapi.json",' in page
    assert '"dom_id": "#swagger-ui",' in page and '"deepLinking": true,' in page
    assert "SwaggerUIBundle.SwaggerUIStandalonePreset" in page
    assert "oauth2RedirectUrl" not in page and "initOAuth" not in page


def test_swagger_ui_self_hosted_assets_and_options() -> None:
    page = get_swagger_ui_html(
        openapi_url="/api/openapi.json", title="<Mine>", swagger_js_url="/static/ui.js",
        swagger_css_url="/static/ui.css", swagger_favicon_url="/static/icon.png",
        oauth2_redirect_url="/docs/oauth2-redirect", init_oauth={"clientId": "abc"},
        swagger_ui_parameters={"deepLinking": False, "syntaxHighlight": {"theme": "obsidian"}},
    ).body.decode()
    assert '<script src="/static/ui.js"></script>' in page
    assert 'href="/static/ui.css"' in page and 'href="/static/icon.png"' in page
    assert "<title>&lt;Mine&gt;</title>" in page
    assert '"deepLinking": false,' in page
    assert '"syntaxHighlight": {"theme": "obsidian"},' in page
    assert 'oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect",' in page
    assert 'ui.initOAuth({"clientId": "abc"});' in page
    assert "cdn.jsdelivr.net" not in page


def test_values_cannot_close_the_script() -> None:
    page = get_swagger_ui_html(openapi_url="/x</script><b>", title="t").body.decode()
    assert "</script><b>" not in page and "\\u003c/script\\u003e" in page


def test_redoc() -> None:
    page = get_redoc_html(openapi_url="/openapi.json", title="API - ReDoc").body.decode()
    assert '<redoc spec-url="/openapi.json"></redoc>' in page
    assert f'<script src="{REDOC_JS_URL}"></script>' in page
    assert "fonts.googleapis.com" in page
    bare = get_redoc_html(openapi_url="/o.json", title="t", redoc_js_url="/r.js",
                          with_google_fonts=False).body.decode()
    assert '<script src="/r.js"></script>' in bare and "fonts.googleapis.com" not in bare


def test_oauth2_redirect_page() -> None:
    response = get_swagger_ui_oauth2_redirect_html()
    assert response.media_type == "text/html"
    assert "window.opener.swaggerUIRedirectOauth2" in response.body.decode()
