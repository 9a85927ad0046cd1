"""The report's national estimates and ranges: the campaign file's [[estimates]] and every
numeric question, worked out by foi.measures.estimates and foi.measures.ranges from the
dataset and the reference tables, as JSON-able rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from foi.campaign.campaigns import load_spec
from foi.campaign.spec import ALL_PERIODS, NUMERIC_KINDS, EstimateSpec, Measure
from foi.dbread import Queries
from foi.measures.cells import Cell, question_cells
from foi.measures.estimates import Estimate, ScaleBy, estimate_total
from foi.measures.ranges import OUTLIER_RULE, Ranking, council_figures, rank_period
from foi.reference.store import reference_values, table_titles


@dataclass(frozen=True)
class Subject:
    """What an estimate or a ranking is of: a question (or a measure), its cells for every
    recipient x period, and how its figures are written (foi.measures.ranges.format_figure)."""

    id: str
    title: str
    fmt: str
    cells: list[Cell]


def question_subjects(db: Queries, slug: str, cells: Mapping[str, list[Cell]] | None = None) -> dict[str, Subject]:
    """Every question with figures to add up or rank, in the campaign's order; `cells`
    (question id -> question_cells) where the caller has read them already."""
    return {q["id"]: Subject(q["id"], q["title"], q["kind"],
                             cells.get(q["id"], []) if cells is not None else question_cells(db, slug, q["id"]))
            for q in db.query("SELECT id, coalesce(title, id) AS title, kind FROM questions "
                              "WHERE campaign = ? ORDER BY position", [slug])
            if q["kind"] in NUMERIC_KINDS}


# How a measure's figures are written in rankings (foi.measures.ranges.format_figure): a
# percent measure is a share (0.25 is 25%).
RANKING_FORMATS = {"percent": "share", "number": "number", "ratio": "number"}


def measure_subjects(measured: list[tuple[Measure, list[Cell]]]) -> dict[str, Subject]:
    """Every measure of the campaign file with its cells (foi.measures.compute.compute_cells)."""
    return {m.id: Subject(m.id, m.title or m.id, RANKING_FORMATS[m.format], cells) for m, cells in measured}


def campaign_estimates(campaign: dict) -> list[EstimateSpec]:
    """The [[estimates]] of the stored campaign file (none for a campaign written row by row)."""
    return load_spec(campaign).estimates if campaign["source_text"] else []


def national_figures(db: Queries, campaign: dict, periods: list[str], measured: list[tuple[Measure, list[Cell]]],
                     questions: Mapping[str, list[Cell]] | None = None,
                     reference_of: Callable[[str], dict[tuple[str, str], float]] | None = None) -> dict:
    """{"estimates": [...], "ranges": [...], "measure_maps": [...]} for the report; `measured`
    is each measure of the campaign file with its cells (foi.measures.compute.compute_cells);
    `questions` and `reference_of` give the question_cells and reference_values already read."""
    measures = measure_subjects(measured)
    subjects = question_subjects(db, campaign["slug"], questions) | measures
    estimates = campaign_estimates(campaign)
    read_reference = reference_of or (lambda name: reference_values(db, name))
    references = {name: by_period(read_reference(name)) for name in {spec.scale_by for spec in estimates}}
    return {"estimates": estimate_rows(db, estimates, subjects, periods, references),
            "ranges": range_rows(db, estimates, subjects, periods, references),
            "measure_maps": [row for m in measures.values() if (row := measure_map_row(m, periods))]}


def by_period(values: dict[tuple[str, str], float]) -> dict[str, dict[str, float]]:
    """reference_values as {period: {body_code: figure}}."""
    found: dict[str, dict[str, float]] = {}
    for (code, period), value in values.items():
        found.setdefault(period, {})[code] = value
    return found


def cells_by_period(cells: list[Cell]) -> dict[str, list[Cell]]:
    found: dict[str, list[Cell]] = {}
    for cell in cells:
        found.setdefault(cell.period, []).append(cell)
    return found


def measure_map_row(subject: Subject, periods: list[str]) -> dict | None:
    """A measure's figures for the latest period any council has one, for the report's map:
    {id, title, format, period, values {body_code: value or None}, ranges {body_code: [low,
    high]} where only a range is known}; None when no council has a figure."""
    for period in reversed(periods):
        mine = [c for c in subject.cells if c.period == period]
        if any(c.value is not None for c in mine):
            return {"id": subject.id, "title": subject.title, "format": subject.fmt, "period": period,
                    "values": {c.body_code: c.value for c in mine},
                    "ranges": {c.body_code: [c.low, c.high] for c in mine if c.value is None and c.known}}
    return None


def estimate_rows(db: Queries, estimates: list[EstimateSpec], subjects: dict[str, Subject],
                  periods: list[str], references: dict[str, dict[str, dict[str, float]]]) -> list[dict]:
    """One row per estimate and period; `references` holds each scale_by table's
    reference_values by period, read once for the estimates and the ranges."""
    titles = table_titles(db)
    rows = []
    for spec in estimates:
        subject = subjects[spec.of]
        values = references[spec.scale_by]
        cells = cells_by_period(subject.cells)
        for period in periods if spec.period == ALL_PERIODS else [spec.period]:
            head = {"id": spec.id, "title": spec.title or subject.title, "of": spec.of, "period": period,
                    "scale_by": f"ref.{spec.scale_by}", "min_coverage": spec.min_coverage, "format": subject.fmt}
            scale = ScaleBy(spec.scale_by, titles.get(spec.scale_by, ""), values.get(period, {}))
            mine = cells.get(period, [])
            found = estimate_total(mine, scale, min_coverage=spec.min_coverage)
            if spec.scale_by not in titles:  # deleted since the campaign was created
                found = dataclasses.replace(found, refused=(
                    f"there is no reference table ref.{spec.scale_by} in this campaign's database (import it "
                    f"with `foi reference import FILE --name {spec.scale_by}`)"))
            rows.append({**head, **estimate_json(found)})
    return rows


def estimate_json(found: Estimate) -> dict:
    return {
        "observed": _round(found.observed), "observed_note": found.observed_note,
        "exact_councils": found.exact_councils, "ranged_councils": found.ranged_councils,
        "estimate": _round(found.estimate), "low": _round(found.low), "high": _round(found.high),
        "method": found.method, "councils": found.councils,
        "coverage": None if found.coverage is None else round(found.coverage, 4),
        "reference_total": _round(found.reference_total), "recipients": found.recipients,
        "without_reference": found.without_reference, "refused": found.refused,
    }


def range_rows(db: Queries, estimates: list[EstimateSpec], subjects: dict[str, Subject],
               periods: list[str], references: dict[str, dict[str, dict[str, float]]]) -> list[dict]:
    """One row per question and period: the spread of councils' figures. A question with
    an estimate is also compared with that estimate's reference figure."""
    names = {row["code"]: row["name"]
             for row in db.query("SELECT code, coalesce(short_name, name) AS name FROM bodies")}
    scale_of: dict[str, str] = {}
    for spec in estimates:
        scale_of.setdefault(spec.of, spec.scale_by)
    rows = []
    for subject in subjects.values():
        name = scale_of.get(subject.id)
        by_council = council_figures(subject.cells)
        by_period: dict[str, list[Cell]] = {period: [] for period in periods}
        for cell in subject.cells:  # each period's cells, in one pass rather than one a period
            by_period.setdefault(cell.period, []).append(cell)
        for period in periods:
            reference = references[name].get(period, {}) if name else None
            ranking = rank_period(by_period[period], period, names, subject.fmt, reference, f"ref.{name}",
                                  by_council)
            rows.append({"id": subject.id, "title": subject.title, "format": subject.fmt,
                         **ranking_json(ranking), "outlier_rule": OUTLIER_RULE})
    return rows


def ranking_json(ranking: Ranking) -> dict:
    """The ranking's fields in order (dataclasses.asdict's dict, built without its deep copies)."""
    row = {field.name: getattr(ranking, field.name) for field in dataclasses.fields(ranking)}
    for key in ("median", "lower_quartile", "upper_quartile"):
        row[key] = _round(row[key])
    for key in ("highest", "lowest"):
        row[key] = [placed.__dict__.copy() for placed in row[key]]
    row["outliers"] = [{**outlier.__dict__, "ratio": round(outlier.ratio, 4), "typical": round(outlier.typical, 4)}
                       for outlier in ranking.outliers]
    return row


def _round(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)
