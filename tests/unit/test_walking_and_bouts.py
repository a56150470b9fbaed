"""The walking programme and the exercises done in bouts (issue 16, parts 2 and 4; SPEC §3b).
Each rule table by table, at its edges; the thresholds are the seeds' ([rules])."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.bouts import bouts_per_day, bouts_today, next_bout
from planner.models import REACHES, Bout, CheckIn, Dose, Plan, Prescription, Walk
from planner.progression import History, move_on_check
from planner.walking import (
    check_walk,
    day_pain_before,
    reach_before,
    spread,
    start_minutes,
    step_down,
    step_up,
    walk_days,
    walk_flare_words,
    walking,
)
from planner.walking import is_flare as is_walk_flare  # the session rule's is_flare is another
from seeds import load_catalog
from tests.conftest import NOW, make_profile
from tests.unit.worlds import at, checkin, session

CATALOG = load_catalog()
RULES = CATALOG.rules
BACKWARD = CATALOG.exercises[RULES.backward_walk_exercise]
SINCE = date(2026, 10, 1)


def walk(day: date, minutes: int, after: int = 2, hour: int = 17, **kw) -> Walk:
    return Walk(at=at(day, hour), minutes=minutes, pain_after=after, **kw)


def target(walks=(), today=None, comfortable=20, stage=2, **profile):
    person = make_profile(walk_comfortable=comfortable, walk_since=SINCE, **profile)
    today = today or SINCE + timedelta(days=7 * 3)
    return walking(person, walks, RULES, today, stage, BACKWARD)


def week(n: int, minutes: int, flares: int = 0, walks: int = 5) -> list[Walk]:
    """`walks` walks in programme week `n` (0 is the first), the first `flares` of them with
    pain after above the flare line."""
    start = SINCE + timedelta(days=7 * n)
    over = RULES.flare_pain_after_above + 1
    return [
        walk(start + timedelta(days=i), minutes, after=over if i < flares else 2)
        for i in range(walks)
    ]


@pytest.mark.parametrize(
    "comfortable, first",
    [(20, 16), (10, 8), (1, 1), (2, 2), (60, 30), (38, 30)],  # 80 %, at least 1, at most 30
)
def test_the_programme_starts_at_four_fifths_of_a_comfortable_walk(comfortable, first):
    assert start_minutes(comfortable, RULES) == first
    now = target(comfortable=comfortable, today=SINCE + timedelta(days=6))
    assert now.minutes == first and "80 %" in now.reason


@pytest.mark.parametrize(
    "level, up, down",
    [(16, 18, 14), (8, 9, 7), (1, 2, 1), (29, 30, 25), (30, 30, 26)],  # +15 %, at least 1 min
)
def test_a_step_is_ten_to_twenty_percent_and_at_least_a_minute(level, up, down):
    assert step_up(level, RULES) == up and step_down(level, RULES) == down
    if level < RULES.walk_goal_minutes:
        assert 0.10 <= (up - level) / level <= 0.20 or up - level == 1


@pytest.mark.parametrize(
    "weeks, level, words",
    [
        ([week(0, 16)], 18, "a step up"),  # a week without a flare: one step
        ([week(0, 16), week(1, 18)], 21, "a step up"),
        ([week(0, 16, flares=1)], 16, "holding"),  # one flared walk: hold
        ([week(0, 16, flares=2)], 14, "one step down"),  # two: down
        ([week(0, 16, flares=2, walks=2)], 14, "one step down"),
        ([week(0, 16), week(1, 18, flares=1)], 18, "holding"),
        ([], 16, "no walk that week"),  # no walks: no evidence to step up on
    ],
)
def test_the_level_moves_by_the_weeks_walks(weeks, level, words):
    now = target(
        [w for wk in weeks for w in wk], today=SINCE + timedelta(days=7 * len(weeks or [0]))
    )
    assert now.minutes == level and words in now.reason, now.reason


def test_it_grows_to_the_goal_and_stays_there():
    walks = [w for n in range(20) for w in week(n, 30)]
    now = target(walks, today=SINCE + timedelta(days=7 * 20))
    assert now.minutes == RULES.walk_goal_minutes == 30
    assert now.week_target == 30 * RULES.walk_goal_days == 150


def test_a_rise_on_the_days_check_in_is_a_flare_too():
    day = SINCE + timedelta(days=1)
    end = SINCE + timedelta(days=7)
    # 5 is not above the flare line, but up 2 on the day's check-in of 3 is the flare rise.
    assert target([walk(day, 16, after=5, day_pain=3)] * 2, today=end).minutes == 14
    assert target([walk(day, 16, after=5, day_pain=4)] * 2, today=end).minutes == 18
    assert target([walk(day, 16, after=5)] * 2, today=end).minutes == 18  # no check-in


def test_a_walk_keeps_the_pain_of_the_days_latest_check_in_before_it():
    day = SINCE + timedelta(days=1)
    rated = [checkin(day - timedelta(days=1), 9), checkin(day, 3, hour=7), checkin(day, 4, 12)]
    assert day_pain_before(rated, at(day, 10)) == 3
    assert day_pain_before(rated, at(day, 13)) == 4
    assert day_pain_before(rated, at(day, 6)) is None  # only yesterday's before it
    assert day_pain_before([], at(day, 13)) is None


def test_a_walk_keeps_the_reach_as_last_rated_before_it_that_day_or_before():
    """The pain a walk is read against is that day's check-in's alone (a pain varies over the
    day); how far down the leg the symptoms reached is the last rating before the walk, that
    day's or an earlier day's: a walk before the day's first check-in that ends with them
    further down than last said is still seen to spread them."""
    day = SINCE + timedelta(days=1)

    def rated(when, reach):
        return CheckIn(at=when, pain=2, leg_pain=2, reach=reach)

    checkins = [
        rated(at(day - timedelta(days=2), 7), "thigh"),
        rated(at(day - timedelta(days=1), 7), "none"),
        CheckIn(at=at(day - timedelta(days=1), 20), pain=3),  # the leg not rated this time
        rated(at(day, 7), "buttock"),
        rated(at(day, 12), "thigh"),
    ]
    assert reach_before(checkins, at(day, 10)) == "buttock"
    assert reach_before(checkins, at(day, 13)) == "thigh"
    assert reach_before(checkins, at(day, 6)) == "none"  # yesterday's, the last one rated
    assert reach_before(checkins[:1], at(day, 6)) == "thigh"
    assert reach_before([], at(day, 13)) is None
    before_any = walk(day, 16, reach_after="foot", day_reach=reach_before(checkins, at(day, 6)))
    assert is_walk_flare(before_any, RULES)


def test_a_flared_walk_is_said_with_its_reasons_and_what_it_does():
    calm = walk(NOW.date(), 10, after=2, day_reach="thigh", reach_after="buttock")
    assert walk_flare_words(calm, RULES) is None
    spread_down = walk(NOW.date(), 10, after=2, day_reach="none", reach_after="foot")
    words = walk_flare_words(spread_down, RULES)
    assert words is not None and words.startswith("That walk counts as a flare: ")
    assert "the leg symptoms spread further down (no leg symptoms → the foot)" in words
    assert "holds your walking level" in words


def test_a_leg_walk_flares_on_the_worse_pain():
    over = RULES.flare_pain_after_above + 1
    leg = [Walk(at=at(SINCE), minutes=16, pain_after=1, leg_after=over)] * 2
    assert target(leg, today=SINCE + timedelta(days=7)).minutes == 14


def test_today_and_the_week_so_far():
    today = SINCE + timedelta(days=16)  # week 2, its third day
    walks = [*week(0, 16), *week(1, 18), walk(today - timedelta(days=1), 21), walk(today, 8)]
    walks.append(walk(today, 6, hour=19))
    now = target(walks, today=today)
    assert (now.minutes, now.minutes_today, now.minutes_this_week) == (21, 14, 35)
    assert now.days_this_week == 1 and not now.done_today
    assert now.line() == "Walk 14 of 21 min today · 1 of 5 days this week"


@pytest.mark.parametrize(
    "k, n, days",
    [
        (5, 7, [0, 1, 2, 4, 5]),  # the goal: rest on the fourth and the seventh day
        (7, 7, [0, 1, 2, 3, 4, 5, 6]),
        (9, 7, [0, 1, 2, 3, 4, 5, 6]),  # never more than one a day
        (1, 7, [0]),
        (0, 7, []),
        (-2, 7, []),
        (2, 3, [0, 1]),
        (1, 1, [0]),
        (3, 0, []),
    ],
)
def test_walks_are_spread_over_the_days_they_have(k, n, days):
    assert spread(k, n) == days


def _calendar_days(walks, today, days=28):
    now = target(walks, today=today)
    return now, walk_days(now, today, days)


def test_the_calendar_walks_on_five_days_a_week_not_every_day():
    today = SINCE + timedelta(days=14)  # the first day of programme week 2, nothing walked yet
    now, days = _calendar_days([*week(0, 16), *week(1, 18)], today)
    assert len(days) == 4 * RULES.walk_goal_days == 20
    for n in range(4):
        start = today + timedelta(days=7 * n)
        assert [(d - start).days for d in days if start <= d < start + timedelta(days=7)] == [
            0,
            1,
            2,
            4,
            5,
        ]


def test_this_week_gets_only_the_walks_it_still_needs():
    today = SINCE + timedelta(days=18)  # week 2, its fifth day: three days left (18, 19, 20)
    done = [walk(SINCE + timedelta(days=14 + i), 21) for i in range(3)]  # three full walks
    now, days = _calendar_days([*week(0, 16), *week(1, 18), *done], today, days=3)
    assert now.days_this_week == 3
    assert days == [today, today + timedelta(days=1)]  # two more make five
    walked_today = [*done, walk(today, 21)]
    now, days = _calendar_days([*week(0, 16), *week(1, 18), *walked_today], today, days=3)
    assert now.done_today and days == [today + timedelta(days=1)]  # not today: done
    five = [walk(SINCE + timedelta(days=14 + i), 21) for i in range(5)]
    assert _calendar_days([*week(0, 16), *week(1, 18), *five], today, days=3)[1] == []


def test_today_says_a_day_off_is_fine_only_once_the_week_is_walked():
    earlier = [*week(0, 16), *week(1, 18)]
    today = SINCE + timedelta(days=19)  # week 2, its sixth day
    four = [walk(SINCE + timedelta(days=14 + i), 21) for i in range(4)]
    now = target([*earlier, *four], today=today)
    assert not now.rest_today and now.line() == "Walk 0 of 21 min today · 4 of 5 days this week"
    five = [*four, walk(SINCE + timedelta(days=18), 21)]
    now = target([*earlier, *five], today=today)
    assert now.rest_today and now.line() == "No walk needed today · 5 of 5 days this week"
    assert walk_days(now, today, 2) == []  # the calendar agrees: none left this week
    now = target([*earlier, *five, walk(today, 6)], today=today)  # walked a little anyway
    assert not now.rest_today and now.line() == "Walk 6 of 21 min today · 5 of 5 days this week"
    short = [walk(SINCE + timedelta(days=14 + i), 5) for i in range(5)]  # short walks: no day
    now, days = _calendar_days([*week(0, 16), *week(1, 18), *short], today, days=3)
    assert now.days_this_week == 0 and days == [today + timedelta(days=i) for i in range(3)]


def test_no_programme_until_the_person_says_how_far_they_walk():
    assert target(comfortable=None) is None
    assert target(comfortable=0) is None  # cannot walk comfortably yet: nothing to grade


@pytest.mark.parametrize(
    "stage, minutes, backward, problem",
    [
        (4, 10, True, None),
        (4, 15, True, None),  # the catalog's longest backward bout
        (4, 16, True, "at most 15 min"),
        (3, 5, True, "from stage 4"),  # offered from the catalog's stage only
        (3, 45, False, None),  # forwards: any length
    ],
)
def test_backward_walks_are_short_and_from_the_catalogs_stage(stage, minutes, backward, problem):
    assert BACKWARD.stage == 4
    found = check_walk(minutes, backward, target(stage=stage))
    assert (problem is None and found is None) or (problem in (found or "")), found


# ---------------------------------------------------------------------------------------------
# Bouts


def plan_of(*doses: tuple[str, Dose, str]) -> Plan:
    return Plan(
        stage=2,
        created_at=NOW,
        prescriptions=[Prescription(exercise_id=i, dose=d, slot=s) for i, d, s in doses],
    )


ONCE = Dose(reps=5)
TWICE = Dose(minutes=5, per_day=2)
THRICE = Dose(hold_s=8, per_day=3)
PLAN = plan_of(
    ("pelvic-tilt-seated", ONCE, "any"),
    ("five-point-support", TWICE, "any"),
    ("table-lean", THRICE, "any"),
    ("bridge", ONCE, "evening"),
)


@pytest.mark.parametrize(
    "slots, morning, evening, bouts",
    [
        (
            ["morning", "evening"],
            ["pelvic-tilt-seated", "five-point-support"],  # twice a day, two sessions: once each
            ["pelvic-tilt-seated", "five-point-support", "bridge"],
            ["table-lean"],  # three times a day over two sessions: bouts
        ),
        (
            ["morning"],
            ["pelvic-tilt-seated", "bridge"],  # the evening one, with no evening: the first slot
            None,
            ["five-point-support", "table-lean"],
        ),
        (
            ["evening"],
            None,
            ["pelvic-tilt-seated", "bridge"],
            ["five-point-support", "table-lean"],
        ),
    ],
)
def test_each_exercise_is_in_a_session_once_or_done_in_bouts(slots, morning, evening, bouts):
    for slot, wanted in (("morning", morning), ("evening", evening)):
        if wanted is not None:
            assert [p.exercise_id for p in PLAN.for_slot(slot, slots)] == wanted
    assert [p.exercise_id for p in PLAN.bouts(slots)] == bouts
    every = {p.exercise_id for s in slots for p in PLAN.for_slot(s, slots)} | set(bouts)
    assert every == {p.exercise_id for p in PLAN.prescriptions}  # nothing lost


def test_the_dose_inside_a_session_or_a_bout_leaves_the_times_a_day_out():
    assert THRICE.label() == "hold 8 s, 3× a day"
    assert THRICE.label(daily=False) == "hold 8 s"


def test_bouts_are_counted_by_the_day_and_one_key_logs_the_next():
    day = NOW.date()
    done = [Bout(at=at(day, h), exercise_id="table-lean", plan_id=PLAN.id) for h in (9, 12)]
    done.append(Bout(at=at(day - timedelta(days=1), 9), exercise_id="table-lean", plan_id="x"))
    counts = bouts_today(CATALOG, PLAN, ["morning"], done, day)
    assert [(c.exercise_id, c.done, c.of) for c in counts] == [
        ("five-point-support", 0, 2),
        ("table-lean", 2, 3),
    ]
    assert counts[1].line() == "Table lean 2 of 3 today · hold 8 s"
    assert next_bout(counts).exercise_id == "five-point-support"
    finished = bouts_today(CATALOG, PLAN, ["morning", "evening"], done * 2, day)
    assert next_bout(finished) is None  # 4 of 3: done (extra bouts are fine)
    assert finished[0].line().startswith("Table lean 3 of 3")


def test_adherence_counts_the_bouts_up_to_their_times_a_day():
    rule_stage = next(s for s in (1, 2, 3) if CATALOG.stage(s).move_on.min_adherence_pct)
    rule = CATALOG.stage(rule_stage).move_on
    days = rule.adherence_days or 14
    today = NOW.date()
    window = [today - timedelta(days=d) for d in range(1, days + 1)]
    sessions = [session(d, stage=rule_stage) for d in window]  # one slot, every day done
    bouts = {"table-lean": 3}

    def pct(per_day: int) -> str:
        done = [
            Bout(at=at(d, 9 + i), exercise_id="table-lean", plan_id="p")
            for d in window
            for i in range(per_day)
        ]
        check = move_on_check(
            CATALOG, rule_stage, History.of(sessions, bouts=done), NOW, slots=1, bouts=bouts
        )
        return next(c.detail for c in check.criteria if c.key == "adherence")

    assert pct(3).startswith(f"{days} of {days} planned sessions and {3 * days} of {3 * days}")
    assert "(100 %)" in pct(3) and "(100 %)" in pct(5)  # a fourth and fifth bout add nothing
    assert "(25 %)" in pct(0)  # the sessions alone: 1 of every 4 things planned a day
    assert bouts_per_day(PLAN, ["morning"]) == {"five-point-support": 2, "table-lean": 3}


def test_the_csv_says_which_flare_rule_a_walk_met():
    """A walk's flare reason names the rule it met, as a session's does: pain after above the
    line, or a rise on the day's check-in (not "pain after" for both)."""
    import csv
    import io

    from planner.formats.csv_table import csv_text

    day = NOW.date()
    walks = [
        walk(day, 10, after=RULES.flare_pain_after_above + 1, hour=9),
        walk(day, 10, after=4, day_pain=2, hour=12),
        walk(day, 10, after=3, day_pain=2, hour=15),
    ]
    rows = list(csv.DictReader(io.StringIO(csv_text([], RULES, None, walks, []), newline="")))
    assert [r["flare"] for r in rows] == ["yes", "yes", "no"]
    high, rise, calm = (r["flare_reason"] for r in rows)
    assert high.startswith(f"pain after the walk {RULES.flare_pain_after_above + 1}")
    assert rise.startswith("pain rose 2→4 from the day's check-in")
    assert calm == ""


