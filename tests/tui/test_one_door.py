"""Safety at the entries, through the real interface at 80×24: the seven ways past the rules that
a new user found, each shown closed (tests/unit/test_door.py shows the door under them).

1. Enter and Space never change a warning-sign answer; keys typed ahead across a screen change
   never answer a question not yet seen.
2. A restore carries a newer emergency into the restored file.
3. Esc on the stop screen closes it and stays stopped; an all-clear after an emergency asks why
   it ended, and its Enter is "stay stopped".
4. Swap stays inside the acute set.
5. The first run at pain 9 offers Calm only.
6. A refusal never reaches the screen as a traceback; an unexpected error is one calm line.
7. ctrl+s saves the check-in, the pain and the walk forms.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from textual import events
from textual.widgets import Button

from planner.safety import RED_FLAGS
from tests.tui.conftest import SMALL, reopen
from tests.tui.flows import answer_all, first_run, plain, press_next, text_of, type_into
from tests.tui.test_daily_loop import listen
from tests.tui.test_daily_path import run_to_the_end, start_session
from tui.screens.doctor import AfterAlarmScreen, DoctorScreen
from tui.screens.first_run import FirstRunScreen, RescreenScreen
from tui.screens.modals import CheckInScreen, PainScreen
from tui.screens.player import EndSessionScreen
from tui.screens.today import TodayScreen
from tui.widgets.answers import AnswerList, press
from tui.widgets.checklist import CheckList

ALL_NO = {flag.id: False for flag in RED_FLAGS}


def marks(answers: AnswerList) -> list[bool | None]:
    return [answers._answers[key] for key in answers.keys]


# -- 1. answers only by y and n ------------------------------------------------------------------


@pytest.mark.parametrize(
    "keys, expected, finished",
    [
        (["enter"], [None, None, None], False),
        (["space", " ", "enter", "x"], [None, None, None], False),
        (["n", "enter"], [False, None, None], False),
        (["n", "enter", "enter"], [False, None, None], False),
        (["y", "n", "n", "enter"], [True, False, False], True),
        (["n", "n", "n", "y"], [False, False, True], False),  # y answers, never turns over
    ],
)
def test_only_y_and_n_answer_a_question(keys, expected, finished):
    answers: list[bool | None] = [None, None, None]
    at, done = 0, False
    for key in keys:
        answers, at, done = press(["a", "b", "c"], answers, at, key)
    assert answers == expected and done == finished


def test_enter_moves_to_the_next_question_not_yet_answered():
    answers, at, _ = press(["a", "b", "c", "d"], [None, False, None, None], 0, "enter")
    assert at == 2
    answers, at, _ = press(["a", "b", "c", "d"], [None, False, False, False], 3, "enter")
    assert at == 0  # round to the first one left


@pytest.mark.slow
async def test_enter_and_space_never_change_a_warning_sign_answer_at_first_run(make_app):
    """Item 1: eleven `n`, then Enter on "Fever…" showed [YES]; Enter again, [ no]."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot, stop_at="flags")
        flags = app.screen.query_one("#flags-list", AnswerList)
        assert app.focused is flags
        for _ in range(11):
            await pilot.press("n")
        fever = flags.keys.index("fever")
        assert flags.highlighted == fever
        await pilot.press("enter", "space", "enter", "space")
        assert marks(flags)[fever] is None
        assert True not in marks(flags)
        answer_all(flags)
        await pilot.press("enter")  # every question answered: on to Next
        assert app.focused is app.screen.query_one("#next", Button)


@pytest.mark.slow
async def test_enter_and_space_never_change_the_after_session_answers(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await start_session(pilot)
        await run_to_the_end(pilot, clock)
        form = app.screen
        assert isinstance(form, EndSessionScreen)
        checks = form.query_one("#symptoms", AnswerList)
        checks.focus()
        await pilot.press("enter", "enter", "space", "enter")
        assert marks(checks) == [None, None]
        await pilot.press("n", "n", "enter")
        assert marks(checks) == [False, False]
        assert app.focused is form.query_one("#difficulty", CheckList)


@pytest.mark.slow
async def test_keys_typed_ahead_across_a_screen_change_answer_nothing(make_app):
    """Item 1: `n` typed quickly after the welcome screen landed in the questions."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = app.screen
        assert isinstance(screen, FirstRunScreen)
        screen.query_one("#next", Button).focus()
        # One burst, as a fast typist's keys reach the app: all of them queued before the
        # first is handled (Pilot's press would wait for each).
        for key, char in (("enter", "\r"), ("n", "n"), ("y", "y"), ("n", "n")):
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        flags = screen.query_one("#flags-list", AnswerList)
        assert app.focused is flags
        assert marks(flags) == [None] * len(RED_FLAGS)
        await pilot.press("n")  # typed once the questions are there: it answers
        assert marks(flags)[0] is False


@pytest.mark.slow
async def test_keys_typed_ahead_into_the_re_screen_answer_nothing(make_onboarded_app):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        for key in ("r", "y", "y", "n"):
            app.post_message(events.Key(key, key))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, RescreenScreen)
        assert marks(app.screen.query_one(AnswerList)) == [None] * len(RED_FLAGS)


@pytest.mark.slow
async def test_keys_held_while_start_opens_the_re_screen_answer_nothing(make_onboarded_app, clock):
    """Start with the weekly check due opens the re-screen from a worker: the keys typed
    meanwhile are held for the dialog it opens (tui.screens.base.asks), and a screen of
    safety questions drops them, answering nothing."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        clock.advance(days=9)
        assert app.gate().why == "rescreen-due"
        for key in ("s", "n", "y", "n", "enter"):
            app.post_message(events.Key(key, key if len(key) == 1 else "\r"))
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, RescreenScreen)
        assert app.current_mode == "today"
        assert marks(app.screen.query_one(AnswerList)) == [None] * len(RED_FLAGS)


