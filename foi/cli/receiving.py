"""`foi sync`, `foi import` and `foi attach`: bring replies into the campaign database."""

from pathlib import Path

import click

from foi.cli.options import Day, body_argument
from foi.cli.progress import Progress

NO_EXTRACT = click.option("--no-extract", is_flag=True,
                          help="Do not read the figures out of new replies afterwards.")


def _extract_new(state, now) -> None:
    """After new mail: read the figures out of the campaigns' replies (cached by file)."""
    from foi.blobs import blob_dir
    from foi.extract.run import extract_after_receiving
    from foi.output import plural

    for slug, summary in extract_after_receiving(state.db, blob_dir(state.db_path), now=now.isoformat()).items():
        counts = ", ".join(f"{status} {count}" for status, count in sorted(summary.values.items()))
        unread = len(summary.failed_files) + len(summary.failed_messages)
        click.echo(f"Extracted {slug}: {plural(sum(summary.values.values()), 'current value')} ({counts or 'none'})"
                   + (f", {plural(unread, 'file or message', 'files or messages')} not read" if unread else "")
                   + f"; `foi review {slug}` lists what needs a person.", err=True)


@click.command()
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1, 5000),
              help="Messages fetched per IMAP request (progress is saved after each).")
@NO_EXTRACT
@click.pass_obj
def sync(state, batch_size: int, no_extract: bool) -> None:
    """Fetch new mail from the IMAP mailbox (never marks mail read).

    Settings come from [imap] in foi.toml, or FOI_IMAP_HOST, FOI_IMAP_PORT,
    FOI_IMAP_SECURITY (ssl|starttls|none), FOI_IMAP_USERNAME,
    FOI_IMAP_PASSWORD and FOI_IMAP_FOLDERS (comma-separated, default INBOX).
    Safe to interrupt and re-run: it carries on from the last message stored.
    New replies are matched, classified and their figures extracted.

    \b
    Example:
        foi sync
        FOI_IMAP_HOST=imap.example.org FOI_IMAP_USERNAME=foi@example.org \\
        FOI_IMAP_PASSWORD=... foi sync --no-extract
    """
    from foi import clock
    from foi.blobs import BlobStore, blob_dir
    from foi.mail.fetch import fetch_new_mail, load_imap_settings
    from foi.output import plural
    from foi.secrecy import remember
    from foi.triage.run import TRIAGE

    settings = load_imap_settings(state.config)
    remember(settings.password, settings.username)  # masked in any error the server's words reach
    db = state.db
    now = clock.now()
    state.bound_reading()
    with Progress("Fetching") as progress:
        report = fetch_new_mail(db, BlobStore(blob_dir(state.db_path)), settings,
                                today=now.date(), triage=TRIAGE, now=now, batch_size=batch_size,
                                progress=lambda folder, done, total: progress.update(done, total, folder))
    for folder in report.folders:
        line = f"{folder.folder}: {plural(folder.new, 'new message')}, {plural(folder.attachments, 'attachment')}"
        if folder.already:
            line += f", {folder.already} already stored"
        if folder.undecodable:
            line += f", {plural(folder.undecodable, 'part')} could not be decoded"
        click.echo(line)
        if folder.partly_read:
            click.echo(f"note: {plural(folder.partly_read, 'message')} in {folder.folder} could only be partly read "
                       "(each is kept whole; `foi inbox` says why)", err=True)
        if folder.triage_failed:
            click.echo(f"warning: {plural(folder.triage_failed, 'message')} in {folder.folder} could not be matched "
                       f"or classified (a fault in foi); they are stored, unmatched: "
                       "see `foi inbox --unmatched` and file them with `foi assign`", err=True)
        if folder.uidvalidity_changed:
            click.echo(f"note: {folder.folder} was renumbered by the server (UIDVALIDITY changed); "
                       "it was rescanned without storing duplicates", err=True)
    if not no_extract and report.new:
        _extract_new(state, now)


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be stored; store nothing.")
@NO_EXTRACT
@click.pass_obj
def import_(state, paths: tuple[Path, ...], dry_run: bool, no_extract: bool) -> None:
    """Store mail from .eml, .msg, mbox or Maildir files or folders.

    Folders are searched recursively; every file that looks like an email is
    imported, whatever its extension. Importing the same files again stores
    nothing new.

    \b
    Example:
        foi import ~/Downloads/replies/ exported.mbox "Reply from Leeds.msg"
        foi import --dry-run saved-mail/
    """
    from foi import clock
    from foi.blobs import BlobStore, blob_dir
    from foi.mail.importing import import_paths
    from foi.output import plural
    from foi.triage.run import TRIAGE

    db = state.db
    now = clock.now()
    state.bound_reading()
    with Progress("Messages read") as progress:  # a count: the number is unknown up front
        report = import_paths(db, BlobStore(blob_dir(state.db_path)), list(paths),
                              today=now.date(), triage=TRIAGE, now=now, dry_run=dry_run, progress=progress.advance)
    if dry_run:
        for where, subject, status in report.planned:
            click.echo(f"{status}\t{where}\t{subject}")
        click.echo(f"Would store {plural(report.new, 'new message')}; {report.already} already stored.", err=True)
    else:
        click.echo(f"Stored {plural(report.new, 'new message')} ({report.already} already stored), "
                   f"{plural(report.attachments, 'attachment')}, {plural(report.undecodable, 'part')} could not be "
                   "decoded.")
        for where, error in report.parse_errors:
            click.echo(f"stored raw, could not be parsed: {where}: {error}", err=True)
        for where, error in report.triage_errors:
            click.echo(f"stored unmatched ({error}): {where}: see `foi inbox --unmatched` "
                       "and file it with `foi assign`", err=True)
        if report.new and not no_extract:
            _extract_new(state, now)
    for where, reason in report.failures:
        click.echo(f"failed: {where}: {reason}", err=True)
    if not (report.new or report.already):
        from foi.errors import FoiError

        raise FoiError(f"Nothing could be imported from {', '.join(str(p) for p in paths)}: no email message, "
                       "mbox, Maildir or Outlook .msg file was found there",
                       "Give the saved messages themselves (.eml, .msg, mbox) or the folder that holds them.")


