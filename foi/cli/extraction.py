"""foi extract / review / answer: reading the figures out of replies."""

from __future__ import annotations

import json

import click

from foi.cli.options import body_argument, body_option, json_option
from foi.cli.progress import Progress
from foi.clock import iso, now as clock_now


def _now() -> str:
    return iso(clock_now())


@click.command()
@click.argument("slug")
@body_option("Only the replies of this body")
@click.option("--force", is_flag=True, help="Read every file again, even if already read.")
@click.option("--dry-run", is_flag=True, help="Show what would be stored; store nothing.")
@click.pass_obj
def extract(state, slug: str, body: str | None, force: bool, dry_run: bool) -> None:
    """Read the figures in replies and attachments into the dataset.

    Every value keeps where it came from (message, file, sheet!cell or page/
    table/row/col or body line). Re-running changes nothing; values entered
    with `foi answer` are kept.

    \b
    Example:
        foi extract early-help
        foi extract early-help --body BNS --force --dry-run
    """
    from foi.blobs import blob_dir
    from foi.extract.run import extract_campaign
    from foi.output import plural

    state.bound_reading()
    with Progress("Reading replies") as progress:
        summary = extract_campaign(state.db, blob_dir(state.db_path), slug, body, force=force,
                                   progress=progress.update, now=_now(), dry_run=dry_run)
    values = summary.values
    prefix = "Would store" if dry_run else "Stored"
    click.echo(f"{prefix}: {plural(sum(values.values()), 'current value')} from {plural(summary.messages, 'message')}")
    for status in ("answered", "suppressed", "not_held", "refused", "needs_review"):
        click.echo(f"  {status:<13} {values.get(status, 0)}")
    click.echo(f"  files unreadable {len(summary.failed_files)}")
    if summary.failed_messages:
        click.echo(f"  messages not read {len(summary.failed_messages)}")
    for failure in summary.failed_files:
        click.echo(f"Not read: {failure['body']} {failure['file'] or failure['sha256'][:12]}: {failure['note']}",
                   err=True)
    for failure in summary.failed_messages:
        click.echo(f"Not read: {failure['body']} message {failure['message']}: {failure['note']}", err=True)
    writes = summary.writes
    click.echo(f"Changes: {writes['inserted']} new, {writes['updated']} updated, "
               f"{writes['history']} superseded/restored, {writes['unchanged']} unchanged"
               + (f", {writes['withdrawn']} withdrawn" if writes["withdrawn"] else ""), err=True)
    for change in summary.states:
        click.echo(f"State: {change['reference']} {change['from']} -> {change['to']} (from the values read)", err=True)
    for failure in summary.check_failures:
        click.echo(f"Check failed: {failure['body']} {failure['period']}: {failure['rule']} "
                   f"({_pairs(failure['values'])})", err=True)
    if summary.failed_files or summary.failed_messages or summary.check_failures or values.get("needs_review"):
        click.echo("See `foi review " + slug + "` for what needs a person.", err=True)


def _pairs(values: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items())


@click.command()
@click.argument("slug")
@json_option
@click.pass_obj
def review(state, slug: str, as_json: bool) -> None:
    """List unsure values, unreadable files and failed checks.

    Unsure or conflicting values, files that could not be read and broken
    consistency checks, each with where to look: per council and request,
    then per reply, with the sentence each value was read from shown once.
    The count of values to be confirmed is the one `foi report` gives.

    \b
    Example:
        foi review early-help
        foi review early-help --json > review.json
    """
    from foi.extract.review import review_campaign

    report = review_campaign(state.db, slug)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    if report["councils"]:
        click.echo("\n\n".join("\n".join(_council_lines(group)) for group in report["councils"]))
    click.echo(_review_counts(report["counts"]), err=True)


