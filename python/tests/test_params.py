from __future__ import annotations

import copy
import pickle

import pytest

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


def test_new_markers_keep_constraints_and_documentation() -> None:
    from fasterapi.params import Cookie, Depends, Header, Security

    marker = Query(3, gt=1, le=5, max_length=2, pattern="^a", description="d", title="t",
                   examples=[1], deprecated=True, include_in_schema=False, regex=None)
    assert marker.constraints() == {"le": 5, "gt": 1, "max_length": 2, "pattern": "^a"}
    assert (marker.description, marker.title, marker.examples) == ("d", "t", [1])
    assert marker.deprecated is True and not marker.include_in_schema
    assert Query(regex="x").pattern == "x"
    assert Header().in_ == "header"
    assert Header(convert_underscores=False).convert_underscores is False
    assert Cookie().in_ == "cookie"
    assert Query(default_factory=list).get_default(call_default_factory=True) == []
    assert not Query(default_factory=list).required and Query().required
    dep = Security(len, scopes=["a"], use_cache=False)
    assert dep.scopes == ["a"] and not dep.use_cache and dep.dependency is len
    assert repr(Depends(len)) == "Depends(len)"
    with pytest.raises(TypeError):
        Query(1, default_factory=list)
    with pytest.raises(ValueError):
        Depends(len, scope="session")
