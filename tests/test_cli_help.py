"""`foi --help` and the README describe the commands as the commands describe themselves."""

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import click

import foi.cli
from foi.cli import COMMANDS

README = Path(__file__).resolve().parent.parent / "README.md"


def _command(name: str) -> click.Command:
    module, attribute = COMMANDS[name].split(":")
    return getattr(importlib.import_module(module), attribute)


def _first_line(command: click.Command) -> str:
    return (command.help or "").strip().splitlines()[0]


def _help_rows(text: str) -> dict[str, str]:
    """The Commands section of a --help page: name -> summary (wrapped lines joined)."""
    rows: dict[str, str] = {}
    name = ""
    for line in text.split("Commands:\n", 1)[1].splitlines():
        found = re.match(r"  (\S+)\s+(.*)", line)
        if found:
            name, rows[found.group(1)] = found.group(1), found.group(2)
        elif line.strip():
            rows[name] += " " + line.strip()
    return rows


def test_foi_help_shows_each_command_s_own_first_docstring_line(run):
    rows = _help_rows(run("--help").stdout)
    assert set(rows) == set(COMMANDS)
    for name in COMMANDS:
        assert rows[name] == _first_line(_command(name)), name


def test_each_summary_is_one_line_of_foi_help(run):
    lines = run("--help").stdout.split("Commands:\n", 1)[1].splitlines()
    assert len(lines) == len(COMMANDS)


def test_every_command_and_subcommand_is_in_the_readme_commands_section():
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    missing = []
    for name in COMMANDS:
        command = _command(name)
        names = [f"foi {name}"]
        if isinstance(command, click.Group):
            names += [f"foi {name} {sub}" for sub in command.commands]
        missing += [n for n in names if not re.search(re.escape(n) + r"\b", section)]
    assert missing == []


def test_the_command_table_lists_every_command_defined_in_foi_cli():
    """A command defined in foi/cli/ but left out of COMMANDS would never be reachable."""
    defined, in_groups = {}, set()
    for info in pkgutil.iter_modules(foi.cli.__path__):
        module = importlib.import_module(f"foi.cli.{info.name}")
        for attribute, value in vars(module).items():
            if isinstance(value, click.Command) and value.callback and value.callback.__module__ == module.__name__:
                defined[f"{module.__name__}:{attribute}"] = value
                if isinstance(value, click.Group):
                    in_groups |= {id(c) for c in value.commands.values()}
    top_level = {target for target, command in defined.items() if id(command) not in in_groups}
    assert top_level == set(COMMANDS.values())


def test_foi_help_imports_no_command_module():
    """Start-up stays fast: `foi --help` reads the summaries, it does not import the commands."""
    code = ("import sys\nfrom foi.cli import cli\ntry:\n    cli(['--help'], prog_name='foi')\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('foi.cli.')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "[]"
