"""The launcher of tests/peak.py: a command's peak memory is its own, not its parent's."""

import os
import subprocess
import sys

from tests.peak import figures, launched

MB = 1024 * 1024

# A parent that holds 300 MB, then starts a small child either way and prints the peak that
# wait4 gives for it: straight (Popen) or through the launcher.
PARENT = """
import os, subprocess, sys
sys.path.insert(0, sys.argv[2])
from tests.peak import figures, launched
held = bytearray(300 * 1024 * 1024)
for i in range(0, len(held), 4096):
    held[i] = 1
child = [sys.executable, "-c", "pass"]
if sys.argv[1] == "straight":
    process = subprocess.Popen(child)
    _, _, usage = os.wait4(process.pid, 0)
    print(usage.ru_maxrss * 1024)
else:
    done = subprocess.run(launched(child), capture_output=True, text=True, check=True)
    print(figures(done.stderr)[0].peak_bytes)
"""


def peak_seen(how: str) -> int:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-c", PARENT, how, root], capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_a_child_started_straight_reports_its_parents_peak_and_one_launched_its_own():
    assert peak_seen("straight") > 300 * MB  # the trap the launcher is for
    assert peak_seen("launched") < 60 * MB


def test_the_commands_output_exit_status_and_figures_pass_through():
    script = "import sys, time; print('out'); print('err', file=sys.stderr); time.sleep(0.2); sys.exit(3)"
    done = subprocess.run(launched([sys.executable, "-c", script]), capture_output=True, text=True, check=False)
    measured, stderr = figures(done.stderr)
    assert (done.returncode, done.stdout, stderr) == (3, "out\n", "err\n")
    assert measured.exit_code == 3
    assert 0.2 <= measured.seconds < 10
    assert 0 < measured.peak_bytes < 60 * MB


def test_a_command_killed_by_a_signal_is_said_so():
    done = subprocess.run(launched([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"]),
                          capture_output=True, text=True, check=False)
    measured, _ = figures(done.stderr)
    assert measured.exit_code == -9
    assert done.returncode == 128 + 9


def test_processor_time_is_the_commands():
    spin = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    done = subprocess.run(launched([sys.executable, "-c", spin]), capture_output=True, text=True, check=True)
    assert figures(done.stderr)[0].cpu_seconds >= 0.3
