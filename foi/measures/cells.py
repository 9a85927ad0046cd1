"""One council's figure for one period, as measures and estimates use it: a question's
answer from the dataset, or a measure derived from answers and reference data.

A figure is exact (value, with low == high == value), a range (a suppressed '<5' is 0 to 4:
value None, low and high its bounds), or absent (value, low and high None: missing, refused,
not held, not asked, still to be confirmed by a person). An absent figure is never zero."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter

from foi.dbread import Queries
from foi.vocabulary import ValueStatus


@dataclass(frozen=True)
class Cell:
    body_code: str
    period: str
    value: float | None
    low: float | None
    high: float | None
    note: str = ""  # why there is no exact value: the status, or the input that lacked one

    @property
    def exact(self) -> bool:
        return self.value is not None

    @property
    def known(self) -> bool:
        """Exact or a range with both bounds."""
        return self.low is not None and self.high is not None


def question_cells(db: Queries, slug: str, question_id: str) -> list[Cell]:
    """Every recipient x period of one question, from the dataset view (the value in force)."""
    return [cell_from_row(row) for row in db.query(
        "SELECT body_code, period, value, value_raw, status, lower_bound, upper_bound FROM dataset "
        "WHERE campaign = ? AND question_id = ? ORDER BY body_code, period", [slug, question_id])]


def cells_by_question(rows: Iterable[Mapping]) -> dict[str, list[Cell]]:
    """question id -> its cells, as question_cells gives them (by body code, then period),
    from dataset rows already read (with question_id): one read of the view for them all."""
    ordered = sorted(rows, key=itemgetter("question_id", "body_code", "period"))  # C, not a lambda a row
    found: dict[str, list[Cell]] = {}
    for row in ordered:
        found.setdefault(row["question_id"], []).append(cell_from_row(row))
    return found


def cell_from_row(row: Mapping) -> Cell:
    """One dataset row (body_code, period, value, value_raw, status, lower_bound, upper_bound) as a Cell."""
    status = row["status"]
    if status == ValueStatus.ANSWERED and isinstance(row["value"], (int, float)):
        value = float(row["value"])
        return Cell(row["body_code"], row["period"], value, value, value)
    if status == ValueStatus.SUPPRESSED:
        low, high = row["lower_bound"], row["upper_bound"]
        return Cell(row["body_code"], row["period"], None,
                    None if low is None else float(low), None if high is None else float(high),
                    f"suppressed ({row['value_raw'] or 'range'})")
    return Cell(row["body_code"], row["period"], None, None, None, str(status).replace("_", " "))
