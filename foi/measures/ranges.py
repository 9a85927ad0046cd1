"""How councils' figures spread for one question or measure and period: the median and
quartiles, the highest and lowest councils, a sentence ("from 15.7% in Rotherham to 0.6% in
South Gloucestershire") and the figures to check before publishing. Pure: it takes Cells,
council names and (optionally) reference figures.

Only exact figures are ranked; a suppressed figure ('<5') is a range, counted apart.

Figures to check (OUTLIER_RULE): a council's figure is compared with its own figures for
the other periods (their median) and with its reference figure, as a ratio; a ratio more
than 3 median absolute deviations from the median ratio of all councils is listed for
review. A rule is applied only when at least 5 councils can be compared and their ratios
are not all the same (the deviation is then 0 and says nothing).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from operator import itemgetter

from foi.measures.cells import Cell
from foi.output import plural

TOP = 5  # councils listed at each end of a ranking
DEVIATIONS = 3
MIN_COMPARED = 5
OUTLIER_RULE = (f"A council's figure is listed for review when its ratio to the council's own figures for other "
                f"periods (their median), or to its reference figure, is more than {DEVIATIONS} median absolute "
                "deviations away from the median of that ratio over all councils (judged only when at least "
                f"{MIN_COMPARED} councils can be compared).")
# How figures are written: the kinds of questions, plus 'share' (a measure's percent: 0.157
# is 15.7%), 'ratio' and 'number'.
SHARE_FORMATS = ("share",)


Ranked = tuple[str, str, float]  # a council's exact figure, ranked: (body_code, name, value)


@dataclass(frozen=True)
class Placed:
    body_code: str
    name: str
    value: float


@dataclass(frozen=True)
class Outlier:
    body_code: str
    name: str
    value: float
    against: str   # "other periods" or "reference"
    ratio: float
    typical: float  # the median ratio over the councils compared
    reason: str


@dataclass(frozen=True)
class Ranking:
    period: str
    councils: int          # with an exact figure: what the ranking rests on
    ranged: int            # with a range only, left out
    absent: int            # no figure
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    highest: list[Placed]
    lowest: list[Placed]
    sentence: str
    outliers: list[Outlier] = field(default_factory=list)


def format_figure(value: float, fmt: str) -> str:
    """15.7% (a share 0.157, or a percent question's 15.7), £1,200.50, 12 days, 1,234, 2.35."""
    if fmt in SHARE_FORMATS:
        return f"{value * 100:,.1f}%"
    if fmt == "percent":
        return f"{value:,.1f}%"
    if fmt == "money":
        return f"£{value:,.0f}" if float(value).is_integer() else f"£{value:,.2f}"
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{number} {'day' if value == 1 else 'days'}" if fmt == "days" else number


def rank_period(cells: list[Cell], period: str, names: dict[str, str], fmt: str,
                reference: dict[str, float] | None = None, reference_label: str = "",
                by_council: dict[str, dict[str, float]] | None = None) -> Ranking:
    """The ranking of one period; `cells` may hold every period (other periods are what a
    council's figure is compared with). `reference` is {body_code: figure} for the period;
    `by_council` is council_figures(cells), for a caller ranking every period of them."""
    mine = [c for c in cells if c.period == period]
    # Plain tuples, sorted by C keys: a Placed is made only for the councils shown.
    exact = [(c.body_code, names.get(c.body_code, c.body_code), c.value) for c in mine if c.value is not None]
    values = sorted(value for _, _, value in exact)
    by_name = sorted(exact, key=itemgetter(1))
    descending = sorted(by_name, key=itemgetter(2), reverse=True)  # ties stay by name (a stable sort)
    highest = descending[:TOP]
    lowest = sorted(by_name, key=itemgetter(2))[:min(TOP, len(exact) - len(highest))]
    median, lower, upper = quartiles(values)
    outliers = own_year_outliers(by_council if by_council is not None else council_figures(cells), exact, period, fmt)
    if reference:
        outliers += reference_outliers(exact, reference, reference_label, fmt)
    return Ranking(
        period=period, councils=len(exact), ranged=sum(1 for c in mine if not c.exact and c.known),
        absent=sum(1 for c in mine if not c.known), median=median, lower_quartile=lower, upper_quartile=upper,
        highest=[Placed(*ranked) for ranked in highest], lowest=[Placed(*ranked) for ranked in lowest],
        sentence=range_sentence(descending, fmt), outliers=sorted(outliers, key=lambda o: (o.name, o.against)))


def quartiles(values: list[float]) -> tuple[float | None, float | None, float | None]:
    """Median, lower and upper quartile (the 'inclusive' method: Excel's QUARTILE.INC)."""
    if not values:
        return None, None, None
    if len(values) == 1:
        return values[0], values[0], values[0]
    lower, median, upper = statistics.quantiles(values, n=4, method="inclusive")
    return median, lower, upper


def range_sentence(descending: list[Ranked], fmt: str) -> str:
    """'from 15.7% in Rotherham to 0.6% in South Gloucestershire' (ties named together)."""
    if not descending:
        return "no council gave an exact figure"
    top, bottom = descending[0][2], descending[-1][2]
    if len(descending) == 1 or top == bottom:
        return f"{format_figure(top, fmt)} in {_places([p for p in descending if p[2] == top])}"
    return (f"from {format_figure(top, fmt)} in {_places([p for p in descending if p[2] == top])} "
            f"to {format_figure(bottom, fmt)} in {_places([p for p in descending if p[2] == bottom])}")


def _places(placed: list[Ranked]) -> str:
    names = sorted(name for _, name, _ in placed)
    if len(names) > 3:
        return plural(len(names), "council")
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def far_out(ratios: dict[str, float]) -> tuple[float, list[str]]:
    """The median ratio and the councils whose ratio is more than DEVIATIONS median absolute
    deviations from it ([] when too few, or when the deviation is 0)."""
    if len(ratios) < MIN_COMPARED:
        return 0.0, []
    middle = statistics.median(ratios.values())
    deviation = statistics.median(abs(r - middle) for r in ratios.values())
    if not deviation:
        return middle, []
    return middle, [code for code, r in ratios.items() if abs(r - middle) > DEVIATIONS * deviation]


def council_figures(cells: list[Cell]) -> dict[str, dict[str, float]]:
    """body_code -> {period: exact figure}."""
    found: dict[str, dict[str, float]] = {}
    for cell in cells:
        if cell.value is not None:
            found.setdefault(cell.body_code, {})[cell.period] = cell.value
    return found


def own_year_outliers(by_council: dict[str, dict[str, float]], exact: list[Ranked], period: str,
                      fmt: str) -> list[Outlier]:
    """Figures far from the council's own figures for other periods (`by_council` is
    council_figures of every period's cells)."""
    bases = {}
    for code, _, _ in exact:
        others = [value for other, value in by_council.get(code, {}).items() if other != period]
        if others:
            bases[code] = statistics.median(others)
    ratios = {code: value / bases[code] for code, _, value in exact if bases.get(code)}
    typical, far = far_out(ratios)
    codes = set(far)  # looked up once per council
    return [Outlier(code, name, value, "other periods", ratios[code], typical,
                    f"{format_figure(value, fmt)} is {ratios[code]:.3g} times its median for other periods "
                    f"({format_figure(bases[code], fmt)}), where the median council's is {typical:.3g} times")
            for code, name, value in exact if code in codes]


def reference_outliers(exact: list[Ranked], reference: dict[str, float], label: str, fmt: str) -> list[Outlier]:
    """Figures far from what the council's reference figure would suggest."""
    ratios = {code: value / reference[code] for code, _, value in exact if reference.get(code)}
    typical, far = far_out(ratios)
    codes = set(far)  # looked up once per council
    return [Outlier(code, name, value, "reference", ratios[code], typical,
                    f"{format_figure(value, fmt)} against a {label} figure of {reference[code]:,g}: "
                    f"{ratios[code]:.3g} to 1, where the median council's is {typical:.3g} to 1")
            for code, name, value in exact if code in codes]
