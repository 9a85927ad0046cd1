"""Part of a report or export worked out beside the rest, in a forked process where a core is free.

The report's two halves (the requests' states and deadlines; the figures and measures)
read the database apart and meet only at the end, as do the data package's measures and
its other tables: on two cores, the one can be worked out while the other is. The forked
process opens the database file again (a connection opened before a fork is not the
child's to use), reads only, and sends its result back. Should it fail in any way, the
work is done again in the caller's process, so an error reaches the user as it would have
without the fork.
"""

import functools
import multiprocessing
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

from foi.dbread import Queries, ReadingDb

T = TypeVar("T")


class Beside(Generic[T]):
    """The result of `work()`: worked out here, or by a forked process."""

    def __init__(self, work: Callable[[], T], pipe: Connection | None = None,
                 process: multiprocessing.process.BaseProcess | None = None):
        self._work, self._pipe, self._process = work, pipe, process

    def result(self) -> T:
        if self._pipe is None or self._process is None:
            return self._work()
        try:
            done, value = self._pipe.recv()
        except (EOFError, OSError):  # the process died without a word
            done, value = False, None
        self._process.join()
        self._pipe, self._process = None, None
        return value if done else self._work()

    def abandon(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join()


@contextmanager
def beside(db: Queries, work: Callable[[Queries], T], worthwhile: bool) -> Iterator[Beside[T]]:
    """`work(db)` started beside the caller's own work, if `worthwhile` and a core is free;
    ask for its result() within the block."""
    path = database_file(db)
    in_child = functools.partial(_on_file, work, path) if path is not None else None
    with alongside(functools.partial(work, db), worthwhile and in_child is not None, in_child) as side:
        yield side


@contextmanager
def alongside(work: Callable[[], T], worthwhile: bool, in_child: Callable[[], T] | None = None,
              ) -> Iterator[Beside[T]]:
    """`work()` (`in_child()` where given: the same work, as a forked process must do it)
    started beside the caller's own work, if `worthwhile` and a core is free; ask for its
    result() within the block."""
    # Forked only from a process with one thread: a lock another thread held at the fork
    # (in sqlite3, say) would stay held in the child for ever.
    if not worthwhile or cores() < 2 or threads() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield Beside(work)
        return
    receiving, sending = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(target=_run, args=(in_child or work, sending), daemon=True)
    process.start()
    sending.close()
    side = Beside(work, receiving, process)
    try:
        yield side
    finally:
        side.abandon()  # left unasked (the caller failed first): not left running
        receiving.close()


def _on_file(work: Callable[[Queries], T], path: str) -> T:
    """`work` on the database file at `path`, opened again (in a forked process)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA busy_timeout = 5000")
    return work(ReadingDb(conn))


def _run(work: Callable[[], object], pipe: Connection) -> None:
    try:
        value = work()
    except BaseException:  # noqa: BLE001 - any failure: the caller works it out itself, and says what went wrong
        pipe.send((False, None))
        return
    pipe.send((True, value))


def database_file(db: Queries) -> str | None:
    """The file of the database's main schema; None for one in memory."""
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main":
            return row[2] or None
    return None


def threads() -> int:
    """The threads running in this process."""
    return threading.active_count()


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
