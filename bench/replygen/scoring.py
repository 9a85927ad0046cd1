"""Scoring what foi recorded against the generator's truth.

- state right: foi's request state, as an officer's class, equals the truth's class
  (lenient: or one of the reply's also-acceptable classes);
- cell right: a value cell is right when foi's row is `answered` with the same
  number; a status cell when the row has that status (`needs_review`, `missing`
  and absent rows are not right);
- silent wrong: a settled row (answered, suppressed, not_held, refused) that
  disagrees with the truth, including any settled row in a reply that gives no
  figures at all (acknowledgement, clarification, extension);
- review: truth cells whose row is `needs_review`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .play import SETTLED, STATE_CLASS, Played


def _number(value) -> float | None:
    if value is None:
        return None
    try:
        return float(str(value).replace(",", "").replace("£", "").strip())
    except ValueError:
        return None


def cell_outcome(truth: dict, row: dict | None) -> str:
    """right | review | silent_wrong | missing"""
    status = (row or {}).get("status") or "absent"
    if "value" in truth:
        got = _number((row or {}).get("value"))
        if status == "answered" and got is not None and abs(got - float(truth["value"])) < 0.005:
            return "right"
    elif status == truth["status"]:
        return "right"
    if status == "needs_review":
        return "review"
    if status in SETTLED:
        return "silent_wrong"
    return "missing"


@dataclass
class Tally:
    replies: int = 0
    states_right: int = 0
    states_lenient: int = 0
    cells: int = 0
    outcomes: Counter = field(default_factory=Counter)
    false_settled: int = 0          # settled rows in replies that give no figures

    def add(self, played: Played) -> None:
        reply = played.reply
        got = STATE_CLASS.get(played.state or "", "awaiting")
        self.replies += 1
        self.states_right += got == reply.klass
        self.states_lenient += got in (reply.klass, *reply.also_acceptable)
        truth = reply.truth_by_cell()
        for key, cell in truth.items():
            self.cells += 1
            self.outcomes[cell_outcome(cell, played.rows.get(key))] += 1
        if not truth:
            self.false_settled += sum(1 for row in played.rows.values() if row.get("status") in SETTLED)

    @property
    def silent_wrong(self) -> int:
        return self.outcomes["silent_wrong"] + self.false_settled

    def summary(self) -> dict:
        cells = self.cells or 1
        return {"replies": self.replies, "states_right": self.states_right,
                "states_share": round(self.states_right / max(1, self.replies), 4),
                "states_lenient": self.states_lenient,
                "cells": self.cells, "cells_right": self.outcomes["right"],
                "cells_share": round(self.outcomes["right"] / cells, 4),
                "silent_wrong": self.silent_wrong,
                "silent_wrong_in_cells": self.outcomes["silent_wrong"],
                "settled_rows_in_replies_without_figures": self.false_settled,
                "silent_wrong_per_1000_cells": round(1000 * self.silent_wrong / cells, 1),
                "review": self.outcomes["review"], "review_share": round(self.outcomes["review"] / cells, 4),
                "missing": self.outcomes["missing"]}


def tally(played: list[Played]) -> tuple[Tally, dict[str, dict[str, Tally]], Counter]:
    """The whole batch, each feature value's share of it, and the class confusion."""
    total = Tally()
    by_feature: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    confusion: Counter = Counter()
    for p in played:
        total.add(p)
        confusion[(p.reply.klass, STATE_CLASS.get(p.state or "", p.state or "awaiting"))] += 1
        for name, value in p.reply.features.items():
            if value not in ("-", None):
                by_feature[name][value].add(p)
    return total, by_feature, confusion
