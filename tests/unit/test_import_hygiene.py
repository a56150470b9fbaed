"""The core never imports the screen: checked in a fresh interpreter (docs/architecture.md;
tests/unit/test_layers.py reads every import from the source)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # seconds each: fresh interpreters

CODE = """
import sys
import planner, planner.models, planner.plan, planner.progression, planner.advice
import planner.stages, planner.safety
import seeds; seeds.load_catalog()
import store
import door, door.files
import rehab.cli
bad = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
tiny = sorted(m for m in sys.modules if m == "tinydb" or m.startswith("tinydb."))
print("textual:", bad)
"""


def test_core_and_cli_import_no_textual():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "textual: []", out.stdout + out.stderr


def test_planner_and_seeds_import_no_tinydb():
    code = (
        "import sys, planner.advice, planner.stages, seeds; seeds.load_catalog(); "
        "print([m for m in sys.modules if m.startswith('tinydb')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


START = """
import sys
from datetime import datetime
from planner.advice import advise
from seeds import load_catalog
from store import Repository

now = datetime(2026, 11, 21, 12, 0)
catalog = load_catalog()
for readonly in (False, True):  # the app opens as the writer, `rehab status` as a reader
    with Repository.open(sys.argv[1], clock=lambda: now, readonly=readonly) as repo:
        plan = repo.active_plan()
        history = repo.recent_history(catalog, plan.stage, now)
        advise(catalog, repo.profile(), plan, history, repo.safety_records(),
               repo.latest_psfs(), now)
        assert history.sessions and repo.stage_events()
print(sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core",
                                                          "annotated_types")))
"""


def test_reading_a_checked_file_loads_no_pydantic(tmp_path):
    """What Today and `rehab status` read is rebuilt without pydantic, whose import and
    validators would cost more than the rest of start-up (planner.codec, BENCHMARKS.md).
    A file rehab wrote and closed is checked before; its records are read without it."""
    from rehab.commands import write_demo
    from tests.conftest import NOW

    path = tmp_path / "rehab.json"
    write_demo(path, 30, 1, lambda: NOW)
    # The first start after an install validates the catalog with pydantic, then keeps it.
    subprocess.run([sys.executable, "-c", "import seeds; seeds.load_catalog()"], check=True)
    out = subprocess.run(
        [sys.executable, "-c", START, str(path)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
