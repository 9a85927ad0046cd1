"""`foi report` and `foi export`: the numbers staff publish, and the files behind them."""

import contextlib
import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from foi import clock
from foi.cli.options import OutputFile, json_option
from foi.output import plural
from foi.replacing import open_replacing, replacing


@click.command()
@click.argument("slug")
@json_option
@click.option("--html", "html_path", type=OutputFile(),
              help="Also write a self-contained HTML report (charts included) to this file.")
@click.pass_obj
def report(state, slug: str, as_json: bool, html_path: Path | None) -> None:
    """Coverage, totals and response times of a campaign.

    Counts requests (sent, delivered, acknowledged, answered, refused by
    section, overdue...), shows for each question and period how many of ALL
    recipients answered, suppressed, refused or are missing (also by region
    and council type), totals over the councils that answered, and the median
    working days to a first reply. With [[estimates]] in the campaign file,
    each estimate for all recipients with its 95% interval and the councils
    it rests on (or why none was made); and for each question with figures,
    the range across councils (median, highest, lowest, figures to review).
    The terminal, --json and --html show the same figures. FOI_NOW sets
    "today".

    \b
    Example:
        foi report early-help
        foi report early-help --json > report.json
        foi report early-help --html report.html
    """
    from foi.report.summary import build_report

    with cycle_collector_paused():
        data = build_report(state.reader_with_builtin_tables, slug, clock.today())
        if html_path:
            from foi.report.render import render_html

            with open_replacing(html_path, "w", encoding="utf-8") as out:
                out.write(render_html(data))
            click.echo(f"Wrote {html_path}", err=True)
        if as_json:
            from foi.output import write_json  # the charts and the map of the other formats are not loaded

            write_json(data, sys.stdout)
        elif not html_path:
            from foi.report.render import render_text

            click.echo(render_text(data), nl=False)


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a report or export is built: it walked the
    hundreds of thousands of rows, cells and records each holds, again and again as they
    were made (0.06 s of `foi report`, 0.1 s of a data package, at ten times the model
    campaign). They hold no cycles (reference counting frees them) and the command ends
    soon after; a forked process checking a data package inherits the pause, as harmlessly."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@click.command()
@click.argument("slug")
@click.option("--what", type=click.Choice(["dataset", "requests", "messages", "measures", "correspondence",
                                          "package"]),
              default="dataset", show_default=True, help="What to export.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default="csv",
              show_default=True, help="File format (correspondence is always a zip, a package always CSV).")
@click.option("-o", "--output", type=OutputFile(folder_ok=True),
              help="File to write (a folder for --what package); csv and json go to stdout without it.")
@click.option("--check-with-frictionless", "frictionless", is_flag=True,
              help="Check the package with the frictionless library too, as a receiver may (slower).")
@click.pass_obj
def export(state, slug: str, what: str, fmt: str, output: Path | None, frictionless: bool) -> None:
    """Export the dataset, measures, requests, messages or a data package.

    \b
    dataset         one row per council x question x period: value, status
                    (answered, suppressed, not_held, refused, needs_review,
                    missing, not_asked), bounds and the source of each value
    requests        one row per request: state, sent, due date, chases...
    messages        every message received or sent, with its text
    measures        one row per council x period x measure of the campaign
                    file: value (exact), or low and high (a range, from a
                    suppressed answer), or none, with a note saying why
    correspondence  a zip with a folder per council: each message as .eml
                    and its attachments
    package         a folder to publish: dataset.csv, requests.csv,
                    measures.csv (a campaign with measures) and
                    datapackage.json (a Frictionless Data Package: what
                    each column means, licence, sources, questions, method)

    CSV cells are safe to open in Excel (no formulas run); xlsx has an
    About sheet with the questions, sources, licence and method. The
    package's licence is the campaign file's `licence` (default CC-BY-4.0);
    its folder is made if it does not exist. foi checks every row of the
    package against the schema it wrote before saying it is written;
    --check-with-frictionless checks it with the frictionless library too.

    \b
    Example:
        foi export early-help --what dataset -o early-help.csv
        foi export early-help --what dataset --format xlsx -o early-help.xlsx
        foi export early-help --what requests --format json
        foi export early-help --what measures -o measures.csv
        foi export early-help --what correspondence -o letters.zip
        foi export early-help --what package -o early-help-data
        foi export early-help --what package -o early-help-data --check-with-frictionless
    """
    if frictionless and what != "package":
        raise click.UsageError("--check-with-frictionless checks a data package: use it with --what package")
    with cycle_collector_paused():
        _export(state, slug, what, fmt, output, frictionless)


def _export(state, slug: str, what: str, fmt: str, output: Path | None, frictionless: bool) -> None:
    from foi.blobs import blob_dir
    from foi.report import export as exports

    if what == "package":
        _export_package(state, slug, output, frictionless)
        return
    if output is not None and output.is_dir():
        raise click.BadParameter(f"{str(output)!r} is a folder: give a file name", param_hint="'-o' / '--output'")
    blobs = blob_dir(state.db_path)
    if what == "correspondence":
        if output is None:
            raise click.UsageError("--what correspondence writes a zip: give -o FILE.zip")
        with open_replacing(output, "wb") as out:
            counts = exports.write_correspondence(state.reader, slug, blobs, out)
        click.echo(f"Wrote {output}: {plural(counts['messages'], 'message')} and "
                   f"{plural(counts['attachments'], 'attachment')} for {plural(counts['councils'], 'council')}"
                   + (f"; {counts['missing']} raw files missing (see MISSING.txt)" if counts["missing"] else ""),
                   err=True)
        return
    rows = exports.export_rows(state.db, slug, what, clock.today(), blobs)
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx needs -o FILE.xlsx")
        from foi.report.xlsx import write_xlsx

        with replacing(output) as partial:
            write_xlsx(partial, what, exports.COLUMNS[what], rows,
                       exports.about_lines(state.db, slug, what, clock.today()))
    elif output is None:
        exports.write_table(rows, what, fmt, sys.stdout)
    else:
        with open_replacing(output, "w", encoding="utf-8", newline="") as out:
            exports.write_table(rows, what, fmt, out)
    if output is not None:
        click.echo(f"Wrote {plural(len(rows), 'row')} to {output}", err=True)


def _export_package(state, slug: str, output: Path | None, frictionless: bool) -> None:
    from foi.report.package import write_package

    if output is None:
        raise click.UsageError("--what package writes a folder: give -o FOLDER")
    if output.exists() and not output.is_dir():
        raise click.BadParameter(f"{str(output)!r} is a file: --what package writes a folder, give its name",
                                 param_hint="'-o' / '--output'")
    written = write_package(state.reader_with_builtin_tables, slug, output, now=clock.now(), frictionless=frictionless)
    tables = ", ".join(f"{name} ({plural(rows, 'row')})" for name, rows in written.tables)
    checked = "checked by foi and by frictionless" if frictionless else "checked"
    click.echo(f"Wrote {output / 'datapackage.json'} with {tables}; {checked}: a valid data package", err=True)
