"""Play a batch of generated replies through the real `foi` commands and score
what foi records.

The commands run in-process through click's CliRunner (the same entry point as
the `foi` executable, minus process start-up): `foi init`, `foi councils
import`, `foi campaign create`, `foi send --yes` (no SMTP: the requests land in
outbox/), then every reply is written as an .eml answering its request's
Message-ID, and `foi import FOLDER`, `foi extract SLUG`, `foi export SLUG --what
dataset --format json` and `foi status SLUG --json` are read back.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path

from .campaigns import CAMPAIGNS, CampaignDef
from .generate import Reply, generate_reply
from .mail import reply_eml

SENDER_NAME = "Data Project"
SENDER_EMAIL = "foi-campaign@example.org"
SENT = dt.datetime(2024, 3, 4, 10, 0, tzinfo=dt.UTC)
REPLIED = dt.datetime(2024, 3, 20, 9, 0, tzinfo=dt.UTC)
READ_AT = "2024-03-25T12:00:00+00:00"
SETTLED = ("answered", "suppressed", "not_held", "refused")

# foi's request states as the class an FOI officer records (anything else: "awaiting")
STATE_CLASS = {"answered": "answered", "answered_partial": "partial", "refused": "refused",
               "not_held": "not_held", "acknowledged": "acknowledgement",
               "awaiting_clarification": "clarification", "extended": "extended", "bounced": "bounced",
               "failed": "bounced"}


class FoiFailed(RuntimeError):
    pass


class Foi:
    """`foi ARGS` in-process, with a fixed clock and the campaign folder's database."""

    def __init__(self, folder: Path):
        from click.testing import CliRunner

        from foi.cli import cli

        self.cli, self.runner, self.folder = cli, CliRunner(), folder
        home = folder / "home"
        home.mkdir(parents=True, exist_ok=True)
        self.env = {"FOI_DB": str(folder / "campaign.db"), "HOME": str(home), "NO_COLOR": "1",
                    "FOI_SENDER_NAME": SENDER_NAME, "FOI_SENDER_EMAIL": SENDER_EMAIL,
                    "FOI_OUTBOX_COUNTS_AS_SENT": "true"}  # the generated councils read outbox/
        for key in os.environ:
            if key.startswith("FOI_") and key not in self.env:
                self.env[key] = None  # unset whatever the shell had

    def __call__(self, *args: str, now: str, ok: bool = True):
        cwd = os.getcwd()
        os.chdir(self.folder)
        try:
            result = self.runner.invoke(self.cli, list(args), env={**self.env, "FOI_NOW": now})
        finally:
            os.chdir(cwd)
        if ok and result.exit_code != 0:
            raise FoiFailed(f"foi {' '.join(args)} exited {result.exit_code}: {result.output[-800:]}"
                            + (f"\n{result.exc_info[1]!r}" if result.exc_info else ""))
        return result


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def campaign_toml(campaign: CampaignDef, slug: str, prefix: str, codes: list[str], kinds: set[str]) -> str:
    """The campaign file a user would write; a kind foi does not know yet is asked as a count."""
    lines = [f"slug = {_toml(slug)}", f"title = {_toml(campaign.title)}", f"prefix = {_toml(prefix)}",
             "recipients = [" + ", ".join(_toml(c) for c in codes) + "]",
             "periods = [" + ", ".join(_toml(p) for p in campaign.periods) + "]", ""]
    for q in campaign.questions:
        lines += ["[[questions]]", f"id = {_toml(q.id)}",
                  f"kind = {_toml(q.kind if q.kind in kinds else 'count')}", f"text = {_toml(q.text)}",
                  "labels = [" + ", ".join(_toml(label) for label in q.labels) + "]", ""]
    return "\n".join(lines)


@dataclass
class Played:
    reply: Reply
    slug: str
    body_code: str
    state: str | None = None
    rows: dict[tuple[str, str], dict] = field(default_factory=dict)


