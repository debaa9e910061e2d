"""The shared value types: what the fast constructors promise."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docl10n.model import Span, Unit, new_unit

FIELDS = st.tuples(
    st.text(max_size=8),
    st.sampled_from(["paragraph", "heading", "table cell", "card title"]),
    st.integers(0, 10**6),
    st.tuples(st.integers(0, 1000), st.integers(0, 1000)).map(sorted).map(lambda p: Span(*p)),
    st.none() | st.text(max_size=4),
    st.text(alphabet="> \t", max_size=4),
    st.booleans(),
    st.lists(st.text(max_size=3) | st.integers(0, 9), max_size=3).map(tuple),
)


@settings(deadline=None)  # a shared machine can stall any example past the default 200 ms
@given(FIELDS)
def test_new_unit_is_the_unit_the_dataclass_makes(fields):
    made, fast = Unit(*fields), new_unit(*fields)
    assert fast == made and hash(fast) == hash(made) and repr(fast) == repr(made)
    assert dataclasses.astuple(fast) == dataclasses.astuple(made)


def test_new_unit_skips_nothing_the_dataclass_would_run():
    # new_unit sets the fields without __init__: a __post_init__ would be skipped.
    assert not hasattr(Unit, "__post_init__")
    names = ["msgid", "kind", "line", "span", "msgctxt", "prefix", "inline", "key"]
    assert [f.name for f in dataclasses.fields(Unit)] == names


def test_a_new_unit_is_frozen_like_any_other():
    unit = new_unit("Hello", "paragraph", 1, Span(0, 5))
    with pytest.raises(dataclasses.FrozenInstanceError):
        unit.msgid = "changed"  # type: ignore[misc]
    assert unit == Unit("Hello", "paragraph", 1, Span(0, 5))
