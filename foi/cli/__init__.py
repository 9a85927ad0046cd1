"""The `foi` command line: a thin shell over the foi package.

Command groups live one per file in foi/cli/ and are imported only when run,
so `foi --help` stays fast.
"""

import importlib
import re
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import click

from foi import __version__

if TYPE_CHECKING:  # imported only when used: `foi --help` stays fast
    from sqlite_utils import Database

    from foi.config import Config
    from foi.dbread import Queries, ReadingDb

# command name -> "module:attribute"; each module is imported on first use.
COMMANDS: dict[str, str] = {
    "init": "foi.cli.setup:init",
    "check": "foi.cli.setup:check",
    "councils": "foi.cli.councils:councils",
    "reference": "foi.cli.reference:reference",
    "holidays": "foi.cli.deadlines:holidays",
    "deadline": "foi.cli.deadlines:deadline",
    "status": "foi.cli.tracking:status",
    "calendar": "foi.cli.tracking:calendar_",
    "chase": "foi.cli.tracking:chase",
    "reply": "foi.cli.sending:reply",
    "inbox": "foi.cli.inbox:inbox",
    "assign": "foi.cli.inbox:assign",
    "set-state": "foi.cli.inbox:set_state",
    "campaign": "foi.cli.campaigns:campaign",
    "generate": "foi.cli.campaigns:generate",
    "preview": "foi.cli.campaigns:preview",
    "mark-sent": "foi.cli.campaigns:mark_sent",
    "fee-paid": "foi.cli.clock:fee_paid",
    "reviewed": "foi.cli.clock:reviewed",
    "sync": "foi.cli.receiving:sync",
    "import": "foi.cli.receiving:import_",
    "attach": "foi.cli.receiving:attach",
    "send": "foi.cli.sending:send",
    "report": "foi.cli.reporting:report",
    "export": "foi.cli.reporting:export",
    "extract": "foi.cli.extraction:extract",
    "review": "foi.cli.extraction:review",
    "answer": "foi.cli.extraction:answer",
    "demo": "foi.cli.demo:demo",
    "serve": "foi.cli.serve:serve",
}

# Commands that only read, and open the database with foi.dbread (sqlite3, no sqlite-utils),
# unless it needs migrating (or, for the report and a data package, loading the reference
# tables foi ships). `foi export` reads so for a data package and the correspondence zip
# (which records blob checksums, a cache: see foi.report.export); its other kinds open it
# with foi.db, which imports sqlite-utils then.
READ_ONLY_COMMANDS = {"status", "report", "export"}

# The summary of a command in `foi --help` is the first line of its docstring, read
# from the module's source: importing all eleven command modules to ask click would
# add about 30 ms (a third) to `foi --help`. tests/test_cli_help.py checks that what
# is read here is each command's own help.
_DOCSTRING_START = r'^def {name}\(.*?:\n\s*r?"""\s*(.*?)\s*$'


def summary(name: str) -> str:
    """The first line of the docstring of command `name`, without importing its module."""
    module, attribute = COMMANDS[name].split(":")
    source = Path(__file__).with_name(module.rsplit(".", 1)[1] + ".py").read_text(encoding="utf-8")
    found = re.search(_DOCSTRING_START.format(name=re.escape(attribute)), source, re.DOTALL | re.MULTILINE)
    if found:
        return found.group(1)
    command = getattr(importlib.import_module(module), attribute)  # an unusual layout: ask click
    return (command.help or "").strip().splitlines()[0] if command.help else ""


class UserError(click.ClickException):
    """A FoiError on its way to the terminal: one line (plus hint), exit code 1."""

    exit_code = 1


class LazyGroup(click.Group):
    """A group whose subcommands are imported on demand."""

    def invoke(self, ctx: click.Context):
        from foi.cli.terminal import TerminalSafe, for_terminal
        from foi.errors import FoiError

        # Council text never reaches the terminal as control characters: not in the data on
        # standard output, nor in the notes, warnings and progress on standard error.
        shown, noted = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = TerminalSafe(shown), TerminalSafe(noted)
        try:
            return super().invoke(ctx)
        except FoiError as error:
            from foi.secrecy import redact  # only on the way out with an error

            # shown after stderr is unwrapped; a server may have quoted a password back
            raise UserError(for_terminal(redact(str(error)))) from error
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            sys.stdout, sys.stderr = shown, noted

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        if name not in READ_ONLY_COMMANDS:  # they import sqlite_utils only if the database needs migrating
            _import_sqlite_utils_without_numpy()
        return getattr(importlib.import_module(module_name), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, summary(name)) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


