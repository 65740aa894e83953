"""Security dependencies with FastAPI's names, arguments and answers.

Each scheme is a callable object used with `Depends()`/`Security()`. It reads
the credential from the request and returns it, or answers 401
`{"detail": "Not authenticated"}` with the `WWW-Authenticate` challenge
FastAPI sends (`auto_error=False` returns None instead). `model` holds the
OpenAPI security scheme object as a dict, which the OpenAPI document lists in
`components.securitySchemes`.

`OAuth2PasswordRequestForm` and `OAuth2PasswordRequestFormStrict` are
dependency classes that read the OAuth2 password flow's form fields.
"""

from __future__ import annotations

import binascii
from base64 import b64decode
from typing import Annotated, Any

from ._plan import SecurityScopes
from .exceptions import HTTPException
from .models import Model
from .params import Form
from .requests import Request

__all__ = [
    "APIKeyCookie",
    "APIKeyHeader",
    "APIKeyQuery",
    "HTTPAuthorizationCredentials",
    "HTTPBasic",
    "HTTPBasicCredentials",
    "HTTPBearer",
    "HTTPDigest",
    "OAuth2",
    "OAuth2AuthorizationCodeBearer",
    "OAuth2PasswordBearer",
    "OpenIdConnect",
    "SecurityBase",
    "SecurityScopes",
    "get_authorization_scheme_param",
]


def get_authorization_scheme_param(authorization_header_value: str | None) -> tuple[str, str]:
    """("Bearer", "token") from "Bearer token"; ("", "") when there is no header."""
    if not authorization_header_value:
        return "", ""
    scheme, _, param = authorization_header_value.partition(" ")
    return scheme, param.strip()


class HTTPBasicCredentials(Model):
    username: str
    password: str


class HTTPAuthorizationCredentials(Model):
    scheme: str
    credentials: str


class SecurityBase:
    model: dict[str, Any]
    scheme_name: str
    auto_error: bool = True

    def _challenge(self) -> str:
        return "Bearer"

    def make_authenticate_headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": self._challenge()}

    def make_not_authenticated_error(self) -> HTTPException:
        return HTTPException(status_code=401, detail="Not authenticated",
                             headers=self.make_authenticate_headers())

    def _refuse(self) -> None:
        if self.auto_error:
            raise self.make_not_authenticated_error()

    def _name(self, scheme_name: str | None) -> str:
        return scheme_name or type(self).__name__


# ---- API keys --------------------------------------------------------------------


class APIKeyBase(SecurityBase):
    def __init__(self, location: str, name: str, scheme_name: str | None,
                 description: str | None, auto_error: bool) -> None:
        self.model = {"type": "apiKey", "in": location, "name": name}
        if description is not None:
            self.model["description"] = description
        self.scheme_name = self._name(scheme_name)
        self.auto_error = auto_error

    def _challenge(self) -> str:
        return "APIKey"

    def check_api_key(self, api_key: str | None) -> str | None:
        if not api_key:
            self._refuse()
            return None
        return api_key


class APIKeyQuery(APIKeyBase):
    def __init__(self, *, name: str, scheme_name: str | None = None,
                 description: str | None = None, auto_error: bool = True) -> None:
        super().__init__("query", name, scheme_name, description, auto_error)

    def __call__(self, request: Request) -> str | None:
        return self.check_api_key(request.query_params.get(self.model["name"]))


class APIKeyHeader(APIKeyBase):
    def __init__(self, *, name: str, scheme_name: str | None = None,
                 description: str | None = None, auto_error: bool = True) -> None:
        super().__init__("header", name, scheme_name, description, auto_error)

    def __call__(self, request: Request) -> str | None:
        return self.check_api_key(request.headers.get(self.model["name"]))


