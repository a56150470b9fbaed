"""The daily path in Pilot: first run, Today, check-ins, the session player, the stop screen."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input, Static, TextArea

from planner.runner import GET_READY_S
from tests.tui.conftest import SMALL, reopen
from tests.tui.flows import answer_all, first_run, plain, press_next, text_of, type_into
from tui.screens.doctor import DoctorScreen
from tui.screens.first_run import FirstRunScreen
from tui.screens.modals import CheckInScreen, PainScreen, Problem
from tui.screens.player import EndSessionScreen, PlayerScreen
from tui.screens.today import TodayScreen
from tui.widgets.answers import AnswerList
from tui.widgets.today import StartButton

pytestmark = (
    pytest.mark.slow
)  # seconds each: Pilot drives the app through the first run and sessions

NASTY = "[ [/ [red]not red[/red] \x1b[31mESC\x1b[0m $x \\"


async def start_session(pilot, pain: str = "3") -> PlayerScreen:
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PainScreen)
    await type_into(pilot, "Input", pain)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PlayerScreen)
    return pilot.app.screen


async def run_to_the_end(pilot, clock) -> None:
    """Start each exercise and move the clock past it; the bell and counters run on their own."""
    player = pilot.app.screen
    while isinstance(pilot.app.screen, PlayerScreen):
        await pilot.press("space")
        clock.advance(hours=1)
        player.tick()
        await pilot.pause()


async def save_end_form(
    pilot, pain: str = "2", note: str = "", symptoms: tuple[str, ...] = ()
) -> None:
    """Fill the end-of-session form; `symptoms` are the warning-sign questions answered yes."""
    form = pilot.app.screen
    assert isinstance(form, EndSessionScreen)
    await type_into(pilot, "#pain", pain)
    if note:
        form.query_one("#note", TextArea).text = note
    answer_all(form.query_one("#symptoms", AnswerList), yes=symptoms)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_first_run_to_first_finished_session(make_app, data_file, clock):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        assert isinstance(app.screen, FirstRunScreen)
        await first_run(pilot, pain="3", episode="40")
        assert isinstance(app.screen, TodayScreen)
        assert "Stage 2 of 4 · Mobilize" in text_of(app.screen, "#stage")
        assert "pain 3/10" in text_of(app.screen, "#checkin")  # first run records pain now
        player = await start_session(pilot, pain="3")
        assert len(player.run.items) >= 3
        await run_to_the_end(pilot, clock)
        await save_end_form(pilot, pain="2", note="felt loose")
        assert isinstance(app.screen, TodayScreen)
        assert "✓ Morning" in text_of(app.screen, "#sessions")
    with reopen(data_file, clock) as repo:
        [session] = repo.sessions()
        assert session.completed and session.pain_before == 3 and session.pain_after == 2
        assert all(e.done for e in session.entries) and session.note == "felt loose"
        assert repo.profile().slots == ["morning"]
        assert [e.kind for e in repo.stage_events()] == ["start"]
        assert repo.latest_screening().result == "clear"


async def test_start_is_pressed_by_enter_or_a_click_and_a_quick_second_press_is_the_same(
    make_app,
):
    """Today's Start is a button in use (Enter when it has the focus, a click), though not
    Textual's Button: a second press while the first shows asks for the pain once, as
    Button's would. Today mounts no Textual Button: its stylesheet would be parsed at every
    start."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot, pain="3", episode="40")
        start = app.screen.query_one("#start", StartButton)
        assert start.display and not app.screen.query(Button)

        async def twice() -> None:
            start.action_press()
            start.action_press()

        for press in ("enter", "click", "twice"):
            start.focus()
            if press == "enter":
                await pilot.press("enter")
            elif press == "click":
                assert await pilot.click(StartButton)
            else:
                await twice()
            await pilot.pause()
            assert [type(s) for s in app.screen_stack[-2:]] == [TodayScreen, PainScreen], press
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)
            start.remove_class("-active")  # the press shown, ended (a timer) without waiting


