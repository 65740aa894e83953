"""date, datetime, time and timedelta parsing with pydantic v2's rules and error texts.

pydantic parses these with the `speedate` crate; clients see its wording in
422 bodies ("Input should be a valid datetime or date, input is too short"),
so the parsers below follow its grammar and report the same reasons:
RFC 3339-like dates and times, unix timestamps (seconds, or milliseconds
past 2e10) for numbers and numeric strings, ISO 8601 and "1 day, 01:02:03"
durations. Written from observed behaviour; only the stdlib is used.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from ._errors import ValidationFailed, fail

UTC = dt.UTC
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_NUMERIC = re.compile(r"[+-]?\d+(?:\.\d*)?\Z")
_MS_THRESHOLD = 2e10
_MAX_TIMESTAMP = 253402300799.999999  # 9999-12-31T23:59:59.999999
_MIN_TIMESTAMP = -11676096000  # 1600-01-01


class _ParseError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _digits(text: str, start: int, count: int, what: str) -> int:
    chunk = text[start:start + count]
    if len(chunk) < count:
        raise _ParseError("input is too short")
    if not (chunk.isascii() and chunk.isdigit()):
        raise _ParseError(f"invalid character in {what}")
    return int(chunk)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _parse_date_prefix(text: str) -> tuple[int, int, int]:
    if len(text) < 10:
        raise _ParseError("input is too short")
    year = _digits(text, 0, 4, "year")
    if text[4] != "-":
        raise _ParseError("invalid date separator, expected `-`")
    month = _digits(text, 5, 2, "month")
    if text[7] != "-":
        raise _ParseError("invalid date separator, expected `-`")
    day = _digits(text, 8, 2, "day")
    if not 1 <= month <= 12:
        raise _ParseError("month value is outside expected range of 1-12")
    if not 1 <= day <= _days_in_month(year, month):
        raise _ParseError("day value is outside expected range")
    return year, month, day


def _parse_date(text: str) -> dt.date:
    year, month, day = _parse_date_prefix(text)
    if len(text) > 10:
        raise _ParseError("unexpected extra characters at the end of the input")
    if year == 0:
        raise _ParseError("year 0 is out of range")
    return dt.date(year, month, day)


def _parse_time(text: str, start: int) -> tuple[dt.time, int]:
    """A time (with optional offset) at text[start:]; returns it and where it ended."""
    if len(text) - start < 5:
        raise _ParseError("input is too short")
    hour = _digits(text, start, 2, "hour")
    if hour > 23:
        raise _ParseError("hour value is outside expected range of 0-23")
    if text[start + 2] != ":":
        raise _ParseError("invalid time separator, expected `:`")
    minute = _digits(text, start + 3, 2, "minute")
    if minute > 59:
        raise _ParseError("minute value is outside expected range of 0-59")
    pos = start + 5
    second = micro = 0
    if pos < len(text) and text[pos] == ":":
        second = _digits(text, pos + 1, 2, "second")
        if second > 59:
            raise _ParseError("second value is outside expected range of 0-59")
        pos += 3
        if pos < len(text) and text[pos] in ".,":
            end = pos + 1
            while end < len(text) and text[end].isascii() and text[end].isdigit():
                end += 1
            fraction = text[pos + 1:end]
            if not fraction:
                raise _ParseError("second fraction digits missing after `.`")
            micro = int((fraction + "000000")[:6])
            pos = end
    tzinfo: dt.tzinfo | None = None
    if pos < len(text):
        sign = text[pos]
        if sign in "Zz":
            tzinfo = UTC
            pos += 1
        elif sign in "+-":
            tz_hour = text[pos + 1:pos + 3]
            if len(tz_hour) < 2 or not (tz_hour.isascii() and tz_hour.isdigit()):
                raise _ParseError("invalid timezone hour")
            pos += 3
            if pos < len(text) and text[pos] == ":":
                pos += 1
            tz_minute = 0
            if pos < len(text):
                chunk = text[pos:pos + 2]
                if len(chunk) < 2 or not (chunk.isascii() and chunk.isdigit()):
                    raise _ParseError("invalid timezone minute")
                tz_minute = int(chunk)
                pos += 2
            offset = int(tz_hour) * 3600 + tz_minute * 60
            if int(tz_hour) >= 24 or tz_minute >= 60:
                raise _ParseError("timezone offset must be less than 24 hours")
            tzinfo = dt.timezone(dt.timedelta(seconds=-offset if sign == "-" else offset))
        else:
            raise _ParseError("invalid timezone sign")
    return dt.time(hour, minute, second, micro, tzinfo=tzinfo), pos


def _parse_datetime(text: str) -> dt.datetime:
    year, month, day = _parse_date_prefix(text)
    if len(text) == 10:
        return dt.datetime(year, month, day)
    if text[10] not in "Tt _":
        raise _ParseError("invalid datetime separator, expected `T`, `t`, `_` or space")
    time, end = _parse_time(text, 11)
    if end != len(text):
        raise _ParseError("unexpected extra characters at the end of the input")
    return dt.datetime.combine(dt.date(year, month, day), time)


def _from_timestamp(value: float) -> dt.datetime:
    if math.isnan(value):
        raise _ParseError("NaN values not permitted")
    if abs(value) > _MS_THRESHOLD:
        value = value / 1000
    if value > _MAX_TIMESTAMP:
        raise _ParseError("dates after 9999 are not supported as unix timestamps")
    if value < _MIN_TIMESTAMP:
        raise _ParseError("dates before 1600 are not supported as unix timestamps")
    whole = math.floor(value)
    micro = round((value - whole) * 1_000_000)
    return _EPOCH + dt.timedelta(seconds=whole, microseconds=micro)


def _number(value: Any) -> float | int | None:
    """A JSON number (bool excluded) or a numeric string, else None."""
    kind = type(value)
    if kind is int or kind is float:
        return value  # type: ignore[no-any-return]
    if isinstance(value, str) and _NUMERIC.match(value):
        return float(value) if "." in value else int(value)
    return None


_DATETIME_MSG = "Input should be a valid datetime or date, "


def validate_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (bytes, bytearray)):
        try:
            value = value.decode()
        except UnicodeDecodeError:
            raise fail("datetime_type", value, "Input should be a valid datetime") from None
    number = None if isinstance(value, bool) else _number(value)
    if number is not None:
        try:
            return _from_timestamp(number)
        except _ParseError as exc:
            raise _datetime_error("datetime_parsing", value, exc.reason,
                                  "Input should be a valid datetime, ") from None
    if not isinstance(value, str):
        raise fail("datetime_type", value, "Input should be a valid datetime")
    try:
        return _parse_datetime(value)
    except _ParseError:
        pass
    try:
        date = _parse_date(value)
    except _ParseError as exc:
        raise _datetime_error("datetime_from_date_parsing", value, exc.reason,
                              _DATETIME_MSG) from None
    return dt.datetime(date.year, date.month, date.day)


def _datetime_error(kind: str, value: Any, reason: str, prefix: str) -> ValidationFailed:
    return fail(kind, value, prefix + reason, {"error": reason})


def validate_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return _exact_date(value, value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            value = value.decode()
        except UnicodeDecodeError:
            raise fail("date_type", value, "Input should be a valid date") from None
    number = None if isinstance(value, bool) else _number(value)
    if number is not None:
        try:
            stamp = _from_timestamp(number)
        except _ParseError as exc:
            raise _datetime_error("date_from_datetime_parsing", value, exc.reason,
                                  "Input should be a valid date or datetime, ") from None
        return _exact_date(stamp, value)
    if not isinstance(value, str):
        raise fail("date_type", value, "Input should be a valid date")
    try:
        return _parse_date(value)
    except _ParseError as exc:
        if exc.reason == "year 0 is out of range":
            raise _datetime_error("date_parsing", value, exc.reason,
                                  "Input should be a valid date in the format YYYY-MM-DD, "
                                  ) from None
    try:
        stamp = _parse_datetime(value)
    except _ParseError as exc:
        raise _datetime_error("date_from_datetime_parsing", value, exc.reason,
                              "Input should be a valid date or datetime, ") from None
    return _exact_date(stamp, value)


def _exact_date(stamp: dt.datetime, original: Any) -> dt.date:
    if stamp.hour or stamp.minute or stamp.second or stamp.microsecond:
        raise fail("date_from_datetime_inexact", original,
                   "Datetimes provided to dates should have zero time - e.g. be exact dates")
    return stamp.date()


def validate_time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            value = value.decode()
        except UnicodeDecodeError:
            raise fail("time_type", value, "Input should be a valid time") from None
    kind = type(value)
    if kind is int or kind is float:
        seconds = float(value)
        reason = None
        if math.isnan(seconds):
            reason = "NaN values not permitted"
        elif seconds > 86399:
            reason = "numeric times may not exceed 86,399 seconds"
        elif seconds < 0:
            reason = "time in seconds should be positive"
        if reason is not None:
            raise _datetime_error("time_parsing", value, reason,
                                  "Input should be in a valid time format, ")
        whole = int(seconds)
        micro = round((seconds - whole) * 1_000_000)
        return dt.time(whole // 3600, whole // 60 % 60, whole % 60, micro, tzinfo=UTC)
    if not isinstance(value, str):
        raise fail("time_type", value, "Input should be a valid time")
    try:
        time, end = _parse_time(value, 0)
        if end != len(value):
            raise _ParseError("unexpected extra characters at the end of the input")
    except _ParseError as exc:
        raise _datetime_error("time_parsing", value, exc.reason,
                              "Input should be in a valid time format, ") from None
    return time


_ISO_UNITS = {"Y": 365 * 86400, "M": 30 * 86400, "W": 7 * 86400, "D": 86400}
_ISO_TIME_UNITS = {"H": 3600, "M": 60, "S": 1}
_ISO_PART = re.compile(r"(\d+(?:[.,]\d+)?)([A-Za-z])")
_FRIENDLY = re.compile(
    r"(?:(\d+)\s*(?:days?|d)\s*,?\s*)?"
    r"(?:(\d+):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?\Z")


def _parse_iso_duration(text: str) -> float:
    body = text[1:]
    if not body or body == "T":
        raise _ParseError("input is too short")
    date_part, _, time_part = body.partition("T")
    total = 0.0
    for part, units in ((date_part, _ISO_UNITS), (time_part, _ISO_TIME_UNITS)):
        pos = 0
        for match in _ISO_PART.finditer(part):
            if match.start() != pos:
                raise _ParseError("invalid digit in duration")
            unit = match.group(2).upper()
            if unit not in units:
                raise _ParseError("unexpected character in duration")
            total += float(match.group(1).replace(",", ".")) * units[unit]
            pos = match.end()
        if pos != len(part):
            raise _ParseError("invalid digit in duration")
    return total


def _parse_duration(text: str) -> dt.timedelta:
    sign = 1
    rest = text
    if rest[:1] in ("+", "-"):
        sign = -1 if rest[0] == "-" else 1
        rest = rest[1:]
    if not rest:
        raise _ParseError("input is too short")
    if rest[0] in "Pp":
        total = _parse_iso_duration(rest)
        return dt.timedelta(seconds=sign * total)
    if not rest[0].isdigit():
        raise _ParseError("invalid digit in duration")
    match = _FRIENDLY.match(rest)
    if match is None or match.group(0) == "":
        if re.fullmatch(r"\d+(?:\.\d*)?", rest):
            raise _ParseError('"day" identifier in duration not correctly formatted')
        if re.match(r"\d+\s*(?:days?|d)\b", rest):
            tail = re.sub(r"^\d+\s*(?:days?|d)\s*,?\s*", "", rest)
            if re.fullmatch(r"\d+", tail):
                raise _ParseError("input is too short")
            raise _ParseError("invalid character in hour")
        if re.match(r"\d+:", rest):
            raise _ParseError("invalid character in minute")
        raise _ParseError('"day" identifier in duration not correctly formatted')
    days, hours, minutes, seconds, fraction = match.groups()
    if minutes is not None and int(minutes) > 59:
        raise _ParseError("minute value is outside expected range of 0-59")
    if seconds is not None and int(seconds) > 59:
        raise _ParseError("second value is outside expected range of 0-59")
    if days is not None and hours is not None and int(hours) > 23:
        raise _ParseError("durations may not exceed 999,999,999 hours")
    micro = int((fraction + "000000")[:6]) if fraction else 0
    delta = dt.timedelta(days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0),
                         seconds=int(seconds or 0), microseconds=micro)
    return -delta if sign < 0 else delta


def validate_timedelta(value: Any) -> dt.timedelta:
    if isinstance(value, dt.timedelta):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            value = value.decode()
        except UnicodeDecodeError:
            raise fail("time_delta_type", value, "Input should be a valid timedelta") from None
    if isinstance(value, (int, float)):
        seconds = float(value)
        if math.isnan(seconds):
            raise _datetime_error("time_delta_parsing", value, "NaN values not permitted",
                                  "Input should be a valid timedelta, ")
        try:
            return dt.timedelta(seconds=seconds)
        except OverflowError:
            raise _datetime_error("time_delta_parsing", value,
                                  "durations may not exceed 999,999,999 days",
                                  "Input should be a valid timedelta, ") from None
    if not isinstance(value, str):
        raise fail("time_delta_type", value, "Input should be a valid timedelta")
    try:
        return _parse_duration(value)
    except (_ParseError, OverflowError) as exc:
        reason: str = exc.reason if isinstance(exc, _ParseError) else (
            "durations may not exceed 999,999,999 days")
        raise _datetime_error("time_delta_parsing", value, reason,
                              "Input should be a valid timedelta, ") from None


# ---- JSON-mode output, as pydantic serializes these types ----------------------

def _zulu(text: str) -> str:
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def datetime_json(value: dt.datetime) -> str:
    return _zulu(value.isoformat())


def time_json(value: dt.time) -> str:
    return _zulu(value.isoformat())


def timedelta_json(value: dt.timedelta) -> str:
    """ISO 8601 duration: P1Y35DT1M1.000007S; the sign applies to the whole."""
    total = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if total < 0 else ""
    total = abs(total)
    seconds, micro = divmod(total, 1_000_000)
    days, seconds = divmod(seconds, 86400)
    years, days = divmod(days, 365)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    out = sign + "P"
    if years:
        out += f"{years}Y"
    if days:
        out += f"{days}D"
    if hours or minutes or seconds or micro or out == sign + "P":
        out += "T"
        if hours:
            out += f"{hours}H"
        if minutes:
            out += f"{minutes}M"
        if seconds or micro or not (hours or minutes):
            if micro:
                out += f"{seconds}.{micro:06d}".rstrip("0") + "S"
            else:
                out += f"{seconds}S"
    return out
