"""The daily loop (issue 13): nothing a person did is lost, every choice is visible, and the
screen says what just happened."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from textual.widgets import Button, Input

from planner.models import CheckIn
from store import Repository
from tests.tui.conftest import SMALL, reopen
from tests.tui.flows import answer_all, first_run, type_into
from tests.tui.test_daily_path import run_to_the_end, save_end_form, start_session, text_of
from tui.screens.help import HelpScreen
from tui.screens.modals import CheckInScreen, ConfirmScreen
from tui.screens.player import EndSessionScreen, PlayerScreen
from tui.screens.today import TodayScreen
from tui.widgets.answers import AnswerList
from tui.widgets.today import StartButton


async def to_the_end_form(pilot, clock, pain: str) -> EndSessionScreen:
    """Run the session to its end and fill the form: pain after, both warning signs "no"."""
    await run_to_the_end(pilot, clock)
    form = pilot.app.screen
    assert isinstance(form, EndSessionScreen)
    form.query_one("#pain", Input).value = pain
    answer_all(form.query_one(AnswerList))
    return form


def listen(app) -> list[str]:
    """What the app says in notifications from now on."""
    said: list[str] = []
    notify = app.notify

    def spy(message, *args, **kwargs):
        said.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = spy
    return said


@pytest.mark.slow
async def test_ctrl_q_in_the_middle_of_a_session_keeps_what_was_done(
    make_onboarded_app, data_file, clock
):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        player = await start_session(pilot)
        await pilot.press("space")  # first exercise: let it run to its end
        clock.advance(hours=1)
        player.tick()
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
    with reopen(data_file, clock) as repo:
        [session] = repo.sessions()
        assert not session.completed and session.pain_after is None
        assert session.entries[0].done and session.outcome in ("partial", "done")


@pytest.mark.slow
async def test_ctrl_q_on_the_end_form_keeps_the_session_and_its_answers(
    make_onboarded_app, data_file, clock
):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await start_session(pilot)
        await to_the_end_form(pilot, clock, "2")
        await pilot.press("ctrl+q")
        await pilot.pause()
    with reopen(data_file, clock) as repo:
        [session] = repo.sessions()
        assert session.completed and session.pain_after == 2 and session.new_symptoms is False


@pytest.mark.slow
async def test_a_confirmation_shows_its_answers_and_enter_picks_the_safe_one(
    make_onboarded_app, clock
):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await app.switch_mode("plan")
        await pilot.pause()
        before = app.plan()
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        labels = {b.id: str(b.label) for b in dialog.query(Button)}
        assert labels == {"no": "Keep this plan (n)", "yes": "Reset (y)"}
        for button in dialog.query(Button):
            assert button.region.height >= 1 and button.region.width >= len(str(button.label))
        assert app.focused is dialog.query_one("#no")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.plan() == before  # the tuned plan stays


@pytest.mark.slow
async def test_esc_in_a_form_with_text_asks_before_throwing_it_away(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("4", "tab", "s", "o", "r", "e")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # the safe answer: keep editing
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        assert app.screen.query_one("#note", Input).value == "sore"
        await pilot.press("escape")
        await pilot.press("y")  # throw it away, knowingly
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)


@pytest.mark.slow
async def test_help_over_the_player_pauses_the_timer(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        player = await start_session(pilot)
        await pilot.press("space")
        await pilot.pause()
        assert player.run.running
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert not player.run.running and player.run.paused


@pytest.mark.slow
async def test_nothing_done_is_not_called_done_and_says_so(make_onboarded_app, data_file, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        player = await start_session(pilot)
        for _ in player.run.items:
            await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EndSessionScreen)
        assert "Nothing done this time" in " ".join(str(w.render()) for w in form.query("Static"))
        said = listen(app)
        form.query_one("#pain", Input).value = "3"
        answer_all(form.query_one(AnswerList))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "nothing done" in text_of(app.screen, "#sessions")
        assert "✓" not in text_of(app.screen, "#sessions")
        assert any("nothing was done" in m for m in said)
    with reopen(data_file, clock) as repo:
        [session] = repo.sessions()
        assert session.outcome == "skipped"


@pytest.mark.slow
async def test_a_flare_is_named_when_the_session_is_saved(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await start_session(pilot, pain="4")
        await to_the_end_form(pilot, clock, "7")
        said = listen(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("Your pain rose from 4 to 7. That counts as a flare" in m for m in said)
        assert not any("Well done" in m for m in said)


@pytest.mark.slow
async def test_today_shows_the_latest_check_in_and_when_the_day_is_done(make_onboarded_app, clock):
    app = make_onboarded_app()  # pain 3 at first run: today's first check-in
    async with app.run_test(size=SMALL) as pilot:
        clock.advance(hours=3)
        app.repo.save(CheckIn(at=clock(), pain=5, note="after the bus"))
        app.refresh_views()
        await pilot.pause()
        words = text_of(app.screen, "#checkin")
        assert "Latest check-in: pain 5/10" in words and "the day's first, pain 3/10" in words
        await start_session(pilot)
        await to_the_end_form(pilot, clock, "2")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Today's sessions are done" in text_of(app.screen, "#next")
        assert "Extra" in app.screen.query_one("#start", StartButton).label
        assert isinstance(app.screen, TodayScreen) and not isinstance(app.screen, PlayerScreen)


@pytest.mark.slow
async def test_library_search_filters_by_name_alias_or_body_part(make_onboarded_app, clock):
    from textual.widgets import OptionList

    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await app.switch_mode("library")
        await pilot.pause()
        shown = app.screen.query_one("#exercises", OptionList)
        total = shown.option_count
        await pilot.press("slash", "h", "i", "p")
        await pilot.pause()
        names = [str(shown.get_option_at_index(i).prompt) for i in range(shown.option_count)]
        assert 0 < len(names) < total
        assert any("hip" in n.lower() for n in names)  # the front-of-hip stretch, by name
        search = app.screen.query_one("#search", Input)
        search.value = "rocking"  # an alias and a name word both find it
        await pilot.pause()
        assert shown.option_count >= 1
        search.value = "zzz nothing"
        await pilot.pause()
        assert "no exercise matches" in text_of(app.screen, "#count")
        await pilot.press("escape", "x")  # back to the list; x clears the search too
        await pilot.pause()
        assert search.value == "" and shown.option_count == total


@pytest.mark.slow
async def test_check_in_notes_can_be_read_in_history(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        clock.advance(hours=2)
        app.repo.save(CheckIn(at=clock(), pain=5, note="after the bus [b]stiff[/b]"))
        await app.switch_mode("history")
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "pain  5/10  after the bus [b]stiff[/b]" in shown
        assert "● " in shown and "Check-ins · Last 30 days · 2" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#history-table")


def test_the_timer_reads_as_a_clock_from_one_minute():
    from tui.screens.player import clock_words

    assert [clock_words(s) for s in (5, 59, 60, 297, 600)] == [
        "5 s",
        "59 s",
        "1:00",
        "4:57",
        "10:00",
    ]


@pytest.mark.slow
async def test_the_phase_bar_is_full_by_the_phase_s_last_tick(make_onboarded_app, clock):
    """Issue 13, item 15: the bar never filled: the phase ended a cell short of full."""
    from tui.screens.player import BAR_CELLS

    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        player = await start_session(pilot)
        await pilot.press("space")  # "get ready": 3 s
        player.tick()
        assert "░" * BAR_CELLS in text_of(player, "#timer")  # nothing has gone yet
        clock.advance(seconds=1.4)  # half of the 2.8 s the bar runs over
        player.tick()
        half = text_of(player, "#timer").splitlines()[-1]
        assert half == "█" * (BAR_CELLS // 2) + "░" * (BAR_CELLS // 2)
        clock.advance(seconds=1.2)
        player.tick()
        assert "░" in text_of(player, "#timer")  # not full before its last tick
        clock.advance(seconds=0.2)
        player.tick()  # 2.8 s: the last tick (every 0.2 s) before the phase ends
        assert text_of(player, "#timer").splitlines()[-1] == "█" * BAR_CELLS


@pytest.mark.slow
async def test_stages_never_visited_are_not_ticked_and_aims_fit_the_width(
    make_onboarded_app, clock
):
    from tests.tui.conftest import LARGE

    app = make_onboarded_app(pain="1", episode="60")  # placed straight into stage 3
    async with app.run_test(size=LARGE) as pilot:
        assert app.plan().stage == 3
        await app.switch_mode("progress")
        await pilot.pause()
        ladder = text_of(app.screen, "#ladder")
        assert "✓" not in ladder  # stages 1 and 2 were never done
        calm = app.catalog.stage(1)
        assert calm.aim in ladder  # 120 columns leave room for the whole aim
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        ladder = text_of(app.screen, "#ladder").splitlines()
        # At 80 columns each stage keeps to its one line, cut with "…" where the screen ends.
        assert len(ladder) == 1 + len(app.catalog.stages), ladder
        assert ladder[1].startswith("   1 Calm") and ladder[1].endswith("…"), ladder
        width = app.screen.query_one("#ladder").size.width
        assert all(len(line) <= width for line in ladder) and len(ladder[1]) >= width - 1


@pytest.mark.slow
async def test_a_daily_backup_is_not_shown_as_made_at_midnight(make_onboarded_app, clock):
    from textual.widgets import DataTable

    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        clock.advance(days=1)
        app.repo.save(CheckIn(at=clock(), pain=2))  # the day's first write: a daily copy
        await app.switch_mode("data")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        rows = [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        daily = [r for r in rows if "daily" in r]
        assert daily and all("00:00" not in r and "as the day began" in r for r in daily)


def full_disk(app):
    """Make every save fail as a full disk does; returns a function that clears it."""
    real = app.repo.save

    def refuse(*records):
        raise OSError(28, "No space left on device")

    app.repo.save = refuse
    return lambda: setattr(app.repo, "save", real)


@pytest.mark.slow
async def test_a_full_disk_keeps_the_walk_being_logged(make_onboarded_app, data_file, clock):
    """The walk form closed before its save: a refused save lost the walk typed."""
    from tui.screens.walk import WalkScreen

    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("w")
        await pilot.pause()
        await type_into(pilot, "#walk-minutes", "20")  # how long they walk comfortably
        await pilot.press("enter")
        await pilot.pause()
        said = listen(app)
        mend = full_disk(app)
        await pilot.press("w")
        await pilot.pause()
        await type_into(pilot, "#walk-minutes", "12")
        await type_into(pilot, "#walk-pain", "2")
        await pilot.press("enter")
        await pilot.pause()
        assert any("Could not save: No space left on device" in m for m in said)
        form = app.screen
        assert isinstance(form, WalkScreen)  # back, with what was typed
        assert form.query_one("#walk-minutes", Input).value == "12"
        assert form.query_one("#walk-pain", Input).value == "2"
        mend()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
    with reopen(data_file, clock) as repo:
        assert [(w.minutes, w.pain_after) for w in repo.walks()] == [(12, 2)]


@pytest.mark.slow
async def test_a_full_disk_keeps_the_check_in_being_entered(make_onboarded_app, data_file, clock):
    """Issue 14, item 8: a full disk crashed the app and lost the check-in."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        said = listen(app)
        mend = full_disk(app)
        await pilot.press("c", "6", "tab", "s", "t", "i", "f", "f", "enter")
        await pilot.pause()
        assert any("Could not save: No space left on device" in m for m in said)
        form = app.screen
        assert isinstance(form, CheckInScreen)  # back, with what was typed
        assert form.query_one("#pain", Input).value == "6"
        assert form.query_one("#note", Input).value == "stiff"
        mend()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
    with reopen(data_file, clock) as repo:
        assert [(c.pain, c.note) for c in repo.checkins()][-1] == (6, "stiff")


