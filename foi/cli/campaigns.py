"""`foi campaign create|list|show`, `foi generate`, `foi preview`, `foi mark-sent`."""

from pathlib import Path

import click

from foi.cli.options import Day, body_argument, body_option


@click.group()
def campaign() -> None:
    """Campaigns: one FOI request sent to a chosen set of bodies.

    \b
    Example:
        foi campaign create examples/early-help.toml
        foi campaign show early-help
    """


@campaign.command("create")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--update", is_flag=True, help="Apply a changed file: add recipients, questions, periods.")
@click.option("--dry-run", is_flag=True, help="Check the file and show what would be created.")
@click.pass_obj
def create(state, file: Path, update: bool, dry_run: bool) -> None:
    """Check a campaign file and create one draft request per recipient.

    Running it again with the same file changes nothing (it only copies
    addresses set since into draft requests).

    \b
    Example:
        foi campaign create examples/early-help.toml
        foi campaign create --update --dry-run examples/early-help.toml
    """
    from foi import clock
    from foi.campaign.campaigns import apply_create, plan_create

    plan = plan_create(state.db, file, update=update)
    if not dry_run:
        apply_create(state.db, plan, now=clock.iso(clock.now()))
    _report_create(plan, dry_run)


def _report_create(plan, dry_run: bool) -> None:
    from foi.output import plural

    would = "would be " if dry_run else ""
    slug = plan.spec.slug
    if plan.action == "unchanged":
        click.echo(f"Campaign {slug} already exists with this file: nothing to create.", err=True)
    elif plan.action == "update":
        click.echo(f"Campaign {slug} {would}updated.", err=True)
    else:
        measures = f", {plural(len(plan.spec.measures), 'measure')}" if plan.spec.measures else ""
        click.echo(f"Campaign {slug} {would}created ({plan.spec.prefix}, "
                   f"{plural(len(plan.spec.questions), 'question')}, {plural(len(plan.spec.periods), 'period')}"
                   f"{measures}).", err=True)
    click.echo(f"{plural(len(plan.add), 'request')} {would}added; {plural(len(plan.bodies), 'recipient')} in all.",
               err=True)
    for code in plan.drop:
        click.echo(f"  draft request to {code} {would}removed (no longer a recipient)", err=True)
    for code in plan.keep:
        click.echo(f"  {code} is no longer a recipient but its request was sent: kept", err=True)
    if plan.refresh:
        click.echo(f"{plural(len(plan.refresh), 'draft request')} {would}given the address now in the register.",
                   err=True)
    _report_not_asked(plan)
    missing = plan.no_address
    if missing:
        click.echo(f"{plural(len(missing), 'recipient')} {'has' if len(missing) == 1 else 'have'} no FOI address "
                   "in the register (the requests exist; set addresses with `foi councils set-email` or "
                   "`councils import`, and `foi send` uses them, or send by post/web form):",
                   err=True)
        for body in missing:
            click.echo(f"  {body['code']}\t{body['name']}")


def _report_not_asked(plan) -> None:
    """Questions and periods added after requests went out: those councils were never asked them."""
    if not plan.not_asked:
        return
    from foi.output import plural

    sent = f"the {plural(len(plan.not_asked), 'request')} already sent ({', '.join(plan.not_asked)})"
    for question in plan.new_questions:
        click.echo(f"New question {question}: {sent} did not ask it.", err=True)
    for period in plan.new_periods:
        click.echo(f"New period {period}: {sent} did not ask for it.", err=True)
    click.echo('For them these are counted as "not asked", apart from missing, in the report and the dataset '
               "export. To ask them, write to each in its request's email thread, keeping our reference in the "
               "subject (`foi reply` only answers a request for clarification): the reply is read into this "
               "campaign by `foi extract`, or enter the figures with `foi answer`. Requests not sent yet will "
               "ask everything.", err=True)


@campaign.command("list")
@click.pass_obj
def list_(state) -> None:
    """List campaigns with their request counts.

    \b
    Example:
        foi campaign list
    """
    from foi.campaign.campaigns import list_campaigns

    rows = list_campaigns(state.db)
    if not rows:
        click.echo("No campaigns yet: `foi campaign create FILE` makes one.", err=True)
    for row in rows:
        click.echo(f"{row['slug']}\t{row['prefix']}\t{row['requests']} requests\t{row['drafts'] or 0} drafts\t"
                   f"{row['no_address'] or 0} without address\t{row['title']}")


@campaign.command("show")
@click.argument("slug")
@click.pass_obj
def show(state, slug: str) -> None:
    """Show a campaign: questions, periods, checks, measures and recipients
    without an address.

    \b
    Example:
        foi campaign show early-help
    """
    from foi.campaign.campaigns import describe_campaign

    info = describe_campaign(state.db, slug)
    c = info["campaign"]
    click.echo(f"{c['slug']}: {c['title']}")
    click.echo(f"prefix {c['prefix']}, template set {c['template']}, created {c['created_at']}")
    click.echo(f"periods: {', '.join(info['periods'])}")
    click.echo("questions:")
    for number, q in enumerate(info["questions"], 1):
        click.echo(f"  {number}. [{q['id']}, {q['kind']}] {q['text']}")
        if q["title"]:
            click.echo(f"     title in reports: {q['title']}")
        if q["labels"]:
            click.echo(f"     labels: {'; '.join(q['labels'])}")
    for rule in info["checks"]:
        click.echo(f"check: {rule}")
    for m in info["measures"]:
        click.echo(f"measure: [{m.id}, {m.format}] {m.formula}" + (f"  ({m.title})" if m.title else ""))
    states = ", ".join(f"{n} {s}" for s, n in info["states"].items())
    click.echo(f"recipients: {info['recipients']} ({states})")
    click.echo(f"without an address: {len(info['no_address'])}")
    for row in info["no_address"]:
        note = (f"\t(register now has {row['register_email']}: run `foi campaign create` again)"
                if row["register_email"] else "")
        click.echo(f"  {row['code']}\t{row['reference']}\t{row['name']}{note}")
    from foi.cli.tracking import echo_download_links

    echo_download_links(state.db, slug)