@pytest.mark.slow
async def test_a_key_typed_after_ctrl_s_never_changes_a_warning_sign_answer(make_onboarded_app):
    """A yes, then ctrl+s and an n typed fast (out of habit): the n reached the list before
    the save read it and turned the yes into a no, an all-clear saved for a warning sign
    (tui.widgets.text_fields.Seals). The answer saved is the one given before ctrl+s."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RescreenScreen)
        flags = screen.query_one(AnswerList)
        answer_all(flags, yes=(RED_FLAGS[0].id,))
        flags.highlighted = 0
        flags.focus()
        await pilot.pause()
        for key in ("ctrl+s", "n"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        for _ in range(3):
            await pilot.pause()
        assert app.repo.latest_screening().answers[RED_FLAGS[0].id] is True
        assert isinstance(app.screen, DoctorScreen)


# -- 2 and 3. an emergency, a restore, and how it ends --------------------------------------------


async def emergency_after_a_session(pilot, clock) -> None:
    await start_session(pilot)
    await run_to_the_end(pilot, clock)
    form = pilot.app.screen
    await type_into(pilot, "#pain", "3")
    answer_all(form.query_one("#symptoms", AnswerList), yes=("same-day",))
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, DoctorScreen)
    assert pilot.app.gate().why == "emergency"


@pytest.mark.slow
async def test_a_restore_through_data_keeps_a_newer_emergency(make_onboarded_app, data_file, clock):
    """Item 2, from the Data place: the morning's backup put back stops nothing less."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        morning = app.door.backup().value
        clock.advance(hours=3)
        await emergency_after_a_session(pilot, clock)
        await pilot.press("escape")
        await pilot.pause()
        said = listen(app)
        await pilot.press("6")
        await pilot.pause()
        table = app.screen.query_one("DataTable")
        rows = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]
        table.move_cursor(row=rows.index(str(morning)))
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")  # "Restore" is the other answer: Enter would keep the file
        await pilot.pause()
        assert any("sessions stay stopped" in line for line in said), said
        assert app.gate().why == "emergency"
    with reopen(data_file, clock) as repo:
        kept = [s.result for s in repo.screenings() if s.context == "after-session"]
        assert kept == ["emergency"]


@pytest.mark.slow
async def test_esc_on_the_stop_screen_closes_it_and_stays_stopped(make_onboarded_app, clock):
    """Item 3: Esc on GET MEDICAL HELP TODAY opened a blank questionnaire."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await emergency_after_a_session(pilot, clock)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert "No session now" in text_of(app.screen, "#next")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, RescreenScreen)
        assert app.gate().why == "emergency"


@pytest.mark.slow
async def test_an_all_clear_after_an_emergency_asks_why_and_enter_stays_stopped(
    make_onboarded_app, data_file, clock
):
    """Item 3: answering all `n` a minute later reopened everything, and nothing said why."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await emergency_after_a_session(pilot, clock)
        clock.advance(minutes=1)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RescreenScreen)
        answer_all(app.screen.query_one(AnswerList))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AfterAlarmScreen)
        assert app.focused is app.screen.query_one("#not-yet", Button)
        await pilot.press("enter")  # the safe answer
        await pilot.pause()
        assert isinstance(app.screen, RescreenScreen)  # the answers are still there
        assert app.gate().why == "emergency"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await type_into(pilot, "#seen-on", "0")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert app.gate().open
    with reopen(data_file, clock) as repo:
        last = repo.screenings()[-1]
        assert (last.after_emergency, last.seen_on) == ("seen-doctor", clock().date())
        assert repo.active_plan().status == "active"


# -- 4 and 5. no higher stage and no swap out of the acute set at pain 9 ---------------------------


async def first_run_with_lumbago_at(pilot, pain: str) -> FirstRunScreen:
    screen = pilot.app.screen
    await first_run(pilot, stop_at="flags")
    answer_all(screen.query_one("#flags-list", AnswerList))
    await press_next(pilot)
    screen.query_one("#conditions", CheckList).select("lumbago")
    await type_into(pilot, "#episode", "2")
    answer_all(screen.query_one("#health-list", AnswerList))
    await press_next(pilot)
    await type_into(pilot, "#pain-now", pain)
    await press_next(pilot)
    await press_next(pilot)
    return screen


