"""`foi init`: create the campaign database in this folder."""

import click

from foi import clock


@click.command()
@click.option("--force", is_flag=True, help="Start afresh: move the existing database aside to a backup first.")
@click.pass_obj
def init(state, force: bool) -> None:
    """Create the campaign database and load the council register.

    Re-running is harmless: an existing database is kept (its register is
    refreshed, addresses you set are kept). --force moves it aside to
    campaign.db.<timestamp>.bak and starts a new one.

    \b
    Example:
        foi init
        foi --db ~/foi/early-help.db init
    """
    from foi.output import plural
    from foi.workspace import init_workspace

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
