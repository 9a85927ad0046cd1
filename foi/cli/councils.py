"""`foi councils`: the register of public bodies."""

import contextlib
import sys
from pathlib import Path

import click

from foi import clock
from foi.cli.options import Day, OutputFile, body_argument, check_known, csv_option, json_option, known_regions

EXPORT_COLUMNS = [
    "code", "name", "short_name", "gss_code", "type", "type_name", "region", "county_code",
    "tier", "childrens_services", "website", "domain", "dfe_la_code", "foi_email",
    "email_source", "email_checked_on", "postal_address", "notes", "origin",
]


@click.group()
def councils() -> None:
    """The register: the 317 English councils plus bodies you add.

    \b
    Example:
        foi councils list --childrens-services --missing-email
        foi councils import addresses.csv
        foi councils set-address BNS "Town Hall; Church Street; Barnsley; S70 2TA"
    """


def _emit(rows: list[dict], columns: list[str], as_json: bool, as_csv: bool) -> None:
    from foi.output import format_table, write_csv, write_json

    if as_json:
        write_json([{c: r.get(c) for c in columns} for r in rows], sys.stdout)
    elif as_csv:
        write_csv(rows, columns, sys.stdout)
    else:
        click.echo(format_table(rows, columns))


@councils.command("list")
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="CTY, NMD, UA, MD, LBO or CC (repeatable).")
@click.option("--region", "regions", multiple=True, help="e.g. 'North West' (repeatable).")
@click.option("--childrens-services/--no-childrens-services", default=None,
              help="Only the 153 councils with children's social care (or only those without).")
@click.option("--missing-email", is_flag=True, help="Only bodies with no FOI address yet.")
@json_option
@csv_option
@click.pass_obj
def list_(state, types, regions, childrens_services, missing_email, as_json, as_csv) -> None:
    """List public bodies, filtered.

    \b
    Example:
        foi councils list --childrens-services --csv > councils.csv
        foi councils list --type NMD --region "South East"
    """
    from foi.output import plural
    from foi.register.councils import LISTING_COLUMNS, list_bodies, unknown_types

    unknown, known = unknown_types(state.db, types)
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)} (known: {', '.join(known)})", param_hint="--type")
    check_known(regions, known_regions(state.db), "--region", ignore_case=True)
    rows = list_bodies(state.db, types=types, regions=regions,
                       childrens_services=childrens_services, missing_email=missing_email)
    columns = LISTING_COLUMNS if (as_json or as_csv) else ["code", "gss_code", "name", "type", "region", "foi_email"]
    _emit(rows, columns, as_json, as_csv)
    click.echo(plural(len(rows), "body", "bodies"), err=True)


@councils.command()
@body_argument("identifier")
@json_option
@click.pass_obj
def show(state, identifier: str, as_json: bool) -> None:
    """Show one body, by code, GSS code or name.

    \b
    Example:
        foi councils show BNS
        foi councils show E08000016
        foi councils show "Barnsley Metropolitan Borough Council"
    """
    from foi.output import write_json
    from foi.register.councils import find_body

    body = find_body(state.db, identifier)
    if as_json:
        write_json(body, sys.stdout)
        return
    for column in EXPORT_COLUMNS:
        value = body.get(column)
        if column == "childrens_services":
            value = "yes" if value else "no"
        click.echo(f"{column + ':':<20} {'' if value is None else value}")


@councils.command("set-email")
@body_argument("identifier")
@click.argument("address")
@click.option("--source", help="Where the address came from (a URL, 'phoned').")
@click.option("--checked-on", type=Day(), help="When it was last checked (YYYY-MM-DD).")
@click.pass_obj
def set_email_(state, identifier: str, address: str, source, checked_on) -> None:
    """Set the FOI address of one body.

    \b
    Example:
        foi councils set-email BNS foi@barnsley.gov.uk --source https://www.barnsley.gov.uk/foi
    """
    from foi.register.councils import set_email

    body = set_email(state.db, identifier, address, source=source, checked_on=checked_on,
                     now=clock.iso(clock.now()))
    click.echo(f"{body['code']} {body['name']}: {body['foi_email']}")


@councils.command("set-address")
@body_argument("identifier")
@click.argument("address")
@click.pass_obj
def set_address(state, identifier: str, address: str) -> None:
    """Set the postal address of one body, printed on the letters to it.

    Separate the lines with ';'. An empty address ("") clears it.

    \b
    Example:
        foi councils set-address BNS "Town Hall; Church Street; Barnsley; S70 2TA"
    """
    from foi.register.councils import set_postal_address

    body = set_postal_address(state.db, identifier, address, now=clock.iso(clock.now()))
    click.echo(f"{body['code']} {body['name']}: {body['postal_address'] or 'no postal address'}")


