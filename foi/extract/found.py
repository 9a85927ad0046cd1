"""What figure finding returns: one value for a (question, period), with where it was seen."""

from __future__ import annotations

from dataclasses import dataclass

from foi.extract.values import Value

ALL_PERIODS = "*"   # said of every period of a question (or of every question)


@dataclass
class Found:
    question_id: str
    period: str
    value: Value
    location: str
    confidence: float
    snippet: str
    note: str | None = None
    from_text: bool = False  # read from running text rather than a table
