"""One definition of "done" (SPEC §3b), and saying what just happened when a session is saved."""

from __future__ import annotations

import pytest

from planner.models import Dose, ExerciseEntry, Session
from planner.progression import History, move_on_check
from planner.report import session_summary
from seeds import load_catalog
from tests.conftest import NOW
from tests.unit.worlds import world

RULES = load_catalog().rules
DOSE = Dose(sets=2, reps=4)


def entry(reps: int = 0, sets: int = 0, skipped: bool = False, hurt: bool = False):
    return ExerciseEntry(
        exercise_id="bridge",
        name="Bridge",
        prescribed=DOSE,
        sets_done=sets,
        reps_done=reps,
        skipped=skipped,
        stopped_hurt=hurt,
    )


def of(*entries, before=3, after=3) -> Session:
    return Session(
        plan_id="p",
        stage=1,
        slot="morning",
        started_at=NOW,
        pain_before=before,
        pain_after=after,
        entries=list(entries),
        completed=True,
    )


@pytest.mark.parametrize(
    "entries, outcome",
    [
        ((), "skipped"),
        ((entry(skipped=True),) * 6, "skipped"),
        ((entry(),) * 6, "skipped"),  # ran to the end with n, n, n: nothing done
        ((entry(8, 2),) * 3 + (entry(),) * 3, "done"),  # exactly half
        ((entry(8, 2),) * 2 + (entry(4, 1),) * 2 + (entry(),) * 2, "done"),  # 2 + 2 × ½ of 6
        ((entry(8, 2),) * 2 + (entry(),) * 4, "partial"),
        ((entry(4, 1),), "done"),  # 4 of 8 reps counts by its fraction: half
        ((entry(3, 0),), "partial"),
        ((entry(3, 0, hurt=True),), "partial"),
    ],
)
def test_done_means_at_least_half_the_work(entries, outcome):
    assert of(*entries).outcome == outcome


def test_a_partly_done_exercise_counts_by_its_fraction():
    assert entry(4, 1).fraction == 0.5 and entry(2, 0).fraction == 0.25
    assert entry(8, 2).fraction == 1 and entry(8, 2, skipped=True).fraction == 0


def test_only_done_sessions_count_toward_moving_on():
    base = world(1, days=5, sessions=0, checkins=[1, 1, 1], pain=1)
    empty = [
        Session(**{**{n: getattr(s, n) for n in s.__dataclass_fields__}, "entries": [entry()]})
        for s in world(1, days=5, sessions=6, checkins=[1, 1, 1], pain=1).sessions
    ]
    check = move_on_check(load_catalog(), 1, History.of(empty, base.checkins, base.events), NOW)
    [sessions] = [c for c in check.criteria if c.key == "sessions"]
    assert not sessions.ok and sessions.detail.startswith("0 of")


def test_the_saved_message_says_what_happened():
    assert session_summary(of(entry(8, 2)), RULES) == "Session saved. Well done."
    flare = session_summary(of(entry(8, 2, hurt=True), before=4, after=7), RULES)
    assert flare.startswith("Saved. Your pain rose from 4 to 7. That counts as a flare")
    assert "twice in a week" in flare and "Well done" not in flare
    assert "An exercise hurt" in session_summary(of(entry(2, 0, hurt=True)), RULES)
    assert "partly done (25 %" in session_summary(of(entry(2, 0)), RULES)
    assert "nothing was done" in session_summary(of(entry()), RULES)


def test_only_the_newest_session_without_an_end_time_is_left_open():
    from dataclasses import replace
    from datetime import timedelta

    from planner.advice import closed_as_it_stands, left_open

    older = replace(of(entry(reps=4, sets=1)), started_at=NOW - timedelta(days=3))  # legacy: no end
    newer = replace(of(entry()), ended_at=NOW + timedelta(minutes=5))
    assert left_open([newer, older]) is None  # the newest was closed: the older is history
    cut = replace(of(entry(reps=4, sets=1)), started_at=NOW + timedelta(hours=1))
    assert left_open([older, cut, newer]) is cut
    assert left_open([]) is None
    worked = replace(cut, entries=[replace(e, seconds_done=150) for e in cut.entries])
    assert closed_as_it_stands(worked).ended_at == worked.started_at + timedelta(seconds=150)
    assert closed_as_it_stands(cut).ended_at == cut.started_at + timedelta(minutes=1)


def test_records_dated_after_now_never_drive_todays_advice():
    """Issue 14, item 7: after the clock jumped, records dated in the future drove the advice."""
    from datetime import timedelta

    from planner.advice import advise
    from planner.gate import SafetyRecords, with_records
    from planner.safety import RED_FLAGS, screen
    from planner.stages import start_programme
    from tests.conftest import make_profile
    from tests.unit.worlds import checkin, session, world

    catalog = load_catalog()
    steady = world(2, days=20, sessions=12, checkins=[2] * 10, pain=2)
    tomorrow = NOW.date() + timedelta(days=1)
    flares = [session(tomorrow, before=2, after=8), session(tomorrow, slot="evening", after=8)]
    ahead = History.of(
        [*steady.sessions, *flares], [*steady.checkins, checkin(tomorrow, 9)], steady.events
    )
    clear = screen({f.id: False for f in RED_FLAGS}, NOW - timedelta(days=1), "weekly")
    safety = with_records(SafetyRecords(), [clear])
    profile = make_profile()
    plan = start_programme(catalog, profile, 2, NOW - timedelta(days=20), "t", 2).plan

    def advice(history, now=NOW):
        return advise(catalog, profile, plan, history, safety, None, now)

    assert advice(steady).step_back is None
    assert advice(ahead).step_back is None  # tomorrow's flares and pain 9 have not happened
    assert advice(ahead).move_on == advice(steady).move_on
    # The same records count once their time has come.
    assert advice(ahead, NOW + timedelta(days=2)).step_back is not None
