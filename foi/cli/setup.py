"""`foi init`: create the campaign database and the settings file in this folder;
`foi check`: test the mail settings."""

from pathlib import Path

import click

from foi import clock


@click.command()
@click.option("--force", is_flag=True,
              help="Start afresh: move the existing database and foi.toml aside to backups first.")
@click.pass_obj
def init(state, force: bool) -> None:
    """Create the campaign database and a foi.toml to fill in.

    Re-running is harmless: an existing database is kept (its register is
    refreshed, addresses you set are kept), and so is an existing foi.toml.
    --force moves them aside to campaign.db.<timestamp>.bak and
    foi.toml.<timestamp>.bak and starts afresh. foi.toml holds the mail
    settings, each explained, with an example: fill it in, then run foi check.

    \b
    Example:
        foi init
        foi check
    """
    from foi.config import DEFAULT_FILE
    from foi.output import plural
    from foi.workspace import init_workspace, write_settings_file

    result = init_workspace(state.db_path, force=force, now=clock.iso(clock.now()))
    if result.backup:
        click.echo(f"Moved the old database aside to {result.backup}", err=True)
    if result.templates:
        click.echo(f"Copied {len(result.templates)} editable template files into templates/", err=True)
    if result.created:
        click.echo(f"Created {result.db_path} with {result.bodies} public bodies.")
    else:
        click.echo(
            f"{result.db_path} already exists ({plural(result.campaigns, 'campaign')}); "
            f"register refreshed ({plural(result.bodies, 'council')}), nothing overwritten."
        )
    settings = write_settings_file(state.config_path or Path(DEFAULT_FILE), force=force)
    if settings.backup:
        click.echo(f"Moved the old {settings.path.name} aside to {settings.backup}", err=True)
    if settings.written:
        click.echo(f"Wrote {settings.path}: fill in your mail settings (each one is explained there), "
                   "then run `foi check`.")
    else:
        click.echo(f"{settings.path} already exists: left as it is (`foi check` tests it).")


@click.command()
@click.pass_obj
def check(state) -> None:
    """Test the mail settings: log in to SMTP and IMAP, list folders.

    Logs in to the SMTP server as `foi send` would and leaves without sending
    anything; logs in to the IMAP mailbox as `foi sync` would (changing
    nothing), lists its folders and checks the ones foi.toml names; checks
    there is a sender name and address. Says what is missing or wrong, and
    exits 0 only when all of it works. Passwords are never shown.

    \b
    Example:
        foi check
        foi --config ~/foi/test-account.toml check
    """
    from foi.errors import FoiError
    from foi.mail.check import check_settings

    config = state.config
    where = config.source.resolve() if config.source else "no settings file (foi.toml); the FOI_* variables only"
    click.echo(f"Settings: {where}")
    findings = check_settings(config)
    for finding in findings:
        click.echo(f"{finding.part}: {'ok' if finding.ok else 'PROBLEM'}: {finding.said}")
        if finding.hint:
            click.echo(f"  {finding.hint}")
        if finding.folders:
            click.echo(f"  folders on the server: {', '.join(finding.folders)}")
    problems = [f for f in findings if not f.ok]
    if problems:
        raise FoiError(f"{len(problems)} of the {len(findings)} checks found a problem "
                       f"({', '.join(f.part for f in problems)})",
                       "Fix the settings named above and run `foi check` again"
                       + ("; `foi init` writes a foi.toml to fill in." if config.source is None else "."))
    click.echo("All is well: foi can send requests and fetch the replies.")