def _sender_and_now(state):
    from foi import clock
    from foi.letters.render import sender_from_config

    return sender_from_config(state.config), clock.now()


@click.command()
@click.argument("slug")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Folder (default drafts/SLUG).")
@click.option("--format", "fmt", type=click.Choice(["eml", "txt", "docx"]), default="eml", show_default=True)
@click.option("--kind", type=click.Choice(["request", "reminder", "review", "ico"]), default="request",
              show_default=True)
@body_option("Only this body", multiple=True)
@click.option("--min-gap", default=10, show_default=True, type=click.IntRange(min=0),
              help="For a reminder or review: leave out a request chased fewer than this many days ago.")
@click.option("--dry-run", is_flag=True, help="List the files without writing them.")
@click.pass_obj
def generate(state, slug: str, out: Path | None, fmt: str, kind: str, bodies: tuple[str, ...], min_gap: int,
             dry_run: bool) -> None:
    """Render every request of a campaign to files, one per body.

    eml files are complete messages (open them in a mail client); docx files are
    letters for bodies that want post or a web form; txt is subject and text.
    A reminder, review or ico kind is written only for the requests `foi chase`
    would chase at that stage, in the words it would send; the others are listed
    as skipped, with the reason.

    \b
    Example:
        foi generate early-help --format docx --body BNS --body LDS
        foi generate early-help --kind reminder --format docx
    """
    from foi.output import plural

    sender, now = _sender_and_now(state)
    out = out or Path("drafts") / slug
    if kind == "request":
        from foi.letters.drafts import generate_drafts

        result = generate_drafts(state.db, slug, out, fmt=fmt, codes=bodies, sender=sender, now=now,
                                 dry_run=dry_run)
    else:
        from foi.sending.chasing import generate_chasers

        result = generate_chasers(state.db, slug, out, stage=kind, fmt=fmt, codes=bodies, sender=sender, now=now,
                                  min_gap=min_gap, dry_run=dry_run)
    for path in result.written:
        click.echo(str(path))
    verb = "would write" if dry_run else "wrote"
    click.echo(f"{verb} {plural(len(result.written), 'file')} in {out}", err=True)
    reasons: dict[str, list[str]] = {}
    for code, why in result.skipped:
        reasons.setdefault(why, []).append(code)
    for why, skipped in reasons.items():
        click.echo(f"skipped {len(skipped)} ({why}): {' '.join(skipped)}", err=True)


@click.command()
@click.argument("slug")
@body_argument()
@click.option("--kind", type=click.Choice(["request", "reminder", "review", "ico"]), default="request",
              show_default=True, help="The request (`foi send`) or a chaser (`foi chase --stage KIND`).")
@click.pass_obj
def preview(state, slug: str, body: str, kind: str) -> None:
    """Show one message exactly as it would be sent now.

    Its headers, then its text: the message `foi send` (or, for a chaser,
    `foi chase --stage KIND`) would send to that body at this moment, built by
    the same code: the same From, To, Reply-To, Subject and Date (the time of
    sending; shown for now), and for a reminder the same days overdue. If that
    command would send nothing to the body, it says why and exits with 1.

    \b
    Example:
        foi preview early-help BNS
        foi preview early-help BNS --kind reminder
    """
    from foi import clock
    from foi.sending.preview import preview_message

    shown = preview_message(state.db, slug, body, kind=kind, config=state.config, now=clock.now(),
                            folder=state.db_path.resolve().parent)
    click.echo(shown.text, nl=False)
    for note in shown.notes:
        click.echo(note, err=True)


@click.command("mark-sent")
@click.argument("slug")
@body_argument()
@click.option("--via", type=click.Choice(["portal", "post", "email"]), required=True)
@click.option("--on", "on", required=True, type=Day(), help="Day submitted: day 0 of the clock.")
@click.option("--ref", "their_reference", help="The reference the body gave (e.g. from the web form).")
@click.option("--force", is_flag=True, help="Record again although already sent.")
@click.option("--dry-run", is_flag=True, help="Show what would be recorded.")
@click.pass_obj
def mark_sent(state, slug: str, body: str, via: str, on: str, their_reference: str | None,
              force: bool, dry_run: bool) -> None:
    """Record a request submitted by hand (web form, post, own mail).

    \b
    Example:
        foi mark-sent early-help BNS --via portal --on 2026-03-02 --ref FOI/2026/0123
    """
    from foi import clock
    from foi.sending.mark_sent import apply_mark_sent, plan_mark_sent

    now = clock.now()
    plan = plan_mark_sent(state.db, slug, body, via=via, on=on, today=now.date(),
                          their_reference=their_reference, force=force)
    would = "Would record" if dry_run else "Recorded"
    if not dry_run:
        apply_mark_sent(state.db, plan, now=clock.iso(now))
    ref = f", their reference {plan.their_reference}" if plan.their_reference else ""
    click.echo(f"{would} {plan.request['reference']} ({plan.body_name}) as sent via {via} on {plan.sent_on}{ref}: "
               f"awaiting response, day 0 is {plan.sent_on}.", err=True)