class APIKeyCookie(APIKeyBase):
    def __init__(self, *, name: str, scheme_name: str | None = None,
                 description: str | None = None, auto_error: bool = True) -> None:
        super().__init__("cookie", name, scheme_name, description, auto_error)

    def __call__(self, request: Request) -> str | None:
        return self.check_api_key(request.cookies.get(self.model["name"]))


# ---- HTTP authentication schemes ---------------------------------------------------


class HTTPBase(SecurityBase):
    def __init__(self, *, scheme: str, scheme_name: str | None = None,
                 description: str | None = None, auto_error: bool = True) -> None:
        self.model = {"type": "http", "scheme": scheme}
        if description is not None:
            self.model["description"] = description
        self.scheme_name = self._name(scheme_name)
        self.auto_error = auto_error

    def _challenge(self) -> str:
        return str(self.model["scheme"]).title()

    def _credentials(self, request: Request) -> tuple[str, str] | None:
        authorization = request.headers.get("Authorization")
        scheme, credentials = get_authorization_scheme_param(authorization)
        if not (authorization and scheme and credentials):
            self._refuse()
            return None
        return scheme, credentials

    def __call__(self, request: Request) -> HTTPAuthorizationCredentials | None:
        found = self._credentials(request)
        if found is None:
            return None
        return HTTPAuthorizationCredentials(scheme=found[0], credentials=found[1])


class HTTPBasic(HTTPBase):
    def __init__(self, *, scheme_name: str | None = None, realm: str | None = None,
                 description: str | None = None, auto_error: bool = True) -> None:
        super().__init__(scheme="basic", scheme_name=scheme_name, description=description,
                         auto_error=auto_error)
        self.realm = realm

    def _challenge(self) -> str:
        return f'Basic realm="{self.realm}"' if self.realm else "Basic"

    def __call__(self, request: Request) -> HTTPBasicCredentials | None:  # type: ignore[override]
        authorization = request.headers.get("Authorization")
        scheme, param = get_authorization_scheme_param(authorization)
        if not authorization or scheme.lower() != "basic":
            self._refuse()
            return None
        try:
            data = b64decode(param).decode("ascii")
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise self.make_not_authenticated_error() from None
        username, separator, password = data.partition(":")
        if not separator:
            raise self.make_not_authenticated_error()
        return HTTPBasicCredentials(username=username, password=password)


class HTTPBearer(HTTPBase):
    def __init__(self, *, bearerFormat: str | None = None,
                 scheme_name: str | None = None, description: str | None = None,
                 auto_error: bool = True) -> None:
        super().__init__(scheme="bearer", scheme_name=scheme_name, description=description,
                         auto_error=auto_error)
        if bearerFormat is not None:
            self.model["bearerFormat"] = bearerFormat

    def __call__(self, request: Request) -> HTTPAuthorizationCredentials | None:
        found = self._credentials(request)
        if found is None:
            return None
        if found[0].lower() != "bearer":
            self._refuse()
            return None
        return HTTPAuthorizationCredentials(scheme=found[0], credentials=found[1])


class HTTPDigest(HTTPBase):
    """Reads "Digest ..." credentials; checking them is the application's job."""

    def __init__(self, *, scheme_name: str | None = None, description: str | None = None,
                 auto_error: bool = True) -> None:
        super().__init__(scheme="digest", scheme_name=scheme_name, description=description,
                         auto_error=auto_error)

    def __call__(self, request: Request) -> HTTPAuthorizationCredentials | None:
        found = self._credentials(request)
        if found is None:
            return None
        if found[0].lower() != "digest":
            self._refuse()
            return None
        return HTTPAuthorizationCredentials(scheme=found[0], credentials=found[1])


# ---- OAuth2 and OpenID Connect ---------------------------------------------------------


