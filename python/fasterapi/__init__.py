"""FasterAPI: FastAPI's programming model, served by a Go HTTP host.

`from fasterapi import FastAPI` and write handlers as for FastAPI. Only the
standard library is used, and heavy modules are imported lazily, because
every sub-interpreter of the host imports this package.
"""

from __future__ import annotations

from . import status
from ._forms import UploadFile
from ._version import __version__
from .applications import FastAPI, FasterAPI
from .background import BackgroundTasks
from .exceptions import HTTPException, RequestValidationError, WebSocketException
from .models import Field, Model, ValidationError
from .params import Body, Cookie, Depends, File, Form, Header, Path, Query, Security
from .requests import Request
from .responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from .routing import APIRouter
from .websockets import WebSocket, WebSocketDisconnect

__all__ = [
    "APIRouter",
    "BackgroundTasks",
    "Body",
    "Cookie",
    "Depends",
    "FastAPI",
    "FasterAPI",
    "Field",
    "File",
    "Form",
    "HTMLResponse",
    "HTTPException",
    "Header",
    "JSONResponse",
    "Model",
    "Path",
    "PlainTextResponse",
    "Query",
    "RedirectResponse",
    "Request",
    "RequestValidationError",
    "Response",
    "Security",
    "StreamingResponse",
    "UploadFile",
    "ValidationError",
    "WebSocket",
    "WebSocketDisconnect",
    "WebSocketException",
    "__version__",
    "status",
]
