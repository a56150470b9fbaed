"""Textual's private parts live in tui/compat.py, and rehab runs without them (issue 15)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tui.compat

ROOT = Path(__file__).resolve().parents[2]


def test_the_speed_ups_are_on_with_the_pinned_textual_only():
    import textual

    pinned = textual.__version__ == tui.compat.PINNED
    assert (pinned and not os.environ.get("REHAB_STOCK_TEXTUAL")) == tui.compat.SPEEDUPS
    assert tui.compat.Footer is (
        tui.compat.QuickFooter if tui.compat.SPEEDUPS else tui.compat.StockFooter
    )


#: The daily path: a first run, a session saved, "it hurts", and the warning-sign question
#: after a session that pauses the plan. (The other TUI tests, the other red-flag paths among
#: them, run on the speed-ups only: the speed-ups change how the screen is painted, not what a
#: rule decides, and each path here costs a fresh interpreter's worth of time in every run.)
DAILY_PATH = [
    f"tests/tui/test_daily_path.py::test_{name}"
    for name in (
        "first_run_to_first_finished_session",
        "yes_to_the_symptoms_question_pauses_the_plan_until_a_clear_rescreen",
        "it_hurts_stops_the_exercise_and_the_session_counts_as_a_flare",
    )
]


@pytest.mark.slow
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
            *DAILY_PATH,
            "tests/tui/test_compat.py::test_the_speed_ups_are_on_with_the_pinned_textual_only",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert f"{len(DAILY_PATH) + 1} passed" in run.stdout, run.stdout[-3000:]


def test_the_charts_size_and_theme_through_compat_and_fall_back_without_the_private_parts():
    """With textual-plotext's private parts a chart is as wide as asked (plotext alone caps it
    at 80 columns with no terminal) and takes the app's theme; without them, `plotsize` alone
    and plotext's default theme: still a chart, never an AttributeError."""
    from types import SimpleNamespace

    from rich.text import Text
    from textual_plotext import Plot, PlotextPlot

    def width(plt: Plot) -> int:
        plt.scatter([1, 2, 3], [1, 3, 2])
        return max(len(line) for line in Text.from_ansi(plt.build()).plain.splitlines())

    plt = Plot()
    tui.compat.size_plot(plt, 120, 10)
    assert width(plt) == 120
    capped = Plot()
    capped.plotsize(120, 10)
    assert width(capped) == 80  # what the private part is for
    assert tui.compat.plot_theme(PlotextPlot(), "nord") == "textual-auto-nord"

    asked = []
    bare = SimpleNamespace(plotsize=lambda w, h: asked.append((w, h)))
    tui.compat.size_plot(bare, 120, 10)
    assert asked == [(120, 10)]
    assert tui.compat.plot_theme(SimpleNamespace(theme="auto"), "nord") == "default"
    assert tui.compat.plot_theme(SimpleNamespace(theme="dark"), "nord") == "dark"
