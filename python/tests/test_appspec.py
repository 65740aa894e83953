from __future__ import annotations

import pytest

from fasterapi._appspec import parse_app_spec


def test_valid_specs() -> None:
    assert parse_app_spec("main:app") == ("main", "app")
    assert parse_app_spec("pkg.mod:factory.app") == ("pkg.mod", "factory.app")


@pytest.mark.parametrize("spec", ["main", "main:", ":app", "a b:app", "main:app()", "m..x:a",
                                  "main:app:x"])
def test_invalid_specs(spec: str) -> None:
    with pytest.raises(ValueError, match="Invalid app spec"):
        parse_app_spec(spec)
