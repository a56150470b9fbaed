"""Textual's private parts live in tui/compat.py, and rehab runs without them (issue 15)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import tui.compat

ROOT = Path(__file__).resolve().parents[2]


def test_the_speed_ups_are_on_with_the_pinned_textual_only():
    import textual

    pinned = textual.__version__ == tui.compat.PINNED
    assert (pinned and not os.environ.get("REHAB_STOCK_TEXTUAL")) == tui.compat.SPEEDUPS
    assert tui.compat.Footer is (
        tui.compat.QuickFooter if tui.compat.SPEEDUPS else tui.compat.StockFooter
    )


def test_the_daily_path_runs_on_stock_textual():
    """The first run, a session and its save, and the red-flag paths, with every speed-up
    off: what any Textual but the pinned one gets."""
    env = {**os.environ, "REHAB_STOCK_TEXTUAL": "1"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:randomly",
            "-W",
            "ignore",
            "tests/tui/test_daily_path.py",
            "tests/tui/test_gate.py",
            "tests/tui/test_compat.py::test_the_speed_ups_are_on_with_the_pinned_textual_only",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
