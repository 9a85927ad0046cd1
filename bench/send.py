"""Benchmark: `foi send` (plan_send + apply_send over SMTP, throttling off) against a
raw smtplib loop sending the same message bytes over one connection.

500 requests (two campaigns of 250 councils) to a local aiosmtpd server that only
records what it accepts. Each foi trial starts from a fresh copy of the drafts. foi
renders, builds, keeps and records every message exactly once (one durable commit per
batch); the raw loop only hands over bytes foi made in a warm-up run.

Run: python3 bench/send.py [--trials 5]
     python3 bench/send.py --profile   # one foi send of the 500 under cProfile
"""

import argparse
import datetime as dt
import multiprocessing
import shutil
import smtplib
import sqlite3
import sys
import tempfile
from pathlib import Path

import common  # noqa: F401 - sets sys.path
from common import interleaved, report
from mailservers import Behaviour, SmtpServer

from foi.blobs import blob_dir
from foi.config import load_config
from foi.db import connect
from foi.letters.render import renderer_for, sender_from_config
from foi.register.councils import load_register
from foi.sending.send import apply_send, plan_send, sending_from_config
from tests.builders import create_campaign

NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)
SLUGS = ("eh", "ei")


def build_drafts(db_path: Path, per_campaign: int = 250) -> None:
    db = connect(db_path)
    load_register(db)
    codes = [row["code"] for row in db.query("SELECT code FROM bodies ORDER BY code")][:per_campaign]
    for code in codes:
        db["bodies"].update(code, {"foi_email": f"foi-{code.lower()}@councils.test"})
    for slug in SLUGS:
        create_campaign(db, db_path.parent, slug=slug, recipients=codes, now="2026-03-01T09:00:00+00:00")
    db.close()


def profile(foi_send, top: int = 35) -> None:
    """One foi send under cProfile: the top functions by cumulative and by own time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(foi_send)
    for order in ("cumulative", "tottime"):
        print(f"## one foi send of 500 requests under cProfile, by {order} time")
        pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(order).print_stats(top)


class ServerProcess:
    """The same aiosmtpd server in a process of its own, as a real SMTP server is: in the
    benchmark's process it shares the interpreter lock with the client, so nothing the
    client does while the server answers can overlap with the server's work.
    count() and reset() are asked over a pipe."""

    def __init__(self):
        self.port = 0
        self._pipe, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("fork").Process(target=self._serve, args=(child,), daemon=True)

    def start(self) -> "ServerProcess":
        self._process.start()
        self.port = self._pipe.recv()
        return self

    @staticmethod
    def _serve(pipe) -> None:
        server = SmtpServer().start()
        server.handler.reset(Behaviour())  # record only, deliver nowhere
        pipe.send(server.port)
        while (asked := pipe.recv()) != "stop":
            if asked == "reset":
                server.handler.reset(Behaviour())
            pipe.send(server.handler.count())
        server.stop()

    def count(self) -> int:
        self._pipe.send("count")
        return self._pipe.recv()

    def reset(self) -> None:
        self._pipe.send("reset")
        self._pipe.recv()

    def stop(self) -> None:
        self._pipe.send("stop")
        self._process.join(10)


class ServerThread:
    """The aiosmtpd server in a thread of the benchmark's own process (as the tests run it)."""

    def __init__(self):
        self._server = SmtpServer()

    def start(self) -> "ServerThread":
        self._server.start()
        self._server.handler.reset(Behaviour())  # record only, deliver nowhere
        self.port = self._server.port
        return self

    def count(self) -> int:
        return self._server.handler.count()

    def reset(self) -> None:
        self._server.handler.reset(Behaviour())

    def stop(self) -> None:
        self._server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="run one foi send under cProfile")
    parser.add_argument("--server", choices=("process", "thread"), default="process",
                        help="run the SMTP server in its own process (as a real one is; the default) or in a "
                             "thread of this one (sharing its interpreter lock with both sides)")
    args = parser.parse_args()
    server = (ServerProcess() if args.server == "process" else ServerThread()).start()
    work = Path(tempfile.mkdtemp(prefix="foi-bench-send-"))
    try:
        template = work / "template" / "campaign.db"
        template.parent.mkdir()
        build_drafts(template)
        config = load_config(env={"FOI_SMTP_HOST": "127.0.0.1", "FOI_SMTP_PORT": str(server.port),
                                  "FOI_SMTP_SECURITY": "none", "FOI_SEND_RATE": "0",
                                  "FOI_SENDER_NAME": "Children's Rights Campaign",
                                  "FOI_SENDER_EMAIL": "campaigns@charity.test"})
        trial = iter(range(1_000_000))
        state = {}

        def fresh_copy() -> None:
            server.reset()
            folder = work / f"trial{next(trial)}"
            folder.mkdir()
            shutil.copy(template, folder / "campaign.db")
            state["db_path"] = folder / "campaign.db"

        def foi_send() -> None:
            db_path = state["db_path"]
            db = connect(db_path)
            for slug in SLUGS:
                plan = plan_send(db, slug, renderer_for(db, slug, sender_from_config(config)))
                result = apply_send(db, plan, sending_from_config(config, db_path, now=lambda: NOW))
                assert sum(o.status == "sent" for o in result.outcomes) == 250, result
            db.close()
            assert server.count() == 500
            state["last"] = db_path

        fresh_copy()
        foi_send()  # warm-up, and the bytes the raw side sends
        if args.profile:
            fresh_copy()
            profile(foi_send)
            return
        with sqlite3.connect(state["last"]) as conn:
            sent = conn.execute("SELECT to_addr, raw_sha256 FROM outgoing ORDER BY id").fetchall()
        blobs = blob_dir(state["last"])
        messages = [(to, (blobs / sha[:2] / sha).read_bytes()) for to, sha in sent]

        def raw_smtplib() -> None:
            with smtplib.SMTP("127.0.0.1", server.port) as smtp:
                for to, raw in messages:
                    smtp.sendmail("campaigns@charity.test", [to], raw)
            assert server.count() == 500

        times = interleaved({"foi send": foi_send, "smtplib": raw_smtplib}, args.trials, before=fresh_copy)
        report("send 500 requests over SMTP", times, "foi send", "smtplib", 2.0)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
