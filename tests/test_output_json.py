"""--json output: the same data the json module would write, indented two levels deep
(the sections, then one record a line)."""

import datetime as dt
import io
import json
import random

import pytest

from foi.output import write_json


def written(value) -> str:
    out = io.StringIO()
    write_json(value, out)
    return out.getvalue()


def nested(pick: random.Random, depth: int = 0):
    roll = pick.random()
    if depth > 4 or roll < 0.3:
        return pick.choice([0, 7, 2.5, -0.0, 10**20, None, True, False, "", 'quote " and é\n',
                            dt.date(2024, 3, 1), [], {}])
    if roll < 0.65:
        return {pick.choice(["a", "b", "c", 1, 2.5, None, True]): nested(pick, depth + 1)
                for _ in range(pick.randrange(4))}
    return [nested(pick, depth + 1) for _ in range(pick.randrange(4))]


def test_random_values_read_back_as_the_json_module_writes_them():
    pick = random.Random(44)
    for _ in range(2000):
        value = nested(pick)
        value = value if isinstance(value, dict | list) else [value]
        expected = json.loads(json.dumps(value, indent=2, ensure_ascii=False, default=str))
        assert json.loads(written(value)) == expected


def test_sections_and_records_each_take_a_line():
    text = written({"summary": {"requests": 2, "by_state": {"answered": 1}},
                    "requests": [{"code": "BNS", "days": [1, 2]}, {"code": "MAN", "days": []}],
                    "none": [], "as_of": dt.date(2024, 6, 3)})
    assert text.splitlines() == [
        "{",
        '  "summary": {',
        '    "requests": 2,',
        '    "by_state": {"answered": 1}',
        "  },",
        '  "requests": [',
        '    {"code": "BNS", "days": [1, 2]},',
        '    {"code": "MAN", "days": []}',
        "  ],",
        '  "none": [],',
        '  "as_of": "2024-06-03"',
        "}",
    ]


def test_rows_given_one_by_one_are_a_list_and_odd_keys_fail_as_in_the_json_module():
    assert json.loads(written(iter([{"a": 1}, {"a": 2}]))) == [{"a": 1}, {"a": 2}]
    with pytest.raises(TypeError):
        written({("a", "b"): 1})
