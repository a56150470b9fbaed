"""Ordered migrations run on open, after a backup; a newer file is refused.

Most tests inject fake steps over a file written as schema 1; the real steps are tested on the
fixtures of every released schema.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

import store.migrations
from seeds import load_catalog
from store import DataFileError, NewerSchemaError, Repository, current_version, list_backups
from store.layout import CHECKSUM
from store.storage import parse_tables

FIXTURES = Path(__file__).parent / "fixtures"
RULES = load_catalog().rules


def _shout_notes(tables):
    """A fake v1 → v2 migration: check-in notes become upper case."""
    for document in tables.get("checkins", {}).values():
        document["note"] = document["note"].upper()
    return tables


@pytest.fixture
def schema_two(monkeypatch):
    monkeypatch.setattr(store.migrations, "MIGRATIONS", [_shout_notes])
    assert current_version() == 2


@pytest.fixture
def v1_file(data_path, clock, make, monkeypatch):
    monkeypatch.setattr(store.migrations, "MIGRATIONS", [])  # write it as schema 1
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
        repo.record_checkin(make.checkin(0))
        repo.record_checkin(make.checkin(1))
    return data_path.read_bytes()


def test_schema_two_adds_the_clearances_table_and_keeps_every_record(data_path, clock):
    data_path.parent.mkdir()
    data_path.write_bytes((FIXTURES / "schema-1.json").read_bytes())
    with Repository.open(data_path, clock=clock) as repo:
        assert repo.clearances() == []
    on_disk = json.loads(data_path.read_bytes())
    assert on_disk["meta"]["meta"]["schema_version"] == current_version()
    assert on_disk["clearances"] == {}
    assert [b.reason for b in list_backups(data_path)] == ["before-migrate"]


def test_schema_three_keeps_every_pain_as_back_pain_and_leaves_the_leg_unknown(data_path, clock):
    """Issue 16, part 1, on a file written by the version before it (schema 2): the one
    rating becomes back pain, leg pain and reach stay unknown, the profile asks for the leg
    from now on when its conditions reach the leg; a backup is made first."""
    data_path.parent.mkdir()
    old = json.loads((FIXTURES / "schema-2.json").read_bytes())
    data_path.write_bytes((FIXTURES / "schema-2.json").read_bytes())
    with Repository.open(data_path, clock=clock) as repo:
        assert repo.profile().leg_symptoms  # ldh and sciatica
        pains = {c.id: (c.pain, c.leg_pain, c.reach) for c in repo.checkins()}
        assert pains == {i: (d["pain"], None, None) for i, d in old["checkins"].items()}
        for s in repo.sessions():
            before = old["sessions"][s.id]
            assert (s.pain_before, s.pain_after) == (before["pain_before"], before["pain_after"])
            assert (s.leg_before, s.leg_after, s.reach_before, s.reach_after) == (None,) * 4
            assert not any(e.spread_down for e in s.entries)
    assert [b.reason for b in list_backups(data_path)] == ["before-migrate"]
    assert list_backups(data_path)[0].path.read_bytes() == (FIXTURES / "schema-2.json").read_bytes()

    no_leg = json.loads((FIXTURES / "schema-2.json").read_bytes())
    no_leg["profile"]["profile"]["conditions"] = ["lumbago"]
    assert store.migrations.migrate(no_leg, 2)["profile"]["profile"]["leg_symptoms"] is False


def test_schema_four_adds_walks_and_bouts_and_asks_about_walking_afresh(data_path, clock):
    """Issue 16, parts 2 and 4, on a file written by the version before it (schema 3): empty
    walks and bouts, the walking question unanswered (never guessed); a backup first."""
    data_path.parent.mkdir()
    data_path.write_bytes((FIXTURES / "schema-3.json").read_bytes())
    with Repository.open(data_path, clock=clock) as repo:
        assert repo.walks() == [] and repo.bouts() == []
        profile = repo.profile()
        assert (profile.walk_comfortable, profile.walk_since) == (None, None)
        assert profile.leg_symptoms and len(repo.sessions()) == 2
    on_disk = json.loads(data_path.read_bytes())
    assert (on_disk["walks"], on_disk["bouts"]) == ({}, {})
    assert on_disk["meta"]["meta"]["schema_version"] == current_version()
    assert list_backups(data_path)[0].path.read_bytes() == (FIXTURES / "schema-3.json").read_bytes()


def test_schema_five_marks_every_older_plan_as_built_by_rehab(data_path, clock):
    """Issue 17, on a file written by the version before it (schema 4): every plan keeps what it
    held and has no physiotherapist's source; a backup first."""
    data_path.parent.mkdir()
    old = json.loads((FIXTURES / "schema-4.json").read_bytes())
    assert old["plans"], "the fixture holds a plan"
    data_path.write_bytes((FIXTURES / "schema-4.json").read_bytes())
    with Repository.open(data_path, clock=clock) as repo:
        plans = repo.plans()
        assert [p.source for p in plans] == [None] * len(old["plans"])
        assert [p.id for p in plans] == list(old["plans"])
    on_disk = parse_tables(data_path.read_bytes())
    for plan_id, plan in old["plans"].items():
        assert on_disk["plans"][plan_id] == {**plan, "source": None}
    assert on_disk["meta"]["meta"]["schema_version"] == current_version()
    assert list_backups(data_path)[0].path.read_bytes() == (FIXTURES / "schema-4.json").read_bytes()