class State:
    """What every command gets: where the database is, opened on first use,
    and the mail settings (foi.toml or --config), read on first use."""

    def __init__(self, db_path: Path, config_path: Path | None = None):
        self.db_path = db_path
        self.config_path = config_path
        self._db: Database | None = None
        self._reader: ReadingDb | None = None
        self._config: Config | None = None

    @property
    def config(self) -> "Config":
        if self._config is None:
            from foi.config import load_config
            from foi.secrecy import remember_config

            self._config = load_config(self.config_path)
            remember_config(self._config)
            _warn_plain_text_passwords(self._config)
        return self._config

    def bound_reading(self) -> None:
        """Read received files within the [limits] settings (foi.bounded)."""
        from foi import bounded

        bounded.configure(self.config.limits)

    @property
    def db(self) -> "Database":
        if self._db is None:
            from foi.db import open_db
            from foi.dbread import interrupted_send

            _import_sqlite_utils_without_numpy()
            self._db = open_db(self.db_path)
            if interrupted_send(self._db):  # a killed `foi send` left requests to move: every command sees them moved
                from foi.sending.send import finish_interrupted_send

                finish_interrupted_send(self._db, self.db_path)
        return self._db

    @property
    def reader(self) -> "Queries":
        """The database, to read only: without sqlite-utils when it is already migrated."""
        if self._db is not None:
            return self._db
        if self._reader is None:
            from foi.dbread import open_for_reading

            self._reader = open_for_reading(self.db_path)
        return self._reader if self._reader is not None else self.db

    @property
    def reader_with_builtin_tables(self) -> "Queries":
        """The database to read only, as `reader`, once the reference tables foi ships are
        loaded into it: opened with foi.db (which loads them) while they are still to load."""
        from foi.reference.store import builtin_tables_wanted

        return self.db if builtin_tables_wanted(self.reader) else self.reader


def _warn_plain_text_passwords(config: "Config") -> None:
    """Once a run: a password written in the settings file works, but anyone who
    reads the file (a backup, a shared folder) has it."""
    from foi.secrecy import plain_text_passwords

    keys = plain_text_passwords(config)
    if keys and config.source is not None:
        variables = ", ".join(f"FOI_{key.replace('.', '_').upper()}" for key in keys)
        click.echo(f"warning: {', '.join(keys)} written in plain text in {config.source.resolve()}: "
                   f"better in the environment ({variables}) or a password_command", err=True)


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
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="FOI_CONFIG",
    default=None,
    help="Mail settings file (default: foi.toml in this folder if present; env FOI_CONFIG).",
)
@click.version_option(__version__, prog_name="foi")
@click.pass_context
def cli(ctx: click.Context, db_path: Path, config_path: Path | None) -> None:
    """Run a Freedom of Information campaign from one folder.

    \b
    Example:
        foi init
        foi councils list --childrens-services
    """
    ctx.obj = State(db_path, config_path)


def _import_sqlite_utils_without_numpy() -> None:
    """Import sqlite_utils with numpy and pandas hidden, if neither is loaded yet.

    sqlite_utils imports them (~100 ms, a third of `foi status`) only to map their
    scalar types to column types; foi never stores numpy or pandas values. They
    are hidden only while sqlite_utils loads, so a library that needs numpy later
    still imports it normally."""
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    if "sqlite_utils" in sys.modules or len(hidden) < 2:
        return
    for name in hidden:
        # None makes `import numpy` raise ImportError (documented); typeshed allows only modules here.
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        importlib.import_module("sqlite_utils")
    finally:
        for name in hidden:
            del sys.modules[name]


def _show_bug(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    """A bug keeps its traceback (locals are never shown), with any password in
    it masked: the words of an exception raised during a login may hold one."""
    import traceback

    from foi.secrecy import redact

    sys.stderr.write(redact("".join(traceback.format_exception(kind, error, trace))))


def main() -> None:
    sys.excepthook = _show_bug
    cli(prog_name="foi")
