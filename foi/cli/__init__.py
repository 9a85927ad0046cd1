"""The `foi` command line: a thin shell over the foi package.

Command groups live one per file in foi/cli/ and are imported only when run,
so `foi --help` stays fast.
"""

import importlib
import sys
from pathlib import Path

import click

from foi import __version__

# command name -> "module:attribute"; each module is imported on first use.
COMMANDS: dict[str, str] = {
    "init": "foi.cli.setup:init",
    "councils": "foi.cli.councils:councils",
    "holidays": "foi.cli.deadlines:holidays",
    "deadline": "foi.cli.deadlines:deadline",
    "extract": "foi.cli.extraction:extract",
    "review": "foi.cli.extraction:review",
    "answer": "foi.cli.extraction:answer",
}

# One-line summaries shown by `foi --help` without importing the modules.
SUMMARIES: dict[str, str] = {
    "init": "Create the campaign database and load the council register.",
    "councils": "The register of public bodies: list, show, set addresses, import.",
    "holidays": "UK bank holidays used for deadlines; add proclaimed days.",
    "deadline": "Work out (and explain) a statutory due date.",
    "extract": "Read the figures in replies and attachments into the dataset.",
    "review": "List unsure values, unreadable files and failed checks.",
    "answer": "Record a value by hand (number, <5, not held, refused:s12).",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUMMARIES.get(name, "")) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


class State:
    """What every command gets: where the database is, opened on first use."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self._db = None

    @property
    def db(self):
        if self._db is None:
            from foi.db import open_db

            self._db = open_db(self.db_path)
        return self._db


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="FOI_DB",
    default="campaign.db",
    show_default=True,
    help="The campaign database (env FOI_DB).",
)
@click.version_option(__version__, prog_name="foi")
@click.pass_context
def cli(ctx: click.Context, db_path: Path) -> None:
    """Run a Freedom of Information campaign from one folder.

    \b
    Example:
        foi init
        foi councils list --childrens-services
    """
    ctx.obj = State(db_path)


def main() -> None:
    from foi.errors import FoiError

    try:
        cli(standalone_mode=False)
    except FoiError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
