"""Benchmark: CLI start-up. `foi --help` and `foi status SLUG` on a 153-request
campaign, as subprocesses, against `python -c pass` (the floor: the interpreter itself).

Run: python3 bench/startup.py [--runs 10]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import common
from common import timed

from tests.builders import make_campaign


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="foi-bench-startup-"))
    try:
        cwd = os.getcwd()
        os.chdir(work)
        references = make_campaign(str(work / "campaign.db"), slug="eh")
        os.chdir(cwd)
        env = {**os.environ, "PYTHONPATH": str(common.ROOT), "FOI_NOW": "2026-03-04T10:00:00+00:00"}
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "foi --help": [sys.executable, "-m", "foi", "--help"],
            f"foi status eh ({len(references)} requests)": [sys.executable, "-m", "foi", "status", "eh"],
        }
        for command in commands.values():  # warm the OS cache and .pyc files, and check it works
            subprocess.run(command, cwd=work, env=env, check=True, capture_output=True)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(lambda command=command: subprocess.run(command, cwd=work, env=env, check=True,
                                                                                 capture_output=True)))
        print(f"## start-up, median of {args.runs} runs (target < 0.3 s)")
        floor = statistics.median(times["python -c pass"])
        for name, runs in times.items():
            median = statistics.median(runs)
            verdict = "" if name.startswith("python") else ("  met" if median < 0.3 else "  NOT met")
            print(f"  {name:<32} median {median:.3f} s  ({median / floor:.1f}x the floor){verdict}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
