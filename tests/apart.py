"""Run a piece of test code in a fresh Python, for a hypothesis run that must be the same every
time: hypothesis draws on the constants of the modules already loaded, so a derandomized run
took other paths in a pytest worker that had run other tests first, and the states it must
reach, or the mutants it must catch, depended on the order the suite ran in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def run_apart(code: str, *args: str) -> Any:
    """Run `code` (`python -c`, from the repository's root, with `args`): what it printed as
    JSON on its last line. Fails with the child's error output if it did not end well."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
