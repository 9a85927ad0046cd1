"""Benchmark: foi at 1x, 3x and 10x the model campaign (time and peak memory).

Builds (or reuses, from --cache) a campaign folder at each scale the way a user gets
there (bench/scalegen.py: the real commands, a private Dovecot and `foi sync`), then
runs each command as a user runs it, `python -m foi ...` in the folder, interleaved
over --trials, and prints the median wall time and the peak RSS of the process
(os.wait4's ru_maxrss) and its CPU time per scale, and the growth 10x/1x.

Measured: a full `foi sync` from empty (all messages, with its extraction: the one that
built the folder, or --sync-trials more, each into a fresh copy of the sent campaign), `foi status`, `foi report` (text,
--json, --html), `foi export` (each --what kind) and `foi review`.

Run: python3 bench/scale.py [--scales 1,3,10] [--trials 5] [--sync-trials 1] [--rebuild]
     [--cache /tmp/foi-scale] [--only status,review] [--against ../main]
"""

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import common  # noqa: F401 - sets sys.path

from bench.scalegen import SLUG, build, foi_env, run, start_dovecot

TARGET_SECONDS = 1.0
TARGET_SYNC_MB = 400


def commands(out: Path) -> dict[str, list[str]]:
    """What a user runs in the folder, by the name printed in the table."""
    return {
        "status": ["status", SLUG],
        "report": ["report", SLUG],
        "report --json": ["report", SLUG, "--json"],
        "report --html": ["report", SLUG, "--html", str(out / "report.html")],
        "export dataset": ["export", SLUG, "--what", "dataset", "-o", str(out / "dataset.csv")],
        "export requests": ["export", SLUG, "--what", "requests", "-o", str(out / "requests.csv")],
        "export messages": ["export", SLUG, "--what", "messages", "-o", str(out / "messages.csv")],
        "export measures": ["export", SLUG, "--what", "measures", "-o", str(out / "measures.csv")],
        "export correspondence": ["export", SLUG, "--what", "correspondence", "-o", str(out / "letters.zip")],
        "export package": ["export", SLUG, "--what", "package", "-o", str(out / "package")],
        "review": ["review", SLUG],
    }


def measure_commands(folder: Path, trials: int, only: set[str] | None,
                     against: Path | None = None) -> dict[str, list[tuple[float, float, float]]]:
    """Each command `trials` times, interleaved; with `against`, each run of this checkout's
    foi is followed by the same command with that checkout's (its rows end in " (against)")."""
    out = Path(tempfile.mkdtemp(prefix="foi-scale-out-"))
    try:
        chosen = {name: args for name, args in commands(out).items() if not only or name in only}
        sides = [("", foi_env(folder))] + ([(" (against)", foi_env(folder, against))] if against else [])
        runs: dict[str, list[tuple[float, float, float]]] = {}
        for _ in range(trials):
            for name, args in chosen.items():
                for suffix, env in sides:
                    if name == "export package":
                        shutil.rmtree(out / "package", ignore_errors=True)
                    runs.setdefault(name + suffix, []).append(run(args, folder, env))
        return runs
    finally:
        shutil.rmtree(out, ignore_errors=True)


def measure_sync(paths, trials: int) -> list[tuple[float, float, float]]:
    server, imap = start_dovecot(paths.maildir)
    runs = []
    try:
        for trial in range(trials):
            folder = paths.root / f"sync-trial{trial}"
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(paths.template, folder)
            try:
                runs.append(run(["sync"], folder, {**foi_env(folder), **imap}))
            finally:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        server.stop()
    return runs


