"""A campaign's measures ([[measures]] in its file) computed for every recipient and
period, from the answers in force (the dataset) and the reference tables.

Each input is a range: an exact figure is the range from itself to itself, a suppressed
'<5' is 0 to 4. The formula is worked out on the ranges (interval arithmetic), so a
suppressed input carries its bounds into the result: a rate with a '<5' numerator is a
range, never a guess. An input with no figure (missing, refused, not held, to be
confirmed, or no reference figure) gives the measure no value, never zero, and the
Cell's note names it; so does dividing by zero or by a range that includes zero.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

from foi.campaign.campaigns import get_campaign, get_periods, load_spec
from foi.campaign.formula import REF, Formula, parse_formula
from foi.campaign.spec import Measure
from foi.dbread import Queries
from foi.errors import FoiError
from foi.letters.render import and_list
from foi.measures.cells import Cell, question_cells
from foi.reference.store import reference_values

Interval = tuple[float, float]

# How an input's missing figure reads after its name: "rereferrals is missing".
ABSENT_WORDS = {"needs review": "is to be confirmed (see foi review)", "not asked": "was not asked"}


class NoValue(Exception):
    """The formula has no value for this council and period; the message says why."""


def campaign_measures(db: Queries, slug: str) -> list[Measure]:
    """The measures of the campaign file the campaign was created (or updated) from."""
    return spec_measures(get_campaign(db, slug))


def spec_measures(campaign: dict) -> list[Measure]:
    """campaign_measures of a campaign row already read (none for one written row by row)."""
    return load_spec(campaign).measures if campaign["source_text"] else []


def find_measure(db: Queries, slug: str, measure_id: str) -> Measure:
    measures = campaign_measures(db, slug)
    for measure in measures:
        if measure.id == measure_id:
            return measure
    known = ", ".join(m.id for m in measures)
    raise FoiError(f"Campaign {slug!r} has no measure {measure_id!r}",
                   f"Its measures: {known}." if known else "Add [[measures]] to its campaign file and run "
                   "`foi campaign create --update FILE`.")


def measure_cells(db: Queries, slug: str, measure_id: str) -> list[Cell]:
    """Every recipient x period of one measure (by body code, then the campaign's periods)."""
    return compute_cells(db, slug, find_measure(db, slug, measure_id))


def compute_cells(db: Queries, slug: str, measure: Measure, *, questions: Mapping[str, list[Cell]] | None = None,
                  reference_of: Callable[[str], dict[tuple[str, str], float]] | None = None) -> list[Cell]:
    """`questions` (question id -> question_cells) and `reference_of` (name ->
    reference_values) give what the caller has already read, for a report of many measures."""
    formula = parse_formula(measure.formula)
    answers = {name: {(c.body_code, c.period): c for c in (
                   questions.get(name, []) if questions is not None else question_cells(db, slug, name))}
               for name in formula.questions}
    read_reference = reference_of or (lambda name: reference_values(db, name))
    references = {name: read_reference(name) for name in formula.references}
    codes = [row["body_code"] for row in db.query(
        "SELECT body_code FROM requests WHERE campaign = ? ORDER BY body_code", [slug])]
    periods = get_periods(db, slug)
    cells = []
    for code in codes:
        for period in periods:
            inputs = {name: found.get((code, period)) or Cell(code, period, None, None, None, "missing")
                      for name, found in answers.items()}
            for name, values in references.items():
                value = values.get((code, period))
                inputs[f"{REF}.{name}"] = (
                    Cell(code, period, value, value, value) if value is not None
                    else Cell(code, period, None, None, None, f"has no figure for {period}"))
            cells.append(evaluate(formula, inputs, code, period))
    return cells


def evaluate(formula: Formula, inputs: dict[str, Cell], body_code: str, period: str) -> Cell:
    """One council's and period's value of `formula`, given a Cell for each name it uses
    (question ids, and "ref.NAME" for reference tables)."""
    absent = [f"{name} {_absent_words(cell)}" for name, cell in inputs.items() if not cell.known]
    if absent:
        return Cell(body_code, period, None, None, None, "no value: " + and_list(absent))
    try:
        low, high = _interval(formula.tree, lambda name: _bounds(inputs[name]), formula.part)
    except NoValue as reason:
        return Cell(body_code, period, None, None, None, f"no value: {reason}")
    low, high = low + 0.0, high + 0.0  # no "-0"
    if low == high:
        return Cell(body_code, period, low, low, high)
    ranged = [f"{name} is {cell.note or 'a range'}, counted as {_number(lo)} to {_number(hi)}"
              for name, cell in inputs.items() if not cell.exact for lo, hi in [_bounds(cell)]]
    return Cell(body_code, period, None, low, high, "a range, as " + "; ".join(ranged))


def _bounds(cell: Cell) -> Interval:
    assert cell.low is not None and cell.high is not None  # checked by evaluate: known inputs only
    return cell.low, cell.high


def _absent_words(cell: Cell) -> str:
    if cell.low is not None or cell.high is not None:  # a suppressed figure with one bound only
        return f"is {cell.note or 'suppressed'} with no {'upper' if cell.high is None else 'lower'} bound"
    if cell.note.startswith("has "):
        return cell.note
    return ABSENT_WORDS.get(cell.note, f"is {cell.note or 'missing'}")


def _interval(node: ast.expr, lookup: Callable[[str], Interval], part: Callable[[ast.expr], str]) -> Interval:
    """The range of values `node` can take, given the range of each name (interval arithmetic)."""
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, (int, float))  # parse_formula lets no other constant through
        return float(node.value), float(node.value)
    if isinstance(node, ast.Name):
        return lookup(node.id)
    if isinstance(node, ast.Attribute):
        return lookup(f"{REF}.{node.attr}")
    if isinstance(node, ast.UnaryOp):
        low, high = _interval(node.operand, lookup, part)
        return -high, -low
    assert isinstance(node, ast.BinOp)  # parse_formula lets nothing else through
    (a, b), (c, d) = _interval(node.left, lookup, part), _interval(node.right, lookup, part)
    if isinstance(node.op, ast.Add):
        return a + c, b + d
    if isinstance(node.op, ast.Sub):
        return a - d, b - c
    if isinstance(node.op, ast.Mult):
        products = (a * c, a * d, b * c, b * d)
        return min(products), max(products)
    if c == d == 0:
        raise NoValue(f"it divides by {part(node.right)}, which is 0")
    if c <= 0 <= d:
        raise NoValue(f"it divides by {part(node.right)}, which may be 0 (it is {_number(c)} to {_number(d)})")
    quotients = (a / c, a / d, b / c, b / d)
    return min(quotients), max(quotients)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def measure_coverage(measured: list[tuple[Measure, list[Cell]]], periods: list[str]) -> list[dict]:
    """Per measure and period: how many recipients have a value, a range only, or none;
    `measured` is each measure with its compute_cells."""
    out = []
    for measure, cells in measured:
        for period in periods:
            mine = [c for c in cells if c.period == period]
            exact = sum(1 for c in mine if c.exact)
            ranged = sum(1 for c in mine if c.known and not c.exact)
            out.append({"id": measure.id, "title": measure.title or measure.id, "formula": measure.formula,
                        "format": measure.format, "period": period, "recipients": len(mine),
                        "councils": exact, "ranged": ranged, "missing": len(mine) - exact - ranged})
    return out