def test_a_walk_that_hurt_and_spread_gives_both_reasons_as_a_session_does():
    """Every rule a walk met is named, in the session rule's order and shape (a list)."""
    from planner.walking import walk_flare_reasons

    first, further = REACHES[1], REACHES[2]
    hurt = walk(
        NOW.date(), 10, after=RULES.flare_pain_after_above + 1, day_reach=first, reach_after=further
    )
    reasons = walk_flare_reasons(hurt, RULES)
    assert len(reasons) == 2
    assert reasons[0].startswith("pain after the walk") and "spread further down" in reasons[1]
    assert walk_flare_reasons(walk(NOW.date(), 10, after=2), RULES) == []


def test_the_walks_table_names_the_reach_a_walk_was_read_against_as_the_sessions_table_does():
    """The reach a walk is read against may be an earlier day's (the last rating before it):
    the walks table calls it "reach_before", as the sessions table's walk rows do."""
    import csv
    import io

    from planner.formats.csv_table import csv_walks

    spread_down = walk(NOW.date(), 10, after=2, day_reach="none", reach_after="foot")
    [row] = list(csv.DictReader(io.StringIO(csv_walks([spread_down], RULES), newline="")))
    assert (row["reach_before"], row["reach_after"], row["flare"]) == ("none", "foot", "yes")
    assert "reach_that_day" not in row
