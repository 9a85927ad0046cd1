"""Reading untrusted files within limits: each call runs in a worker process whose
memory, processor time, wall time and output are capped.

A campaign address receives mail from anyone. A parser fed a crafted file can
take gigabytes or never return, whatever format it is in; limits put around each
format would each have their own gap. So every read of a received file (a message
parsed, an attachment unpacked, a document read into tables) goes through `call`:
the work runs in a separate Python process that reads one job at a time, and when a
job goes past a limit the worker is stopped, the caller gets `ReadFailure` with the
reason in words, and the next job gets a fresh worker. The caller records the
reason and goes on to the next file; the raw bytes are never touched.

The worker is started on first use (about 0.1 s) and reused for every job that
stays within the limits, so a sync of thousands of ordinary messages pays for one
start, not one per message.
"""

from __future__ import annotations

import atexit
import importlib
import os
import pickle
import re
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

MB = 1024 * 1024
_FRAME = struct.Struct("!Q")
_OUT_OF_MEMORY = 86  # the worker's exit status when a job ran out of memory


@dataclass(frozen=True)
class ReadLimits:
    """What one read may take. Councils' files are read in well under a second and a
    few tens of MB; these leave room for a large legitimate spreadsheet."""

    memory_mb: int = 512  # address space a job may add to the worker's own
    cpu_seconds: float = 30.0
    wall_seconds: float = 60.0
    output_mb: int = 256  # what a job may hand back (tables read from one file)
    message_seconds: float = 120.0  # one message's files together (a zip of thousands of slow files)
    isolate: bool = True  # False: run in this process, unbounded (for debugging a reader)


class ReadFailure(Exception):
    """A read went past a limit, its reader failed or its worker died; str() says why in words."""


def call(function: Callable[..., Any], *args: Any) -> Any:
    """function(*args) run within the current limits; raises ReadFailure. `function` must be
    a module-level function (the worker imports it by name) and args and result picklable."""
    return _POOL.worker().call(function, *args)


def configure(limits: ReadLimits) -> None:
    """Use `limits` from now on (the CLI calls this with the [limits] settings)."""
    _POOL.limits = limits


def current_limits() -> ReadLimits:
    return _POOL.limits


def reset() -> None:
    """Stop the worker and go back to the default limits (a test's teardown; the next
    job starts a worker in the current folder and environment)."""
    _POOL.close()
    _POOL.limits = ReadLimits()


class _Pool:
    """The worker of each thread of this process (one thread's reads never wait on
    another's: a sync reads its next batch in a thread), replaced when the limits change."""

    def __init__(self) -> None:
        self.limits = ReadLimits()
        self.workers: dict[int, Worker] = {}
        self.lock = threading.Lock()
        atexit.register(self.close)

    def worker(self) -> Worker:
        thread = threading.get_ident()
        with self.lock:
            current = self.workers.get(thread)
            if current is None or current.limits != self.limits:
                if current is not None:
                    current.close()
                current = self.workers[thread] = Worker(self.limits)
            return current

    def close(self) -> None:
        with self.lock:
            workers, self.workers = list(self.workers.values()), {}
        for worker in workers:
            worker.close()

    def close_own(self) -> None:
        with self.lock:
            worker = self.workers.pop(threading.get_ident(), None)
        if worker is not None:
            worker.close()


def close_own_worker() -> None:
    """Stop the calling thread's worker (a thread that is done reading)."""
    _POOL.close_own()


