"""The repository keeps every record exactly, answers in the user's words, and reads from memory."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from tinydb.table import Document

import store.atomic
import store.storage
from planner.codec import dump
from store import DataFileError, Repository, StoreError, current_version
from store.layout import CHECKSUM
from store.storage import RecordTable, parse_tables


def test_every_record_round_trips_through_the_file(data_path, clock, make):
    profile = make.profile()
    screening = make.screening()
    plan = make.plan()
    session = make.session(plan_id=plan.id)
    checkin = make.checkin()
    event = make.stage_event()
    rating = make.psfs()

    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(profile)
        repo.record_screening(screening)
        repo.save_plan(plan)
        repo.save_session(session)
        repo.record_checkin(checkin)
        repo.record_stage_event(event)
        repo.record_psfs(rating)
        in_memory = (
            repo.profile(),
            repo.latest_screening(),
            repo.active_plan(),
            repo.sessions(),
            repo.checkins(),
            repo.stage_events(),
            repo.psfs(),
        )

    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        from_disk = (
            repo.profile(),
            repo.latest_screening(),
            repo.active_plan(),
            repo.sessions(),
            repo.checkins(),
            repo.stage_events(),
            repo.psfs(),
        )

    expected = (profile, screening, plan, [session], [checkin], [event], [rating])
    assert in_memory == expected
    assert from_disk == expected


def test_documents_are_keyed_by_their_own_id_with_a_meta_record(data_path, clock, make):
    session = make.session()
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
        repo.save_session(session)

    assert CHECKSUM in json.loads(data_path.read_bytes())["sessions"][session.id]
    tables = parse_tables(data_path.read_bytes())  # as rehab reads it: the checksums taken out
    assert set(tables["sessions"]) == {session.id}
    assert tables["sessions"][session.id] == dump(session, exclude_none=True)
    assert set(tables["profile"]) == {"profile"}
    meta = tables["meta"]["meta"]
    assert meta["schema_version"] == current_version() == 9
    assert meta["created"] == clock.now.isoformat()
    assert meta["app_version"]


def test_a_new_file_is_new_until_the_profile_is_saved(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        assert repo.is_new()
        assert repo.profile() is None
        assert repo.active_plan() is None
        assert repo.latest_screening() is None
        assert repo.sessions() == []
        assert repo.meta() is None
        repo.record_checkin(make.checkin())
        assert repo.is_new()
        repo.save_profile(make.profile())
        assert not repo.is_new()


def test_opening_does_not_create_the_file_until_something_is_saved(data_path, clock):
    with Repository.open(data_path, clock=clock):
        pass
    assert not data_path.exists()


def test_readonly_open_of_a_missing_file_creates_nothing(data_path, clock):
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert repo.is_new()
    assert not data_path.parent.exists()


def test_readonly_repository_refuses_to_save(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
    before = data_path.read_bytes()
    with (
        Repository.open(data_path, clock=clock, readonly=True) as repo,
        pytest.raises(StoreError, match="read-only"),
    ):
        repo.record_checkin(make.checkin())
    assert data_path.read_bytes() == before


def test_sessions_come_in_start_order_and_since_is_inclusive(data_path, clock, make):
    sessions = [make.session(n) for n in (5, 1, 3, 0, 4, 2)]
    with Repository.open(data_path, clock=clock) as repo:
        for session in sessions:
            repo.save_session(session)
        ordered = repo.sessions()
        assert [s.started_at for s in ordered] == sorted(s.started_at for s in sessions)
        third = ordered[3]
        assert repo.sessions(since=third.started_at) == ordered[3:]
        assert repo.sessions(since=third.started_at + timedelta(seconds=1)) == ordered[4:]
        assert repo.sessions(since=ordered[-1].started_at + timedelta(days=1)) == []

    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert repo.sessions() == ordered
        assert repo.sessions(since=third.started_at) == ordered[3:]


def test_since_a_date_means_from_its_midnight(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        for n in range(4):
            repo.record_checkin(make.checkin(n))
        second_day = (clock.now + timedelta(days=1)).date()
        assert [c.note for c in repo.checkins(since=second_day)] == ["day 1", "day 2", "day 3"]
        assert isinstance(second_day, date)


def test_saving_a_record_again_replaces_it(data_path, clock, make):
    session = make.session(completed=False, note="")
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_session(session)
        finished = replace(session, completed=True, note="done")
        repo.save_session(finished)
        assert repo.sessions() == [finished]
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert repo.sessions() == [finished]


def test_saving_a_plan_archives_the_plan_in_force_in_the_same_write(data_path, clock, make):
    calm, mobilize = make.plan(1), make.plan(2, n=5)
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_plan(calm)
        writes = _count_writes(repo)
        clock.advance(days=5)
        repo.save_plan(mobilize)
        assert writes == [1]
        assert repo.active_plan() == mobilize
        old = repo.plan(calm.id)
        assert old is not None and old.status == "archived" and old.archived_at == clock.now
        assert [p.id for p in repo.plans()] == [calm.id, mobilize.id]


def test_a_paused_plan_is_still_the_plan_in_force(data_path, clock, make):
    plan = replace(make.plan(), status="paused", pause_reason="red flag")
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_plan(plan)
        assert repo.active_plan() == plan


def test_archive_plan_marks_it_archived_now(data_path, clock, make):
    plan = make.plan()
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_plan(plan)
        archived = repo.archive_plan(plan.id)
        assert archived.status == "archived" and archived.archived_at == clock.now
        assert repo.active_plan() is None
        with pytest.raises(KeyError):
            repo.archive_plan("no-such-plan")


def test_save_many_records_is_one_write(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        writes = _count_writes(repo)
        repo.save(make.plan(2), make.stage_event(1), make.checkin())
        assert writes == [1]
        assert len(repo.stage_events()) == 1 and len(repo.checkins()) == 1


def test_each_save_is_exactly_one_write(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        writes = _count_writes(repo)
        repo.save_session(make.session(0))
        repo.save_session(make.session(1))
        repo.record_checkin(make.checkin())
        assert writes == [3]


def test_latest_screening_is_the_newest_by_time(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        newest = make.screening(7, result="see-doctor")
        repo.record_screening(newest)
        repo.record_screening(make.screening(0))
        assert repo.latest_screening() == newest
        assert len(repo.screenings()) == 2


def test_latest_psfs_is_the_newest_by_time_and_none_before_any(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        assert repo.latest_psfs() is None
        newest = make.psfs(9)
        repo.record_psfs(newest)
        repo.record_psfs(make.psfs(2))
        assert repo.latest_psfs() == newest


def test_a_record_that_would_not_read_back_is_not_saved(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_session(make.session(0))
        before = data_path.read_bytes()
        broken = make.session(1)
        broken.pain_after = 11  # pydantic does not validate assignment
        with pytest.raises(ValueError, match="pain_after"):
            repo.save_session(broken)
        assert len(repo.sessions()) == 1
    assert data_path.read_bytes() == before


def test_the_profile_id_is_always_profile(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo, pytest.raises(ValueError, match="id"):
        repo.save_profile(replace(make.profile(), id="someone"))


def test_single_records_are_copies_the_caller_may_change(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_plan(make.plan())
        plan = repo.active_plan()
        assert plan is not None
        plan.prescriptions.clear()
        assert len(repo.active_plan().prescriptions) == 2


def test_reads_are_served_from_memory_after_open(data_path, clock, make, monkeypatch):
    with Repository.open(data_path, clock=clock) as repo:
        for n in range(3):
            repo.save_session(make.session(n))
            repo.record_checkin(make.checkin(n))

    def no_disk(path):
        raise AssertionError(f"read {path} from disk")

    with Repository.open(data_path, clock=clock) as repo:
        monkeypatch.setattr(store.storage, "read_bytes", no_disk)
        monkeypatch.setattr(store.atomic, "read_bytes", no_disk)
        assert len(repo.sessions()) == 3
        assert len(repo.checkins(since=clock.now + timedelta(days=1))) == 2
        # (The day's first save still copies the file to backups/: that read is the backup's.)
        repo.save_session(make.session(3))
        assert len(repo.sessions()) == 4


def test_validated_records_are_cached_between_calls(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_session(make.session(0))
        first = repo.sessions()
        assert repo.sessions()[0] is first[0]


def test_tinydb_tables_use_record_ids_and_no_query_cache(data_path, clock, make):
    session = make.session()
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_session(session)
        table = repo._db.table("sessions")
        assert isinstance(table, RecordTable)
        assert table.get(doc_id=session.id)["id"] == session.id
        assert table._query_cache.capacity == 0
        with pytest.raises(TypeError, match="own id"):
            table.insert({"id": "x"})
        table_doc = Document(dump(session, exclude_none=True), doc_id=session.id)
        assert table.get(doc_id=table_doc.doc_id) == table_doc


def test_closed_repository_refuses_to_save_and_releases_the_lock(data_path, clock, make):
    repo = Repository.open(data_path, clock=clock)
    repo.close()
    repo.close()
    with pytest.raises(StoreError, match="closed"):
        repo.record_checkin(make.checkin())
    with Repository.open(data_path, clock=clock):
        pass


def _count_writes(repo: Repository) -> list[int]:
    """Count the storage's writes from now on (a list so the test sees it change)."""
    count = [0]
    original = repo.storage.commit

    def counting(*args, **kwargs):
        count[0] += 1
        return original(*args, **kwargs)

    repo.storage.commit = counting  # type: ignore[method-assign]
    return count


