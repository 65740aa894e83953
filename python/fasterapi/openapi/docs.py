"""HTML pages for interactive API docs: Swagger UI (`/docs`) and ReDoc (`/redoc`).

The pages load their JavaScript and CSS from the URLs given, by default the
jsDelivr CDN builds of the `swagger-ui-dist` and `redoc` npm packages (as
FastAPI does). To serve the docs without Internet access, install those
packages, serve their files from your app, and pass their URLs here.
"""

from __future__ import annotations

import html
import json
from typing import Any

from fasterapi.responses import HTMLResponse

SWAGGER_JS_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"
SWAGGER_CSS_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"
SWAGGER_FAVICON_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/favicon-32x32.png"
REDOC_JS_URL = "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"

# Swagger UI options FastAPI sets unless told otherwise.
SWAGGER_UI_DEFAULT_PARAMETERS: dict[str, Any] = {
    "dom_id": "#swagger-ui",
    "layout": "BaseLayout",
    "deepLinking": True,
    "showExtensions": True,
    "showCommonExtensions": True,
}


def _script_json(value: Any) -> str:
    """JSON safe to put inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")


def get_swagger_ui_html(
    *,
    openapi_url: str,
    title: str,
    swagger_js_url: str = SWAGGER_JS_URL,
    swagger_css_url: str = SWAGGER_CSS_URL,
    swagger_favicon_url: str = SWAGGER_FAVICON_URL,
    oauth2_redirect_url: str | None = None,
    init_oauth: dict[str, Any] | None = None,
    swagger_ui_parameters: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The Swagger UI page for the document at `openapi_url`."""
    options = {**SWAGGER_UI_DEFAULT_PARAMETERS, **(swagger_ui_parameters or {})}
    settings = [f"url: {_script_json(openapi_url)},"]
    settings += [f"{_script_json(key)}: {_script_json(value)}," for key, value in
                 options.items()]
    if oauth2_redirect_url:
        settings.append(
            f"oauth2RedirectUrl: window.location.origin + {_script_json(oauth2_redirect_url)},")
    settings.append("presets: [SwaggerUIBundle.presets.apis, "
                    "SwaggerUIBundle.SwaggerUIStandalonePreset],")
    setup = "\n    ".join(settings)
    oauth = f"\n  ui.initOAuth({_script_json(init_oauth)});" if init_oauth else ""
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<link type="text/css" rel="stylesheet" href="{html.escape(swagger_css_url)}">
<link rel="shortcut icon" href="{html.escape(swagger_favicon_url)}">
<title>{html.escape(title)}</title>
</head>
<body>
<div id="swagger-ui"></div>
<script src="{html.escape(swagger_js_url)}"></script>
<script>
  const ui = SwaggerUIBundle({{
    {setup}
  }});{oauth}
</script>
</body>
</html>
"""
    return HTMLResponse(page)


def get_redoc_html(
    *,
    openapi_url: str,
    title: str,
    redoc_js_url: str = REDOC_JS_URL,
    redoc_favicon_url: str = SWAGGER_FAVICON_URL,
    with_google_fonts: bool = True,
) -> HTMLResponse:
    """The ReDoc page for the document at `openapi_url`."""
    fonts = ""
    if with_google_fonts:
        fonts = ('<link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700'
                 '|Roboto:300,400,700" rel="stylesheet">\n')
    page = f"""<!DOCTYPE html>
<html>
<head>
<title>{html.escape(title)}</title>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1">
{fonts}<link rel="shortcut icon" href="{html.escape(redoc_favicon_url)}">
<style>
  body {{ margin: 0; padding: 0; }}
</style>
</head>
<body>
<noscript>ReDoc requires JavaScript to be enabled.</noscript>
<redoc spec-url="{html.escape(openapi_url)}"></redoc>
<script src="{html.escape(redoc_js_url)}"></script>
</body>
</html>
"""
    return HTMLResponse(page)


def get_swagger_ui_oauth2_redirect_html() -> HTMLResponse:
    """The page Swagger UI's OAuth2 login returns to: it hands the result to the opener."""
    page = """<!doctype html>
<html lang="en-US">
<head><title>Swagger UI: OAuth2 Redirect</title></head>
<body>
<script>
  'use strict';
  function run() {
    var oauth2 = window.opener.swaggerUIRedirectOauth2;
    var sentState = oauth2.state;
    var redirectUrl = oauth2.redirectUrl;
    var qp;
    if (/code|token|error/.test(window.location.hash)) {
      qp = window.location.hash.substring(1).replace('?', '&');
    } else {
      qp = location.search.substring(1);
    }
    var params = {};
    new URLSearchParams(qp).forEach(function (value, key) { params[key] = value; });
    var isValid = params.state === sentState;
    var flow = oauth2.auth.schema.get('flow');
    if ((flow === 'accessCode' || flow === 'authorizationCode' ||
         flow === 'authorization_code') && !oauth2.auth.code) {
      if (!isValid) {
        oauth2.errCb({authId: oauth2.auth.name, source: 'auth', level: 'warning',
                      message: 'Authorization may be unsafe, passed state was changed in server.'});
      }
      if (params.code) {
        delete oauth2.state;
        oauth2.auth.code = params.code;
        oauth2.callback({auth: oauth2.auth, redirectUrl: redirectUrl});
      } else {
        var detail = params.error ? ': ' + params.error + ', ' +
          (params.error_description || 'no description') : '';
        oauth2.errCb({authId: oauth2.auth.name, source: 'auth', level: 'error',
                      message: 'Authorization failed' + detail});
      }
    } else {
      oauth2.callback({auth: oauth2.auth, token: params, isValid: isValid,
                       redirectUrl: redirectUrl});
    }
    window.close();
  }
  if (document.readyState !== 'loading') {
    run();
  } else {
    document.addEventListener('DOMContentLoaded', run);
  }
</script>
</body>
</html>
"""
    return HTMLResponse(page)
