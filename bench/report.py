"""Benchmark: `foi report` (terminal, --json, --html) on the demo campaign and on a copy ten
times its size, each run as a user runs it (a subprocess in the campaign folder), against
the yardstick of reading the same data without foi: one SQL query of the dataset view
written out as CSV by Python's sqlite3 and csv modules, also a subprocess.

The demo folder is made once with `foi demo` and kept under /tmp (--rebuild makes it
again); the copy is made from it by bench/scaled_campaign.py. --folder times another
campaign folder too (e.g. one made by bench/scale.py), with --slug and --now.

--against CHECKOUT times that checkout's foi too, in the same interleaved runs (before and
after a change: `git worktree add /tmp/foi-before main`).

Run: python3 bench/report.py [--trials 5] [--times 10] [--folder PATH] [--against CHECKOUT]
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import common
from common import interleaved
from scaled_campaign import scale_folder

CACHE = Path(tempfile.gettempdir()) / "foi-bench-report"
DEMO_NOW = "2026-05-20"  # the day `foi demo` reports as of
TARGET = 1.0  # seconds, every format, at ten times the model campaign

# What a user without foi would run: the dataset view to a CSV file.
YARDSTICK = """
import csv, sqlite3, sys
db = sqlite3.connect("campaign.db")
rows = db.execute("SELECT * FROM dataset WHERE campaign = ?", [sys.argv[1]])
with open(sys.argv[2], "w", newline="", encoding="utf-8") as out:
    writer = csv.writer(out)
    writer.writerow([c[0] for c in rows.description])
    writer.writerows(rows)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--times", type=int, default=10, help="the copy's size, in demos")
    parser.add_argument("--folder", type=Path, help="another campaign folder to time as well")
    parser.add_argument("--slug", default="early-help", help="its campaign (with --folder)")
    parser.add_argument("--now", default=DEMO_NOW, help="its FOI_NOW (with --folder)")
    parser.add_argument("--rebuild", action="store_true", help="make the demo and its copy again")
    parser.add_argument("--against", type=Path, help="another checkout of foi to time in the same runs")
    args = parser.parse_args()
    demo = demo_folder(args.rebuild)
    scaled = CACHE / f"demo-x{args.times}"
    if args.rebuild or not (scaled / "campaign.db").exists():
        counts = scale_folder(demo, scaled, args.times)
        print(f"made {scaled}: " + ", ".join(f"{n:,} {table}" for table, n in counts.items()))
    folders = [("demo", demo, "early-help", DEMO_NOW), (f"demo x{args.times}", scaled, "early-help", DEMO_NOW)]
    if args.folder:
        folders.append((str(args.folder), args.folder.resolve(), args.slug, args.now))
    for name, folder, slug, now in folders:
        with tempfile.TemporaryDirectory(prefix="foi-bench-report-") as out:
            time_folder(name, folder, slug, now, args.trials, args.against, Path(out))


def demo_folder(rebuild: bool) -> Path:
    folder = CACHE / "demo"
    if rebuild or not (folder / "campaign.db").exists():
        CACHE.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "foi", "demo", str(folder)], env=foi_env(DEMO_NOW), check=True,
                       stdout=subprocess.DEVNULL)
    return folder


def foi_env(now: str, checkout: Path = common.ROOT) -> dict[str, str]:
    """As a user runs it: .pyc files written (and read) as for an installed foi."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(checkout), "FOI_NOW": now}


def time_folder(name: str, folder: Path, slug: str, now: str, trials: int, against: Path | None,
                out: Path) -> None:
    """Time each format and the yardstick in `folder`; their files go to `out`."""
    formats = {"report": [], "--json": ["--json"], "--html": ["--html", str(out / "report.html")]}
    commands = {label: (foi_env(now), [sys.executable, "-m", "foi", "report", slug, *extra])
                for label, extra in formats.items()}
    if against:
        commands |= {f"{label} ({against.name})": (foi_env(now, against.resolve()), command)
                     for label, (_, command) in list(commands.items())}
    commands["sql+csv"] = (foi_env(now), [sys.executable, "-c", YARDSTICK, slug, str(out / "dataset.csv")])

    cpu: dict[str, list[float]] = {label: [] for label in commands}

    def run(how: tuple[dict[str, str], list[str]], label: str = "") -> None:
        env, command = how
        before = children_cpu()
        subprocess.run(command, cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if label:
            cpu[label].append(children_cpu() - before)

    for command in commands.values():  # warm the OS cache and .pyc files, and check each works
        run(command)
    times = interleaved({label: lambda command=command, label=label: run(command, label)
                         for label, command in commands.items()}, trials)
    raw = statistics.median(times["sql+csv"])
    raw_cpu = statistics.median(cpu["sql+csv"])
    print(f"## foi report, {name} ({requests(folder, slug):,} requests), {trials} interleaved runs "
          "(wall time; CPU time, user + system, moves less on a shared machine)")
    for label, runs in times.items():
        median, used = statistics.median(runs), statistics.median(cpu[label])
        shown = ", ".join(f"{t:.3f}" for t in runs)
        verdict = "" if label == "sql+csv" else (
            f"  {median / raw:.1f}x sql+csv (CPU {used / raw_cpu:.1f}x); "
            f"< {TARGET:g} s: {'met' if median < TARGET else 'NOT met'}")
        print(f"  {label:<20} median {median:.3f} s, CPU {used:.3f} s{verdict}   runs: {shown}")


def children_cpu() -> float:
    """User + system seconds of every child process waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def requests(folder: Path, slug: str) -> int:
    import sqlite3

    with sqlite3.connect(folder / "campaign.db") as db:
        return db.execute("SELECT count(*) FROM requests WHERE campaign = ?", [slug]).fetchone()[0]


if __name__ == "__main__":
    main()
