"""Showing the report (foi.report.summary.build_report's dict) on a terminal or as one
self-contained HTML file. Nothing here computes a figure: it only lays them out."""

import hashlib
import os
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from foi.measures.ranges import format_figure
from foi.output import format_table
from foi.report import charts, hexmap, render_national as national
from foi.report.summary import date_span, not_asked_cells, plural

if TYPE_CHECKING:
    from jinja2 import BytecodeCache, Environment

REQUEST_LABELS = [
    ("recipients", "Recipients"), ("with_address", "With an address"), ("no_address", "No address"),
    ("sent", "Sent"), ("delivered", "Delivered (sent, not bounced)"), ("acknowledged", "Acknowledged"),
    ("answered", "Answered in full"), ("answered_partial", "Answered in part"), ("refused", "Refused"),
    ("not_held", "Information not held"), ("clarification_pending", "Clarification pending"),
    ("overdue", "Overdue"), ("very_overdue", "Very overdue (over 40 working days)"), ("bounced", "Bounced"),
]
STATUS_LABELS = [("answered", "answered"), ("suppressed", "suppressed"), ("not_held", "not held"),
                 ("refused", "refused"), ("needs_review", "to be confirmed"), ("missing", "missing")]


NOT_ASKED_LABEL = ("not_asked", "not asked")


def status_labels(report: dict) -> list[tuple[str, str]]:
    """The statuses the coverage tables show: 'not asked' only where some cell was not asked."""
    return STATUS_LABELS + ([NOT_ASKED_LABEL] if not_asked_cells(report) else [])


def count_and_share(counts: dict, shares: dict, status: str) -> str:
    """'12 (34%)': how many have `status`, and what share of those asked that is; cells not
    asked are a count alone (they are outside the shares)."""
    if status == NOT_ASKED_LABEL[0]:
        return str(counts[status])
    return f"{counts[status]} ({shares[status]:.0%})"


def display_value(cell: dict | None) -> str:
    """A compact value for the per-council table: 12, <5 (0-4), not held, refused s.12."""
    if not cell or cell["status"] == "missing":
        return ""
    status, value = cell["status"], cell["value"]
    if status == "answered":
        return f"{value:g}" if isinstance(value, float) else str(value)
    if status == "suppressed":
        upper = "?" if cell["upper_bound"] is None else f"{cell['upper_bound']:g}"
        return f"{cell['value_raw'] or 'suppressed'} ({(cell['lower_bound'] or 0):g}-{upper})"
    if status == "needs_review":
        return f"? {cell['value_raw'] or ''}".strip()
    return status.replace("_", " ")


def summary_rows(report: dict) -> list[dict]:
    """The summary table: every total of the report once, as {key, label, figure, note}."""
    req, times = report["requests"], report["response_times"]
    span = date_span(req["first_sent_on"], req["last_sent_on"])
    notes = {"sent": f"sent {span}" if span else ""}
    rows = [{"key": key, "label": label, "figure": str(req[key]), "note": notes.get(key, "")}
            for key, label in REQUEST_LABELS]
    covered = report["councils_with_figures"]
    rows.append({"key": "councils_with_figures", "label": "Councils that gave at least one figure",
                 "figure": f"{covered} of {req['recipients']}",
                 "note": f"{covered / req['recipients']:.0%} of the councils asked" if req["recipients"] else ""})
    rows.append({"key": "needs_review", "label": "Values to be confirmed", "figure": str(report["needs_review"]),
                 "note": f"in no total yet; foi review {report['campaign']['slug']} lists them"
                 if report["needs_review"] else ""})
    rows.append({"key": "median_reply", "label": "Median working days to a first reply",
                 "figure": f"{times['median_working_days']}" if times["responded"] else "none yet",
                 "note": f"{plural(times['responded'], 'council')}; fastest {times['fastest']}, "
                         f"slowest {times['slowest']}" if times["responded"] else ""})
    return rows


