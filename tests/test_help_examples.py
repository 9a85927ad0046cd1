"""The examples in the help pages can be pasted one after another: they all follow the
campaign of examples/early-help.toml; the README's global options are the real ones;
the start-up benchmark runs as the README says (issue 17, item 24)."""

import importlib
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest

from foi.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXAMPLE = tomllib.loads((ROOT / "examples" / "early-help.toml").read_text(encoding="utf-8"))


def _commands() -> dict[str, click.Command]:
    """Every command by its words after `foi` ("campaign show", "status"...)."""
    found: dict[str, click.Command] = {}
    for name, target in COMMANDS.items():
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        found[name] = command
        if isinstance(command, click.Group):
            found.update({f"{name} {sub}": c for sub, c in command.commands.items()})
    return found


def _example_lines(command: click.Command) -> list[list[str]]:
    """The `foi ...` lines of a command's Example section, as words."""
    text = (command.help or "").split("Example", 1)[-1] if "Example" in (command.help or "") else ""
    text = text.replace("\\\n", " ")
    lines = []
    for line in text.splitlines():
        line = line.split("  #", 1)[0].strip()
        for part in line.split("&&"):
            words = shlex.split(re.split(r"\s>\s", part)[0])
            while words and "=" in words[0]:  # FOI_NOW=... foi status
                words.pop(0)
            if words[:1] == ["foi"]:
                lines.append(words[1:])
    return lines


def _positional(words: list[str], command: click.Command) -> list[str]:
    """The arguments of one example line, options and their values left out."""
    takes_value = {name for p in command.params if isinstance(p, click.Option) and not p.is_flag
                   for name in p.opts}
    arguments, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in takes_value
        else:
            arguments.append(word)
    return arguments


def _examples() -> list[tuple[str, dict[str, str]]]:
    """(the example line, its arguments by parameter name) for every example of every command."""
    commands = _commands()
    found = []
    for command in commands.values():
        for words in _example_lines(command):
            while words and words[0].startswith("-"):  # global options: foi --db FILE init
                del words[:2 if words[0] in ("--db", "--config") else 1]
            spoken = " ".join(words[:2]) if " ".join(words[:2]) in commands else words[0]
            if spoken not in commands or isinstance(commands[spoken], click.Group):
                continue
            run = commands[spoken]
            arguments = [p.name for p in run.params if isinstance(p, click.Argument)]
            given = _positional(words[len(spoken.split()):], run)
            found.append((f"foi {' '.join(words)}", dict(zip(arguments, given))))
    return found


def test_every_help_example_uses_the_example_campaign_s_slug_questions_and_periods():
    questions = {q["id"] for q in EXAMPLE["questions"]}
    wrong = []
    for line, arguments in _examples():
        slug = arguments.get("slug") or arguments.get("request", "").split("/")[0]
        if "slug" in arguments and slug != EXAMPLE["slug"]:
            wrong.append(f"{line}: campaign {slug!r}")
        if "/" in arguments.get("request", "") and slug != EXAMPLE["slug"]:
            wrong.append(f"{line}: campaign {slug!r}")
        if "question" in arguments and arguments["question"] not in questions:
            wrong.append(f"{line}: question {arguments['question']!r}")
        if "period" in arguments and arguments["period"] not in EXAMPLE["periods"]:
            wrong.append(f"{line}: period {arguments['period']!r}")
        for reference in re.findall(r"\b[A-Z0-9]{1,6}-[A-Z]{2,4}-[A-Z0-9]{4}\b", line):
            if not reference.startswith(EXAMPLE["prefix"] + "-"):
                wrong.append(f"{line}: reference {reference!r}")
    assert wrong == []


def test_the_examples_cover_the_commands_that_take_a_campaign():
    """The check above reads the examples of these commands (it would pass on none)."""
    named = {line.split()[1] for line, arguments in _examples() if arguments.get("slug") == EXAMPLE["slug"]}
    assert {"status", "send", "chase", "reply", "extract", "review", "answer", "generate", "set-state"} <= named


def test_readme_global_options_table_lists_every_global_option():
    section = README.read_text(encoding="utf-8").split("Global options come before the command:", 1)[1]
    table = section.split("\n\n", 2)[1]
    listed = set(re.findall(r"^\| `(--?[a-z-]+)", table, re.MULTILINE))
    options = {opt for p in cli.params for opt in p.opts if opt.startswith("--")} - {"--help"}
    assert options == listed == {"--db", "--config", "--version"}


def test_start_up_benchmark_runs_with_a_python_that_lacks_foi_s_libraries(tmp_path):
    """`python3 bench/startup.py` from a shell with no virtualenv: the benchmark finds the
    checkout's (or the active) virtualenv and runs there."""
    bare = next((p for p in ("/usr/bin/python3", "/usr/local/bin/python3") if Path(p).exists()), None)
    if bare is None or subprocess.run([bare, "-c", "import sqlite_utils"], capture_output=True,
                                      check=False).returncode == 0:
        pytest.skip("no system python3 without foi's libraries here")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    if not (ROOT / ".venv").exists():  # a git worktree: the virtualenv running the tests is the active one
        env["VIRTUAL_ENV"] = sys.prefix
    result = subprocess.run([bare, str(ROOT / "bench" / "startup.py"), "--runs", "1"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "## start-up on the model campaign (153 requests), median of 1 interleaved runs"
    assert [line.split(" median")[0].strip() for line in lines[1:]] == [
        "python -c pass", "foi --help", "foi status early-help"]