@councils.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Write the valid rows even if some are bad.")
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; write nothing.")
@click.pass_obj
def import_(state, path: Path, skip_invalid: bool, dry_run: bool) -> None:
    """Import FOI email and postal addresses from a CSV or .xlsx file.

    The header needs a column naming the body (code, gss_code or name: the
    exact council name) and foi_email, postal_address or both; source,
    checked_on (YYYY-MM-DD) and notes are optional. Columns may be separated
    by commas, semicolons or tabs; an .xlsx file is read from its first sheet.
    Every row is checked first; if any is bad nothing is written (unless
    --skip-invalid), and each bad row is reported with its line number.
    Importing the same file twice changes nothing.

    \b
    Example:
        foi councils import addresses.csv --dry-run
        foi councils import addresses.xlsx
    """
    from foi.errors import FoiError
    from foi.output import plural
    from foi.register.importing import apply_import, plan_import

    plan = plan_import(state.db, path)
    for line, reason in plan.errors:
        click.echo(f"{path}:{line}: {reason}", err=True)
    if plan.errors and not skip_invalid:
        raise FoiError(
            f"{plural(len(plan.errors), 'invalid row')} in {path}; nothing was imported",
            "Fix them, or use --skip-invalid to import the valid rows only.",
        )
    if dry_run:
        for item in plan.valid:
            click.echo(f"  {item.code}: {_changes(item.changes)}")
    else:
        apply_import(state.db, plan, now=clock.iso(clock.now()))  # writes every valid row, or none
    verb = "Would update" if dry_run else "Updated"
    skipped = f", skipped {len(plan.errors)} invalid" if plan.errors else ""
    click.echo(f"{verb} {plural(len(plan.valid), 'body', 'bodies')}, {plan.unchanged} already up to date{skipped}.")


def _changes(changes: dict[str, str]) -> str:
    """'foi@barnsley.gov.uk, postal address "Town Hall; ...", checked on 2026-01-05'."""
    labels = {"postal_address": "postal address", "email_source": "source", "email_checked_on": "checked on",
              "notes": "notes"}
    parts = [changes["foi_email"]] if "foi_email" in changes else []
    parts += [f"{label} {changes[column]!r}" if column in ("postal_address", "notes") else f"{label} {changes[column]}"
              for column, label in labels.items() if column in changes]
    return ", ".join(parts)


@councils.command("export")
@click.option("-o", "--output", type=OutputFile(),
              help="Write to this file instead of standard output.")
@json_option
@click.pass_obj
def export_(state, output, as_json: bool) -> None:
    """Export the whole register, with the addresses you have set.

    \b
    Example:
        foi councils export -o register.csv
    """
    from foi.output import plural, write_csv, write_json
    from foi.register.councils import list_bodies

    rows = list_bodies(state.db)
    with open(output, "w", newline="", encoding="utf-8") if output else contextlib.nullcontext(sys.stdout) as out:
        if as_json:
            write_json([{c: r.get(c) for c in EXPORT_COLUMNS} for r in rows], out)
        else:
            write_csv(rows, EXPORT_COLUMNS, out)
    click.echo(plural(len(rows), "body", "bodies") + (f" written to {output}" if output else ""), err=True)


@councils.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--type", "type_", required=True, help="A short type code, e.g. POLICE or NHS.")
@click.option("--region", help="Region, e.g. 'North West'.")
@click.option("--email", help="Its FOI address.")
@click.option("--website", help="Its website.")
@click.option("--postal-address", help="Its postal address for letters, lines separated by ';'.")
@click.pass_obj
def add(state, code: str, name: str, type_: str, region, email, website, postal_address) -> None:
    """Add a body that is not a council (a police force, an NHS trust...).

    \b
    Example:
        foi councils add GMP "Greater Manchester Police" --type POLICE \\
            --region "North West" --email foi@gmp.police.uk
    """
    from foi.register.councils import add_body

    body = add_body(state.db, code=code, name=name, type=type_, region=region,
                    foi_email=email, website=website, postal_address=postal_address,
                    now=clock.iso(clock.now()))
    click.echo(f"Added {body['code']} {body['name']}")
