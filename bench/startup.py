"""Benchmark: CLI start-up. `foi --help` and `foi status early-help` on the model campaign
(the demonstration campaign `foi demo` makes: 153 councils, their replies, chases and
reviews), as subprocesses, against `python -c pass` (the floor: the interpreter itself).

Bytecode is cached as on a user's machine (PYTHONDONTWRITEBYTECODE is dropped for the
children: without the cache every run compiles foi afresh).

Run: python3 bench/startup.py [--runs 15]
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

TARGETS = {"foi --help": 0.3, "foi status early-help": 0.15}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="foi-bench-startup-"))
    try:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env |= {"PYTHONPATH": str(common.ROOT), "FOI_NOW": "2026-05-20"}
        subprocess.run([sys.executable, "-m", "foi", "demo", str(work / "demo")], env=env, check=True,
                       capture_output=True)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "foi --help": [sys.executable, "-m", "foi", "--help"],
            "foi status early-help": [sys.executable, "-m", "foi", "status", "early-help"],
        }
        for command in commands.values():  # warm the OS cache and .pyc files, and check it works
            subprocess.run(command, cwd=work / "demo", env=env, check=True, capture_output=True)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(lambda command=command: subprocess.run(
                    command, cwd=work / "demo", env=env, check=True, capture_output=True)))
        print(f"## start-up on the model campaign (153 requests), median of {args.runs} interleaved runs")
        floor = statistics.median(times["python -c pass"])
        for name, runs in times.items():
            median = statistics.median(runs)
            target = TARGETS.get(name)
            verdict = "" if target is None else f"  target < {target} s: {'met' if median < target else 'NOT met'}"
            print(f"  {name:<24} median {median:.3f} s  min {min(runs):.3f} s  "
                  f"({median / floor:.1f}x the floor){verdict}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