def test_the_order_kept_in_memory_matches_the_order_after_reopening(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        for n in (4, 0, 2):
            repo.save_session(make.session(n))
        repo.sessions()  # build the order, then change it by saving
        late = make.session(9)
        repo.save_session(late)
        repo.save_session(make.session(1))
        repo.save_session(make.session(2, id="same-time-b"))
        repo.save_session(make.session(2, id="same-time-a"))
        moved = replace(late, started_at=late.started_at - timedelta(days=30))
        repo.save_session(moved)
        in_memory = [s.id for s in repo.sessions()]
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert [s.id for s in repo.sessions()] == in_memory
        assert in_memory[0] == late.id
        starts = [s.started_at for s in repo.sessions()]
        assert starts == sorted(starts)


def test_a_writer_may_defer_checks_but_never_writes_to_a_damaged_file(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_session(make.session(0, id="good"))
        repo.save_session(make.session(1, id="bad"))
    tables = json.loads(data_path.read_bytes())
    tables["sessions"]["bad"]["pain_after"] = 12
    del tables["sessions"]["bad"][CHECKSUM]  # an edit kept: only the record's check finds it
    data_path.write_text(json.dumps(tables))
    before = data_path.read_bytes()

    with Repository.open(data_path, clock=clock, defer_checks=True) as repo:
        assert repo.session("good") is not None
        with pytest.raises(DataFileError, match="'bad': pain_after"):
            repo.record_checkin(make.checkin())
    assert data_path.read_bytes() == before


def test_records_at_the_same_moment_keep_the_order_they_were_saved_in(data_path, clock, make):
    kinds = ["start", "pause", "resume", "pause", "resume"]
    events = [replace(make.stage_event(0), kind=kind) for kind in kinds]
    with Repository.open(data_path, clock=clock) as repo:
        repo.record_stage_event(events[0])
        repo.stage_events()  # the order is now kept up to date save by save
        for event in events[1:]:
            repo.record_stage_event(event)
        repo.record_stage_event(replace(events[1], reason="edited"))  # keeps its place
        in_memory = [e.id for e in repo.stage_events()]
    assert in_memory == [e.id for e in events]
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert [e.id for e in repo.stage_events()] == in_memory


def test_an_alarm_before_the_newest_screening_is_found_read_whole_or_from_disk(data_path, clock):
    """A same-day sign answered before weeks of bare all-clears (an older file, an import) is
    still handed to the gate; and once an all-clear says why it ended, no longer."""
    from datetime import timedelta

    from planner.models import Screening
    from planner.safety import RED_FLAGS
    from store import check_stamp

    no = {flag.id: False for flag in RED_FLAGS}
    start = clock()
    alarm = Screening(
        at=start, answers={**no, "bladder-bowel": True}, result="emergency", context="re-screen"
    )
    later = [
        Screening(
            at=start + timedelta(days=day, hours=hour),
            answers={"same-day": False, "one-leg": hour == 12},  # an urgent yes: read, passed
            result="see-doctor" if hour == 12 else "clear",
            context="after-session",
        )
        for day in range(1, 30)
        for hour in (9, 12)
    ]
    weekly = [
        Screening(at=start + timedelta(days=d), answers=no, result="clear", context="weekly")
        for d in (7, 14, 21, 28)
    ]
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(alarm, *later, *weekly)
    clock.advance(days=30)
    for lazy in (True, False):  # the checked file read from disk, then one read whole
        if not lazy:
            check_stamp.sidecar(data_path).unlink()
        with Repository.open(data_path, clock=clock, readonly=True) as repo:
            assert repo.storage.lazy is lazy
            assert alarm.id in [s.id for s in repo.safety_records().screenings]
    with Repository.open(data_path, clock=clock) as repo:
        assert alarm.id in [s.id for s in repo.safety_records().screenings]
        repo.save(
            Screening(
                at=clock(),
                answers=no,
                result="clear",
                context="re-screen",
                after_emergency="mistake",
            )
        )
        assert alarm.id not in [s.id for s in repo.safety_records().screenings]


def test_the_alarms_ended_are_every_screening_that_says_why_read_whole_or_from_disk(
    data_path, clock
):
    """History marks where an alarm ended; finding those reads only the screenings whose line
    can say so, and finds each one however its line spells the field (escapes too)."""
    from datetime import timedelta

    from planner.models import Screening
    from planner.safety import RED_FLAGS
    from store import check_stamp
    from store.layout import seal

    no = {flag.id: False for flag in RED_FLAGS}
    start = clock()

    def screening(day: int, **more) -> Screening:
        return Screening(at=start + timedelta(days=day), answers=no, context="weekly", **more)

    said = [
        screening(3, result="clear", after_emergency="mistake"),
        screening(9, result="clear", after_emergency="seen-doctor", seen_on=start.date()),
    ]
    plain = [screening(day, result="clear") for day in range(0, 40, 2)]
    escaped = screening(20, result="clear", after_emergency="mistake")
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(*plain, *said, escaped)
    text = data_path.read_text()
    line = next(x for x in text.splitlines() if escaped.id in x and "_crc32" in x)
    body = line.replace('"after_emergency"', '"after\\u005femergency"')
    body = body[: body.index(',"_crc32"')] + "}"  # sealed again, as if rehab had written it
    edited = seal(body.encode()).decode() + ("," if line.endswith(",") else "")
    data_path.write_text(text.replace(line, edited))
    with Repository.open(data_path, clock=clock):
        pass  # checked in full once, as at any start: read lazily from then on
    assert "after\\u005femergency" in data_path.read_text()
    clock.advance(days=45)
    expected = sorted([*said, escaped], key=lambda s: s.at)
    for lazy in (True, False):  # the checked file read from disk, then one read whole
        if not lazy:
            check_stamp.sidecar(data_path).unlink()
        with Repository.open(data_path, clock=clock, readonly=True) as repo:
            assert repo.storage.lazy is lazy
            found = [s.id for s in repo.alarms_ended()]  # before anything else is read
            assert found == [s.id for s in repo.screenings() if s.after_emergency]
            assert found == [s.id for s in expected]
