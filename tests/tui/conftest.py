"""Pilot fixtures: a real store in tmp_path, the real catalog, and a clock the test moves."""

from __future__ import annotations

import shutil
from pathlib import Path

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


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    """Demo files made once per test run, by days, seed and clock (issue 15: thirty-odd
    tests each generated the same 60 days). Tests get a copy: see `make_demo_app`."""
    from rehab.commands import write_demo

    made: dict[tuple[int, int, object], Path] = {}

    def demo(days: int, seed: int, clock: FakeClock) -> Path:
        key = (days, seed, clock())
        if key not in made:
            folder = tmp_path_factory.mktemp(f"demo-{days}-{seed}")
            write_demo(folder / "rehab.json", days, seed, lambda: key[2])
            made[key] = folder
        return made[key]

    return demo


@pytest.fixture
def make_demo_app(tmp_path, clock: FakeClock, open_app, demo_files):
    """An app on a fixed synthetic history (same seed, same days, same clock: same screens),
    on this test's own copy of the file."""

    def make(days: int = 60, seed: int = 7) -> RehabApp:
        path = tmp_path / f"demo-{days}-{seed}" / "rehab.json"
        if not path.exists():
            shutil.copytree(
                demo_files(days, seed, clock),
                path.parent,
                ignore=shutil.ignore_patterns("*.lock"),
            )
        return open_app(path)

    return make
