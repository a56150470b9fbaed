"""`store` never imports textual (start-up cost, and the dependency direction)."""

from __future__ import annotations

import subprocess
import sys


def test_store_does_not_import_textual():
    probe = "import sys, store, store.repository; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
