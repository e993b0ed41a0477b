"""JSON columns are written and read with orjson, and what it refuses still round-trips."""

from __future__ import annotations

import json

import pytest

from workdiary.server.db import dumps_json, loads_json

VALUES = [
    {"memo": "Zürich, naïve café \u2028 line\n\ttab \"quote\" \\ back", "seq": 2**53,
     "minutes": [{"keys": 0, "idle": False, "source": None}], "size": 10**9},
    ["outside_contract", "no_screenshot"],
    {"1": "int keys become strings, as json.dumps makes them"},
    "\ud800",  # a lone surrogate: orjson refuses it both ways; the standard library does not
    2**70,  # past 64 bits: orjson refuses to write it
]


@pytest.mark.parametrize("value", VALUES)
def test_a_value_reads_back_as_the_standard_library_would_read_it(value: object) -> None:
    text = dumps_json(value)
    assert isinstance(text, str)
    assert loads_json(text) == json.loads(json.dumps(value))
    assert loads_json(text.encode("utf-8", "surrogatepass")) == loads_json(text)


def test_text_written_by_the_standard_library_still_reads() -> None:
    for value in VALUES[:4]:
        assert loads_json(json.dumps(value)) == value
    assert dumps_json({1: "x"}) == '{"1":"x"}'
