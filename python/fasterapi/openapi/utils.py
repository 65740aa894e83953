"""`get_openapi`: the OpenAPI 3.1 document of a list of routes, shaped as FastAPI's.

Each route's parameters, body, response model, status code, extra
`responses`, tags, summary/description (the docstring up to a form feed),
security requirements and `openapi_extra` become one operation per method.
Types become JSON Schema through `schema.SchemaGenerator`; the models they
name end up in `components/schemas`, beside the `HTTPValidationError` that
every operation with parameters can answer with (422).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from fasterapi._validators import strip_annotated
from fasterapi.encoders import jsonable_encoder
from fasterapi.responses import JSONResponse

from .schema import (
    REF_PREFIX,
    SERIALIZATION,
    VALIDATION,
    JsonDict,
    SchemaGenerator,
    title_from_name,
)

if TYPE_CHECKING:
    from fasterapi.routing import APIRoute, ParamInfo

STATUS_CODE_RANGES = {
    "1XX": "Information",
    "2XX": "Success",
    "3XX": "Redirection",
    "4XX": "Client Error",
    "5XX": "Server Error",
    "DEFAULT": "Default Response",
}

VALIDATION_ERROR_SCHEMAS: dict[str, JsonDict] = {
    "ValidationError": {
        "properties": {
            "loc": {"items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    "type": "array", "title": "Location"},
            "msg": {"type": "string", "title": "Message"},
            "type": {"type": "string", "title": "Error Type"},
            "input": {"title": "Input"},
            "ctx": {"type": "object", "title": "Context"},
        },
        "type": "object",
        "required": ["loc", "msg", "type"],
        "title": "ValidationError",
    },
    "HTTPValidationError": {
        "properties": {
            "detail": {"items": {"$ref": REF_PREFIX + "ValidationError"}, "type": "array",
                       "title": "Detail"},
        },
        "type": "object",
        "title": "HTTPValidationError",
    },
}

def get_openapi(
    *,
    title: str,
    version: str,
    openapi_version: str = "3.1.0",
    summary: str | None = None,
    description: str | None = None,
    routes: Sequence[Any],
    webhooks: Sequence[Any] | None = None,
    tags: list[dict[str, Any]] | None = None,
    servers: list[dict[str, Any]] | None = None,
    terms_of_service: str | None = None,
    contact: dict[str, Any] | None = None,
    license_info: dict[str, Any] | None = None,
    separate_input_output_schemas: bool = True,
    external_docs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The OpenAPI document (a dict ready for JSON) of `routes`, with `webhooks` (routes
    that document requests the app sends, keyed by name) under "webhooks"."""
    info: JsonDict = {"title": title}
    if summary:
        info["summary"] = summary
    if description:
        info["description"] = description
    if terms_of_service:
        info["termsOfService"] = terms_of_service
    if contact:
        info["contact"] = contact
    if license_info:
        info["license"] = license_info
    info["version"] = version
    document: JsonDict = {"openapi": openapi_version, "info": info}
    if servers:
        document["servers"] = servers
    generator = SchemaGenerator(separate_input_output_schemas)
    builder = _Builder(generator)
    document["paths"] = builder.path_items(routes)
    if webhooks:
        webhook_items = builder.path_items(webhooks)
        if webhook_items:
            document["webhooks"] = webhook_items
    schemas = generator.finish([document, builder.extra_schemas])
    schemas.update(builder.extra_schemas)
    components: JsonDict = {}
    if schemas:
        components["schemas"] = {name: schemas[name] for name in sorted(schemas)}
    if builder.security_schemes:
        components["securitySchemes"] = builder.security_schemes
    if components:
        document["components"] = components
    if tags:
        document["tags"] = tags
    if external_docs:
        document["externalDocs"] = external_docs
    result: dict[str, Any] = jsonable_encoder(document, exclude_none=True)
    return result