def print_table(results: dict[float, dict[str, list[tuple[float, float, float]]]], sizes: dict[float, dict]) -> None:
    print("\n## sizes")
    for k, size in sizes.items():
        print(f"  {k:g}x: " + ", ".join(f"{value:,} {name}" for name, value in size.items()
                                        if name not in ("k", "sync")))
    print("\n## k | command | median s | median CPU s | peak MB | runs (s)")
    for k, by_command in results.items():
        for name, runs in by_command.items():
            seconds, cpu = statistics.median(r[0] for r in runs), statistics.median(r[2] for r in runs)
            shown = ", ".join(f"{r[0]:.2f}" for r in runs)
            print(f"  {k:>4g}x | {name:<22} | {seconds:8.3f} | {cpu:8.3f} | {max(r[1] for r in runs):7.0f} | {shown}")
    scales = sorted(results)
    if len(scales) < 2:
        return
    low, high = scales[0], scales[-1]
    print(f"\n## growth {high:g}x / {low:g}x (work grows {high / low:g}x), and the targets at {high:g}x")
    for name in results[high]:
        if name not in results[low]:
            continue
        t_low, t_high = (statistics.median(r[0] for r in results[k][name]) for k in (low, high))
        c_low, c_high = (statistics.median(r[2] for r in results[k][name]) for k in (low, high))
        m_low, m_high = (max(r[1] for r in results[k][name]) for k in (low, high))
        if name == "sync":
            verdict = f"peak < {TARGET_SYNC_MB} MB: {'met' if m_high < TARGET_SYNC_MB else 'NOT met'}"
        else:
            verdict = f"< {TARGET_SECONDS:g} s: {'met' if t_high < TARGET_SECONDS else 'NOT met'}"
        print(f"  {name:<22} time {t_high / t_low:5.2f}x  CPU {c_high / c_low:5.2f}x  memory {m_high / m_low:5.2f}x"
              f"   ({verdict})")


def print_against(results: dict[float, dict[str, list[tuple[float, float, float]]]]) -> None:
    print("\n## this checkout against the other: median s and CPU s, ratio of medians (this / other)")
    for k, by_command in results.items():
        for name, runs in by_command.items():
            other = by_command.get(name + " (against)")
            if other is None:
                continue
            t, t0 = statistics.median(r[0] for r in runs), statistics.median(r[0] for r in other)
            c, c0 = statistics.median(r[2] for r in runs), statistics.median(r[2] for r in other)
            print(f"  {k:>4g}x | {name:<22} | {t0:7.3f} -> {t:7.3f} s ({t / t0:4.2f}x) | "
                  f"CPU {c0:6.3f} -> {c:6.3f} s ({c / c0:4.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,3,10", help="comma-separated scale factors")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--sync-trials", type=int, default=0,
                        help="full syncs to time again (0: show the one that built the folder)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "foi-scale")
    parser.add_argument("--rebuild", action="store_true", help="build the folders again")
    parser.add_argument("--only", help="comma-separated command names (as printed) to measure")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT",
                        help="also run each command with this checkout's foi (e.g. a worktree of main), "
                             "interleaved, and print the ratio")
    args = parser.parse_args()
    scales = [float(s) for s in args.scales.split(",")]
    only = set(args.only.split(",")) if args.only else None

    results: dict[float, dict[str, list[tuple[float, float, float]]]] = {}
    sizes = {}
    for k in scales:
        if args.rebuild:
            shutil.rmtree(args.cache / f"k{k:g}", ignore_errors=True)
        started = time.perf_counter()
        paths = build(args.cache, k, log=lambda line: print(line, file=sys.stderr, flush=True))
        sizes[k] = json.loads(paths.built.read_text())
        print(f"{k:g}x ready in {time.perf_counter() - started:.0f} s: {paths.root}", file=sys.stderr, flush=True)
        results[k] = measure_commands(paths.synced, args.trials, only, args.against)
        if args.sync_trials and (not only or "sync" in only):
            results[k]["sync"] = measure_sync(paths, args.sync_trials)
        elif not only or "sync" in only:  # the build's own sync, from empty
            sync = sizes[k]["sync"]
            results[k]["sync"] = [(sync["seconds"], sync["peak_mb"], sync.get("cpu", float("nan")))]
    print_table(results, sizes)
    if args.against:
        print_against(results)


if __name__ == "__main__":
    main()