def render_text(report: dict) -> str:
    """The report as sections of aligned tables for a terminal."""
    titles = question_titles(report)
    out = [f"{report['campaign']['title']} ({report['campaign']['slug']}): report as of {report['as_of']}", ""]
    out += _section("Summary", format_table(summary_rows(report), ["label", "figure", "note"], ["", "total", ""],
                                                      max_width=60))
    sections = [{"section": s, "n": n} for s, n in report["refusals_by_section"].items()]
    if sections:
        out += _section("Refusals by section (requests citing each, whole or part)",
                        format_table(sections, ["section", "n"], ["section", "requests"]))
    labels = status_labels(report)
    asked = " asked; cells not asked apart" if len(labels) > len(STATUS_LABELS) else ""
    out += _section(f"Coverage (shares of all {report['requests']['recipients']} recipients{asked})",
                    _coverage_table(report["coverage"], titles, labels))
    for key, title in (("coverage_by_region", "region"), ("coverage_by_type", "council type")):
        rows = [{"group": g["group"], "recipients": g["recipients"],
                 **{s: count_and_share(g["overall"]["counts"], g["overall"]["shares"], s) for s, _ in labels}}
                for g in report[key]]
        out += _section(f"Coverage by {title} (all questions and periods; shares of cells{asked and ' asked'})",
                        format_table(rows, ["group", "recipients"] + [s for s, _ in labels],
                                     [title, "recipients"] + [label for _, label in labels]))
    if report["headlines"]:
        out += _section("Headline totals (answered values only)", "\n".join(
            headline_line(h, titles[h["question_id"]]) for h in report["headlines"]))
    if report["measures"]:
        out += _section(f"Measures (councils of {report['requests']['recipients']} recipients)",
                        format_table(measure_table_rows(report), MEASURE_FIELDS, MEASURE_HEADERS, max_width=60))
    if report["estimates"]:
        out += _section("National estimates", "\n".join(national.estimate_lines(report["estimates"])))
    if report["ranges"]:
        out += _section("Ranges across councils (exact figures only)",
                        "\n".join(national.range_lines(report["ranges"])))
    out += _section("Methodology", "\n".join(textwrap.fill(line, 100) for line in report["methodology"]))
    return "\n".join(out).rstrip() + "\n"


def question_titles(report: dict) -> dict[str, str]:
    """question id -> its title (the id where the campaign file gives none)."""
    return {q["id"]: q["title"] for q in report["questions"]}


MEASURE_FIELDS = ["measure", "period", "formula", "councils", "ranged", "missing"]
MEASURE_HEADERS = ["measure", "period", "formula", "with a value", "a range only", "no value"]


def measure_table_rows(report: dict) -> list[dict]:
    """The measures' coverage, one row per measure and period."""
    return [{**m, "measure": m["title"], "formula": f"{m['formula']} ({m['format']})"} for m in report["measures"]]


def headline_line(h: dict, title: str) -> str:
    sup = h["suppressed"]
    line = f"{title} {h['period']}: {h['total']:,} from {plural(h['councils'], 'council')}"
    if sup["values"]:
        upper = "?" if sup["upper"] is None else f"{sup['upper']:,}"
        line += f"; {plural(sup['values'], 'suppressed value')} worth {sup['lower']:,}-{upper} (not included)"
    return line


def _coverage_table(cells: list[dict], titles: dict[str, str], labels: list[tuple[str, str]]) -> str:
    rows = [{"question": titles[c["question_id"]], "period": c["period"],
             **{s: count_and_share(c["counts"], c["shares"], s) for s, _ in labels}} for c in cells]
    return format_table(rows, ["question", "period"] + [s for s, _ in labels],
                        ["question", "period"] + [label for _, label in labels])


def _section(title: str, body: str) -> list[str]:
    return [title, "=" * len(title), body, ""]


AUTOESCAPED = ("html", "j2")  # template suffixes


