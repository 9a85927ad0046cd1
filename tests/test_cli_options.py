"""The options several commands share: a body is named the same way everywhere."""

import importlib
from pathlib import Path

import click
import pytest

from foi.cli import COMMANDS
from foi.cli.options import BodyType

# Barnsley, named three ways (and the code in lower case, which `foi extract` used to refuse).
BODY_FORMS = ["bns", "E08000016", "barnsley metropolitan borough council"]

CAMPAIGN = """
slug = "eh"
prefix = "EH"
title = "Early help"
recipients = ["BNS", "LDS"]
periods = ["2024/25"]

[[questions]]
id = "referrals"
text = "How many referrals to early help did you receive?"
"""


@pytest.fixture
def campaign(run, monkeypatch):
    monkeypatch.setenv("FOI_SENDER_NAME", "Early Help Watch")
    monkeypatch.setenv("FOI_SENDER_EMAIL", "research@charity.test")
    run("init")
    run("councils", "set-email", "BNS", "foi@barnsley.test")
    run("councils", "set-email", "LDS", "foi@leeds.test")
    Path("eh.toml").write_text(CAMPAIGN, encoding="utf-8")
    run("campaign", "create", "eh.toml")
    return run


def _reference(run) -> str:
    return next(line.split()[0] for line in run("send", "eh", "--dry-run").stdout.splitlines()
                if "barnsley" in line)


# Each command that takes a body, with what its output must show when the body was found.
def _commands(reference: str) -> dict[str, tuple[list[str], str]]:
    return {
        "extract": (["extract", "eh", "--body", "{}", "--dry-run"], "Would store: 0"),
        "chase": (["chase", "eh", "--stage", "reminder", "--body", "{}", "--dry-run"], "Would write 0"),
        "send": (["send", "eh", "--body", "{}", "--dry-run"], f"{reference}\tfoi@barnsley.test"),
        "generate": (["generate", "eh", "--body", "{}", "--dry-run"], f"{reference}"),
        "preview": (["preview", "eh", "{}"], "To: foi@barnsley.test"),
        "mark-sent": (["mark-sent", "eh", "{}", "--via", "post", "--on", "2026-03-02", "--dry-run"],
                      f"Would record {reference}"),
        "answer": (["answer", "eh", "{}", "referrals", "2024/25", "12", "--dry-run"],
                   "Would record BNS referrals 2024/25: answered 12"),
        "set-state": (["set-state", "eh", "{}", "withdrawn", "--dry-run"], f"would set {reference}: draft"),
        "deadline": (["deadline", "eh", "{}"], f"{reference}  Barnsley"),
        "councils show": (["councils", "show", "{}"], "code:                BNS"),
        "reference show": (["reference", "show", "referrals", "--body", "{}"],
                           "BNS   Barnsley Metropolitan Borough Council  2024/25  3,241"),
        "councils set-email": (["councils", "set-email", "{}", "foi@barnsley.test"],
                               "BNS Barnsley Metropolitan Borough Council: foi@barnsley.test"),
    }


COMMAND_NAMES = list(_commands("").keys())


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_every_command_taking_a_body_accepts_code_gss_code_and_name(campaign, name):
    args, shown = _commands(_reference(campaign))[name]
    for form in BODY_FORMS:
        result = campaign(*[form if arg == "{}" else arg for arg in args])
        assert shown in result.stdout + result.stderr, (form, result.stdout, result.stderr)


def test_reply_accepts_code_gss_code_and_name(campaign):
    campaign("set-state", "eh", "BNS", "awaiting_clarification")
    Path("answer.txt").write_text("We mean referrals to the early help service.\n", encoding="utf-8")
    for form in BODY_FORMS:
        result = campaign("reply", "eh", form, "--file", "answer.txt", "--dry-run")
        assert "To: foi@barnsley.test" in result.stdout, form


@pytest.mark.parametrize("args", [
    ["extract", "eh", "--body", "Atlantis", "--dry-run"],
    ["send", "eh", "--body", "Atlantis", "--dry-run"],
    ["preview", "eh", "Atlantis"],
    ["deadline", "eh", "Atlantis"],
])
def test_an_unknown_body_is_one_clear_error_with_a_hint(campaign, args):
    result = campaign(*args, ok=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: No public body matches 'Atlantis'",
        "  Give a code (BNS, any case), a GSS code (E08000016) or the exact name; `foi councils list` shows them.",
    ]


def test_a_body_in_a_campaign_that_has_no_request_to_it_is_named_by_its_code(campaign):
    result = campaign("extract", "eh", "--body", "manchester city council", "--dry-run", ok=False)
    assert result.exit_code == 1 and "No request to 'MAN' in campaign 'eh'" in result.stderr


def _all_commands() -> list[tuple[str, click.Command]]:
    found = []
    for name, target in COMMANDS.items():
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        found.append((name, command))
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
    return found


def test_every_parameter_naming_a_body_uses_the_shared_body_type():
    """A new command cannot take a body its own way: any parameter that names a body
    (BODY, CODE or IDENTIFIER) goes through foi.cli.options."""
    naming = []
    for name, command in _all_commands():
        for param in command.params:
            label = (param.metavar or param.name or "").upper()
            if (name, param.name) == ("councils add", "code"):
                continue  # the code of a body being added: it must not exist yet
            if label in ("BODY", "CODE", "IDENTIFIER", "BODY_CODE", "BODIES", "CODES"):
                naming.append((name, param.name))
                assert isinstance(param.type, BodyType), (name, param.name)
    assert {n for n, _ in naming} >= {"extract", "chase", "send", "generate", "preview", "mark-sent",
                                      "answer", "set-state", "reply", "councils show", "councils set-email"}


def test_json_is_one_option_with_one_help_text():
    helps = {param.help for _, command in _all_commands() for param in command.params
             if "--json" in getattr(param, "opts", [])}
    assert helps == {"Print JSON instead of text or CSV."}
