"""Showing the report (foi.report.summary.build_report's dict) on a terminal or as one
self-contained HTML file. Nothing here computes a figure: it only lays them out."""

import textwrap

from foi.output import format_table
from foi.report import charts
from foi.report.summary import not_asked_cells, plural

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


def render_text(report: dict) -> str:
    """The report as sections of aligned tables for a terminal."""
    req = report["requests"]
    out = [f"{report['campaign']['title']} ({report['campaign']['slug']}): report as of {report['as_of']}", ""]
    out += _section("Requests", format_table(
        [{"what": label, "n": req[key]} for key, label in REQUEST_LABELS], ["what", "n"], ["", "requests"]))
    sections = [{"section": s, "n": n} for s, n in report["refusals_by_section"].items()]
    if sections:
        out += _section("Refusals by section (requests citing each, whole or part)",
                        format_table(sections, ["section", "n"], ["section", "requests"]))
    labels = status_labels(report)
    asked = " asked; cells not asked apart" if len(labels) > len(STATUS_LABELS) else ""
    out += _section(f"Coverage (shares of all {req['recipients']} recipients{asked})",
                    _coverage_table(report["coverage"], labels))
    for key, title in (("coverage_by_region", "region"), ("coverage_by_type", "council type")):
        rows = [{"group": g["group"], "recipients": g["recipients"],
                 **{s: count_and_share(g["overall"]["counts"], g["overall"]["shares"], s) for s, _ in labels}}
                for g in report[key]]
        out += _section(f"Coverage by {title} (all questions and periods; shares of cells{asked and ' asked'})",
                        format_table(rows, ["group", "recipients"] + [s for s, _ in labels],
                                     [title, "recipients"] + [label for _, label in labels]))
    if report["headlines"]:
        out += _section("Headline totals (answered values only)", "\n".join(
            headline_line(h) for h in report["headlines"]))
    times = report["response_times"]
    out += _section("Response times", (
        f"Median {times['median_working_days']} working days from sending to the first reply "
        f"({times['responded']} councils; fastest {times['fastest']}, slowest {times['slowest']})"
        if times["responded"] else "No replies yet."))
    out += _section("Methodology", textwrap.fill(" ".join(report["methodology"]), 100))
    return "\n".join(out).rstrip() + "\n"


def headline_line(h: dict) -> str:
    sup = h["suppressed"]
    line = f"{h['question_id']} {h['period']}: {h['total']:,} from {plural(h['councils'], 'council')}"
    if sup["values"]:
        upper = "?" if sup["upper"] is None else f"{sup['upper']:,}"
        line += f"; {plural(sup['values'], 'suppressed value')} worth {sup['lower']:,}-{upper} (not included)"
    return line


def _coverage_table(cells: list[dict], labels: list[tuple[str, str]]) -> str:
    rows = [{"question": c["question_id"], "period": c["period"],
             **{s: count_and_share(c["counts"], c["shares"], s) for s, _ in labels}} for c in cells]
    return format_table(rows, ["question", "period"] + [s for s, _ in labels],
                        ["question", "period"] + [label for _, label in labels])


def _section(title: str, body: str) -> list[str]:
    return [title, "=" * len(title), body, ""]


def render_html(report: dict) -> str:
    """One self-contained page: inline CSS and SVG, no scripts, no external URLs."""
    from jinja2 import Environment, PackageLoader, select_autoescape  # lazy: start-up

    env = Environment(loader=PackageLoader("foi", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda share: f"{share:.0%}"
    env.filters["heat"] = charts.heat_colour
    env.filters["value"] = display_value
    env.filters["thousands"] = lambda n: f"{n:,}" if isinstance(n, (int, float)) else n
    return env.get_template("report.html.j2").render(
        report=report, req=report["requests"], request_labels=REQUEST_LABELS,
        status_labels=status_labels(report), not_asked=not_asked_cells(report), charts=html_charts(report),
        headline_line=headline_line)


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
