"""Reading ahead (History reads the longer windows' records while a person reads a shorter one)
and preparing the first save: both change when work is done, never what is read or written."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime

import pytest

from planner.days import day_sums
from planner.models import PsfsItem, PsfsRating
from planner.synthetic import generate
from store import DataFileError, Repository
from store.repository import DAY_TABLES
from tests.store.test_archive import END, archived


@pytest.fixture(scope="module")
def years(catalog):
    """Two years and a half of use, 2024 closed (as test_archive's, without its bouts)."""
    return generate(catalog, 780, END, seed=11)


def unread(repo: Repository) -> int:
    """The records of the day-sum tables not read yet."""
    return sum(
        len(repo._table(name).documents) - len(repo._table(name)._models) for name in DAY_TABLES
    )


def test_read_ahead_in_slices_gives_the_very_sums_and_records_read_at_once(
    tmp_path, catalog, years
):
    path, clock = archived(tmp_path, catalog, years)
    rules = catalog.rules
    with Repository.open(path, clock=clock, readonly=True) as cold:
        at_once = cold.day_sums(rules)
        records = {name: getattr(cold, name)() for name in DAY_TABLES}
    with Repository.open(path, clock=clock, readonly=True) as repo:
        assert repo.archive_years() == [2024]
        assert not repo.read_ahead(rules, 0)  # given no time it reads nothing, and says so
        before = unread(repo)
        assert before > 100
        calls = 0
        while not repo.read_ahead(rules, 0.0005):
            calls += 1
            assert calls < 10_000
        assert calls > 1 and unread(repo) == 0  # in slices, all of it
        assert repo.read_ahead(rules, 0)
        assert repo.day_sums(rules) == at_once
        assert repo.day_sums(rules) == day_sums(
            repo.sessions(), repo.checkins(), repo.walks(), rules
        )
        assert {name: getattr(repo, name)() for name in DAY_TABLES} == records


def test_a_record_that_will_not_read_stops_reading_ahead_and_is_refused_when_asked(
    tmp_path, catalog, years
):
    path, clock = archived(tmp_path, catalog, years)
    # A session a few weeks old, its pain out of range and its checksum taken out (a person's
    # edit): the file opens, and the session is refused when it is read.
    lines = path.read_bytes().split(b"\n")
    sessions = [n for n, line in enumerate(lines) if b'"pain_before":' in line]
    n = sessions[-40]
    line = re.sub(rb',"_crc32":"[0-9a-f]{8}"', b"", lines[n])
    lines[n] = re.sub(rb'"pain_before":\d+', b'"pain_before":99', line)
    path.write_bytes(b"\n".join(lines))
    with Repository.open(path, clock=clock, readonly=True) as repo:
        assert repo.read_ahead(catalog.rules, 1.0)  # stopped, not raised
        with pytest.raises(DataFileError, match="pain_before"):
            repo.sessions()


def test_ratings_on_demand_are_the_ratings_and_only_those_asked_for_are_read(tmp_path, clock):
    path = tmp_path / "rehab.json"
    items = tuple(PsfsItem(activity=a, score=4) for a in ("sitting", "walking", "lifting"))
    with Repository.open(path, clock=clock) as repo:
        repo.save(
            *[PsfsRating(at=datetime(2026, 1, 1 + n % 28, 9, n), items=items) for n in range(60)]
        )
    since = datetime(2026, 1, 10)
    with Repository.open(path, clock=clock, readonly=True) as repo:
        lazy = repo.psfs_on_demand(since)
        assert len(repo._table("psfs")._models) == 0 and len(lazy) > 20
        assert lazy[-3:] == repo._table("psfs").since(since)[-3:]
    with Repository.open(path, clock=clock, readonly=True) as repo:
        lazy = repo.psfs_on_demand(since)
        tail = lazy[-3:]  # a slice is read on demand too
        assert lazy == repo.psfs_on_demand(since) and lazy != repo.psfs_on_demand(None)
        assert len(repo._table("psfs")._models) == 0  # the same records: equal, none read
        tail = list(tail)
        assert len(repo._table("psfs")._models) == 3
        assert lazy[len(lazy) - 1] is tail[-1]
        assert list(lazy[:]) == repo.psfs(since) and len(lazy) == len(repo.psfs(since))


FIRST_SAVE = """
import sys
from datetime import datetime
from planner.models import CheckIn
from store import Repository, prepare_to_write

now = datetime(2026, 11, 21, 12)
with Repository.open(sys.argv[1], clock=lambda: now) as repo:
    assert "pydantic" not in sys.modules
    prepare_to_write()
    assert "pydantic" in sys.modules
    before = set(sys.modules)
    repo.record_checkin(CheckIn(at=now, pain=3))
    print(sorted(set(sys.modules) - before))
"""


def test_once_prepared_the_first_save_imports_nothing(tmp_path, clock):
    path = tmp_path / "rehab.json"
    with Repository.open(path, clock=clock) as repo:
        repo.record_checkin(__import__("planner.models").models.CheckIn(at=clock(), pain=4))
    done = subprocess.run(
        [sys.executable, "-c", FIRST_SAVE, str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