class Worker:
    """One worker process at a time, started when a job needs it and replaced after
    a job that went past a limit (its memory may be fragmented, its state unknown)."""

    def __init__(self, limits: ReadLimits):
        self.limits = limits
        self.process: subprocess.Popen | None = None

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        if not self.limits.isolate or not _CAN_ISOLATE:
            return function(*args)
        job = pickle.dumps((function.__module__, function.__qualname__, args), pickle.HIGHEST_PROTOCOL)
        process = self._started()
        try:
            _write_frame(process.stdin, job)
        except (BrokenPipeError, OSError):
            self.close()
            process = self._started()  # it died between jobs: one retry with a fresh worker
            _write_frame(process.stdin, job)
        return self._answer(process)

    def _started(self) -> subprocess.Popen:
        if self.process is None or self.process.poll() is not None:
            limits = self.limits
            command = [sys.executable, "-m", "foi.bounded", str(limits.memory_mb), str(limits.cpu_seconds),
                       str(limits.output_mb)]
            # Parsers print warnings about malformed files: none of that reaches the user's terminal.
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL, env=_worker_env(), close_fds=True)
        return self.process

    def _answer(self, process: subprocess.Popen) -> Any:
        assert process.stdout is not None  # set by Popen(stdout=PIPE)
        deadline = time.monotonic() + self.limits.wall_seconds
        try:
            head = _read_exactly(process.stdout, _FRAME.size, deadline)
            (size,) = _FRAME.unpack(head)
            if size > self.limits.output_mb * MB + MB:
                raise ReadFailure(f"gave back over {self.limits.output_mb} MB")
            status, value = pickle.loads(_read_exactly(process.stdout, size, deadline))
        except TimeoutError:
            self.close()
            raise ReadFailure(f"took over {self.limits.wall_seconds:g} s") from None
        except EOFError:
            raise ReadFailure(self._death()) from None
        except ReadFailure:
            self.close()
            raise
        if status == "ok":
            return value
        if status == "output":
            raise ReadFailure(f"gave back over {self.limits.output_mb} MB ({value // MB} MB)")
        raise ReadFailure(value)  # "error": a reader raised; value says what

    def _death(self) -> str:
        """Why the worker stopped without answering, in words."""
        process = self.process
        self.process = None
        if process is None:
            return "the reader stopped"
        code = process.wait()
        if code == _OUT_OF_MEMORY:
            return f"needed over {self.limits.memory_mb} MB of memory"
        if code in (-signal.SIGXCPU, -signal.SIGKILL):
            return f"took over {self.limits.cpu_seconds:g} s of processor time"
        if code < 0:
            return f"the reader crashed ({signal.Signals(-code).name})"
        return f"the reader stopped (exit status {code})"

    def close(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout) if process else ():
            if stream:
                stream.close()


_POOL = _Pool()

try:
    import resource

    _CAN_ISOLATE = hasattr(os, "fork")
except ImportError:  # not a POSIX system: reads run unbounded in this process
    _CAN_ISOLATE = False


def _worker_env() -> dict[str, str]:
    """The worker imports foi from where this process did, whatever PYTHONPATH says."""
    root = str(Path(__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH", "")
    # a reader of hostile files needs no credentials: none is handed to it
    kept = {k: v for k, v in os.environ.items() if not _SECRET_NAME.search(k)}
    return {**kept, "PYTHONPATH": os.pathsep.join(p for p in (root, path) if p)}


_SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET|CREDENTIAL|_KEY\b", re.IGNORECASE)


def _write_frame(stream: IO[bytes] | None, data: bytes) -> None:
    assert stream is not None  # set by Popen(stdin=PIPE)
    stream.write(_FRAME.pack(len(data)) + data)
    stream.flush()


def _read_exactly(stream: IO[bytes], size: int, deadline: float) -> bytes:
    """`size` bytes from the worker, or TimeoutError past `deadline`, EOFError if it died."""
    chunks, left = [], size
    descriptor = stream.fileno()
    while left:
        wait = deadline - time.monotonic()
        if wait <= 0 or not select.select([descriptor], [], [], wait)[0]:
            raise TimeoutError
        chunk = os.read(descriptor, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# ---- the worker side ------------------------------------------------------------


def _serve(memory_mb: int, cpu_seconds: float, output_mb: int) -> None:
    """Read jobs from stdin, answer on stdout, until stdin closes (the caller ended)."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a reader's print() must not corrupt the answers
    while head := stdin.read(_FRAME.size):
        (size,) = _FRAME.unpack(head)
        module, name, args = pickle.loads(stdin.read(size))
        try:
            function = _function(module, name)  # importing foi's own code is not the file's cost
            _limit(memory_mb, cpu_seconds)
            answer = ("ok", function(*args))
            data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
            if len(data) > output_mb * MB:
                data = pickle.dumps(("output", len(data)))
        except MemoryError:
            os._exit(_OUT_OF_MEMORY)  # nothing more can be trusted to allocate: the caller says why
        except Exception as error:  # noqa: BLE001 - any reader failure is reported, the worker goes on
            data = pickle.dumps(("error", f"{type(error).__name__}: {error}"[:500]))
        _unlimit()
        stdout.write(_FRAME.pack(len(data)) + data)
        stdout.flush()


def _function(module: str, name: str) -> Callable[..., Any]:
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def _limit(memory_mb: int, cpu_seconds: float) -> None:
    """Cap this job: address space beyond what the worker already holds, and processor
    time beyond what it has used (RLIMIT_CPU counts the whole process)."""
    size = _address_space()
    if size:  # where the address space cannot be read (no /proc), processor and wall time still bound the job
        resource.setrlimit(resource.RLIMIT_AS, (size + memory_mb * MB, resource.RLIM_INFINITY))
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    soft = int(spent + cpu_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))


def _unlimit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def _address_space() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * resource.getpagesize()
    except OSError:
        return 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to foi, which stops the worker
    _serve(int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]))