class _Builder:
    def __init__(self, generator: SchemaGenerator) -> None:
        self.schemas = generator
        self.extra_schemas: dict[str, JsonDict] = {}
        self.security_schemes: JsonDict = {}

    def path_items(self, routes: Sequence[Any]) -> JsonDict:
        """{path template: {method: operation}} of the documented HTTP routes."""
        items: JsonDict = {}
        for route in routes:
            if not getattr(route, "include_in_schema", True) or not hasattr(route, "plan"):
                continue
            item = items.setdefault(route.path_format, {})
            for method in route._method_list:
                item[method.lower()] = self.operation(route, method)
        return items

    def operation(self, route: APIRoute, method: str) -> JsonDict:
        operation: JsonDict = {}
        if route.tags:
            operation["tags"] = [getattr(t, "value", t) for t in route.tags]
        operation["summary"] = route.summary or route.name.replace("_", " ").title()
        if route.description:
            operation["description"] = route.description
        operation["operationId"] = route.operation_id or route.unique_id
        if route.deprecated:
            operation["deprecated"] = True
        security = self._security(route)
        if security:
            operation["security"] = security
        parameters = [self._parameter(p) for p in route.parameters if p.include_in_schema]
        if parameters:
            operation["parameters"] = parameters
        body_fields = route.body_fields
        if body_fields:
            operation["requestBody"] = self._request_body(route, body_fields)
        callbacks = self._callbacks(route)
        if callbacks:
            operation["callbacks"] = callbacks
        operation["responses"] = self._responses(route, bool(route.parameters or body_fields))
        if route.openapi_extra:
            _deep_update(operation, jsonable_encoder(route.openapi_extra))
        return operation

    # ---- parameters and body ---------------------------------------------------------

    def _parameter(self, param: ParamInfo) -> JsonDict:
        default = dataclasses.MISSING if param.required or param.has_factory \
            else param.default
        schema = self.schemas.field_schema(
            param.annotation, VALIDATION, title=param.title or title_from_name(param.alias),
            default=default, info=_doc_only(param), top_level=True)
        parameter: JsonDict = {"name": param.alias, "in": param.location,
                               "required": param.required, "schema": schema}
        if param.description:
            parameter["description"] = param.description
        openapi_examples = param.extra.get("openapi_examples")
        if openapi_examples:
            parameter["examples"] = jsonable_encoder(openapi_examples)
        if param.deprecated:
            parameter["deprecated"] = True
        return parameter

    def _body_field_schema(self, param: ParamInfo, top_level: bool) -> JsonDict:
        default = dataclasses.MISSING if param.required or param.has_factory \
            else param.default
        return self.schemas.field_schema(
            param.annotation, VALIDATION, info=_doc_only(param),
            title=param.title or title_from_name(param.alias), default=default,
            top_level=top_level)

    def _form_field_schema(self, param: ParamInfo) -> JsonDict:
        """A form field's schema; files are strings of binary content, as FastAPI shows them."""
        if not param.binary:
            return self._body_field_schema(param, False)
        binary: JsonDict = {"type": "string", "contentMediaType": "application/octet-stream"}
        annotation, _ = strip_annotated(param.annotation)
        origin = typing.get_origin(annotation)
        optional = (origin is typing.Union or origin is types.UnionType) and \
            type(None) in typing.get_args(annotation)
        inner = next(a for a in typing.get_args(annotation) if a is not type(None)) \
            if optional else annotation
        schema: JsonDict = binary
        if typing.get_origin(inner) in (list, tuple, set, frozenset) or inner in (list,):
            schema = {"items": binary, "type": "array"}
        if optional:
            schema = {"anyOf": [schema, {"type": "null"}]}
        schema["title"] = param.title or title_from_name(param.alias)
        if not (param.required or param.has_factory):
            schema["default"] = jsonable_encoder(param.default)
        if param.description:
            schema["description"] = param.description
        return schema

    def _form_body(self, route: APIRoute, fields: list[ParamInfo]) -> JsonDict:
        """FastAPI's form requestBody: multipart when a File() is there, else urlencoded;
        a Body_<operation> object of the fields, or the model of a form model."""
        multipart = any(f.media_type == "multipart/form-data" for f in fields)
        media_type = "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
        if len(fields) == 1 and fields[0].form_model:
            schema = self._body_field_schema(fields[0], True)
        else:
            name = f"Body_{route.unique_id}"
            properties = [(f.alias, self._form_field_schema(f), f.required) for f in fields]
            self.extra_schemas[name] = self.schemas.object_schema(name, properties)
            schema = {"$ref": REF_PREFIX + name}
        body: JsonDict = {"content": {media_type: {"schema": schema}}}
        if any(f.required for f in fields):
            body["required"] = True
        return body

    def _request_body(self, route: APIRoute, fields: list[ParamInfo]) -> JsonDict:
        if fields[0].form:
            return self._form_body(route, fields)
        media_types = {_media_type(f) for f in fields}
        media_type = media_types.pop() if len(media_types) == 1 else "application/json"
        if route.embed_body:
            name = f"Body_{route.unique_id}"
            properties = [(f.alias, self._body_field_schema(f, False), f.required) for f in fields]
            self.extra_schemas[name] = self.schemas.object_schema(name, properties)
            schema: JsonDict = {"$ref": REF_PREFIX + name}
            required = any(f.required for f in fields)
        else:
            schema = self._body_field_schema(fields[0], True)
            required = fields[0].required
        body: JsonDict = {"content": {media_type: {"schema": schema}}}
        if required:
            body["required"] = True
        return body

    def _callbacks(self, route: APIRoute) -> JsonDict:
        # As FastAPI: one Callback Object per callback route, named after it and keyed by
        # its path, a runtime expression (OpenAPI 3.1 §4.8.18); routes of other kinds and
        # the route's include_in_schema are ignored there.
        from fasterapi.routing import APIRoute

        callbacks: JsonDict = {}
        for callback in route.callbacks:
            if isinstance(callback, APIRoute):
                callbacks[callback.name] = {callback.path: {
                    method.lower(): self.operation(callback, method)
                    for method in callback._method_list}}
        return callbacks

    # ---- responses -------------------------------------------------------------------

    def _responses(self, route: APIRoute, has_params: bool) -> JsonDict:
        responses: JsonDict = {}
        status = str(route.status_code or 200)
        media_type = route.response_class.media_type
        main: JsonDict = {"description": route.response_description}
        responses[status] = main
        if media_type and _body_allowed(route.status_code):
            schema: JsonDict = {"type": "string"}
            if issubclass(route.response_class, JSONResponse):
                schema = {}
                if route.response_field is not None:
                    schema = self.schemas.field_schema(
                        route.response_field.annotation, SERIALIZATION,
                        title=title_from_name(f"Response_{route.unique_id}"),
                        top_level=True)
            main["content"] = {media_type: {"schema": schema}}
        for code, declared in route.responses.items():
            self._additional(route, responses, code, dict(declared), media_type)
        if has_params and not any(k in responses for k in ("422", "4XX", "default")):
            responses["422"] = {
                "description": "Validation Error",
                "content": {"application/json": {
                    "schema": {"$ref": REF_PREFIX + "HTTPValidationError"}}},
            }
            self.extra_schemas.update(VALIDATION_ERROR_SCHEMAS)
        return responses

    def _additional(self, route: APIRoute, responses: JsonDict, code: Any,
                    declared: JsonDict, media_type: str | None) -> None:
        model = declared.pop("model", None)
        key = str(code).upper()
        if key == "DEFAULT":
            key = "default"
        existing = responses.setdefault(key, {})
        if model is not None:
            schema = self.schemas.field_schema(
                model, SERIALIZATION, top_level=True,
                title=title_from_name(f"Response_{code}_{route.unique_id}"))
            content = declared.setdefault("content", {})
            target = content.setdefault(media_type or "application/json", {})
            _deep_update(target.setdefault("schema", {}), schema)
        status_text = STATUS_CODE_RANGES.get(str(code).upper())
        if status_text is None and str(code).isdigit():
            try:
                status_text = HTTPStatus(int(code)).phrase
            except ValueError:
                status_text = None
        described = (declared.get("description") or existing.get("description")
                     or status_text or "Additional Response")
        _deep_update(existing, jsonable_encoder(declared) if model is None else declared)
        existing["description"] = described

    # ---- security ----------------------------------------------------------------------

    def _security(self, route: APIRoute) -> list[JsonDict]:
        # One requirement per scheme, with the scopes of all its uses (as FastAPI merges them).
        merged: dict[str, list[str]] = {}
        for scheme, scopes in route.security:
            self.security_schemes[scheme.scheme_name] = jsonable_encoder(scheme.model)
            wanted = merged.setdefault(scheme.scheme_name, [])
            wanted.extend(scope for scope in scopes if scope not in wanted)
        return [{name: scopes} for name, scopes in merged.items()]


def _doc_only(param: ParamInfo) -> Any:
    """A FieldInfo carrying the parameter's documentation and constraints."""
    from fasterapi.params import FieldInfo

    info = FieldInfo(description=param.description, examples=param.examples,
                     deprecated=param.deprecated, **param.constraints)
    info.extra = {k: v for k, v in param.extra.items() if k != "openapi_examples"}
    return info


def _media_type(param: ParamInfo) -> str:
    return param.media_type or "application/json"


def _body_allowed(status_code: int | None) -> bool:
    return status_code is None or not (status_code < 200 or status_code in (204, 205, 304))


def _deep_update(target: JsonDict, update: JsonDict) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_update(target[key], value)
        elif isinstance(value, list) and isinstance(target.get(key), list):
            target[key] = target[key] + value
        else:
            target[key] = value

