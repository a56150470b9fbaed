"""The core never imports the screen: checked in a fresh interpreter (SPEC §1)."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
import planner, planner.models, planner.plan, planner.progression, planner.advice
import planner.stages, planner.safety
import seeds; seeds.load_catalog()
import store
import rehab.cli
bad = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
tiny = sorted(m for m in sys.modules if m == "tinydb" or m.startswith("tinydb."))
print("textual:", bad)
"""


def test_core_and_cli_import_no_textual():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "textual: []", out.stdout + out.stderr


def test_planner_and_seeds_import_no_tinydb():
    code = ("import sys, planner.advice, planner.stages, seeds; seeds.load_catalog(); "
            "print([m for m in sys.modules if m.startswith('tinydb')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
