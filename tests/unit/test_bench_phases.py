"""tests/bench/phases.py, which `make bench` uses to say where the time of `rehab status` and of
the start to its first frame goes: every step it names is still one rehab takes, and the
phases add up to the CPU spent."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from rehab.commands import write_demo
from tests.apart import run_apart
from tests.bench.phases import CODE_CACHE, IMPORTS, PAINT_STEPS, REST, STATUS_STEPS, TEXTUAL_STEPS

pytestmark = pytest.mark.slow  # a fresh Python imports what `rehab status` imports

_PHASES = r"""
import contextlib, io, json, sys
from tests.bench import phases
out = io.StringIO()
with contextlib.redirect_stdout(out):
    phases.main(sys.argv[1], sys.argv[2])
print(out.getvalue().strip().splitlines()[-1])
"""


@pytest.mark.parametrize(
    "what, steps",
    [
        ("status", STATUS_STEPS),
        ("paint", PAINT_STEPS + TEXTUAL_STEPS),
        ("paint-bare", TEXTUAL_STEPS),
    ],
)
def test_every_phase_the_bench_names_is_taken_and_they_add_up(tmp_path, what, steps):
    path = tmp_path / "data" / "rehab.json"
    write_demo(path, 60, 7, lambda: datetime(2026, 11, 21, 12), adherence=1.0)
    figures = run_apart(_PHASES, what, str(path))
    names = {name for name, _, _, _ in steps}
    imports = {name for name in figures if name.startswith(IMPORTS + ": ")}
    # A step rehab no longer takes (renamed, moved) would leave its row empty.
    ours = set() if what == "paint-bare" else {CODE_CACHE}
    assert set(figures) == names | imports | ours | {REST, "total"}
    assert {f"{IMPORTS}: the standard library"} <= imports
    assert (f"{IMPORTS}: rehab's own modules" in imports) == bool(ours)
    assert all(figures[name] > 0 for name in names | imports)
    assert figures[REST] >= 0
    parts = sum(value for name, value in figures.items() if name != "total")
    assert math.isclose(parts, figures["total"], abs_tol=0.05)
