"""`rehab merge FILE` from the command line: what it says, what it refuses, what it keeps."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta

import pytest

from planner.models import CheckIn, Screening
from planner.safety import RED_FLAGS
from rehab.commands import write_demo
from store import Repository
from store import archive as archives
from tests.cli.test_exports import cli, one_line
from tests.conftest import FakeClock

NOW = datetime(2026, 12, 6, 9, 0)


@pytest.fixture
def clock():
    return FakeClock(NOW)


@pytest.fixture
def two(tmp_path, clock):
    """One history on two computers: the desktop's data file, and the laptop's copy."""
    desktop = tmp_path / "desktop" / "rehab.json"
    write_demo(desktop, 40, 7, clock)
    laptop = tmp_path / "laptop" / "rehab.json"
    shutil.copytree(desktop.parent, laptop.parent, ignore=shutil.ignore_patterns("*.lock"))
    return desktop, laptop


def use(path, clock, *records):
    with Repository.open(path, clock=clock) as repo:
        repo.save(*records)


def test_a_copy_with_new_records_and_a_sign_merges_and_stops_sessions(two, clock):
    desktop, laptop = two
    sign = next(f.id for f in RED_FLAGS if f.level != "emergency")
    answers = {f.id: f.id == sign for f in RED_FLAGS}
    clock.advance(hours=1)
    use(
        laptop,
        clock,
        CheckIn(at=clock(), pain=4),
        Screening(at=clock(), answers=answers, result="see-doctor", context="re-screen"),
    )
    use(desktop, clock, CheckIn(at=clock() + timedelta(minutes=5), pain=2))
    code, out, err = cli("merge", str(laptop), "--data", str(desktop), clock=clock)
    assert code == 0, err
    assert f"into {desktop}: from it, 1 check-in, 1 safety check." in out
    assert "before-merge" in out and "Sessions are stopped." in out
    with Repository.open(desktop, clock=clock, readonly=True) as repo:
        assert {c.pain for c in repo.checkins() if c.at >= NOW} == {4, 2}
    # The laptop's file is left where it is: it is not a conflict copy beside this file.
    assert laptop.exists()


@pytest.mark.parametrize(
    "content, words",
    [
        (b'{"sessions": [1, 2', "not a rehab data file or export"),
        (b"", "not a rehab data file or export"),
    ],
)
def test_a_damaged_file_is_refused_in_one_line_and_nothing_changes(two, clock, content, words):
    desktop, laptop = two
    laptop.write_bytes(content)
    before = desktop.read_bytes()
    code, _, err = cli("merge", str(laptop), "--data", str(desktop), clock=clock)
    assert code == 1 and one_line(err) and words in err and "Nothing was changed" in err
    assert desktop.read_bytes() == before


def test_a_newer_rehabs_file_is_refused_and_nothing_changes(two, clock):
    desktop, laptop = two
    tables = json.loads(laptop.read_bytes())
    tables["meta"]["meta"]["schema_version"] = 99
    tables["meta"]["meta"].pop("_crc32", None)
    laptop.write_text(json.dumps(tables))
    before = desktop.read_bytes()
    code, _, err = cli("merge", str(laptop), "--data", str(desktop), clock=clock)
    assert code == 1 and one_line(err) and "newer rehab" in err
    assert desktop.read_bytes() == before


def test_merging_while_rehab_has_the_file_open_is_refused(two, clock):
    desktop, laptop = two
    use(laptop, clock, CheckIn(at=clock(), pain=5))
    with Repository.open(desktop, clock=clock):  # the app, holding the file
        before = desktop.read_bytes()
        code, _, err = cli("merge", str(laptop), "--data", str(desktop), clock=clock)
        assert code == 1 and one_line(err), err
        assert desktop.read_bytes() == before


def test_the_data_file_itself_or_nothing_at_all_is_refused(two, clock, tmp_path):
    desktop, _ = two
    code, _, err = cli("merge", str(desktop), "--data", str(desktop), clock=clock)
    assert code == 1 and one_line(err) and "the data file itself" in err
    code, _, err = cli("merge", str(tmp_path / "nothing.json"), "--data", str(desktop))
    assert code == 1 and one_line(err) and "does not exist" in err


def test_status_names_a_conflict_copy_and_merging_it_puts_it_away(two, clock):
    desktop, laptop = two
    use(laptop, clock, CheckIn(at=clock(), pain=5))
    copy = desktop.parent / "rehab.sync-conflict-20261206-081500-ABCDEFG.json"
    shutil.copy(laptop, copy)
    _, out, _ = cli("status", "--data", str(desktop), clock=clock)
    assert f"A copy from another computer is beside your file: rehab merge {copy}" in out
    code, out, err = cli("merge", str(copy), "--data", str(desktop), clock=clock)
    assert code == 0, err
    assert "from it, 1 check-in." in out
    assert not copy.exists() and "The copy merged is moved to" in out
    _, out, _ = cli("status", "--data", str(desktop), clock=clock)
    assert "A copy from another computer" not in out


@pytest.mark.slow
@pytest.mark.parametrize("through_a_link", [False, True])
def test_a_merge_covers_the_closed_years_in_archives(tmp_path, through_a_link):
    """Both computers keep closed years in archives; the laptop's holds a late record of one
    and a new one of today: both come in, the late one joins this file's archive. The data
    file may be a link into a synced folder: the archives beside its target count."""
    clock = FakeClock(datetime(2026, 12, 6, 9, 0))
    desktop = tmp_path / "desktop" / "rehab.json"
    write_demo(desktop, 800, 7, clock)
    assert archives.years(desktop) == [2024]
    laptop = tmp_path / "laptop" / "rehab.json"
    shutil.copytree(desktop.parent, laptop.parent, ignore=shutil.ignore_patterns("*.lock"))
    late = CheckIn(id="late-2024", at=datetime(2024, 11, 3, 8, 0), pain=6)
    today = CheckIn(id="today", at=clock(), pain=3)
    use(laptop, clock, late, today)
    given = desktop
    if through_a_link:
        given = tmp_path / "home" / "rehab.json"
        given.parent.mkdir()
        given.symlink_to(desktop)
    code, out, err = cli("merge", str(laptop), "--data", str(given), clock=clock)
    assert code == 0, err
    assert "from it, 2 check-ins." in out, out
    with Repository.open(desktop, clock=clock, readonly=True) as repo:
        ids = {c.id for c in repo.checkins()}
        assert {"late-2024", "today"} <= ids
        assert "late-2024" in archives.Archive(desktop, 2024).tables()["checkins"]
        assert "late-2024" not in repo.storage.read()["checkins"]
    # Again: nothing new, the file untouched.
    before = desktop.read_bytes()
    code, out, _ = cli("merge", str(laptop), "--data", str(desktop), clock=clock)
    assert code == 0 and "nothing this file did not have" in out
    assert desktop.read_bytes() == before