@pytest.mark.slow
async def test_a_full_disk_keeps_the_end_of_session_form(make_onboarded_app, data_file, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await start_session(pilot)
        form = await to_the_end_form(pilot, clock, "2")
        mend = full_disk(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and form.query_one("#pain", Input).value == "2"
        mend()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
    with reopen(data_file, clock) as repo:
        assert len(repo.sessions()) == 1


# -- a session kept on disk while it runs (issue 13, item 1: "better still") --------------------


async def cut_off_after_one_exercise(make_onboarded_app, data_file, clock) -> str:
    """Run the first exercise to its end, then stop the app as a closed terminal would: no
    ctrl+q, no end form. Returns the id of the session on disk."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        player = await start_session(pilot, pain="4")
        assert not reopen_sessions(data_file, clock)  # nothing done yet: nothing kept
        await pilot.press("space")
        clock.advance(hours=1)
        player.tick()  # the first exercise is done, and the second one shows
        await pilot.pause()
        [kept] = reopen_sessions(data_file, clock)  # on disk while the player still runs
        assert kept.id == player.session_id and kept.ended_at is None
        assert kept.entries[0].done and not kept.entries[1].done
        app.repo.close()  # what is on disk is all the next start has
    return kept.id


def reopen_sessions(data_file, clock):
    with reopen(data_file, clock) as repo:
        return repo.sessions()


@pytest.mark.slow
async def test_a_session_is_on_disk_after_each_exercise_and_the_next_start_finishes_it(
    make_app, make_onboarded_app, data_file, clock
):
    kept = await cut_off_after_one_exercise(make_onboarded_app, data_file, clock)
    clock.advance(hours=2)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        today = app.screen
        assert isinstance(today, TodayScreen)
        offer = text_of(today, "#left-open")
        assert "was cut off with 1 of 6 exercises done" in offer and "f  finish it" in offer
        assert "◐ Morning  partly done · 1/6 exercises · pain 4→?" in text_of(today, "#sessions")
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EndSessionScreen)
        await save_end_form(pilot, pain="3")
        assert isinstance(app.screen, TodayScreen)
        assert not app.screen.query_one("#left-open").display  # nothing left open now
    [session] = reopen_sessions(data_file, clock)  # the same record, finished: not a second
    assert session.id == kept and session.pain_after == 3 and session.new_symptoms is False
    # It ends as it stood (the time exercised), not two hours later when it was finished.
    assert session.ended_at is not None and session.ended_at < clock() - timedelta(hours=1)


@pytest.mark.slow
async def test_x_closes_a_session_left_open_as_it_stands(
    make_app, make_onboarded_app, data_file, clock
):
    kept = await cut_off_after_one_exercise(make_onboarded_app, data_file, clock)
    from tests.cli.test_commands import cli

    code, out, _ = cli("status", "--data", str(data_file), clock=clock)
    assert code == 0 and "was cut off before its questions: open rehab to finish" in out
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert not app.screen.query_one("#left-open").display
        await pilot.press("f")  # nothing left to finish: the key does nothing
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
    code, out, _ = cli("status", "--data", str(data_file), clock=clock)
    assert code == 0 and "was cut off" not in out
    [session] = reopen_sessions(data_file, clock)
    worked = sum(e.seconds_done for e in session.entries)
    assert session.id == kept and session.pain_after is None
    assert session.ended_at == session.started_at + timedelta(seconds=max(60, worked))


@pytest.mark.slow
async def test_a_new_session_closes_the_one_left_open(
    make_app, make_onboarded_app, data_file, clock
):
    kept = await cut_off_after_one_exercise(make_onboarded_app, data_file, clock)
    clock.advance(hours=1)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await start_session(pilot)
        with reopen(data_file, clock) as repo:
            [old] = repo.sessions()
        assert old.id == kept and old.ended_at is not None


class Disk:
    """Fills the disk on demand, below the store: every write of the data file, its journal
    and its backups then fails as a full disk does."""

    def __init__(self, monkeypatch) -> None:
        import store.atomic

        self.monkeypatch, self.module = monkeypatch, store.atomic
        self.real = store.atomic._write_all

    def free(self) -> None:
        self.monkeypatch.setattr(self.module, "_write_all", self.real)

    def fill(self) -> None:
        def refuse(fd, data):
            raise OSError(28, "No space left on device")

        self.monkeypatch.setattr(self.module, "_write_all", refuse)


async def press_and_see(pilot, *keys):
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


def stage_moved(app, before) -> bool:
    return app.plan().stage != before["stage"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "place, keys, reason, changed",
    [
        ("3", ("r", "y"), None, lambda app, before: app.plan().prescriptions != before["plan"]),
        ("2", ("b", "y"), None, stage_moved),
        ("2", ("o",), "my physio said so", stage_moved),
        ("6", ("b",), None, lambda app, before: len(app.repo.backups()) != before["backups"]),
    ],
    ids=["plan reset", "step back", "override", "backup now"],
)
async def test_a_full_disk_never_crashes_a_change_and_changes_nothing(
    make_onboarded_app, data_file, clock, monkeypatch, place, keys, reason, changed
):
    """Issue 14, item 8: only check-ins and the end form survived a full disk; a plan edit, a
    stage change or a backup raised and crashed the app."""
    app = make_onboarded_app()  # stage 2
    async with app.run_test(size=SMALL) as pilot:
        plan = app.plan()
        app.repo.save_plan(replace(plan, prescriptions=plan.prescriptions[:-1]))  # tuned
        before = {
            "plan": app.plan().prescriptions,
            "stage": app.plan().stage,
            "backups": len(app.repo.backups()),
        }
        app.repo.close()  # fold: the bytes on disk are all there is
        app.repo = Repository.open(data_file, clock=clock)
        on_disk = data_file.read_bytes()
        said = listen(app)
        Disk(monkeypatch).fill()
        await press_and_see(pilot, place, *keys)
        if reason:
            await type_into(pilot, "#reason", reason)
            await press_and_see(pilot, "enter")
        assert any("Could not save: No space left on device" in m for m in said), said
        assert not changed(app, before)
        assert app.is_running  # no traceback: the app goes on
        app.repo.close()
    assert data_file.read_bytes() == on_disk


@pytest.mark.slow
async def test_a_note_past_the_limit_is_refused_in_one_line_and_kept_in_the_form(
    make_onboarded_app, data_file, clock
):
    """Issue 14, item 10: a very long line made the store's scan slow; notes have a limit,
    20,000 characters."""
    from planner.models import NOTE_MAX
    from tui.screens.modals import Problem

    assert NOTE_MAX == 20_000  # the README says so

    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CheckInScreen)
        form.query_one("#pain", Input).value = "3"
        long_note = "x" * (NOTE_MAX + 1)
        form.query_one("#note", Input).value = long_note
        form.query_one("#pain", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        assert "20,001 characters long; rehab keeps up to 20,000" in str(
            form.query_one(Problem).render()
        )
        assert form.query_one("#note", Input).value == long_note  # nothing typed is lost
        form.query_one("#note", Input).value = "x" * NOTE_MAX
        form.query_one("#pain", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
    with reopen(data_file, clock) as repo:
        assert len(repo.checkins()[-1].note) == NOTE_MAX


@pytest.mark.slow
@pytest.mark.parametrize("place", ["today", "progress", "plan"])
async def test_a_redraw_reads_the_store_once(make_onboarded_app, place):
    """Issue 15, item 2: a redraw of Today, Progress or Plan copied the active plan out of the
    store three times (once per question). It now reads one standing and draws from it."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        app.switch_mode(place)
        await pilot.pause()
        reads: list[str] = []
        for name in ("active_plan", "profile", "safety_records", "recent_history"):
            real = getattr(app.repo, name)

            def counted(*args, _real=real, _name=name, **kwargs):
                reads.append(_name)
                return _real(*args, **kwargs)

            setattr(app.repo, name, counted)
        app.screen.refresh_view()
        assert sorted(reads) == ["active_plan", "profile", "recent_history", "safety_records"]


@pytest.mark.slow
async def test_a_full_disk_keeps_the_doctors_clearance_being_entered(make_app, data_file, clock):
    """The clearance form closed before its save: a refused write lost the date and the note.
    It now saves first, and stays with what was entered until the save is kept."""
    from tui.screens.doctor import ClearanceScreen, DoctorScreen

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot, flags=("cancer",))
        assert isinstance(app.screen, DoctorScreen)
        await pilot.press("d")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ClearanceScreen)
        await pilot.press("y")
        await type_into(pilot, "#seen-on", "3")
        await type_into(pilot, "#note", "GP: fine")
        said = listen(app)
        mend = full_disk(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("Could not save: No space left on device" in m for m in said)
        assert app.screen is form  # still here, with what was typed
        assert form.query_one("#seen-on", Input).value == "3"
        assert form.query_one("#note", Input).value == "GP: fine"
        assert app.repo.clearances() == []
        mend()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not form
        [kept] = app.repo.clearances()
        assert kept.sign == "cancer" and kept.note == "GP: fine"


@pytest.mark.slow
async def test_a_check_in_redraws_today_once_and_shows_it(make_onboarded_app, clock):
    """The form closes and Today resumes: one redraw after the save, not one for the save and
    one for the resume."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        today = app.screen
        assert isinstance(today, TodayScreen)
        clock.advance(hours=3)
        drawn: list[int] = []
        redraw = today.refresh_view

        def counted() -> None:
            drawn.append(len(app.repo.checkins()))
            redraw()

        today.refresh_view = counted  # type: ignore[method-assign]
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("6", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert drawn == [2]  # once, after the save (the first run's pain was the first)
        assert "6/10" in text_of(today, "#checkin")


def burst(app, *keys: str) -> None:
    """Keys as a terminal delivers them typed fast or pasted: all read before any is handled."""
    from textual import events

    for key in keys:
        char = "\t" if key == "tab" else key if len(key) == 1 else None
        app.post_message(events.Key(key, char))


@pytest.mark.slow
async def test_fields_typed_fast_with_tab_between_land_each_in_its_own_field(
    make_onboarded_app, clock
):
    app = make_onboarded_app(condition="sciatica")
    async with app.run_test(size=SMALL) as pilot:
        clock.advance(hours=3)
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CheckInScreen)
        # Back to the leg with shift+tab: its text is selected as it is focused, so 3 replaces 0.
        burst(app, "1", "tab", "0", "tab", "2", "shift+tab", "3")
        await pilot.pause()
        values = [form.query_one(f"#{name}", Input).value for name in ("pain", "leg", "reach")]
        assert values == ["1", "3", "2"]