def test_a_schema_six_file_keeps_the_physiotherapists_plan_and_the_reason_an_alarm_ended(
    data_path, clock
):
    data_path.parent.mkdir()
    data_path.write_bytes((FIXTURES / "schema-6.json").read_bytes())
    with Repository.open(data_path, clock=clock) as repo:
        source = repo.active_plan().source
        assert (source.clinician, source.note) == ("A. Physio", "Gently.")
        assert set(source.doses) == {p.exercise_id for p in repo.active_plan().prescriptions}
        first = repo.screenings()[0]
        assert (first.after_emergency, first.seen_on) == ("seen-doctor", date(2026, 11, 19))
        # Schema 7: no answer was changed later, so no later surgery answer is dated.
        assert repo.profile().surgery_said_at is None
    backup = list_backups(data_path)[0].path
    assert backup.read_bytes() == (FIXTURES / "schema-6.json").read_bytes()


def test_a_schema_seven_file_keeps_a_changed_health_answer_and_when_it_was_given(data_path, clock):
    data_path.parent.mkdir()
    data_path.write_bytes((FIXTURES / "schema-7.json").read_bytes())
    with Repository.open(data_path, clock=clock) as repo:
        profile = repo.profile()
        assert profile.recent_surgery is True
        assert profile.go_ahead_since == datetime(2026, 11, 22, 9, 0)
        health = [e for e in repo.stage_events() if e.kind == "health"]
        assert [e.reason for e in health] == [
            "Answers changed: pregnant: no; spinal surgery in the last three months: yes; "
            "osteoporosis or long-term steroids: no"
        ]
    backup = list_backups(data_path)[0].path
    assert backup.read_bytes() == (FIXTURES / "schema-7.json").read_bytes()


def test_a_schema_seven_file_gains_a_checksum_on_every_line_and_no_record_changes(data_path, clock):
    """Schema 8 changes no record: the writer that migrates a file writes each line with its
    checksum; a reader (rehab status) migrates in memory and leaves the file as it was."""
    old = (FIXTURES / "schema-7.json").read_bytes()
    assert CHECKSUM.encode() not in old
    data_path.parent.mkdir()
    data_path.write_bytes(old)
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert repo.meta().schema_version == current_version() == 9
    assert data_path.read_bytes() == old

    with Repository.open(data_path, clock=clock):
        pass
    new = data_path.read_bytes()
    records = [line for line in new.split(b"\n") if line.startswith(b'"') and line[-1:] != b"{"]
    assert len(records) == old.count(b'{"id":') > 10
    assert all(line.rstrip(b",").endswith(b'"}') and b'"_crc32":"' in line for line in records)
    before, after = json.loads(old), parse_tables(new)
    before["meta"]["meta"]["schema_version"] = 9
    assert after == before
    assert list_backups(data_path)[0].path.read_bytes() == old


