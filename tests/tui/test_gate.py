"""The gate through the real interface (issue 12): records that stop sessions, however they
arrived, keep the player shut; Today says what to do; a doctor's clearance is the honest way on.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from textual.widgets import Static

from planner.models import Screening, Session
from planner.plan import build_plan
from planner.safety import RED_FLAGS
from rehab.cli import run
from store import Repository
from tests.conftest import make_profile
from tests.tui.conftest import SMALL, reopen
from tests.tui.flows import answer_all, first_run, plain, press_next, text_of, type_into
from tests.tui.test_footer import footer_actions
from tui.screens.doctor import ClearanceScreen, DoctorScreen
from tui.screens.first_run import RescreenScreen
from tui.screens.player import PlayerScreen
from tui.screens.today import TodayScreen
from tui.widgets.answers import AnswerList

ALL_NO = {flag.id: False for flag in RED_FLAGS}


def set_up(path, clock, *records) -> None:
    """A file as the first run leaves it (clear screening, active plan), plus `records`."""
    from planner.models import StageEvent
    from seeds import load_catalog

    profile = make_profile(slots=["morning"])
    plan = build_plan(load_catalog(), profile, 2, clock() - timedelta(days=2))
    with Repository.open(path, clock=clock) as repo:
        repo.save(
            profile,
            plan,
            Screening(at=clock() - timedelta(days=2), answers=ALL_NO, result="clear"),
            StageEvent(at=clock() - timedelta(days=2), to_stage=2, kind="start"),
            *records,
        )


@pytest.mark.slow
async def test_an_emergency_arriving_by_import_keeps_the_player_shut(open_app, tmp_path, clock):
    source, data = tmp_path / "theirs" / "rehab.json", tmp_path / "mine" / "rehab.json"
    emergency = Screening(
        at=clock() - timedelta(hours=1),
        answers=ALL_NO | {"foot-drop": True},
        result="emergency",
        context="re-screen",
    )
    set_up(source, clock, emergency)
    exported = tmp_path / "export.json"
    assert (
        run(
            ["export", "--format", "json", "--out", str(exported), "--data", str(source)],
            clock=clock,
            out=io.StringIO(),
            err=io.StringIO(),
        )
        == 0
    )
    said = io.StringIO()
    assert (
        run(
            ["import", str(exported), "--data", str(data)], clock=clock, out=said, err=io.StringIO()
        )
        == 0
    )
    assert "Sessions are stopped" in said.getvalue()
    with reopen(data, clock) as repo:
        assert repo.active_plan().status == "active"  # as the export carried it

    app = open_app(data)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        nxt = text_of(app.screen, "#next")
        assert "No session now" in nxt and "medical help today" in nxt
        assert "foot that drops" in nxt
        assert not app.screen.query_one("#start").display
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, DoctorScreen)
        assert "GET MEDICAL HELP TODAY" in text_of(app.screen, "#doctor-title")
        await pilot.press("d")  # a same-day sign can never be cleared
        await pilot.pause()
        assert isinstance(app.screen, DoctorScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+p")  # the palette's "start session" asks the same gate
        await pilot.pause()
        await pilot.press("escape")
        await app.run_action("start_session")
        await pilot.pause()
        assert not any(isinstance(s, PlayerScreen) for s in app.screen_stack)
    with reopen(data, clock) as repo:
        assert repo.sessions() == []


async def test_a_crash_between_the_session_and_its_screening_still_stops_sessions(
    open_app, data_file, clock
):
    """Simulated: the session (with its yes) reached the disk, the screening never did."""
    set_up(data_file, clock)
    with Repository.open(data_file, clock=clock) as repo:
        plan = repo.active_plan()
        repo.save(
            Session(
                plan_id=plan.id,
                stage=plan.stage,
                slot="morning",
                started_at=clock() - timedelta(hours=1),
                ended_at=clock(),
                pain_before=3,
                pain_after=3,
                new_symptoms=True,
            )
        )
    app = open_app(data_file)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert "No session now" in text_of(app.screen, "#next")
        assert "Nothing gets harder now" not in text_of(app.screen, "#next")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, DoctorScreen)
        assert app.advice().recommend_move_on is False and app.advice().paused


@pytest.mark.slow
async def test_the_weekly_rescreen_overdue_comes_before_the_next_session(
    open_app, data_file, clock
):
    set_up(data_file, clock)
    clock.advance(days=7)  # the clear screening is now 9 days old
    app = open_app(data_file)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert "safety check was 9 days ago" in text_of(app.screen, "#next")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, RescreenScreen)
        answer_all(app.screen.query_one(AnswerList))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen) and app.gate().open
        await pilot.press("s")
        await pilot.pause()
        assert "before you start" in str(app.screen.query_one(".dialog-title", Static).render())


@pytest.mark.slow
async def test_a_doctors_clearance_of_a_sign_of_history_lets_an_honest_person_go_on(
    make_app, data_file, clock
):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot, flags=("cancer",))
        assert isinstance(app.screen, DoctorScreen)
        assert "describe your history" in " ".join(plain(s) for s in app.screen.query(Static))
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ClearanceScreen)
        await pilot.press("ctrl+s")  # nothing answered: refused
        await pilot.pause()
        assert isinstance(app.screen, ClearanceScreen)
        await pilot.press("y")
        await type_into(pilot, "#seen-on", "2099-01-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ClearanceScreen)  # a visit in the future: refused
        await type_into(pilot, "#seen-on", "3")
        await type_into(pilot, "#note", "GP: [b]fine[/b] to exercise")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # Back in the wizard, one step on: the rest of the first run as usual.
        screen = app.screen
        screen.query_one("#conditions").select("ldh")
        await type_into(pilot, "#episode", "40")
        answer_all(screen.query_one("#health-list", AnswerList))
        await press_next(pilot)
        await type_into(pilot, "#pain-now", "3")
        await type_into(pilot, "#leg", "2")  # a disc herniation: the leg is rated apart
        await type_into(pilot, "#reach", "1")
        await press_next(pilot)
        await press_next(pilot)
        await press_next(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert app.gate().open
        # Next week the question asks what is new since the visit: nothing new needs no new
        # visit; a new yes (a return of it) stops again, as any new sign does.
        clock.advance(days=7)
        questions = dict(app.door.questions())
        assert questions["cancer"].startswith("Since a doctor checked your cancer history (")
        app.door.answer_screening(ALL_NO)
        assert app.gate().open and app.plan().status == "active"
        app.door.answer_screening(ALL_NO | {"cancer": True})
        assert not app.gate().open and app.plan().status == "paused"
    with reopen(data_file, clock) as repo:
        [kept] = repo.clearances()
        assert kept.sign == "cancer" and kept.note == "GP: [b]fine[/b] to exercise"
        assert kept.seen_on == (clock() - timedelta(days=10)).date()


@pytest.mark.slow
async def test_step_ups_and_advancing_are_refused_while_a_step_back_is_advised(
    make_demo_app, clock
):
    from planner.models import CheckIn

    app = make_demo_app()
    app.repo.save(CheckIn(at=clock(), pain=8))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        advice = app.advice()
        assert advice.step_back is not None and advice.held_back
        assert not any(d.direction == "up" for d in advice.doses)
        await app.switch_mode("progress")
        await pilot.pause()
        offered = footer_actions(app.screen)  # nothing harder is offered, the step back is
        assert "step_back" in offered and not {"advance", "override"} & set(offered)
        plan_before = app.plan()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert app.plan().id == plan_before.id  # neither moved on nor asked for a reason
        await app.switch_mode("plan")
        await pilot.pause()
        assert "Nothing gets harder now" in text_of(app.screen, "#suggestions")


@pytest.mark.slow
async def test_a_warning_sign_at_first_run_is_kept_and_met_again_at_the_next_start(
    make_app, data_file, clock
):
    """Issue 13, item 6: the answer was lost on restart, and the first run a dead end."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot, flags=("night-pain",))
        assert isinstance(app.screen, DoctorScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert "Your answers are kept" in str(app.screen.query_one("Problem").render())
    app.repo.close()  # rehab quit (ctrl+q)
    with reopen(data_file, clock) as repo:
        assert repo.profile() is None and repo.latest_screening().answers["night-pain"]

    clock.advance(days=3)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DoctorScreen)  # where it left off, with what to do
        shown = " ".join(plain(s) for s in app.screen.query(Static))
        assert "Pain at night" in shown and "press r to answer the questions again" in shown
        await pilot.press("r")
        await pilot.pause()
        questions = app.screen.query_one(AnswerList)
        assert len(questions.missing) == len(RED_FLAGS)  # asked afresh, nothing pre-selected
        answer_all(questions)
        await press_next(pilot)
        assert app.screen.query_one("#conditions")  # on to "About your back"


@pytest.mark.slow
async def test_the_stop_screens_lists_wrap_under_their_words_not_under_the_bullet(make_app):
    """Issue 13, item 15: long warning signs wrapped back to the left edge at 80 columns."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot, flags=("saddle-numbness", "one-leg", "night-pain"))
        assert isinstance(app.screen, DoctorScreen)
        lists = [
            plain(s).splitlines()
            for s in app.screen.query(Static)
            if plain(s).startswith(("You answered yes to:", "Get help the same day"))
        ]
        assert len(lists) == 2
        for _heading, *items in lists:
            assert len(items) > 3, items  # something is long enough to wrap at 80 columns
            bullets = [line for line in items if line.startswith("  • ")]
            wrapped = [line for line in items if not line.startswith("  • ")]
            assert bullets and wrapped, items
            assert all(line.startswith("    ") and line[4] != " " for line in wrapped), items
