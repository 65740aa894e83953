from __future__ import annotations

import copy
import pickle

from fasterapi.params import Body, Path, Query, Required, is_required


def test_markers_carry_source_default_and_alias() -> None:
    assert Query().in_ == "query" and Path().in_ == "path" and Body().in_ == "body"
    assert Query(3, alias="q-q").default == 3 and Query(alias="q-q").alias == "q-q"
    assert Body(embed=True).embed and not Body().embed


def test_required_spellings() -> None:
    assert is_required(Query().default)
    assert is_required(...)
    assert not is_required(None)
    assert repr(Required) == "Required"
    assert copy.deepcopy(Required) is Required
    assert pickle.loads(pickle.dumps(Required)) is Required
