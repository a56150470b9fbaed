"""A copy a day and one before anything drastic; the newest 14 kept; restore checks first."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from planner.codec import dump
from planner.models import CheckIn
from store import (
    DataFileError,
    FileLockedError,
    NewerSchemaError,
    Repository,
    StoreError,
    backup,
    current_version,
    list_backups,
    newest_backup,
    restore,
    write_documents,
)
from store.backups import KEEP, backup_now, daily_backup
from store.layout import CHECKSUM


def _backups_dir(data_path):
    return data_path.parent / "backups"


def test_the_first_write_of_a_day_keeps_the_file_as_it_was(data_path, clock, make, look):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())  # creates the file: nothing to back up yet
        repo.record_checkin(make.checkin(0))
    assert not _backups_dir(data_path).exists()
    yesterday = data_path.read_bytes()

    clock.advance(days=1)
    with Repository.open(data_path, clock=clock) as repo:
        repo.record_checkin(make.checkin(1))
        repo.record_checkin(make.checkin(2))
    with Repository.open(data_path, clock=clock) as repo:  # same day, new process
        repo.record_checkin(make.checkin(3))

    daily = _backups_dir(data_path) / "rehab-2026-11-21.json"
    assert look.files_in(_backups_dir(data_path)) == {daily.name}
    assert daily.read_bytes() == yesterday


def test_a_day_without_writes_makes_no_backup(data_path, clock, make, look):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
    clock.advance(days=1)
    with Repository.open(data_path, clock=clock) as repo:
        assert repo.profile() is not None
    assert not _backups_dir(data_path).exists()


def test_a_long_running_writer_backs_up_again_when_the_day_changes(data_path, clock, make, look):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
        for day in range(3):
            clock.advance(days=1)
            repo.record_checkin(make.checkin(day))
    assert look.files_in(_backups_dir(data_path)) == {
        "rehab-2026-11-21.json",
        "rehab-2026-11-22.json",
        "rehab-2026-11-23.json",
    }


def test_only_the_newest_fourteen_backups_are_kept(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
        for day in range(20):
            clock.advance(days=1)
            repo.record_checkin(make.checkin(day))
        clock.advance(hours=2)
        manual = repo.backup_now()

    kept = list_backups(data_path)
    assert len(kept) == KEEP == 14
    assert kept[0].path == manual and kept[0].reason == "manual"
    days = [b.day for b in kept[1:]]
    assert days == sorted(days, reverse=True)
    assert days[0] == date(2026, 12, 10) and days[-1] == date(2026, 11, 28)


def test_backups_are_listed_newest_first_by_when_they_were_made_whatever_their_names(tmp_path):
    """Issue 14, item 7: the newest was chosen by the date in its name, so after the clock went
    back a plain `rehab restore` put an older copy back; and one dated in the future was
    never pruned."""
    data = tmp_path / "rehab.json"
    data.write_text('{"v": 1}')
    daily_backup(data, date(2027, 3, 1))  # the clock was a few months ahead
    backup_now(data, datetime(2027, 3, 1, 10, 0, 0), "before-import")
    data.write_text('{"v": 2}')
    daily_backup(data, date(2026, 11, 20))  # then it was put right
    backup_now(data, datetime(2026, 11, 20, 9, 0, 0), "manual")
    (tmp_path / "backups" / "other-2026-12-01.json").write_text("{}")  # another file's
    (tmp_path / "backups" / "rehab-notes.txt").write_text("mine")

    names = [b.name for b in list_backups(data)]
    assert names == [
        "rehab-2026-11-20-090000-manual.json",
        "rehab-2026-11-20.json",
        "rehab-2027-03-01-100000-before-import.json",
        "rehab-2027-03-01.json",
    ]
    assert newest_backup(data) == tmp_path / "backups" / names[0]
    assert newest_backup(data).read_text() == '{"v": 2}'  # not the older copy dated 2027
    for n in range(KEEP):  # fourteen more, made after them all
        backup_now(data, datetime(2026, 11, 21, 9, 0, n), "manual")
    left = {b.name for b in list_backups(data)}
    assert len(left) == KEEP and not any("2027" in name for name in left)  # pruned too


def test_restore_replaces_the_file_after_backing_up_the_current_one(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
        repo.record_checkin(make.checkin(0))
    clock.advance(days=1)
    with Repository.open(data_path, clock=clock) as repo:
        repo.record_checkin(make.checkin(1))
    good_day = newest_backup(data_path)
    assert good_day is not None
    current = data_path.read_bytes()

    clock.advance(hours=1)
    made = restore(data_path, good_day, clock=clock).backup

    assert made is not None and made.name == "rehab-2026-11-21-093000-before-restore.json"
    assert made.read_bytes() == current
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert [c.note for c in repo.checkins()] == ["day 0"]


def test_restore_mends_a_damaged_file_and_keeps_the_damaged_one_aside(data_path, clock, make, look):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
    clock.advance(days=1)
    with Repository.open(data_path, clock=clock) as repo:
        repo.record_checkin(make.checkin(1))
    data_path.write_bytes(b'{"profile": {"profile": {"id": "pro')
    with pytest.raises(DataFileError):
        Repository.open(data_path, clock=clock)

    restore(data_path, newest_backup(data_path), clock=clock)

    with Repository.open(data_path, clock=clock) as repo:
        assert repo.profile() is not None
    aside = [n for n in look.files_in(_backups_dir(data_path)) if "damaged" in n]
    assert aside == ["rehab.damaged-2026-11-21-083000.json"]
    assert (_backups_dir(data_path) / aside[0]).read_bytes().startswith(b'{"profile"')
    assert newest_backup(data_path).name == "rehab-2026-11-21.json"  # never the damaged copy


def test_a_damaged_backup_is_refused_and_nothing_changes(data_path, clock, make, tmp_path):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
    before = data_path.read_bytes()
    bad = tmp_path / "rehab-2026-11-01.json"
    bad.write_bytes(b'{"sessions": {"x": {"id": "x"}}}')

    with pytest.raises(DataFileError) as refused:
        restore(data_path, bad, clock=clock)
    assert str(refused.value).startswith(f"{bad} is damaged (")
    assert "Choose another backup" in str(refused.value)
    with pytest.raises(StoreError, match="does not exist"):
        restore(data_path, tmp_path / "missing.json", clock=clock)
    assert data_path.read_bytes() == before
    assert not _backups_dir(data_path).exists()


def test_restore_is_refused_while_another_writer_has_the_file(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
        backup = repo.backup_now()
        with pytest.raises(FileLockedError):
            restore(data_path, backup, clock=clock)


def test_an_open_writer_can_restore_and_then_shows_the_restored_data(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
        backup = repo.backup_now()
        repo.record_checkin(make.checkin())
        assert len(repo.checkins()) == 1
        clock.advance(minutes=5)
        made = repo.restore(backup).backup
        assert made is not None and "before-restore" in made.name
        assert repo.checkins() == []
        repo.record_checkin(make.checkin(2))
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert [c.note for c in repo.checkins()] == ["day 2"]


def test_write_documents_checks_everything_and_backs_up_first(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
    before = data_path.read_bytes()
    checkin = make.checkin()
    tables = {
        "meta": {
            "meta": {
                "id": "meta",
                "schema_version": current_version(),
                "app_version": "0.0.9",
                "created": "2026-01-01T00:00:00",
            }
        },
        "checkins": {checkin.id: dump(checkin)},
    }

    broken = json.loads(json.dumps(tables))
    broken["checkins"][checkin.id]["pain"] = -1
    with pytest.raises(StoreError, match="The data to import is not valid"):
        write_documents(data_path, broken, clock=clock)
    newer = json.loads(json.dumps(tables))
    newer["meta"]["meta"]["schema_version"] = 99
    with pytest.raises(NewerSchemaError, match="^The data to import was written by a newer"):
        write_documents(data_path, newer, clock=clock)
    assert data_path.read_bytes() == before

    made = write_documents(data_path, tables, clock=clock).backup
    assert made is not None and made.read_bytes() == before
    assert "before-import" in made.name
    with Repository.open(data_path, clock=clock) as repo:
        assert repo.checkins() == [checkin]
        assert repo.is_new()


def test_backup_command_copies_a_valid_file_and_refuses_a_damaged_one(data_path, clock, make):
    assert backup(data_path, clock=clock) is None  # nothing saved yet
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
        made = backup(data_path, clock=clock)  # no lock needed, even while a writer is open
    assert made is not None and made.read_bytes() == data_path.read_bytes()
    assert made.name == "rehab-2026-11-20-083000-manual.json"

    tables = json.loads(data_path.read_bytes())
    tables["profile"]["profile"]["minutes_per_session"] = 999
    del tables["profile"]["profile"][CHECKSUM]  # an edit kept, as README says: then checked
    data_path.write_text(json.dumps(tables))
    clock.advance(minutes=1)
    with pytest.raises(DataFileError, match="minutes_per_session"):
        backup(data_path, clock=clock)
    assert newest_backup(data_path) == made


def test_a_backup_never_replaces_another_made_in_the_same_second(tmp_path):
    """Two imports or restores in one second left the first original in no backup."""
    data = tmp_path / "rehab.json"
    moment = datetime(2026, 11, 20, 10, 0, 0)
    kept = []
    for content in (b'{"first": 1}', b'{"second": 2}', b'{"third": 3}'):
        data.write_bytes(content)
        kept.append(backup_now(data, moment, "before-import"))
    assert len(set(kept)) == 3
    assert [p.read_bytes() for p in kept] == [b'{"first": 1}', b'{"second": 2}', b'{"third": 3}']
    listed = list_backups(data)
    assert {b.path for b in listed} == set(kept)
    assert listed[0].path == kept[-1]  # the newest first


def test_temp_files_a_crash_left_in_backups_are_cleaned_up_by_the_next_writer(data_path, clock):
    """Issue 14, item 10: temp files in backups/ were never cleaned up."""
    with Repository.open(data_path, clock=clock) as repo:
        repo.record_checkin(CheckIn(at=clock(), pain=2))
    folder = data_path.parent / "backups"
    folder.mkdir(exist_ok=True)
    strays = [
        folder / ".rehab-2026-11-20.json.tmp-0a1b2c",
        folder / ".rehab.json.damaged-2026-11-20-100000.json.tmp-3d4e5f-previous",
    ]
    theirs = folder / ".other-2026-11-20.json.tmp-0a1b2c"  # another data file's, in use
    for path in [*strays, theirs]:
        path.write_text("half a copy")
    with Repository.open(data_path, clock=clock):
        pass
    assert not any(p.exists() for p in strays) and theirs.exists()
