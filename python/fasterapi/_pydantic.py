"""pydantic models as bodies and response models, where pydantic can be imported.

pydantic-core cannot load in own-GIL sub-interpreters, so FasterAPI never
imports pydantic itself; when the app did (main interpreter, shared mode),
a `pydantic.BaseModel` subclass is validated by pydantic and its errors are
passed on unchanged, as FastAPI does.
"""

from __future__ import annotations

import sys
from typing import Any

from ._errors import ErrorDict, ValidationFailed
from ._validators import Validator


def is_pydantic_model(cls: Any) -> bool:
    pydantic = sys.modules.get("pydantic")
    if pydantic is None or not isinstance(cls, type):
        return False
    return issubclass(cls, pydantic.BaseModel)


def is_pydantic_instance(value: Any) -> bool:
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(value, pydantic.BaseModel)


class PydanticValidator(Validator):
    kind = ""

    def __init__(self, cls: Any) -> None:
        self.cls = cls
        self.tag = cls.__name__
        self.error_type = sys.modules["pydantic"].ValidationError

    def validate(self, value: Any) -> Any:
        if isinstance(value, self.cls):
            return value
        try:
            return self.cls.model_validate(value, from_attributes=True)
        except self.error_type as exc:
            errors: list[ErrorDict] = []
            for record in exc.errors(include_url=False):
                converted: ErrorDict = {"type": record["type"], "loc": tuple(record["loc"]),
                                        "msg": record["msg"], "input": record["input"]}
                if "ctx" in record:
                    converted["ctx"] = record["ctx"]
                errors.append(converted)
            raise ValidationFailed(errors) from None

    def is_exact(self, value: Any) -> bool:
        return isinstance(value, (self.cls, dict))


def pydantic_validator(cls: type) -> Validator | None:
    return PydanticValidator(cls) if is_pydantic_model(cls) else None
