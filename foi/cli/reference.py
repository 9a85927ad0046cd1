"""`foi reference`: per-council figures by period from outside the replies."""

import sys
from pathlib import Path

import click

from foi import clock
from foi.cli.options import body_option, csv_option, json_option

LIST_COLUMNS = ["name", "title", "source", "licence", "councils", "periods"]


@click.group()
def reference() -> None:
    """Reference figures per council and period: the DfE's, or your own.

    foi ships the DfE's children in need statistics (referrals, rereferrals,
    no_further_action, children_in_need, children_in_need_during_year); import
    any other table from a spreadsheet. A measure's formula uses a table as ref.NAME.

    \b
    Example:
        foi reference list
        foi reference show children_in_need --body BNS
        foi reference import population.csv --name population --source "ONS mid-year estimates"
    """


@reference.command("list")
@json_option
@csv_option
@click.pass_obj
def list_(state, as_json: bool, as_csv: bool) -> None:
    """List the reference tables: name, title, source, licence, councils, periods.

    \b
    Example:
        foi reference list
        foi reference list --json
    """
    from foi.output import format_table, plural, write_csv, write_json
    from foi.reference.store import list_tables

    tables = list_tables(state.db)
    if as_json:
        write_json([{**{key: table[key] for key in (*LIST_COLUMNS, "builtin", "values", "first_period",
                                                      "last_period", "imported_at")},
                     "builtin": bool(table["builtin"])} for table in tables], sys.stdout)
        return
    rows = [{**table, "periods": _periods(table), "licence": table["licence"] or ""} for table in tables]
    if as_csv:
        write_csv(rows, LIST_COLUMNS, sys.stdout)
    else:
        click.echo(format_table(rows, LIST_COLUMNS))
    click.echo(plural(len(tables), "table"), err=True)


def _periods(table: dict) -> str:
    if not table["periods"]:
        return "none"
    if table["periods"] == 1:
        return table["first_period"]
    return f"{table['first_period']} to {table['last_period']} ({table['periods']})"


@reference.command()
@click.argument("name")
@body_option("Only this council")
@json_option
@csv_option
@click.pass_obj
def show(state, name: str, body: str | None, as_json: bool, as_csv: bool) -> None:
    """Show a table's values, and which councils and periods have none, and why.

    \b
    Example:
        foi reference show referrals --body "North Yorkshire"
        foi reference show children_in_need --csv > children_in_need.csv
    """
    from foi.output import format_table, write_csv, write_json
    from foi.reference.store import get_table, table_gaps, table_values

    table = get_table(state.db, name)
    values = table_values(state.db, name, body)
    gaps = table_gaps(state.db, name, body)
    if as_json:
        write_json({"table": {**table, "builtin": bool(table["builtin"])}, "values": values, "no_value": gaps},
                   sys.stdout)
        return
    columns = ["body_code", "body_name", "period", "value", "note"]
    shown = [{**row, "value": _number(row["value"]), "note": row["note"] or ""} for row in values]
    if as_csv:
        write_csv(shown, columns, sys.stdout)
        click.echo(_counts(values, gaps) + " (without --csv, foi says why)", err=True)
        return
    click.echo(f"{table['name']}: {table['title']}")
    click.echo(f"Source: {table['source']}" + (f" ({table['licence']})" if table["licence"] else ""))
    click.echo()
    click.echo(format_table(shown, columns, ["code", "council", "period", "value", "note"], max_width=70)
               if shown else "No values.")
    if gaps:
        click.echo()
        click.echo("No value:")
        for gap in gaps:
            click.echo(f"  {gap['body_code']} {gap['body_name']}, {gap['periods']}: {gap['reason']}")
    click.echo(_counts(values, gaps), err=True)


def _counts(values: list[dict], gaps: list[dict]) -> str:
    """'1,927 values; no value for 62 councils and periods'."""
    from foi.output import plural

    missing = sum(gap["count"] for gap in gaps)
    text = plural(len(values), "value")
    return f"{text}; no value for {plural(missing, 'council and period', 'councils and periods')}" if missing else text


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


@reference.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="The table's name, used in formulas as ref.NAME (e.g. population).")
@click.option("--title", help="What the figures are (default: the file's name).")
@click.option("--source", help="Where the figures come from (default: the file's name).")
@click.option("--licence", help="Their licence, e.g. 'Open Government Licence v3.0'.")
@click.option("--period-column", help="The column of periods (default: period, year or financial_year).")
@click.option("--value-column", help="The column of values (default: value, or the only other column).")
@click.option("--dry-run", is_flag=True, help="Check the file and say what would be written; write nothing.")
@click.pass_obj
def import_(state, path: Path, name: str, title, source, licence, period_column, value_column, dry_run) -> None:
    """Import a reference table from a CSV or .xlsx file: one row per council and period.

    The header needs a column naming the council (code, gss_code or name:
    the exact council name, as `foi councils import` matches them), a period
    column (2024/25, 2024-25 or 2024/2025 are all the financial year 2024/25)
    and a column of numbers. Columns may be separated by commas, semicolons
    or tabs; an .xlsx file is read from its first sheet. Every row is checked
    first; if any is bad nothing is written and each is reported with its
    line. Importing a table again replaces it.

    \b
    Example:
        foi reference import population.csv --name population --dry-run
        foi reference import population.xlsx --name population --value-column children_0_17 \\
            --title "Children aged 0 to 17" --source "ONS mid-year estimates" \\
            --licence "Open Government Licence v3.0"
    """
    from foi.errors import FoiError
    from foi.output import plural
    from foi.reference.importing import apply_reference_import, name_problem, plan_reference_import

    if problem := name_problem(name):
        raise click.BadParameter(problem, param_hint="--name")
    plan = plan_reference_import(state.db, path, name, period_column=period_column, value_column=value_column)
    click.echo(f"Read {path}: councils from {plan.body_column!r}, periods from {plan.period_column!r}, "
               f"values from {plan.value_column!r}.", err=True)
    for line, reason in plan.errors:
        click.echo(f"{path}:{line}: {reason}", err=True)
    if plan.errors:
        raise FoiError(f"{plural(len(plan.errors), 'invalid row')} in {path}; nothing was imported",
                       "Fix them and import the file again.")
    if plan.blank:
        click.echo(f"Left out {plural(len(plan.blank), 'row')} with no value (lines "
                   f"{', '.join(map(str, plan.blank[:10]))}{', ...' if len(plan.blank) > 10 else ''}).", err=True)
    periods = plan.periods
    what = (f"{plural(len(plan.rows), 'value')} for {plural(plan.councils, 'council')} and "
            f"{plural(len(periods), 'period')} ({', '.join(periods[:3])}{', ...' if len(periods) > 3 else ''})"
            if periods else "no values")
    replacing = f", replacing its {plural(plan.replaces, 'value')}" if plan.replaces is not None else ""
    if dry_run:
        click.echo(f"Would import {what} into table {name!r}{replacing}.")
        return
    apply_reference_import(state.db, plan, title=title or path.name, source=source or path.name, licence=licence,
                           now=clock.now())
    click.echo(f"Imported {what} into table {name!r}{replacing}.")
