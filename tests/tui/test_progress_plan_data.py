"""Progress (advance, refuse, override, step back), Plan (dose, swap, steps, reset), Data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable, Input

from planner.models import CheckIn, ExerciseEntry, Session
from tests.tui.conftest import LARGE, SMALL
from tests.tui.flows import text_of, type_into
from tests.tui.snapshots import assert_snapshot
from tests.tui.test_footer import footer_actions
from tui.screens.data import DataScreen
from tui.screens.modals import ConfirmScreen, Problem, ReasonScreen
from tui.screens.plan import DoseScreen, PlanScreen, SwapScreen
from tui.screens.progress import ProgressScreen
from tui.screens.today import TodayScreen


def good_session(app, slot: str) -> Session:
    plan = app.plan()
    now = app.now()
    entries = [
        ExerciseEntry(
            exercise_id=p.exercise_id, name=p.exercise_id, prescribed=p.dose, sets_done=p.dose.sets
        )
        for p in plan.for_slot(slot, app.profile().slots)
    ]
    return Session(
        plan_id=plan.id,
        stage=plan.stage,
        slot=slot,
        started_at=now,
        ended_at=now + timedelta(minutes=10),
        pain_before=3,
        pain_after=2,
        entries=entries,
        difficulty="ok",
        completed=True,
    )


def meet_stage_one(app, clock) -> None:
    """Three calm days of check-ins and two sessions a day: every 1→2 criterion holds."""
    for day in range(3):
        clock.advance(days=1) if day == 0 else clock.advance(hours=16)
        app.repo.record_checkin(CheckIn(at=app.now(), pain=3))
        app.repo.save_session(good_session(app, "morning"))
        clock.advance(hours=8)  # the clock ends after the last session: none is in the future
        app.repo.save_session(good_session(app, "evening"))


async def go(pilot, key: str):
    await pilot.press(key)
    await pilot.pause()
    return pilot.app.screen


@pytest.mark.slow
async def test_advancing_when_every_criterion_holds(make_onboarded_app, clock):
    app = make_onboarded_app(pain="6", episode="5")
    async with app.run_test(size=SMALL) as pilot:
        meet_stage_one(app, clock)
        screen = await go(pilot, "2")
        assert isinstance(screen, ProgressScreen)
        criteria = text_of(screen, "#criteria")
        assert "✗" not in criteria and criteria.count("✓") == 5
        assert "6 of 4 sessions" in criteria
        offered = footer_actions(screen)
        assert "advance" in offered and "override" not in offered  # a reason for nothing
        assert isinstance(await go(pilot, "a"), ConfirmScreen)
        await go(pilot, "y")
        assert app.plan().stage == 2
        assert [e.kind for e in app.repo.stage_events()] == ["start", "advance"]
        assert all(c.ok for c in app.repo.stage_events()[-1].criteria)
        assert "▶ 2 Mobilize" in text_of(screen, "#ladder")
        today = await go(pilot, "1")
        assert isinstance(today, TodayScreen)
        assert "Stage 2 of 4 · Mobilize" in text_of(today, "#stage")  # Today follows at once


@pytest.mark.slow
async def test_advance_is_refused_and_the_failing_criterion_named(make_onboarded_app, clock):
    app = make_onboarded_app(pain="6", episode="5")
    async with app.run_test(size=SMALL) as pilot:
        screen = await go(pilot, "2")
        criteria = text_of(screen, "#criteria")
        assert "✗ Days in this stage: 0 of 3 days" in criteria
        assert "Not yet: days in this stage" in criteria
        offered = footer_actions(screen)  # the screen offers only what the rules allow
        assert "advance" not in offered and {"override", "step_back"} <= set(offered)
        assert not isinstance(await go(pilot, "a"), ConfirmScreen)
        assert app.plan().stage == 1
        assert [e.kind for e in app.repo.stage_events()] == ["start"]


@pytest.mark.slow
async def test_override_asks_for_a_reason_and_logs_it(make_onboarded_app, clock):
    app = make_onboarded_app(pain="6", episode="5")
    async with app.run_test(size=SMALL) as pilot:
        await go(pilot, "2")
        assert isinstance(await go(pilot, "o"), ReasonScreen)
        await pilot.press("enter")  # empty: refused
        await pilot.pause()
        assert "type a reason" in str(app.screen.query_one(Problem).render())
        reason = "Physio [Dr. K] said I may"
        await type_into(pilot, "#reason", reason)
        await pilot.press("enter")
        await pilot.pause()
        assert app.plan().stage == 2
        event = app.repo.stage_events()[-1]
        assert event.kind == "override" and event.reason == reason
        assert reason in text_of(app.screen, "#events")


@pytest.mark.slow
async def test_step_back_goes_down_one_stage_and_never_below_one(make_onboarded_app, clock):
    app = make_onboarded_app()  # stage 2
    async with app.run_test(size=SMALL) as pilot:
        await go(pilot, "2")
        await go(pilot, "b")
        await go(pilot, "y")
        assert app.plan().stage == 1
        before = [p.dose for p in app.plan().prescriptions]
        await go(pilot, "b")
        await go(pilot, "y")
        assert app.plan().stage == 1  # stage 1 lowers doses instead
        after = [p.dose for p in app.plan().prescriptions]
        assert after != before
        assert [e.kind for e in app.repo.stage_events()] == ["start", "step-back", "step-back"]


@pytest.mark.slow
async def test_dose_change_within_and_outside_bounds(make_onboarded_app, clock, catalog):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await go(pilot, "3")
        assert isinstance(screen, PlanScreen)
        first = app.plan().prescriptions[0]
        ex = catalog.exercise(first.exercise_id)
        assert isinstance(await go(pilot, "e"), DoseScreen)
        low, high = ex.bounds.sets
        await type_into(pilot, "#sets", str(high + 1))
        await pilot.press("enter")
        await pilot.pause()
        assert f"from {low} to {high}" in str(app.screen.query_one(Problem).render())
        assert app.plan().prescriptions[0].dose == first.dose  # nothing saved
        await type_into(pilot, "#sets", "x")
        await pilot.press("enter")
        await pilot.pause()
        assert "is not" in str(app.screen.query_one(Problem).render())
        await type_into(pilot, "#sets", str(high))
        await pilot.press("enter")
        await pilot.pause()
        assert app.plan().prescriptions[0].dose.sets == high
        table = screen.query_one(DataTable)
        assert str(table.get_row_at(0)[2]) == app.plan().prescriptions[0].dose.label()


@pytest.mark.slow
async def test_swap_for_a_neighbour_and_reset(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await go(pilot, "3")
        original = [p.exercise_id for p in app.plan().prescriptions]
        swap = await go(pilot, "w")
        assert isinstance(swap, SwapScreen)
        choice = swap.options[0][0].id
        swap.query_one("#swap-choice").select(choice)
        swap.query_one("#swap").press()
        await pilot.pause()
        now = [p.exercise_id for p in app.plan().prescriptions]
        assert now[0] == choice and now[1:] == original[1:]
        await go(pilot, "r")
        await go(pilot, "y")
        assert [p.exercise_id for p in app.plan().prescriptions] == original


@pytest.mark.slow
async def test_data_screen_backs_up_and_restores(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await go(pilot, "6")
        assert isinstance(screen, DataScreen)
        assert str(app.repo.path) in text_of(screen, "#file")
        clock.advance(minutes=1)
        await go(pilot, "b")
        assert screen.query_one(DataTable).row_count >= 1
        app.repo.record_checkin(CheckIn(at=app.now(), pain=9, note="after the backup"))
        table = screen.query_one(DataTable)
        manual = next(i for i in range(table.row_count) if "manual" in str(table.get_row_at(i)[0]))
        table.move_cursor(row=manual)
        clock.advance(minutes=1)
        await go(pilot, "r")
        await go(pilot, "y")
        assert not any(c.note == "after the backup" for c in app.repo.checkins())


async def test_data_screen_counts_sessions_check_ins_and_stage_events(make_demo_app):
    app = make_demo_app(days=60)
    async with app.run_test(size=SMALL) as pilot:
        screen = await go(pilot, "6")
        repo = app.repo
        assert (
            f"{len(repo.sessions())} sessions · {len(repo.checkins())} check-ins · "
            f"{len(repo.stage_events())} stage events"
        ) in text_of(screen, "#file")


@pytest.mark.slow
async def test_places_cannot_be_left_in_the_middle_of_a_session(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await type_into(pilot, "Input", "3")
        await pilot.press("enter")
        await pilot.pause()
        player = app.screen
        await go(pilot, "4")
        assert app.screen is player


SIZES = [pytest.param(SMALL, id="80x24"), pytest.param(LARGE, id="120x40")]


@pytest.mark.parametrize("size", SIZES)
async def test_progress_and_plan_snapshots(make_demo_app, request, size):
    app = make_demo_app(days=60)
    async with app.run_test(size=size) as pilot:
        await go(pilot, "2")
        assert_snapshot(app, f"progress-{size[0]}x{size[1]}", request)
        await go(pilot, "3")
        assert_snapshot(app, f"plan-{size[0]}x{size[1]}", request)


@pytest.mark.slow
async def test_nothing_typed_is_lost_when_a_dose_field_is_wrong(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await go(pilot, "3")
        await go(pilot, "e")
        await type_into(pilot, "#sets", "99")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#sets", Input).value == "99"


@pytest.mark.slow
async def test_data_screen_exports_a_private_file(make_onboarded_app, clock, tmp_path):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await go(pilot, "6")
        dialog = await go(pilot, "e")
        dialog.query_one("#format").select("csv")
        await pilot.pause()
        assert dialog.query_one("#path", Input).value.endswith(".csv")
        target = tmp_path / "for-my-physio.csv"
        path = dialog.query_one("#path", Input)
        path.value = str(target)  # a long path: set, not typed key by key (typing is tested)
        path.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert target.exists() and oct(target.stat().st_mode & 0o777) == "0o600"
        assert target.read_text().startswith("date,")


@pytest.mark.slow
async def test_data_screen_exports_into_a_named_pipe_and_leaves_it_one(
    make_onboarded_app, clock, tmp_path
):
    """As the command does: /dev/null or a pipe is written into, never replaced by a file."""
    import stat

    from tests.conftest import PipeReader

    pipe = tmp_path / "pipe"
    reader = PipeReader(pipe)
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await go(pilot, "6")
        dialog = await go(pilot, "e")
        dialog.query_one("#format").select("csv")
        path = dialog.query_one("#path", Input)
        path.value = str(pipe)
        path.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
    assert reader.join().startswith(b"date,") and stat.S_ISFIFO(pipe.stat().st_mode)


@pytest.mark.slow
async def test_data_screen_exports_a_fhir_bundle_named_as_one(make_onboarded_app, clock, tmp_path):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await go(pilot, "6")
        dialog = await go(pilot, "e")
        path = dialog.query_one("#path", Input)
        dialog.query_one("#format").select("fhir")
        await pilot.pause()
        assert path.value.endswith(".fhir.json")
        dialog.query_one("#format").select("md")
        await pilot.pause()
        assert path.value.endswith(f"{clock().date()}.md")  # not ".fhir.md"
        dialog.query_one("#format").select("fhir")
        await pilot.pause()
        target = tmp_path / "for-the-clinic.fhir.json"
        path.value = str(target)
        path.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert oct(target.stat().st_mode & 0o777) == "0o600"
        assert '"resourceType": "Bundle"' in target.read_text()


@pytest.mark.slow
async def test_plan_says_a_physiotherapists_plan_is_theirs_with_their_note(
    make_onboarded_app, clock
):
    from dataclasses import replace

    from planner.models import PlanSource

    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        plan = app.repo.active_plan()
        doses = {p.exercise_id: p.dose for p in plan.prescriptions}
        source = PlanSource(
            imported_at=clock(), clinician="Dr [b]Kim", note="[red]Go gently", doses=doses
        )
        app.repo.save_plan(replace(plan, id="physio", source=source))
        await go(pilot, "3")
        shown = str(app.screen.query_one("#plan-source").render())
        assert "From your physiotherapist (Dr [b]Kim) · loaded" in shown
        assert "Their note: [red]Go gently" in shown
        assert "up to your physiotherapist's dose" in str(
            app.screen.query_one("#suggestions").render()
        )
        await pilot.press("r")  # reset to rehab's plan: the question says whose plan goes
        await pilot.pause()
        question = str(app.screen.query_one(".dialog-title").render())
        assert "This replaces the plan from your physiotherapist (Dr [b]Kim)" in question
        await pilot.press("enter")  # the safe answer: keep theirs
        await pilot.pause()
        assert app.repo.active_plan().id == "physio"


@pytest.mark.slow
async def test_plan_suggests_the_direction_that_eases_the_leg_and_enter_keeps_the_plan(
    make_onboarded_app, clock
):
    from planner.models import Direction
    from tests.unit.test_door import spreading_world

    app = make_onboarded_app(condition="sciatica", episode="120")
    async with app.run_test(size=SMALL) as pilot:
        spreading_world(app.door, clock)
        screen = await go(pilot, "3")
        assert isinstance(screen, PlanScreen)
        said = text_of(screen, "#suggestions")
        assert "Your leg: Leg symptoms spread further down after exercises bending forward" in said
        assert "f Favour bending back: swap " in said
        before = app.plan()
        assert isinstance(await go(pilot, "f"), ConfirmScreen)
        await go(pilot, "enter")  # out of habit: the plan stays as it is
        assert app.plan() == before
        await go(pilot, "f")
        await go(pilot, "y")
        ways = {app.catalog.exercise(p.exercise_id).direction for p in app.plan().prescriptions}
        assert Direction.FORWARD not in ways
        assert "Your leg" not in text_of(screen, "#suggestions")


@pytest.mark.slow
async def test_health_answers_change_on_plan_each_by_y_or_n_and_the_plan_follows(
    make_onboarded_app,
):
    from planner.models import Position
    from tui.screens.plan import HealthScreen

    app = make_onboarded_app(episode="5")
    async with app.run_test(size=SMALL) as pilot:
        positions = {app.catalog.exercise(p.exercise_id).position for p in app.plan().prescriptions}
        assert Position.PRONE in positions
        screen = await go(pilot, "3")
        dialog = await go(pilot, "h")
        assert isinstance(dialog, HealthScreen)
        assert "Before: pregnant no;" in text_of(dialog, ".dim")
        await go(pilot, "enter")  # out of habit: answers nothing, saves nothing
        assert isinstance(app.screen, HealthScreen) and app.profile().pregnant is False
        for key in ("up", "y", "n", "n"):  # back to the first question (Enter moved on)
            await go(pilot, key)
        await go(pilot, "enter")  # every question answered: saved
        assert app.screen is screen
        assert app.profile().pregnant is True
        positions = {app.catalog.exercise(p.exercise_id).position for p in app.plan().prescriptions}
        assert Position.PRONE not in positions
        assert app.repo.stage_events()[-1].kind == "health"
        history = await go(pilot, "4")
        assert "health answers changed" in text_of(history, "#history-stages")


@pytest.mark.slow
async def test_plan_offers_y_and_x_only_while_a_dose_step_is_suggested(make_onboarded_app, clock):
    """The footer showed "y Take step  x Not now" beside "No dose step suggested right now"
    (and y then said "No dose step is waiting"): a screen offers only what the rules allow."""
    from dataclasses import replace

    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await go(pilot, "3")
        assert not app.standing().advice.doses
        assert not {"accept", "decline"} & set(footer_actions(screen))
        await go(pilot, "y")
        assert not app.screen.query("Toast")  # nothing to say: the key is not offered
        for slot in ("morning", "evening"):
            clock.advance(hours=1)
            app.repo.save_session(replace(good_session(app, slot), difficulty="easy"))
            clock.advance(hours=1)
        assert app.standing().advice.doses  # two easy sessions at a dose: a step up
        await go(pilot, "1")
        screen = await go(pilot, "3")
        await pilot.pause()
        assert {"accept", "decline"} <= set(footer_actions(screen))
        before = [p.dose for p in app.plan().prescriptions]
        await go(pilot, "y")
        assert [p.dose for p in app.plan().prescriptions] != before
        for _ in range(len(before)):  # y takes the first step; x declines the next ones
            if not app.standing().advice.doses:
                break
            await go(pilot, "x")
        await pilot.pause()
        assert not app.standing().advice.doses
        assert not {"accept", "decline"} & set(footer_actions(screen))


@pytest.mark.slow
async def test_data_offers_restore_only_when_there_is_a_backup(make_onboarded_app, data_file):
    """With no backup, Data showed an empty table under "Backups" and offered "r Restore
    selected" (which then said there was none)."""
    import shutil

    from tui.screens.data import DataScreen

    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        for backup in app.repo.backups():
            backup.path.unlink()
        shutil.rmtree(data_file.parent / "backups", ignore_errors=True)
        screen = await go(pilot, "6")
        assert isinstance(screen, DataScreen)
        assert "restore" not in footer_actions(screen)
        assert not screen.query_one(DataTable).display
        assert "None yet: b makes one now" in text_of(screen, "#no-backups")
        await go(pilot, "b")
        await pilot.pause()
        assert "restore" in footer_actions(screen)
        assert screen.query_one(DataTable).display and screen.query_one(DataTable).row_count == 1
        assert not screen.query_one("#no-backups").display
