"""Shared by the benchmark scripts: timing with interleaved trials and medians.

Machines are shared and noisy, so each side runs several times, alternating,
and we compare medians rather than single runs.
"""

import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run_where_foi_s_libraries_are() -> None:
    """`python3 bench/x.py` from a plain shell runs the system Python, which has none of
    foi's libraries: run the same command again with the checkout's .venv (made by
    ./scripts/setup-env), or the active virtualenv's Python."""
    if importlib.util.find_spec("sqlite_utils") is not None:
        return
    places = [ROOT / ".venv"] + ([Path(os.environ["VIRTUAL_ENV"])] if os.environ.get("VIRTUAL_ENV") else [])
    for place in places:
        python = place / "bin" / "python"
        if python.exists() and Path(sys.prefix).resolve() != place.resolve():  # not the one running
            os.execv(python, [str(python), *sys.argv])
    sys.exit(f"The benchmarks need foi's libraries, which {sys.executable} does not have: "
             "run ./scripts/setup-env once (it makes .venv), then run this again.")


_run_where_foi_s_libraries_are()
for path in (ROOT, ROOT / "tests"):  # the checkout's foi, and the tests' servers and builders
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def interleaved(sides: dict[str, Callable[[], object]], trials: int,
                before: Callable[[], object] | None = None) -> dict[str, list[float]]:
    """Run each side `trials` times, alternating, and return every timing."""
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(trials):
        for name, work in sides.items():
            if before:
                before()
            times[name].append(timed(work))
    return times


def report(title: str, times: dict[str, list[float]], foi: str, raw: str, target: float) -> float:
    """Print each side's runs and median, and the ratio of medians against the target."""
    print(f"## {title}")
    for name, runs in times.items():
        shown = ", ".join(f"{t:.3f}" for t in runs)
        print(f"  {name:<12} median {statistics.median(runs):.3f} s   runs: {shown}")
    ratio = statistics.median(times[foi]) / statistics.median(times[raw])
    verdict = "met" if ratio <= target else "NOT met"
    print(f"  ratio {foi}/{raw} = {ratio:.2f}x (target <= {target}x: {verdict})")
    return ratio