def plan_batch(count: int, codes: list[str]) -> list[tuple[CampaignDef, str, str, list[str]]]:
    """(campaign, slug, prefix, body codes) for `count` replies: as many campaigns as the
    register needs, cycling through the question sets."""
    parts = max(1, -(-count // len(codes)))
    out = []
    for k in range(parts):
        size = count // parts + (1 if k < count % parts else 0)
        campaign = CAMPAIGNS[k % len(CAMPAIGNS)]
        out.append((campaign, f"{campaign.key}-{k}", f"G{k}", codes[:size]))
    return out


def play_batch(count: int, seed: int, folder: Path, *, kinds: set[str] | None = None,
               progress: Callable[[str], None] = lambda _: None) -> list[Played]:
    """Generate `count` replies with `seed`, play them into `folder` and return what foi recorded."""
    folder.mkdir(parents=True, exist_ok=True)
    foi = Foi(folder)
    setup = SENT.replace(hour=9).isoformat()
    foi("init", now=setup)
    foi("councils", "export", "-o", str(folder / "register.csv"), now=setup)
    register = {r["code"]: r for r in csv.DictReader((folder / "register.csv").open(encoding="utf-8"))}
    domains = {code: r.get("domain") or f"{code.lower()}.gov.uk" for code, r in register.items()}
    with (folder / "addresses.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "foi_email"])
        writer.writerows([code, f"foi@{domain}"] for code, domain in sorted(domains.items()))
    foi("councils", "import", str(folder / "addresses.csv"), now=setup)
    if kinds is None:
        from foi.campaign.spec import KINDS
        kinds = set(KINDS)

    played: list[Played] = []
    inbox = folder / "inbox"
    index = 0
    for campaign, slug, prefix, codes in plan_batch(count, sorted(domains)):
        progress(f"campaign {slug}: {len(codes)} requests")
        source = folder / f"{slug}.toml"
        source.write_text(campaign_toml(campaign, slug, prefix, codes, kinds), encoding="utf-8")
        foi("campaign", "create", str(source), now=setup)
        before = set((folder / "outbox").rglob("*")) if (folder / "outbox").exists() else set()
        foi("send", slug, "--yes", now=SENT.isoformat())
        sent = sorted(p for p in (folder / "outbox").rglob("*") if p.is_file() and p not in before)
        # by body: councils that share an office share an address (one FOI team
        # answering for two districts), so the reference in the subject says which
        by_code = {}
        for path in sent:
            message = BytesParser(policy=default_policy).parsebytes(path.read_bytes())
            match = re.search(rf"\[{prefix}-([A-Z0-9]+)-", str(message["Subject"]))
            if match:
                by_code[match.group(1)] = message
        (inbox / slug).mkdir(parents=True, exist_ok=True)
        for code in codes:
            ours = by_code[code]
            reply = generate_reply(campaign, seed, index, council=register[code]["name"],
                                   received=SENT.date(), request_text=_text_of(ours))
            when = REPLIED + dt.timedelta(minutes=index % 600)
            (inbox / slug / f"{code}.eml").write_bytes(reply_eml(
                reply, our_subject=str(ours["Subject"]), our_message_id=str(ours["Message-ID"]),
                our_address=f"{SENDER_NAME} <{SENDER_EMAIL}>", council_address=f"foi@{domains[code]}",
                when=when))
            played.append(Played(reply, slug, code))
            index += 1
    progress(f"foi import {len(played)} replies")
    foi("import", str(inbox), now=READ_AT)
    for slug in dict.fromkeys(p.slug for p in played):
        progress(f"foi extract {slug}")
        foi("extract", slug, now=READ_AT)
        states = {r["body_code"]: r["state"] for r in json.loads(
            foi("status", slug, "--json", now=READ_AT).stdout)["requests"]}
        rows: dict[str, dict] = {}
        for row in json.loads(foi("export", slug, "--what", "dataset", "--format", "json", now=READ_AT).stdout):
            rows.setdefault(row["body_code"], {})[(row["question_id"], row["period"])] = row
        for p in played:
            if p.slug == slug:
                p.state = states.get(p.body_code)
                p.rows = rows.get(p.body_code, {})
    return played


def _text_of(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""
