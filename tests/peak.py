"""A command's own peak memory, processor time and wall time, measured from outside it.

What wait4 (or RUSAGE_CHILDREN) says of a child's peak resident memory starts from its
parent's: Linux carries the parent's high-water mark into the child across fork or vfork
and exec. A command started straight from pytest, or from a benchmark that has built a
campaign, would report their peak, not its own. So it is started by LAUNCHER, a small
Python process of a few MB, which runs it, waits for it and writes what wait4 says as the
last line of its standard error. The command's own output and exit status pass through.
Used by the tests that bound foi's memory and by bench/scalegen.py.
"""

import sys
from collections.abc import Sequence
from dataclasses import dataclass

MARK = "measured-by-launcher:"

LAUNCHER = f"""
import os, sys, time
started = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
code = os.waitstatus_to_exitcode(status)
sys.stderr.write(f"\\n{MARK} {{time.perf_counter() - started}} {{usage.ru_maxrss}} "
                 f"{{usage.ru_utime + usage.ru_stime}} {{code}}\\n")
sys.exit(code if code >= 0 else 128 - code)
"""


def launched(command: Sequence[str]) -> list[str]:
    """`command` as started by the launcher (give this to subprocess)."""
    return [sys.executable, "-I", "-S", "-c", LAUNCHER, *command]


@dataclass(frozen=True)
class Figures:
    seconds: float  # wall time from start to exit
    peak_bytes: int  # the largest resident memory of the command or of a process it waited for
    cpu_seconds: float  # user + system, with the processes it waited for
    exit_code: int  # negative: killed by that signal


def figures(stderr: str | bytes) -> tuple[Figures, str]:
    """The launcher's figures from a launched command's standard error, and that standard
    error without them."""
    text = stderr.decode(errors="replace") if isinstance(stderr, bytes) else stderr
    before, mark, line = text.rpartition(MARK)
    if not mark:
        raise AssertionError(f"the launcher wrote no figures; its standard error ends:\n{text[-2000:]}")
    seconds, peak_kib, cpu, code = line.split()
    return Figures(float(seconds), int(peak_kib) * 1024, float(cpu), int(code)), before.removesuffix("\n")
