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
def make_app(data_file, clock: FakeClock, catalog):
    opened: list[Repository] = []

    def make() -> RehabApp:
        repo = Repository.open(data_file, clock=clock)
        opened.append(repo)
        return RehabApp(repo, catalog, clock, data_path=data_file)

    yield make
    for repo in opened:
        repo.close()


def reopen(data_file, clock) -> Repository:
    """A read-only look at what reached the disk, as the next start of rehab would see it."""
    return Repository.open(data_file, clock=clock, readonly=True)


@pytest.fixture
def make_demo_app(tmp_path, clock: FakeClock, catalog):
    """An app on a fixed synthetic history (same seed, same days, same clock: same screens)."""
    from rehab.commands import write_demo

    opened: list[Repository] = []

    def make(days: int = 60, seed: int = 7) -> RehabApp:
        path = tmp_path / f"demo-{days}-{seed}" / "rehab.json"
        if not path.exists():
            write_demo(path, days, seed, clock)
        repo = Repository.open(path, clock=clock)
        opened.append(repo)
        return RehabApp(repo, catalog, clock, data_path=path)

    yield make
    for repo in opened:
        repo.close()
