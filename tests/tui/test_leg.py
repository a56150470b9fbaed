"""A sciatica user in Pilot (issue 16, part 1): back and leg pain apart with the reach, leg
symptoms that centralise over a session (a good sign, said), then spread further down during
an exercise (stopped like "it hurts", a flare, said)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.progression import flare_reasons, is_flare
from tests.tui.conftest import SMALL, reopen
from tests.tui.flows import answer_all, first_run, text_of, type_into
from tests.tui.test_daily_loop import listen
from tests.tui.test_daily_path import run_to_the_end
from tui.screens.modals import PainScreen
from tui.screens.player import EndSessionScreen, PlayerScreen
from tui.screens.today import TodayScreen
from tui.widgets.answers import AnswerList
from tui.widgets.leg_fields import LegFields
from tui.widgets.pain_chart import LEG_MARKER, PainChart

pytestmark = pytest.mark.slow  # seconds each: Pilot drives the app


async def rate(pilot, back: str, leg: str, reach: str) -> None:
    await type_into(pilot, "#pain", back)
    await type_into(pilot, "#leg", leg)
    await type_into(pilot, "#reach", reach)


async def test_a_sciatica_user_centralises_then_peripheralises_during_an_exercise(
    make_app, data_file, clock, catalog
):
    app = make_app()
    said = listen(app)
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot, condition="sciatica")
        assert app.profile().leg_symptoms

        # Before: back 3, leg 6, to the thigh (2).
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PainScreen) and app.screen.query(LegFields)
        await rate(pilot, "3", "6", "2")
        await pilot.press("enter")
        await pilot.pause()
        # Leg 6 is above 5: a lighter session or rest is offered first; the planned one on
        # purpose (p), and that choice is kept with the session.
        from tui.screens.modals import SessionChoiceScreen

        assert isinstance(app.screen, SessionChoiceScreen)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        await run_to_the_end(pilot, clock)

        # After: back 2, leg 3, only to the buttock (1): centralising.
        form = app.screen
        assert isinstance(form, EndSessionScreen)
        # At 80×24 the three ratings are one block, so the note is in sight, not below the fold.
        assert form.query_one("#note-label").region.bottom <= app.size.height - 1
        await rate(pilot, "2", "3", "buttock")
        answer_all(form.query_one("#symptoms", AnswerList))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert any("moved up toward your back: a good sign" in s for s in said)

        # The next session: the symptoms spread below the knee during the first exercise.
        await pilot.press("s")
        await pilot.pause()
        await rate(pilot, "2", "3", "1")
        await pilot.press("enter")
        await pilot.pause()
        player = app.screen
        assert isinstance(player, PlayerScreen)
        spread_id = player.run.current.prescription.exercise_id
        await pilot.press("space")
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, PainScreen)
        await rate(pilot, "3", "5", "3")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is player and player.run.index == 1  # that exercise is stopped
        assert any("spread further down: this exercise is stopped" in s for s in said)
        await run_to_the_end(pilot, clock)
        await rate(pilot, "3", "4", "3")
        answer_all(app.screen.query_one("#symptoms", AnswerList))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("counts as a flare" in s for s in said)

        # History draws the leg apart from the back, with how far down the leg each day.
        await pilot.press("4")
        await pilot.pause()
        chart = app.screen.query_one("#history-chart", PainChart).data
        today = clock().date()
        # The day's first ratings: the first run's check-in (back 3, leg 5).
        assert dict(chart.leg)[today] == 5 and dict(chart.back)[today] == 3
        assert dict(chart.reach)[today] == 3  # below the knee, today
        assert "1–4 under the leg: how far down" in text_of(app.screen, "#history-legend")

        # Then a walk (issue 16, part 2): w first asks how long they walk comfortably (20 min:
        # the programme starts at 16), then logs one, with the leg after it rated apart.
        await pilot.press("1")
        await pilot.pause()
        assert "Walking: say how long you walk comfortably" in text_of(app.screen, "#daily")
        await pilot.press("w")
        await pilot.pause()
        await type_into(pilot, "#walk-minutes", "20")
        await pilot.press("enter")
        await pilot.pause()
        assert "Walk 0 of 16 min today" in text_of(app.screen, "#daily")
        await pilot.press("w")
        await pilot.pause()
        await type_into(pilot, "#walk-minutes", "12")
        await type_into(pilot, "#walk-pain", "2")
        await type_into(pilot, "#walk-leg", "3")
        await type_into(pilot, "#walk-reach", "1")  # walks are symptoms too
        await pilot.press("enter")
        await pilot.pause()
        assert "Walk 12 of 16 min today" in text_of(app.screen, "#daily")

    with reopen(data_file, clock) as repo:
        [walk] = repo.walks()
        assert (walk.minutes, walk.backward, walk.pain_after, walk.leg_after) == (12, False, 2, 3)
        # As far as the day's check-in said before it (the thigh), and after it (the buttock).
        assert (walk.day_reach, walk.reach_after) == ("thigh", "buttock")
        assert repo.profile().walk_comfortable == 20
        first, second = repo.sessions()
        assert (first.pain_before, first.leg_before, first.reach_before) == (3, 6, "thigh")
        assert first.chosen == "planned"
        assert (first.pain_after, first.leg_after, first.reach_after) == (2, 3, "buttock")
        assert not is_flare(first, catalog.rules)
        stopped = next(e for e in second.entries if e.exercise_id == spread_id)
        assert stopped.stopped_hurt and stopped.spread_down and stopped.pain_when_stopped == 5
        reasons = flare_reasons(second, catalog.rules)
        assert "the leg symptoms spread further down (the buttock → below the knee)" in reasons
        assert "an exercise was stopped because the leg symptoms spread further down" in reasons


async def test_history_draws_a_leg_line_only_for_someone_with_leg_symptoms(make_demo_app):
    app = make_demo_app()  # the demo person has sciatica: back and leg rated apart
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("4")
        await pilot.pause()
        chart = app.screen.query_one("#history-chart", PainChart)
        assert chart.data.leg and f"{LEG_MARKER} leg" in text_of(app.screen, "#history-legend")
        # At 80×24 the chart is short, so the sessions keep rows of their own.
        assert chart.size.height == 8
        assert app.screen.query_one("#history-table").size.height >= 1 + 5  # header, 5 rows
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert chart.size.height == 12
    app = make_demo_app(seed=8)  # the same person with back pain alone: no leg ratings
    repo = app.repo
    repo.save(
        replace(app.profile(), leg_symptoms=False),
        *(replace(c, leg_pain=None, reach=None) for c in repo.checkins()),
        *(
            replace(s, leg_before=None, leg_after=None, reach_before=None, reach_after=None)
            for s in repo.sessions()
        ),
    )
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("4")
        await pilot.pause()
        chart = app.screen.query_one("#history-chart", PainChart)
        assert chart.data.back and chart.data.leg == () and chart.data.reach == ()
        assert " leg" not in text_of(app.screen, "#history-legend")
        assert LEG_MARKER not in "".join(chart.render().plain.splitlines()[:-2])  # no leg line


async def test_leg_pain_reported_later_is_rated_apart_from_then_on(
    make_onboarded_app, data_file, clock
):
    """Someone who set up without sciatica or a disc herniation ticks "pain in a leg too" in a
    check-in: the leg is rated apart in that check-in and asked in every rating after it."""
    from textual.widgets import Checkbox

    from tui.screens.modals import CheckInScreen

    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        assert not app.profile().leg_symptoms
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CheckInScreen) and not form.query_one(LegFields).display
        form.query_one("#leg-too", Checkbox).value = True
        await pilot.pause()
        assert form.query_one(LegFields).display
        await rate(pilot, "2", "4", "thigh")
        await pilot.press("enter")
        await pilot.pause()
        assert app.profile().leg_symptoms
        await pilot.press("c")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, CheckInScreen) and again.leg
        assert not again.query("#leg-too") and again.query_one(LegFields).display
    with reopen(data_file, clock) as repo:
        latest = repo.checkins()[-1]
        assert (latest.pain, latest.leg_pain, latest.reach) == (2, 4, "thigh")
        assert repo.profile().leg_symptoms


async def test_today_says_when_the_leg_symptoms_moved_since_the_day_before(
    make_onboarded_app, clock
):
    app = make_onboarded_app(condition="sciatica", leg="5", reach="3")  # below the knee
    async with app.run_test(size=SMALL) as pilot:
        clock.advance(days=1)
        await pilot.press("c")
        await pilot.pause()
        await rate(pilot, "3", "4", "1")  # only the buttock now
        await pilot.press("enter")
        await pilot.pause()
        words = text_of(app.screen, "#checkin")
        assert "back 3/10, leg 4/10, to the buttock" in words
        assert "reach less far than on" in words and "a good sign" in words


async def test_bouts_through_the_day_are_logged_with_one_key_and_stop_with_the_gate(
    make_onboarded_app, data_file, clock
):
    """Issue 16, part 4: an exercise prescribed more often than there are sessions leaves the
    session and becomes bouts on Today ("Table lean 1 of 3 today"), one key each; no bout is
    logged while sessions are stopped."""
    from dataclasses import replace

    from planner.models import Dose, Prescription, Screening
    from planner.safety import RED_FLAGS

    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        plan = app.plan()
        lean = Prescription(exercise_id="table-lean", dose=Dose(hold_s=8, per_day=3))
        app.repo.save_plan(replace(plan, prescriptions=[*plan.prescriptions, lean]))
        await pilot.press("2", "1")
        await pilot.pause()
        today = app.screen
        assert "Table lean 0 of 3 today · hold 8 s" in text_of(today, "#daily")
        assert "Table lean" not in text_of(today, "#next")  # not in the morning session
        for n in (1, 2):
            await pilot.press("b")
            await pilot.pause()
            assert f"Table lean {n} of 3 today" in text_of(today, "#daily")

        clock.advance(minutes=5)
        stop = Screening(
            at=clock(),
            answers={f.id: f.id == "saddle-numbness" for f in RED_FLAGS},
            result="emergency",
            context="re-screen",
        )
        app.repo.record_screening(stop)
        await pilot.press("b")
        await pilot.pause()
        assert "Table lean 2 of 3 today" in text_of(today, "#daily")  # refused: no third

    with reopen(data_file, clock) as repo:
        assert [b.exercise_id for b in repo.bouts()] == ["table-lean", "table-lean"]
