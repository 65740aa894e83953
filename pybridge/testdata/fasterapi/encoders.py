"""Stand-in for fasterapi.encoders: just enough of jsonable_encoder for the bridge tests."""
import dataclasses
import datetime
import enum


def jsonable_encoder(o):
    if dataclasses.is_dataclass(o):
        return dataclasses.asdict(o)
    if isinstance(o, datetime.date):
        return o.isoformat()
    if isinstance(o, enum.Enum):
        return o.value
    if isinstance(o, bytes):
        return o.decode()
    if isinstance(o, dict):
        return {jsonable_encoder(k): v for k, v in o.items()}
    if isinstance(o, (list, tuple, set)):
        return [jsonable_encoder(v) for v in o]
    raise TypeError(f"cannot encode {type(o)}")
