"""Pilot fixtures: a real store in tmp_path, the real catalog, and a clock the test moves."""

from __future__ import annotations

import pytest

from store import Repository
from tests.conftest import FakeClock
from tui.app import RehabApp

SMALL = (80, 24)
LARGE = (120, 40)


@pytest.fixture
def data_file(tmp_path):
    return tmp_path / "data" / "rehab.json"


@pytest.fixture
def open_app(clock: FakeClock, catalog):
    """Open the app on a data file as its writer; every store opened is closed afterwards."""
    opened: list[Repository] = []

    def open_(path) -> RehabApp:
        repo = Repository.open(path, clock=clock)
        opened.append(repo)
        return RehabApp(repo, catalog, clock, data_path=path)

    yield open_
    for repo in opened:
        repo.close()


@pytest.fixture
def make_app(data_file, open_app):
    """An app on a new, empty data file: it opens on the first run."""
    return lambda: open_app(data_file)


def reopen(data_file, clock) -> Repository:
    """A read-only look at what reached the disk, as the next start of rehab would see it."""
    return Repository.open(data_file, clock=clock, readonly=True)


@pytest.fixture
def make_demo_app(tmp_path, clock: FakeClock, open_app):
    """An app on a fixed synthetic history (same seed, same days, same clock: same screens)."""
    from rehab.commands import write_demo

    def make(days: int = 60, seed: int = 7) -> RehabApp:
        path = tmp_path / f"demo-{days}-{seed}" / "rehab.json"
        if not path.exists():
            write_demo(path, days, seed, clock)
        return open_app(path)

    return make