class OAuth2(SecurityBase):
    """Returns the raw Authorization header; subclasses pick the token out."""

    def __init__(self, *, flows: dict[str, Any] | None = None, scheme_name: str | None = None,
                 description: str | None = None, auto_error: bool = True) -> None:
        self.model = {"type": "oauth2", "flows": dict(flows or {})}
        if description is not None:
            self.model["description"] = description
        self.scheme_name = self._name(scheme_name)
        self.auto_error = auto_error

    def __call__(self, request: Request) -> str | None:
        authorization = request.headers.get("Authorization")
        if not authorization:
            self._refuse()
            return None
        return str(authorization)

    def _bearer_token(self, request: Request) -> str | None:
        authorization = request.headers.get("Authorization")
        scheme, param = get_authorization_scheme_param(authorization)
        if not authorization or scheme.lower() != "bearer":
            self._refuse()
            return None
        return param


class OAuth2PasswordBearer(OAuth2):
    """The bearer token of the OAuth2 password flow ("Authorization: Bearer <token>")."""

    def __init__(self, tokenUrl: str, scheme_name: str | None = None,
                 scopes: dict[str, str] | None = None, description: str | None = None,
                 auto_error: bool = True, refreshUrl: str | None = None) -> None:
        flow: dict[str, Any] = {"tokenUrl": tokenUrl, "scopes": dict(scopes or {})}
        if refreshUrl is not None:
            flow["refreshUrl"] = refreshUrl
        super().__init__(flows={"password": flow}, scheme_name=scheme_name,
                         description=description, auto_error=auto_error)

    def __call__(self, request: Request) -> str | None:
        return self._bearer_token(request)


class OAuth2AuthorizationCodeBearer(OAuth2):
    def __init__(self, authorizationUrl: str, tokenUrl: str,
                 refreshUrl: str | None = None, scheme_name: str | None = None,
                 scopes: dict[str, str] | None = None, description: str | None = None,
                 auto_error: bool = True) -> None:
        flow: dict[str, Any] = {"authorizationUrl": authorizationUrl, "tokenUrl": tokenUrl,
                                "scopes": dict(scopes or {})}
        if refreshUrl is not None:
            flow["refreshUrl"] = refreshUrl
        super().__init__(flows={"authorizationCode": flow}, scheme_name=scheme_name,
                         description=description, auto_error=auto_error)

    def __call__(self, request: Request) -> str | None:
        return self._bearer_token(request)


class OpenIdConnect(SecurityBase):
    """Returns the raw Authorization header; validating it is the application's job."""

    def __init__(self, *, openIdConnectUrl: str, scheme_name: str | None = None,
                 description: str | None = None, auto_error: bool = True) -> None:
        self.model = {"type": "openIdConnect", "openIdConnectUrl": openIdConnectUrl}
        if description is not None:
            self.model["description"] = description
        self.scheme_name = self._name(scheme_name)
        self.auto_error = auto_error

    def __call__(self, request: Request) -> str | None:
        authorization = request.headers.get("Authorization")
        if not authorization:
            self._refuse()
            return None
        return str(authorization)


class OAuth2PasswordRequestForm:
    """The form of the OAuth2 password flow (RFC 6749 §4.3.2), as a dependency class.

    `scopes` is the space-separated `scope` field split into a list.
    """

    def __init__(
        self,
        *,
        grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
        username: Annotated[str, Form()],
        password: Annotated[str, Form(json_schema_extra={"format": "password"})],
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form(json_schema_extra={"format": "password"})] = None,
    ) -> None:
        self.grant_type = grant_type
        self.username = username
        self.password = password
        self.scopes = scope.split()
        self.client_id = client_id
        self.client_secret = client_secret


class OAuth2PasswordRequestFormStrict(OAuth2PasswordRequestForm):
    """OAuth2PasswordRequestForm whose `grant_type` must be sent, as "password"."""

    def __init__(
        self,
        grant_type: Annotated[str, Form(pattern="^password$")],
        username: Annotated[str, Form()],
        password: Annotated[str, Form()],
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form()] = None,
    ) -> None:
        super().__init__(grant_type=grant_type, username=username, password=password,
                         scope=scope, client_id=client_id, client_secret=client_secret)
