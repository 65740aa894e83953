from __future__ import annotations

from fasterapi import status


def test_common_codes() -> None:
    assert status.HTTP_200_OK == 200
    assert status.HTTP_404_NOT_FOUND == 404
    assert status.HTTP_418_IM_A_TEAPOT == 418
    assert status.HTTP_422_UNPROCESSABLE_CONTENT == status.HTTP_422_UNPROCESSABLE_ENTITY == 422
    assert status.WS_1000_NORMAL_CLOSURE == 1000


def test_every_name_ends_with_its_code() -> None:
    names = [n for n in dir(status) if n.startswith(("HTTP_", "WS_"))]
    assert len(names) > 80
    for name in names:
        assert str(getattr(status, name)) == name.split("_")[1]