@pytest.mark.slow
async def test_a_first_run_at_pain_nine_offers_calm_only(make_app):
    """Item 5: lumbago at pain 9 could choose `4 · Condition` with a reason."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await first_run_with_lumbago_at(pilot, "9")
        stages = screen.query_one("#stage-choice", CheckList)
        assert stages.option_count == 1 and stages.value == "1"
        stages.select("4")  # not offered: cannot be chosen even by a stray call
        assert stages.value == "1"
        assert "nothing harder" in text_of(screen, "#recommendation").lower()
        await press_next(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert app.plan().stage == 1


@pytest.mark.slow
async def test_swap_offers_nothing_outside_the_acute_set(make_app):
    """Item 4: at pain 9 Plan `w` offered the seated tilt "(harder)" and knee to chest."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run_with_lumbago_at(pilot, "9")
        await press_next(pilot)
        assert [p.exercise_id for p in app.plan().prescriptions] == ["pelvic-tilt-lying"]
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert "nothing to swap for now" in " ".join(plain(s) for s in app.screen.query("Static"))
        assert not app.screen.query(CheckList)


# -- 6. a refusal is one line; an unexpected error is one calm line ------------------------------


@pytest.mark.slow
async def test_a_refusal_after_the_screen_was_drawn_is_a_calm_line(make_onboarded_app, clock):
    """Item 6: `o` with the weekly check falling overdue behind the reason form crashed."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        clock.advance(days=7, hours=23)  # the check is still just in time
        await pilot.press("2")
        await pilot.pause()
        said = listen(app)
        await pilot.press("o")
        await pilot.pause()
        await type_into(pilot, "#reason", "my physio said so")
        clock.advance(hours=2)  # now it is overdue
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        assert any("safety check" in line for line in said), said
        assert app.plan().stage == 2


@pytest.mark.slow
async def test_an_unexpected_error_is_one_calm_line_and_a_private_log(make_app, data_file):
    app = make_app()
    secret = "my-private-note"
    lines: list[str] = []
    crashed = app.crashed
    app.crashed = lambda error: lines.append(crashed(error)) or lines[-1]
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=SMALL) as pilot:
            await first_run(pilot)
            note = secret  # a local a traceback with locals would show

            def boom() -> None:
                assert note
                1 / 0  # noqa: B018

            app.call_later(boom)
            await pilot.pause()
    assert app.return_code == 1
    [line] = lines
    assert line.startswith("rehab: Something went wrong; nothing you entered was lost. Details:")
    log = data_file.parent / "rehab-errors.log"
    assert str(log) in line
    assert os.stat(log).st_mode & 0o777 == 0o600
    text = log.read_text()
    assert "ZeroDivisionError" in text and secret not in text


# -- 7. ctrl+s saves every form ----------------------------------------------------------------


@pytest.mark.slow
async def test_ctrl_s_saves_the_check_in_the_pain_and_the_walk_forms(
    make_onboarded_app, data_file, clock
):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        await type_into(pilot, "#pain", "4")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PainScreen)
        await type_into(pilot, "#pain", "3")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, PainScreen)  # on to the session
        await pilot.press("q", "y")
        await pilot.pause()
        assert isinstance(app.screen, EndSessionScreen)
        await type_into(pilot, "#pain", "3")
        answer_all(app.screen.query_one("#symptoms", AnswerList))
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("w")  # first the comfortable walk, then a walk
        await pilot.pause()
        await type_into(pilot, "#walk-minutes", "20")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        await type_into(pilot, "#walk-minutes", "12")
        await type_into(pilot, "#walk-pain", "2")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
    with reopen(data_file, clock) as repo:
        assert [c.pain for c in repo.checkins()][-1] == 4
        assert [w.minutes for w in repo.walks()] == [12]


def test_every_form_s_ctrl_s_is_in_its_footer():
    from tui.screens.modals import AskScreen

    assert any(b.key == "ctrl+s" and b.show for b in AskScreen.BINDINGS)


@pytest.mark.slow
async def test_after_recent_spinal_surgery_today_waits_for_the_go_ahead_and_d_records_it(
    make_app, data_file, clock
):
    from tui.screens.doctor import GoAheadScreen

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot, health=("recent-surgery",))
        assert isinstance(app.screen, TodayScreen)
        assert "go-ahead" in text_of(app.screen, "#next")
        clock.advance(minutes=5)  # a go-ahead counts only after the answer it follows
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, GoAheadScreen)
        await type_into(pilot, "#go-ahead", "tomorrow")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GoAheadScreen)  # not a date: said, kept
        await type_into(pilot, "#go-ahead", "1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen) and app.gate().open
    with reopen(data_file, clock) as repo:
        assert repo.profile().recent_surgery is True
        [go] = repo.clearances()
        assert go.seen_on == clock().date() - timedelta(days=1)
