"""The default answers to HTTPException and RequestValidationError.

The public handlers are `async`, as in FastAPI, so a custom handler can
`return await http_exception_handler(request, exc)`. Dispatch uses the sync
builders directly so that a plain 404 never needs an event loop.
"""

from __future__ import annotations

from .encoders import jsonable_encoder
from .exceptions import HTTPException, RequestValidationError
from .requests import Request
from .responses import JSONResponse, Response
from .routing import is_body_allowed_for_status_code


def http_exception_response(exc: HTTPException) -> Response:
    if not is_body_allowed_for_status_code(exc.status_code):
        return Response(status_code=exc.status_code, headers=exc.headers)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


def validation_error_response(exc: RequestValidationError) -> JSONResponse:
    # jsonable_encoder turns loc tuples into lists and bytes inputs into text,
    # giving the same body FastAPI sends.
    return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)


async def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    return http_exception_response(exc)


async def request_validation_exception_handler(request: Request,
                                               exc: RequestValidationError) -> JSONResponse:
    return validation_error_response(exc)
