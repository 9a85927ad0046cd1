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
    for row in rows:
        writer.writerow([safe_cell(_plain(row.get(c))) for c in columns])


def write_json(rows: Iterable[dict] | dict, out: IO[str]) -> None:
    # One write: json.dump writes each token apart, costly on a large report sent to stdout.
    out.write(json.dumps(rows if isinstance(rows, dict) else list(rows), indent=2, ensure_ascii=False, default=str))
    out.write("\n")


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


def _plain(value: object) -> object:
    return "" if value is None else value


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
