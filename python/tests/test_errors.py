from __future__ import annotations

from fasterapi._errors import error, expected_text, fail, missing, prefixed


def test_records_have_pydantic_keys_in_order() -> None:
    record = error("int_parsing", "x", ("query", "n"))
    assert list(record) == ["type", "loc", "msg", "input"]
    assert record["msg"] == "Input should be a valid integer, unable to parse string as an integer"
    assert list(error("enum", 1, (), "m", {"expected": "'a'"})) == [
        "type", "loc", "msg", "input", "ctx"]


def test_missing_and_prefix() -> None:
    assert missing(("body", "a")) == {"type": "missing", "loc": ("body", "a"),
                                      "msg": "Field required", "input": None}
    records = fail("int_type", None).errors
    assert prefixed(records, ("body", 0))[0]["loc"] == ("body", 0)


def test_expected_text() -> None:
    assert expected_text(["a"]) == "'a'"
    assert expected_text(["a", 1, "c"]) == "'a', 1 or 'c'"
