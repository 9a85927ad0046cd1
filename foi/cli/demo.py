"""`foi demo`: a whole campaign against simulated councils, in a fresh folder."""

from pathlib import Path

import click


@click.command()
@click.argument("folder", required=False, default="foi-demo",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Run in a folder that has other things in it (an existing campaign.db is backed up).")
@click.pass_obj
def demo(state, folder: Path, force: bool) -> None:
    """Run a whole campaign against simulated councils (no mail server).

    An early-help campaign to the 153 councils with children's services.
    Sends on 2 March 2026 into outbox/, writes the councils' replies (answers in
    Excel, Word, PDF, CSV and email text, refusals, acknowledgements, a bounce,
    silence...) as .eml files into inbox/, imports and reads them with the real
    code, and ends on 20 May 2026 with the report, also written to report.html.
    Afterwards every command works in the folder; set FOI_NOW=2026-05-20 to see
    it as of the demo's last day. Running it again on a demo folder starts afresh.

    \b
    Example:
        foi demo
        foi demo my-demo && cd my-demo && FOI_NOW=2026-05-20 foi status early-help
    """
    from foi.demo import run_demo

    result = run_demo(folder, force=force, progress=lambda note: click.echo(note, err=True))
    click.echo(result.report_text, nl=False)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"Wrote {result.html_path}", err=True)
    click.echo(f"Try: cd {folder} && FOI_NOW=2026-05-20 foi status early-help", err=True)
    click.echo(f"Then confirm what foi was unsure of in your browser: cd {folder} && FOI_NOW=2026-05-20 foi serve",
               err=True)
