"""Shared test set-up: no test ever touches the real data directory, and time is injected."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime, timedelta

import pytest

from planner.models import Condition, Equipment, Profile
from seeds import load_catalog

# pytest rewrites each test module's asserts on import and caches the result beside it in
# __pycache__, but not where PYTHONDONTWRITEBYTECODE is set (as it is here and may be on CI): then
# every worker rewrote every test module at every run, ~5 s of CPU each. Let this process write
# bytecode (pytest's documented switch is this flag, read at each import); child processes the
# tests start still get the variable from the environment, and `make test` compiles the
# packages into the same __pycache__ folders anyway.
sys.dont_write_bytecode = False


def pytest_configure(config):
    """Before collection (test modules load the catalog as they are imported): the catalog's
    parse cache goes to a folder of this run's own, never the user's cache folder."""
    config.rehab_cache = tempfile.TemporaryDirectory(prefix="rehab-test-cache-")
    os.environ["XDG_CACHE_HOME"] = config.rehab_cache.name


def pytest_unconfigure(config):
    config.rehab_cache.cleanup()


def pytest_addoption(parser):
    parser.addoption(
        "--snapshot-update",
        action="store_true",
        help="rewrite the stored SVG snapshots of the screens from this run",
    )
    parser.addoption(
        "--soak",
        action="store_true",
        help="walk the door machine's random walk much longer (make soak)",
    )


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    """Point every place rehab could read or write at this test's own directory."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("REHAB_DATA", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


NOW = datetime(2026, 11, 21, 12, 0, 0)


class FakeClock:
    """A clock tests move by hand; nothing sleeps."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_profile(**changes) -> Profile:
    base = dict(
        conditions=[Condition.LDH],
        episode_start=date(2026, 10, 1),
        equipment=[Equipment.NONE, Equipment.MAT, Equipment.CHAIR, Equipment.TABLE],
        slots=["morning", "evening"],
        minutes_per_session=15,
        stenosis=False,
        disclaimer_accepted_at=NOW - timedelta(days=30),
    )
    base.update(changes)
    return Profile(**base)


@pytest.fixture
def profile() -> Profile:
    return make_profile()


class PipeReader:
    """A named pipe at `path` and a thread reading everything written into it (`got`), as a
    terminal's `cmd > /dev/stdout` or a `mkfifo` would; `join()` once the writer is done."""

    def __init__(self, path) -> None:
        import os
        import threading

        os.mkfifo(path)
        self.path, self.got = path, bytearray()
        self.thread = threading.Thread(target=self._read)
        self.thread.start()

    def _read(self) -> None:
        with open(self.path, "rb") as stream:
            self.got.extend(stream.read())

    def join(self) -> bytes:
        self.thread.join(timeout=30)
        return bytes(self.got)


#: The longest tests, first of all (tens of seconds each: fresh interpreters walking the door
#: machine, tmux, kill -9 loops, generated worlds, archives of years).
LONGEST = (
    "tests/unit/test_door_mutants.py",
    "tests/unit/test_door_machine.py",
    "tests/e2e/test_tmux.py",
    "tests/store/test_kill9.py",
    "tests/unit/test_properties.py",
    "tests/store/test_archive.py",
    "tests/tui/test_compat.py",
)


def pytest_collection_modifyitems(config, items):
    """The longest tests first, then the rest marked slow, then the others (each in the order
    collected); and with `-n`, dealt out in turn, so each worker's first run of tests starts
    with its share of the longest. xdist hands each worker a contiguous run of this order and
    idle workers take from the busy ones' ends: collected in place, the door machine and its
    mutants all fell to one worker, or started last and kept the run waiting on it."""

    def weight(item) -> tuple[int, int]:
        path = item.nodeid.split("::")[0]
        longest = LONGEST.index(path) if path in LONGEST else len(LONGEST)
        return longest, item.get_closest_marker("slow") is None

    items.sort(key=weight)
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    if workers > 1:
        items[:] = [item for turn in range(workers) for item in items[turn::workers]]