def _council_lines(group: dict) -> list[str]:
    """One council's items: a header, each reply with each place read in it (its sentence
    once) and the cells read there, files not read, then the request's own flags."""
    from foi.clock import long_date

    lines = [f"{group['name']} ({group['body']}), request {group['reference']}: {group['state'].replace('_', ' ')}"]
    for reply in group["replies"]:
        when = f"Reply of {long_date(reply['date'][:10])}" if reply["date"] else "Reply"
        lines.append(f"  {when}: {reply['subject'] or '(no subject)'} (message {reply['message']})"
                     if reply["message"] is not None else "  Where it was read is not recorded")
        for place in reply["places"]:
            where = _where(place["file"], place["location"])
            lines.append(f"    {where}: \"{place['sentence']}\"" if place["sentence"] else f"    {where}")
            for cell in place["cells"]:
                read = f"read \"{cell['raw']}\"" if cell["raw"] else "nothing read"
                at = f" at {cell['location']}" if place["location"] is None and cell["location"] else ""
                lines.append(f"      {cell['question']} {cell['period']}: {cell['reason']}, {read}{at}"
                             + (f"; {cell['why']}" if cell["why"] else ""))
        for item in reply["files"]:
            lines.append(f"    {item['file']}: {item['status'].replace('_', ' ')}: {item['note']}")
    for item in group["requests"]:
        lines.append(f"  {item['note']}")
    for item in group["checks"]:
        lines.append(f"  Check failed for {item['period']}: {item['rule']} ({_pairs(item['values'])})")
    return lines


def _where(file: str | None, location: str | None) -> str:
    if file == "message body":
        return location or file
    return " ".join(part for part in (file, location) if part) or "place not recorded"


def _review_counts(counts: dict) -> str:
    """What is to review; the first figure is the report's "Values to be confirmed"."""
    from foi.output import plural

    parts = [plural(counts["to_be_confirmed"], "value to be confirmed", "values to be confirmed")
             + " (foi report's \"Values to be confirmed\")"]
    if counts["values"] > counts["to_be_confirmed"]:
        parts.append(plural(counts["values"] - counts["to_be_confirmed"], "value read unsurely and counted",
                            "values read unsurely and counted"))
    if counts["requests"]:
        parts.append(plural(counts["requests"], "request answered with no figures read",
                            "requests answered with no figures read"))
    if counts["files"]:
        parts.append(plural(counts["files"], "file not read in full", "files not read in full"))
    if counts["checks"]:
        parts.append(plural(counts["checks"], "failed check"))
    return "To review: " + ", ".join(parts) + "."


@click.command()
@click.argument("slug")
@body_argument()
@click.argument("question")
@click.argument("period")
@click.argument("value")
@click.option("--note", help="Why (e.g. 'read from the scanned letter, page 2').")
@click.option("--by", "by", help="Who decided it, for the record (default: FOI_USER, else your login name).")
@click.option("--dry-run", is_flag=True, help="Show what would be recorded; record nothing.")
@click.pass_obj
def answer(state, slug, body, question, period, value, note, by, dry_run) -> None:
    """Record a value by hand (kept when replies are read again).

    VALUE is a number, a suppressed figure ('<5', '5 or less'), 'not held',
    or 'refused:s12' (the FOIA section).

    \b
    Example:
        foi answer early-help BNS closed_no_early_help 2016/17 1234 --note "scanned letter p.2"
        foi answer early-help BNS rereferrals 2016/17 refused:s12
    """
    from foi.config import person_deciding
    from foi.extract.review import save_manual_answer

    who = person_deciding(by)
    result = save_manual_answer(state.db, slug, body, question, period, value, note, _now(), dry_run,
                                decided_by=who)
    shown = result["value_text"] or (f"{result['value']:g}" if result["value"] is not None else "")
    if result["status"] == "suppressed":
        upper = result["upper_bound"]
        shown = f"{result['raw']} ({result['lower_bound']:g}..{'' if upper is None else format(upper, 'g')})"
    if result["status"] == "refused":
        shown = result["refusal_section"]
    verb = "Would record" if dry_run else "Recorded"
    click.echo(f"{verb} {body} {question} {period}: {result['status']} {shown}".rstrip() + f" (by {who})")
