"""The server's canonical JSON (orjson) writes the same bytes as ``core.canonical``'s."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workdiary.core.canonical import dumps_canonical as standard
from workdiary.server.canonical_json import dumps_canonical

# Every value a segment's wire shape can hold: text of any character, integers (past 64 bits
# too), booleans, null, lists and objects. No floats: the wire has none.
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
                    st.integers(min_value=-(2**63), max_value=2**64 - 1))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20)


def _outcome(dumps: Any, value: Any) -> bytes | type[BaseException]:
    try:
        return dumps(value)  # type: ignore[no-any-return]
    except Exception as exc:  # the same refusal as the standard library, if any
        return type(exc)


@settings(max_examples=500)
@given(VALUES)
def test_the_same_bytes_as_the_standard_library(value: Any) -> None:
    assert _outcome(dumps_canonical, value) == _outcome(standard, value)


@pytest.mark.parametrize("text", [chr(c) for c in range(0x20)] + [
    "\x7f", "\u2028", "\u2029", '"', "\\", "/", "é", "✓", "\U0001f600", "\ufeff"])
def test_each_escape_is_the_standard_librarys(text: str) -> None:
    value = {"memo": text, "b": [text]}
    assert dumps_canonical(value) == standard(value)


@pytest.mark.parametrize("value", [2**64, -(2**63) - 1, {"memo": "\ud800"}, {1: "key"}])
def test_what_orjson_refuses_the_standard_library_decides(value: Any) -> None:
    assert _outcome(dumps_canonical, value) == _outcome(standard, value)
