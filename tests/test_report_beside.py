"""On a large campaign the report works out the requests' side in a forked process: the
report is the same as one worked out in a single process, and a forked process that fails
leaves the work to the caller's."""

import json
import os
import threading
import time

import pytest
from report_campaign import SLUG, campaign  # noqa: F401 (a fixture)

from foi.dbread import ReadingDb
from foi.report import beside as beside_module, summary
from foi.report.beside import beside


@pytest.fixture
def two_cores(monkeypatch):
    """A second core free, and this process taken for one with one thread (earlier tests
    may leave threads behind; the fork is tested here, the threads' guard below)."""
    monkeypatch.setattr(beside_module, "cores", lambda: 2)
    monkeypatch.setattr(beside_module, "threads", lambda: 1)


def test_the_report_is_the_same_worked_out_beside_or_alone(campaign, run, monkeypatch, two_cores):  # noqa: F811
    monkeypatch.setattr(summary, "BESIDE_FROM", 1_000_000)
    alone = json.loads(run("report", SLUG, "--json").stdout)
    forked = []
    started = beside_module.multiprocessing.get_context("fork").Process.start

    def start(process):
        forked.append(process)
        started(process)

    monkeypatch.setattr(beside_module.multiprocessing.get_context("fork").Process, "start", start)
    monkeypatch.setattr(summary, "BESIDE_FROM", 1)
    assert json.loads(run("report", SLUG, "--json").stdout) == alone
    assert len(forked) == 1
    assert alone["requests"]["recipients"] > 0 and alone["councils"]


def test_the_work_runs_in_another_process_and_falls_back_to_this_one(campaign, two_cores):  # noqa: F811
    here = os.getpid()
    with beside(campaign, lambda db: (os.getpid(), db.execute("SELECT count(*) FROM requests").fetchone()[0]),
                True) as side:
        pid, requests = side.result()
    assert pid != here and requests == campaign.execute("SELECT count(*) FROM requests").fetchone()[0]

    def fails_unless_here(db):
        if os.getpid() != here:
            raise RuntimeError("the forked process fails")
        return isinstance(db, type(campaign)) and "worked out here"

    with beside(campaign, fails_unless_here, True) as side:
        assert side.result() == "worked out here"  # with the caller's own database


def test_not_worthwhile_or_in_memory_it_is_worked_out_here(tmp_path, two_cores):
    import sqlite3

    memory = ReadingDb(sqlite3.connect(":memory:"))
    with beside(memory, lambda db: os.getpid(), True) as side:
        assert side.result() == os.getpid()
    with beside(ReadingDb(sqlite3.connect(tmp_path / "x.db")), lambda db: os.getpid(), False) as side:
        assert side.result() == os.getpid()


def test_a_side_left_unasked_is_not_left_running(campaign, two_cores):  # noqa: F811
    started = []

    def fail_first() -> None:
        with beside(campaign, lambda db: time.sleep(30), True) as side:
            started.append(side._process)
            raise KeyboardInterrupt  # the user gave up before the report was made

    with pytest.raises(KeyboardInterrupt):
        fail_first()
    assert started[0] is not None and not started[0].is_alive()


def test_a_process_with_another_thread_is_not_forked(campaign, two_cores, monkeypatch):  # noqa: F811
    monkeypatch.setattr(beside_module, "threads", lambda: 2)
    with beside(campaign, lambda db: os.getpid(), True) as side:
        assert side.result() == os.getpid()
    monkeypatch.undo()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert beside_module.threads() >= 2  # what the guard counts
    finally:
        stop.set()
        other.join()
