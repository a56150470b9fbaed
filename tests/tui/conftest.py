"""Pilot fixtures: a real store in tmp_path, the real catalog, and a clock the test moves."""

from __future__ import annotations

import asyncio
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest

from store import Repository
from tests.conftest import FakeClock
from tests.tui.flows import first_run
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


@pytest.fixture(scope="session")
def onboarded_files(tmp_path_factory, catalog):
    """Data files already through the first run, made once per test run by answers and clock:
    the wizard walked by `first_run` in the app, as a test would (most Pilot tests began so,
    ~0.8 s of each). Tests that are not about the first run get a copy: see
    `make_onboarded_app`; the wizard's own tests still walk it."""
    made: dict[tuple[datetime, tuple], Path] = {}

    def onboarded(now: datetime, answers: dict) -> Path:
        key = (now, tuple(sorted(answers.items())))
        if key not in made:
            folder = tmp_path_factory.mktemp("onboarded")
            path, clock = folder / "rehab.json", FakeClock(now)

            async def walk() -> None:
                with Repository.open(path, clock=clock) as repo:
                    app = RehabApp(repo, catalog, clock, data_path=path)
                    async with app.run_test(size=SMALL) as pilot:
                        await first_run(pilot, **answers)

            # Called from a test's running loop: walk on a loop of its own, in a thread.
            walker = ThreadPoolExecutor(max_workers=1)
            try:
                walker.submit(asyncio.run, walk()).result()
            finally:
                walker.shutdown()
            made[key] = folder
        return made[key]

    return onboarded


@pytest.fixture
def make_onboarded_app(data_file, clock: FakeClock, open_app, onboarded_files):
    """An app on this test's own copy of a file past the first run (`first_run`'s answers,
    changed by keyword), made at the clock's time: it opens on Today."""

    def make(**answers) -> RehabApp:
        if not data_file.exists():
            shutil.copytree(
                onboarded_files(clock(), answers),
                data_file.parent,
                ignore=shutil.ignore_patterns("*.lock"),
            )
        return open_app(data_file)

    return make
