"""Open the full-screen interface. The only module of the CLI that imports textual."""

from __future__ import annotations

import argparse
import gc
from collections.abc import Callable
from datetime import datetime


def launch(args: argparse.Namespace, clock: Callable[[], datetime]) -> int:
    """Open the data file as its single writer, run the app, and return its exit code."""
    from seeds import load_catalog
    from store import Repository, resolve_data_path
    from tui.app import RehabApp

    path = resolve_data_path(args.data)
    with Repository.open(path, clock=clock) as repo:
        app = RehabApp(repo, load_catalog(), clock, data_path=path)
        gc.enable()  # `main` pauses the collector for short commands; the app runs for hours
        app.run()
    return app.return_code or 0