@click.command()
@click.argument("slug")
@body_argument()
@click.argument("files", nargs=-1, required=True, metavar="FILE...",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--on", "on", type=Day(), help="The day the reply was received (default: today).")
@click.option("--note", help="A few words about it, kept with the message (e.g. \"letter, 2 pages\").")
@click.option("--dry-run", is_flag=True, help="Show what would be stored; store nothing.")
@NO_EXTRACT
@click.pass_obj
def attach(state, slug: str, body: str, files: tuple[Path, ...], on: str | None, note: str | None,
           dry_run: bool, no_extract: bool) -> None:
    """Add a reply that came by post or from a portal, as files.

    The files (a scan, a spreadsheet downloaded from the council's portal...)
    become a reply received from the council on --on, stored and read like the
    attachments of a reply by email; the request moves on as for one (a letter
    or spreadsheet attached: answered) and the figures are read into the
    dataset. Attaching the same files again stores nothing new.

    \b
    Example:
        foi attach early-help BNS reply-letter.pdf --on 2026-03-20 --note "letter, 2 pages"
        foi attach early-help LDS early-help-figures.xlsx
    """
    import datetime as dt

    from foi import clock
    from foi.blobs import BlobStore, blob_dir
    from foi.output import plural
    from foi.triage.attach import apply_attach, plan_attach

    now, today = clock.now(), clock.today()
    day = dt.date.fromisoformat(on) if on else today
    state.bound_reading()
    plan = plan_attach(state.db, slug, body, list(files), on=day, today=today, note=note)
    what = f"{plan.request['reference']} ({plan.body_name})"
    names = ", ".join(name for name, _ in plan.files)
    if plan.already is not None:
        click.echo(f"Already attached to {what} (message {plan.already}): {names}; nothing changed.")
        return
    if dry_run:
        click.echo(f"Would attach {plural(len(plan.files), 'file')} to {what} "
                   f"as a reply received on {plan.on}: {names}")
        return
    result = apply_attach(state.db, BlobStore(blob_dir(state.db_path)), plan, today=today, now=now)
    click.echo(f"Attached {plural(len(plan.files), 'file')} to {what} as a reply received on {plan.on} "
               f"(message {result.message}): {names}")
    moved = f"{result.state_before} -> {result.state_after}" if result.state_after != result.state_before \
        else f"stays {result.state_after}"
    click.echo(f"Read as {result.classification or 'not read'}; the request {moved}.")
    if result.classification in (None, "unclassified"):
        click.echo(f"note: foi could not tell what the reply says: record it with `foi set-state {slug} {body} "
                   "STATE` (and its figures with `foi answer`)", err=True)
    for problem in result.notes:
        click.echo(f"note: {problem}", err=True)
    if result.undecodable:
        click.echo(f"note: {plural(result.undecodable, 'file')} could not be read: "
                   f"`foi review {slug}` lists them", err=True)
    if not no_extract:
        _extract_new(state, now)