def test_a_schema_eight_file_keeps_every_record_and_learns_no_write_time(data_path, clock):
    """Schema 9 adds when the profile and each plan were last written: unknown for an older
    file's, so none is made up (a merge then reads the times the records hold)."""
    old = (FIXTURES / "schema-8.json").read_bytes()
    data_path.parent.mkdir()
    data_path.write_bytes(old)
    with Repository.open(data_path, clock=clock) as repo:
        assert repo.profile().changed_at is None
        assert [p.changed_at for p in repo.plans()] == [None, None]
    after, before = parse_tables(data_path.read_bytes()), parse_tables(old)
    before["meta"]["meta"]["schema_version"] = 9
    assert after == before
    assert list_backups(data_path)[0].path.read_bytes() == old


def test_a_schema_nine_file_opens_as_it_is(data_path, clock):
    data_path.parent.mkdir()
    data_path.write_bytes((FIXTURES / "schema-9.json").read_bytes())
    with Repository.open(data_path, clock=clock) as repo:
        assert repo.profile().surgery_said_at == datetime(2026, 11, 22, 9, 0)
        assert repo.profile().changed_at == datetime(2026, 11, 22, 9, 0)
        assert repo.active_plan().changed_at == datetime(2026, 11, 27, 8, 30)
    assert not list_backups(data_path)  # the current schema: nothing to migrate
    assert data_path.read_bytes() == (FIXTURES / "schema-9.json").read_bytes()


def test_every_save_stamps_the_records_that_change_with_when_it_wrote_them(data_path, clock):
    """The profile and a plan say when they were last written, whatever the caller gave."""
    data_path.parent.mkdir()
    data_path.write_bytes((FIXTURES / "schema-9.json").read_bytes())
    with Repository.open(data_path, clock=clock) as repo:
        plan, profile = repo.active_plan(), repo.profile()
        clock.advance(days=3)
        repo.save(plan, profile)
        assert repo.active_plan().changed_at == repo.profile().changed_at == clock()
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert repo.active_plan().changed_at == repo.profile().changed_at == clock()
        assert repo.active_plan() == plan  # when it was written is not what it says


def test_schema_six_reopens_a_same_day_sign_that_a_bare_all_clear_had_closed(data_path, clock):
    """An older file closed an emergency with a later all-clear and no word on why: nothing is
    guessed, so the sign is open again until the person says why it ended."""
    from planner.gate import may_start

    data_path.parent.mkdir()
    tables = json.loads((FIXTURES / "schema-5.json").read_bytes())
    first = tables["screenings"]["screen-1"]
    first["answers"] = {"bladder-bowel": True}
    first["result"] = "emergency"
    second = tables["screenings"]["screen-2"]
    second["answers"] = {"bladder-bowel": False}
    second["result"] = "clear"
    data_path.write_text(json.dumps(tables))
    with Repository.open(data_path, clock=clock) as repo:
        assert [s.after_emergency for s in repo.screenings()] == [None, None]
        gate = may_start(repo.active_plan(), repo.safety_records(), clock(), RULES)
    assert gate.why == "emergency"
    assert [s.flag.id for s in gate.signs] == ["bladder-bowel"]
    assert list_backups(data_path)[0].reason == "before-migrate"


def test_opening_an_older_file_backs_it_up_then_migrates_it(v1_file, schema_two, data_path, clock):
    clock.advance(minutes=10)
    with Repository.open(data_path, clock=clock) as repo:
        assert [c.note for c in repo.checkins()] == ["DAY 0", "DAY 1"]
        assert repo.meta().schema_version == 2

    (backup,) = [b for b in list_backups(data_path) if b.reason == "before-migrate"]
    assert backup.name == "rehab-2026-11-20-084000-before-migrate.json"
    assert backup.path.read_bytes() == v1_file
    on_disk = json.loads(data_path.read_bytes())
    assert on_disk["meta"]["meta"]["schema_version"] == 2
    assert [d["note"] for d in on_disk["checkins"].values()] == ["DAY 0", "DAY 1"]

    with Repository.open(data_path, clock=clock):  # already current: no second migration
        pass
    assert len([b for b in list_backups(data_path) if b.reason == "before-migrate"]) == 1


