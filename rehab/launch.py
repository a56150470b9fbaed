"""Open the full-screen interface. The only module of the CLI that imports textual."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

    from tui.app import RehabApp


def launch(args: argparse.Namespace | SimpleNamespace, clock: Callable[[], datetime]) -> int:
    """Open the data file as its single writer, run the app, and return its exit code."""
    from store import resolve_data_path

    with opened(resolve_data_path(args.data), clock, debug=getattr(args, "debug", False)) as app:
        app.run()
    return app.return_code or 0


@contextmanager
def opened(path: Path, clock: Callable[[], datetime], debug: bool = False) -> Iterator[RehabApp]:
    """The app on `path`, ready to run; the file is closed (and its journal folded) after.
    `make bench` starts the app through here too, so it measures what `rehab` does."""
    from door import Refused, close_years
    from seeds import load_catalog
    from store import Repository, StoreError
    from tui.app import RehabApp

    with Repository.open(path, clock=clock) as repo:
        catalog = load_catalog()
        # Closed years move to their archives before the first screen (a full disk leaves
        # them where they are: read as ever, moved next time).
        moved = close_years(repo, catalog)
        if isinstance(moved, Refused) and moved.need != "disk":
            raise StoreError(moved.reason)  # a damaged archive, named, as a damaged file is
        app = RehabApp(repo, catalog, clock, data_path=path, debug=debug)
        # `main` pauses the collector for short commands; the app runs for hours, so it is on
        # again here. Everything made so far (modules, the catalog, ten years' index) lives as
        # long as the app: frozen first, the collector never scans it. Left in, the first full
        # collection would walk it all, a pause you can see at ten years, before the first screen.
        gc.freeze()
        gc.enable()
        yield app
