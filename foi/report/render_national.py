"""The national estimates and ranges of the report (foi.report.national's rows) on a
terminal; the HTML page shows the same rows (templates/report_national.html.j2)."""

from foi.measures.ranges import format_figure
from foi.output import plural


def about(value: float, fmt: str = "count") -> str:
    """An estimate to 3 significant figures (1,262,345 -> 1,260,000): no more precise than it is."""
    return format_figure(float(f"{value:.3g}"), fmt)


def estimate_headline(row: dict) -> str:
    """'an estimated 1,260,000 (95% interval 1,100,000 to 1,430,000)', or why there is none."""
    if row["refused"]:
        return f"no estimate: {row['refused']}"
    fmt = row["format"]
    interval = (f" (95% interval {about(row['low'], fmt)} to {about(row['high'], fmt)})"
                if row["low"] is not None else "")
    return f"an estimated {about(row['estimate'], fmt)}{interval}"


def estimate_basis(row: dict) -> str:
    """What an estimate rests on: '3 councils holding 80.0% of the ref.caseload total', and
    who has no reference figure."""
    text = plural(row["councils"], "council")
    if row["coverage"] is not None:
        text += f" holding {row['coverage']:.1%} of the {row['scale_by']} total"
    if row.get("without_reference"):
        text += (f"; {plural(row['without_reference'], 'recipient')} with no {row['scale_by']} figure "
                 f"{'is' if row['without_reference'] == 1 else 'are'} left out")
    return text


def estimate_lines(rows: list[dict]) -> list[str]:
    lines = []
    for row in rows:
        lines.append(f"{row['title']}, {row['period']}: {estimate_headline(row)}")
        if row["observed"] is not None and not row["exact_councils"] + row["ranged_councils"]:
            lines.append("  Observed: no council has given a figure")
        elif row["observed"] is not None:
            lines.append(f"  Observed: at least {format_figure(row['observed'], row['format'])} "
                         f"({row['observed_note']})")
        if row["observed"] is not None:
            lines.append(f"  Rests on: {estimate_basis(row)}")
        if row["method"]:
            lines.append(f"  Method: {row['method']}")
    return lines


def range_summary(row: dict) -> str:
    """'38 councils with an exact figure; 2 suppressed figures left out'."""
    text = f"{plural(row['councils'], 'council')} with an exact figure"
    if row["ranged"]:
        text += f"; {plural(row['ranged'], 'suppressed figure')} left out"
    return text


def range_lines(rows: list[dict]) -> list[str]:
    lines = []
    for row in (r for r in rows if r["councils"]):
        fmt = row["format"]
        lines.append(f"{row['title']}, {row['period']}: {row['sentence']} ({range_summary(row)})")
        if row["councils"] > 1:
            lines.append(f"  Median {format_figure(row['median'], fmt)}; middle half "
                         f"{format_figure(row['lower_quartile'], fmt)} to {format_figure(row['upper_quartile'], fmt)}")
            for key, label in (("highest", "Highest"), ("lowest", "Lowest")):
                if row[key]:
                    lines.append(f"  {label}: " + "; ".join(
                        f"{p['name']} {format_figure(p['value'], fmt)}" for p in row[key]))
        lines += [f"  For review: {o['name']}: {o['reason']}" for o in row["outliers"]]
    if empty := [f"{r['title']} {r['period']}" for r in rows if not r["councils"]]:
        lines.append(f"No exact figure yet: {', '.join(empty)}")
    return lines
