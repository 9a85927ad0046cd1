"""Options and arguments that several commands take, declared once.

A body is always given the same way (code in any case, GSS code or exact name)
and always reaches the command as its register code; --json and --csv say the
same thing everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

BODY_FORMS = "a code (BNS, any case), GSS code (E08000016) or exact name"


def body_code(ctx: click.Context, identifier: str) -> str:
    """The register code of the body `identifier` names (see foi.register.councils.find_body)."""
    from foi.cli import State
    from foi.register.councils import find_body

    state = ctx.find_object(State)
    if state is None:  # only when a command is invoked outside `foi`
        raise click.UsageError("A body can only be looked up within `foi`.", ctx)
    return str(find_body(state.db, identifier)["code"])


class BodyType(click.ParamType):
    """A public body, converted to its register code; an unknown one is a FoiError (exit 1)."""

    name = "body"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if ctx is None:
            raise click.UsageError("A body can only be looked up within `foi`.")
        return body_code(ctx, str(value))


BODY = BodyType()


def body_option(help: str = "Only this body", *, multiple: bool = False) -> Callable[[F], F]:
    """--body BODY (repeatable when `multiple`), passed to the command as `bodies` (a tuple
    of codes) or `body` (a code or None)."""
    name = "bodies" if multiple else "body"
    text = f"{help}: {BODY_FORMS}" + (" (repeatable)." if multiple else ".")
    return click.option("--body", name, type=BODY, multiple=multiple, metavar="BODY", help=text)


def body_argument(name: str = "body") -> Callable[[F], F]:
    """A BODY argument, passed to the command as the body's code."""
    return click.argument(name, type=BODY, metavar="BODY")


json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print JSON instead of text or CSV.")
csv_option = click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")


def yes_option(what: str) -> Callable[[F], F]:
    """--yes for a command that sends mail: needed whenever no terminal can confirm."""
    return click.option("--yes", "-y", is_flag=True,
                        help=f"Send {what} without asking. Needed when standard input is not a "
                             "terminal (a script, cron, a pipe); --dry-run never needs it.")


class OutputFile(click.Path):
    """A file foi writes: its folder must exist (a mistyped folder is said, not a traceback).
    With `folder_ok`, also a folder foi writes files into (`foi export --what package`): the
    command says which it needs."""

    def __init__(self, *, folder_ok: bool = False) -> None:
        super().__init__(dir_okay=folder_ok, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = Path(str(super().convert(value, param, ctx)))
        folder = path.parent
        if not folder.is_dir():
            self.fail(f"the folder {str(folder)!r} does not exist: create it first, or write the file elsewhere",
                      param, ctx)
        return path


def check_known(values: tuple[str, ...] | list[str], known: list[str], option: str, *,
                ignore_case: bool = False) -> None:
    """A filter value foi does not know is a usage error listing the ones it does: a typo
    ("refsued", "Nort West") must not quietly show nothing."""
    fold = str.casefold if ignore_case else str
    names = {fold(k) for k in known}
    unknown = [value for value in values if fold(value) not in names]
    if unknown:
        raise click.BadParameter(f"{', '.join(repr(v) for v in unknown)} is not one of: {', '.join(known)}",
                                 param_hint=option)


def known_regions(db: Any) -> list[str]:
    from foi.register.councils import regions  # lazy: start-up

    return regions(db)


def known_campaigns(db: Any) -> list[str]:
    from foi.campaign.campaigns import campaign_slugs  # lazy: start-up

    return campaign_slugs(db)


class Day(click.ParamType):
    """A YYYY-MM-DD day given on the command line; anything else is a usage error (exit 2)."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from foi.clock import day_problem  # lazy: start-up

        problem = day_problem(str(value))
        if problem:
            self.fail(problem, param, ctx)
        return str(value).strip()
