"""Formatting rows for people (aligned tables) and programs (CSV, JSON).

CSV cells that a spreadsheet would run as a formula are prefixed with an
apostrophe, so a council name like "=HYPERLINK(...)" opens as text.
"""

import csv
import json
from collections.abc import Iterable, Sequence
from typing import IO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise spreadsheet formulas in text; numbers pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        if value[0] in "+-" and _is_number(value):
            return value
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 working day', '2 working days', '0 replies' (with many="replies"): a count agrees with its noun."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def write_csv(rows: Iterable[dict], columns: Sequence[str], out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    # None as an empty cell and safe_cell, written out: they were two calls for each cell of a large export.
    for row in rows:
        writer.writerow([safe_cell(value) if isinstance(value, str) and value.startswith(FORMULA_START)
                         else "" if value is None else value for value in map(row.get, columns)])


def write_json(rows: Iterable[dict] | dict, out: IO[str]) -> None:
    """Indented two levels deep (the sections, then one record a line); each record on its
    line is written by the json module's C encoder: indenting every level is done in pure
    Python, a quarter of `foi report --json` on a large campaign."""
    # One write: json.dump writes each token apart, costly on a large report sent to stdout.
    out.write(_json_text(rows if isinstance(rows, dict) else list(rows), 0))
    out.write("\n")


JSON_INDENTED_LEVELS = 2


def _json_text(value: object, level: int) -> str:
    if level < JSON_INDENTED_LEVELS and isinstance(value, dict) and value:
        inner = "  " * (level + 1)
        entries = [f"{inner}{json.dumps(_json_key(key), ensure_ascii=False)}: {_json_text(item, level + 1)}"
                   for key, item in value.items()]
        return "{\n" + ",\n".join(entries) + "\n" + "  " * level + "}"
    if level < JSON_INDENTED_LEVELS and isinstance(value, list | tuple) and value:
        inner = "  " * (level + 1)
        items = [inner + _json_text(item, level + 1) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * level + "]"
    return json.dumps(value, ensure_ascii=False, default=str)


def _json_key(key: object) -> str:
    """A dict key as the json module writes it."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, int | float):  # bool is an int: true, false
        return json.dumps(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def format_table(rows: Sequence[dict], columns: Sequence[str], headers: Sequence[str] | None = None,
                 max_width: int = 48) -> str:
    """A plain aligned text table; long cells are shortened with an ellipsis."""
    headers = list(headers or columns)
    cells = [[_shorten(_text(row.get(c)), max_width) for c in columns] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