async def test_a_session_note_past_the_limit_is_refused_in_one_line_and_kept(
    make_app, data_file, clock
):
    """Notes up to 20,000 characters; the end form says so and keeps the
    text, then saves once it fits."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot, pain="3", episode="40")
        await start_session(pilot, pain="3")
        await run_to_the_end(pilot, clock)
        form = app.screen
        long_note = "x" * 20_001
        await save_end_form(pilot, pain="2", note=long_note)
        assert app.screen is form
        said = str(form.query_one(Problem).render())
        assert "20,001 characters long; rehab keeps up to 20,000" in said and "\n" not in said
        assert form.query_one("#note", TextArea).text == long_note  # nothing typed is lost
        form.query_one("#note", TextArea).text = long_note[:20_000]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
    with reopen(data_file, clock) as repo:
        assert len(repo.sessions()[-1].note) == 20_000


async def test_emergency_red_flag_at_first_run_stops_everything(make_app, data_file, clock):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot, flags=("bladder-bowel",))
        assert isinstance(app.screen, DoctorScreen)
        body = " ".join(plain(s) for s in app.screen.query(Static))
        assert "GET MEDICAL HELP TODAY" in body and "emergency" in body
    with reopen(data_file, clock) as repo:
        assert repo.profile() is None and repo.active_plan() is None
        assert repo.latest_screening().result == "emergency"


async def test_yes_to_the_symptoms_question_pauses_the_plan_until_a_clear_rescreen(
    make_app, data_file, clock
):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot)
        await start_session(pilot)
        await run_to_the_end(pilot, clock)
        await save_end_form(pilot, symptoms=("one-leg",))
        assert isinstance(app.screen, DoctorScreen)
        assert "See a doctor" in app.screen.query_one("#doctor-title", Static).render().plain
        assert app.plan().status == "paused"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("s")  # refused: no session while a sign is open; says what to do
        await pilot.pause()
        assert isinstance(app.screen, DoctorScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert "No session now" in text_of(app.screen, "#next")
        assert "numbness, tingling or weakness in one leg" in text_of(app.screen, "#next")
        await pilot.press("r")
        await pilot.pause()
        app.screen.query_one("#save").press()  # nothing answered: refused, nothing saved
        await pilot.pause()
        assert app.plan().status == "paused"
        assert "still have no answer" in str(app.screen.query_one(Problem).render())
        answer_all(app.screen.query_one(AnswerList))  # the re-screen asks about one leg too
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.plan().status == "active"
    with reopen(data_file, clock) as repo:
        assert [e.kind for e in repo.stage_events()] == ["start", "pause", "resume"]
        assert [s.context for s in repo.screenings()] == ["first-run", "after-session", "re-screen"]


async def test_it_hurts_stops_the_exercise_and_the_session_counts_as_a_flare(
    make_app, data_file, clock, catalog
):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot)
        player = await start_session(pilot)
        hurt_id = player.run.current.prescription.exercise_id
        await pilot.press("space")
        clock.advance(seconds=GET_READY_S + 1)
        player.tick()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, PainScreen)
        await type_into(pilot, "Input", "6")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is player and player.run.index == 1
        await run_to_the_end(pilot, clock)
        await save_end_form(pilot, pain="4")
    with reopen(data_file, clock) as repo:
        [session] = repo.sessions()
        hurt = next(e for e in session.entries if e.exercise_id == hurt_id)
        assert hurt.stopped_hurt and hurt.pain_when_stopped == 6 and not hurt.done
        from planner.progression import is_flare

        assert is_flare(session, catalog.rules)


async def test_quitting_midway_saves_a_partial_session(make_app, data_file, clock):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot)
        player = await start_session(pilot)
        await pilot.press("space")
        clock.advance(hours=1)
        player.tick()  # the first exercise done
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("n")  # "go on" keeps the session
        await pilot.pause()
        assert app.screen is player
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, EndSessionScreen)
        await save_end_form(pilot, pain="3")
        assert "◐ Morning" in text_of(app.screen, "#sessions")
    with reopen(data_file, clock) as repo:
        [session] = repo.sessions()
        assert not session.completed
        assert session.entries[0].done and not session.entries[-1].done


async def test_bad_pain_input_gets_one_clear_line_and_loses_nothing(make_app, clock):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot, stop_at="flags")
        answer_all(app.screen.query_one(AnswerList))
        await press_next(pilot)
        app.screen.query_one("#conditions").select("ldh")
        for bad, words in [
            ("", "When did this episode begin"),
            ("abc", "is not a date"),
            ("-1", "is not a date"),
            ("20000", "over ten years"),
        ]:
            await type_into(pilot, "#episode", bad)
            await press_next(pilot)
            problem = str(app.screen.query_one(Problem).render())
            assert words in problem, problem
        await type_into(pilot, "#episode", "30")
        answer_all(app.screen.query_one("#health-list", AnswerList))
        await press_next(pilot)
        for bad, words in [
            ("11", "from 0 to 10"),
            ("-1", "from 0 to 10"),
            ("lots", "is not"),
            ("", "Please enter"),
        ]:
            await type_into(pilot, "#pain-now", bad)
            await press_next(pilot)
            assert words in str(app.screen.query_one(Problem).render())
            assert app.screen.query_one("#pain-now", Input).value == bad  # kept, not wiped
        await type_into(pilot, "#pain-now", "4")
        await press_next(pilot)  # a disc herniation: the leg is asked too, and must be rated
        assert "Leg pain: Please enter" in str(app.screen.query_one(Problem).render())
        await type_into(pilot, "#leg", "6")
        await type_into(pilot, "#reach", "thigh")
        await press_next(pilot)
        await type_into(pilot, "#minutes", "3")
        await press_next(pilot)
        assert "from 5 to 60" in str(app.screen.query_one(Problem).render())
        await type_into(pilot, "#minutes", "20")
        await press_next(pilot)
        await press_next(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert app.profile().minutes_per_session == 20 and app.profile().leg_symptoms
        first = app.repo.checkins()[0]
        assert (first.pain, first.leg_pain, first.reach) == (4, 6, "thigh")

        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        for bad in ("11", "-1", "x", ""):
            await type_into(pilot, "#pain", bad)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, CheckInScreen)
            assert "pain" in str(app.screen.query_one(Problem).render()).lower()
        await type_into(pilot, "#pain", "2")
        # A disc herniation: the leg is asked apart, and its bad input is refused the same way.
        for field, bad, words in [
            ("#leg", "", "Leg pain: Please enter"),
            ("#leg", "12", "Leg pain must be from 0 to 10; 12 is outside that."),
            ("#reach", "ankle", "How far down the leg: 0 none, 1 buttock"),
        ]:
            await type_into(pilot, field, bad)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, CheckInScreen)
            assert words in str(app.screen.query_one(Problem).render())
            if field == "#leg":
                await type_into(pilot, "#leg", "5")
        await type_into(pilot, "#reach", "below knee")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert len(app.repo.checkins()) == 2
        latest = app.repo.checkins()[-1]
        assert (latest.pain, latest.leg_pain, latest.reach) == (2, 5, "below-knee")


async def test_notes_full_of_markup_and_escapes_are_saved_and_shown_literally(
    make_app, data_file, clock
):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot)
        clock.advance(minutes=5)
        await pilot.press("c")
        await pilot.pause()
        await type_into(pilot, "#pain", "2")
        app.screen.query_one("#note", Input).value = NASTY
        await pilot.press("enter")
        await pilot.pause()
        await start_session(pilot)
        await run_to_the_end(pilot, clock)
        await save_end_form(pilot, note=NASTY)
        shown = text_of(app.screen, "#last-note")
        assert "[red]not red[/red]" in shown and "[/" in shown
        assert "\x1b" not in shown and "␛" in shown
        # Nothing raw reaches the terminal either.
        assert "\x1b[31m" not in app.export_screenshot()
    with reopen(data_file, clock) as repo:
        assert repo.sessions()[0].note == NASTY
        assert repo.checkins()[-1].note == NASTY