def test_migrations_run_in_order_from_the_files_version(v1_file, data_path, clock, monkeypatch):
    seen = []

    def step(name):
        def migration(tables):
            seen.append(name)
            return tables

        return migration

    monkeypatch.setattr(store.migrations, "MIGRATIONS", [step("1→2"), step("2→3")])
    with Repository.open(data_path, clock=clock):
        pass
    assert seen == ["1→2", "2→3"]
    assert json.loads(data_path.read_bytes())["meta"]["meta"]["schema_version"] == 3

    monkeypatch.setattr(store.migrations, "MIGRATIONS", [step("1→2"), step("2→3"), step("3→4")])
    seen.clear()
    with Repository.open(data_path, clock=clock):
        pass
    assert seen == ["3→4"]


def test_a_reader_migrates_in_memory_only(v1_file, schema_two, data_path, clock):
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert [c.note for c in repo.checkins()] == ["DAY 0", "DAY 1"]
    assert data_path.read_bytes() == v1_file
    assert list_backups(data_path) == []


def test_a_failing_migration_changes_nothing(v1_file, data_path, clock, monkeypatch):
    def broken(tables):
        tables["checkins"].clear()  # damage the copy it was given, then fail
        raise KeyError("missing_field")

    monkeypatch.setattr(store.migrations, "MIGRATIONS", [broken])
    with pytest.raises(DataFileError, match="could not be upgraded from schema 1 to 2"):
        Repository.open(data_path, clock=clock)
    assert data_path.read_bytes() == v1_file


def test_a_migration_producing_invalid_documents_is_refused(v1_file, data_path, clock, monkeypatch):
    def bad(tables):
        for document in tables["checkins"].values():
            document["pain"] = 42
        return tables

    monkeypatch.setattr(store.migrations, "MIGRATIONS", [bad])
    with pytest.raises(DataFileError, match="pain"):
        Repository.open(data_path, clock=clock)
    assert data_path.read_bytes() == v1_file


def test_a_file_newer_than_every_migration_is_refused(v1_file, schema_two, data_path, clock):
    tables = json.loads(v1_file)
    tables["meta"]["meta"]["schema_version"] = 3
    del tables["meta"]["meta"][CHECKSUM]  # a newer rehab's meta: not this one's line
    data_path.write_text(json.dumps(tables))
    with pytest.raises(NewerSchemaError, match="schema 3; this version reads up to 2"):
        Repository.open(data_path, clock=clock)


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("schema-*.json")), ids=lambda p: p.stem)
def test_a_file_of_every_old_schema_opens_with_every_record(fixture, data_path, clock):
    """Each released schema keeps a fixture; a model change that breaks one needs a migration."""
    data_path.parent.mkdir()
    data_path.write_bytes(fixture.read_bytes())
    with Repository.open(data_path, clock=clock) as repo:
        assert repo.meta().schema_version == current_version()
        assert not repo.is_new()
        assert [p.status for p in repo.plans()] == ["archived", "active"]
        assert repo.active_plan().id == "plan-2"
        assert len(repo.sessions()) == 2 and len(repo.checkins()) == 2
        assert len(repo.screenings()) == 2 and repo.latest_screening().result == "see-doctor"
        version = int(fixture.stem.split("-")[1])
        kinds = [e.kind for e in repo.stage_events()]
        assert [k for k in kinds if k != "health"] == ["start", "advance"]
        assert kinds.count("health") == (version >= 7)
        assert len(repo.psfs()) == 1
        assert [c.sign for c in repo.clearances()] == ([] if version < 2 else ["cancer"])
        assert [(w.minutes, w.note) for w in repo.walks()] == (
            [] if version < 4 else [(16, "round the [park]")]
        )
        assert len(repo.bouts()) == (version >= 4)


def test_there_is_a_fixture_for_every_schema_version():
    versions = {int(p.stem.split("-")[1]) for p in FIXTURES.glob("schema-*.json")}
    assert versions == set(range(1, current_version() + 1))