def render_html(report: dict) -> str:
    """One self-contained page: inline CSS and SVG, no scripts, no external URLs."""
    from jinja2 import Environment, PackageLoader, select_autoescape  # lazy: start-up

    env = Environment(loader=PackageLoader("foi", "templates"),
                      autoescape=select_autoescape(AUTOESCAPED, default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.bytecode_cache = template_cache(env)
    env.filters["pct"] = lambda share: f"{share:.0%}"
    env.filters["heat"] = charts.heat_colour
    env.filters["thousands"] = lambda n: f"{n:,}" if isinstance(n, (int, float)) else n
    env.filters["figure"] = national.format_figure
    env.filters["about"] = national.about
    env.globals.update(estimate_basis=national.estimate_basis, range_summary=national.range_summary,
                       count_and_share=count_and_share)
    return env.get_template("report.html.j2").render(
        report=report, req=report["requests"], summary=summary_rows(report), titles=question_titles(report),
        status_labels=status_labels(report), not_asked=not_asked_cells(report), charts=html_charts(report),
        hexmap=html_hexmap(report), value_tables=value_tables(report))


def template_cache(env: "Environment") -> "BytecodeCache | None":
    """Compiled templates kept in the user's cache folder (XDG_CACHE_HOME, or ~/.cache):
    compiling report.html.j2 again on every run took 0.05-0.09 s of `foi report --html`.
    Jinja checks each entry against its template's source, and the folder's name
    carries what else shapes the compiled code (Jinja's version and `env`'s
    settings), so a changed template or setting is compiled afresh. Where the folder
    cannot be made or written there is no cache: the report is the same, only slower."""
    import jinja2  # lazy: start-up
    from jinja2 import FileSystemBytecodeCache  # lazy: start-up
    from jinja2.bccache import Bucket  # lazy: start-up

    shaping = repr((jinja2.__version__, AUTOESCAPED, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline,
                    sorted(env.extensions)))
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = root / "foi" / f"templates-{hashlib.sha256(shaping.encode()).hexdigest()[:16]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None

    class Cache(FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: Bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:  # a full disk or a read-only folder: the report is written all the same
                pass

    return Cache(str(folder))


VALUE_TABLE_PERIODS = 6  # at most this many periods side by side: the table fits a printed A4 page


def value_tables(report: dict) -> dict[str, list[dict]]:
    """question id -> its tables of values ({periods, rows: [(council, [value shown per period])]}),
    written here once rather than looked up cell by cell in the template."""
    periods = report["periods"]
    batches = [periods[i:i + VALUE_TABLE_PERIODS] for i in range(0, len(periods), VALUE_TABLE_PERIODS)]
    return {q["id"]: [{"periods": batch,
                       "rows": [(c["body_name"], [display_value(c["values"].get(f"{q['id']} {p}")) for p in batch])
                                for c in report["councils"]]}
                      for batch in batches]
            for q in report["questions"]}


def html_hexmap(report: dict) -> dict:
    """The map of councils by request state, and the councils asked that are not on it
    (it has the 153 councils with children's services); no map if none of them was asked."""
    placed_codes, elsewhere = hexmap.on_map(c["body_code"] for c in report["councils"])
    placed = set(placed_codes)  # looked up once per council and measure
    names = {c["body_code"]: c["body_name"] for c in report["councils"]}
    measures = []
    for row in report.get("measure_maps", []) if placed else []:
        def written(value: float, fmt: str = row["format"]) -> str:
            return format_figure(value, fmt)
        values = {code: value for code, value in row["values"].items() if code in placed}
        shown = {code: f"{written(low)} to {written(high)} (a suppressed answer)"
                 for code, (low, high) in row["ranges"].items() if code in placed}
        measures.append({"id": row["id"], "title": row["title"], "period": row["period"],
                         "svg": hexmap.measure_map(values, hexmap.ColourScale.spanning(values.values()),
                                                   label=f"{row['title']}, {row['period']}", formatter=written,
                                                   names=names, shown=shown)})
    return {"svg": hexmap.state_map(report["councils"]) if placed else None, "measures": measures,
            "off_map": [names[code] for code in elsewhere], "credit": hexmap.LAYOUT_CREDIT}


def html_charts(report: dict) -> dict:
    states = sorted(report["by_state"].items(), key=lambda item: -item[1])
    regions = report["coverage_by_region"]
    answered = [g["overall"]["shares"]["answered"] + g["overall"]["shares"]["suppressed"] for g in regions]
    timeline = report["responses_over_time"]
    return {
        "states": charts.bar_chart([(s.replace("_", " "), n) for s, n in states], label="Requests by state"),
        "responses": charts.cumulative_line(
            [(p["date"], p["cumulative"]) for p in timeline], label="Councils that had replied, by date",
            start=report["requests"]["first_sent_on"], end=report["as_of"],
            total=report["requests"]["sent"]),
        "regions": charts.bar_chart(
            [(g["group"], a) for g, a in zip(regions, answered)], label="Share of cells answered by region",
            as_percent=True,
            value_labels=[f"{a:.0%} ({plural(g['recipients'], 'council')})" for g, a in zip(regions, answered)]),
    }
