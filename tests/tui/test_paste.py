"""A paste is kept exactly as pasted, in order, and drawn with its control characters made
visible, in a note and in a number field alike (a paste holding ESC ] 52 … BEL was saved
scrambled and left stale lines). Keys typed fast are applied in the order typed."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input, TextArea

from tests.tui.conftest import SMALL, reopen
from tests.tui.flows import answer_all, type_into
from tests.tui.test_daily_path import run_to_the_end, start_session
from tui import compat
from tui.compat import PASTE_END, PASTE_START, WholePastes
from tui.screens.modals import CheckInScreen, Problem
from tui.widgets.answers import AnswerList
from tui.widgets.text_fields import WordsArea

#: A clipboard-writing escape (OSC 52) between words, as a paste from a web page can hold.
PASTED = "before \x1b]52;c;aGVsbG8=\x07 after"
SHOWN = "before ␛]52;c;aGVsbG8=␇ after"


def drawn(widget, y: int = 0) -> str:
    return "".join(segment.text for segment in widget.render_line(y))


@pytest.mark.slow
async def test_a_note_pasted_at_the_end_of_a_session_is_kept_once_in_order(
    make_onboarded_app, data_file, clock
):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await start_session(pilot)
        await run_to_the_end(pilot, clock)
        form = app.screen
        await type_into(pilot, "#pain", "2")
        answer_all(form.query_one("#symptoms", AnswerList))
        note = form.query_one("#note", TextArea)
        note.focus()
        await pilot.pause()
        note.post_message(events.Paste(PASTED))
        await pilot.pause()
        assert note.text == PASTED
        assert drawn(note).startswith(SHOWN) and "\x1b" not in drawn(note)
        await pilot.press("ctrl+s")
        await pilot.pause()
    with reopen(data_file, clock) as repo:
        assert repo.sessions()[-1].note == PASTED


#: Textual's parser and Input internals are used with the pinned Textual only (tui/compat.py).
pinned_only = pytest.mark.skipif(not compat.SPEEDUPS, reason="stock Textual, as it comes")


@pytest.mark.slow
@pinned_only
async def test_a_check_in_note_pasted_is_kept_and_drawn_with_pictures(
    make_onboarded_app, data_file, clock
):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        clock.advance(minutes=5)
        await pilot.press("c")
        await pilot.pause()
        await type_into(pilot, "#pain", "2")
        note = app.screen.query_one("#note", Input)
        note.focus()
        await pilot.pause()
        note.post_message(events.Paste(PASTED))
        await pilot.pause()
        assert note.value == PASTED
        assert drawn(note).startswith(SHOWN) and "\x1b" not in drawn(note)
        # The cursor sits just after the text as drawn, not two cells short of it: where it
        # sits after the very pictures, typed.
        after_paste = note.cursor_screen_offset.x
        note.value = SHOWN
        note.cursor_position = len(SHOWN)
        assert note.cursor_screen_offset.x == after_paste
        note.value = PASTED
        # A click on the "a" of "after" puts the cursor before it.
        await pilot.click(note, offset=(SHOWN.index("after"), 0))
        assert note.cursor_position == PASTED.index("after")
        await pilot.press("enter")
        await pilot.pause()
    with reopen(data_file, clock) as repo:
        assert repo.checkins()[-1].note == PASTED


def events_of(parser: WholePastes, *reads: str) -> list:
    found = [event for data in reads for event in parser.feed(data)]
    return found + list(parser.tick())


@pinned_only
@pytest.mark.parametrize("cut", range(1, len(PASTE_START + PASTED + PASTE_END)))
def test_a_bracketed_paste_holding_escapes_arrives_whole_however_the_reads_fall(cut):
    """The terminal's bytes may come in any number of reads: every place one read can end."""
    stream = "a" + PASTE_START + PASTED + PASTE_END + "b"
    got = events_of(WholePastes(), stream[: cut + 1], stream[cut + 1 :])
    assert [type(e).__name__ for e in got] == ["Key", "Paste", "Key"], got
    assert got[1].text == PASTED and (got[0].key, got[2].key) == ("a", "b")


@pinned_only
def test_a_paste_comes_back_exactly_even_holding_the_stand_in_characters():
    text = "x\ufdd0\ufdd1\x1b\ufdd0\x1b[201 y \x1b[200~ z"
    [paste] = events_of(WholePastes(), PASTE_START + text + PASTE_END)
    assert paste.text == text


@pinned_only
def test_outside_a_paste_the_escape_key_and_keys_are_read_as_before():
    parser = WholePastes()
    assert [e.key for e in parser.feed("x\x1b[A")] == ["x", "up"]
    assert list(parser.feed("\x1b")) == []
    time.sleep(0.2)  # past Textual's escape delay: a lone ESC is the escape key
    assert [e.key for e in parser.tick()] == ["escape"]


#: A pasted window-title escape after a pain number.
PASTED_PAIN = "4\x1b]0;x\x07"


@pytest.mark.slow
@pinned_only
async def test_a_pain_number_pasted_with_an_escape_is_drawn_with_pictures_and_refused(
    make_onboarded_app, data_file, clock
):
    """A number field keeps the paste as it came, draws it safe, and its form's one line saying
    why it does not fit quotes it safe too; nothing is saved."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        clock.advance(minutes=5)
        checkins_before = len(app.repo.checkins())
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CheckInScreen)
        pain = form.query_one("#pain", Input)
        pain.focus()
        await pilot.pause()
        pain.post_message(events.Paste(PASTED_PAIN))
        await pilot.pause()
        assert pain.value == PASTED_PAIN
        assert drawn(pain).startswith("4␛]0;x␇") and "\x1b" not in drawn(pain)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form and app.focused is pain
        problem = form.query_one(Problem)
        said = drawn(problem)
        assert problem.size.height == 1
        assert said.startswith("⚠ Pain is a whole number from 0 to 10; “4␛]0;x␇” is not.")
        assert "\x1b" not in said
    with reopen(data_file, clock) as repo:
        assert len(repo.checkins()) == checkins_before


def typed_in_one_read(app: App, *keys: str) -> None:
    """Keys as one read from the terminal brings them when typed fast: each posted to the app
    as Textual's driver posts it, none waited for (Pilot's `press` waits after every key)."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def open_check_in(pilot) -> CheckInScreen:
    """`c`, as pressed on Today: the check-in form, up."""
    await pilot.press("c")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, CheckInScreen)
    return form


async def settle(pilot) -> None:
    """Let keys posted in one read, and those they set going, be handled."""
    for _ in range(3):
        await pilot.pause()


@pytest.mark.slow
@pinned_only
async def test_a_pain_corrected_fast_is_saved_as_typed(make_onboarded_app, data_file, clock):
    """A pain of 12 corrected by backspace, backspace, 4 in one burst was saved as 1: Textual
    ran each backspace only once it had bubbled up to the app, after the 4 was in (see
    tui.compat.KeysInOrder)."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        clock.advance(minutes=5)
        pain = (await open_check_in(pilot)).query_one("#pain", Input)
        typed_in_one_read(app, "1", "2", "backspace", "backspace", "4")
        await pilot.pause()
        assert pain.value == "4"
        typed_in_one_read(app, "home", "1", "delete", "end", "backspace", "3")
        await pilot.pause()
        assert pain.value == "3"
        app.screen.query_one("#note", Input).focus()
        typed_in_one_read(app, "o", "k", "backspace", "n", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, CheckInScreen)
    with reopen(data_file, clock) as repo:
        latest = repo.checkins()[-1]
        assert (latest.pain, latest.note) == (3, "on")


class NoteOnly(App[None]):
    def compose(self) -> ComposeResult:
        yield WordsArea(id="note")


@pinned_only
async def test_a_note_area_keeps_keys_typed_fast_in_order():
    app = NoteOnly()
    async with app.run_test() as pilot:
        area = app.query_one(WordsArea)
        area.focus()
        await pilot.pause()
        typed_in_one_read(app, "a", "b", "backspace", "c", "left", "x", "end", "enter", "d")
        await pilot.pause()
        assert area.text == "axc\nd"


@pytest.mark.slow
async def test_keys_typed_before_the_check_in_is_up_are_typed_into_it(
    make_onboarded_app, data_file, clock
):
    """`c`, 5, Enter in one burst: the 5 and the Enter reached the app before the check-in
    form had the focus, were dropped, and the form said "Please enter pain" (tui.screens.
    modals.AskScreen.typed_ahead). They are typed into its first field once it has the focus."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        clock.advance(minutes=5)
        typed_in_one_read(app, "c", "7", "backspace", "5", "enter")
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, CheckInScreen)
    with reopen(data_file, clock) as repo:
        assert [c.pain for c in repo.checkins()][-1:] == [5]


@pytest.mark.slow
async def test_after_a_tab_or_esc_typed_ahead_nothing_typed_ahead_is_kept(
    make_onboarded_app, data_file, clock
):
    """What follows a key that is not typing (Tab, Esc) is not known to be meant for the
    field that has the focus: it is dropped, and nothing is saved."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        before = len(app.repo.checkins())
        typed_in_one_read(app, "c", "3", "tab", "4", "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        assert app.screen.query_one("#pain", Input).value == "3"
        assert app.screen.query_one("#note", Input).value == ""
        # Typed now, after the form was shown, keys go where the focus is, as ever.
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, CheckInScreen)
    with reopen(data_file, clock) as repo:
        assert len(repo.checkins()) == before + 1
        assert repo.checkins()[-1].pain == 3


@pytest.mark.slow
@pytest.mark.parametrize(
    ("keys", "field", "typed"),
    [
        (("s", "3"), "#pain", "3"),  # Start, the pain before: 3 was Plan's key
        (("w", "2", "0"), None, "20"),  # a walk's minutes (or, the first time, the comfortable)
        (("s", "2", "tab", "1"), "#pain", "2"),  # after a Tab typed ahead, nothing more is kept
    ],
)
async def test_keys_typed_while_a_dialog_opens_wait_for_it(
    make_onboarded_app, clock, keys, field, typed
):
    """A dialog opened by a worker appears a turn of the event loop after its key, once
    every key read with it has been handed on: `s` then 3, typed fast, went to Plan (key 3)
    and opened the pain dialog over it, empty (tui.screens.base.asks)."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        clock.advance(minutes=5)
        typed_in_one_read(app, *keys)
        await settle(pilot)
        assert app.current_mode == "today"
        form = app.screen
        assert form.is_modal
        first = form.query_one(field, Input) if field else form.query(Input).first()
        assert first.value == typed


@pytest.mark.slow
async def test_a_hold_for_a_dialog_ends_when_it_is_up_even_with_no_key_typed(make_onboarded_app):
    """The keys held while a dialog opens are the dialog's at its mount: closed by a click,
    with the action still at work after it, keys typed on the place below are its keys again,
    not held until the action ends."""
    from tui.screens.modals import ConfirmScreen

    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        hold = app.hold_keys()  # as `asks` does, for an action still running below
        typed_in_one_read(app, "x")  # typed while the dialog opens: held, then dropped
        await pilot.pause()
        await app.push_screen(ConfirmScreen("Sure?", "Yes", "No"))
        await pilot.pause()
        app.screen.dismiss(False)  # a click, not a key
        await pilot.pause()
        typed_in_one_read(app, "2")
        await pilot.pause()
        assert app.current_mode == "progress"
        app.stop_holding(hold)


@pinned_only
@pytest.mark.slow
async def test_the_command_palette_keeps_keys_typed_fast_in_order(make_onboarded_app):
    """Its search field is Textual's own: typed fast, "hx", backspace, "i" searched "hxi"
    (the backspace ran late); with the pinned Textual it takes KeysInOrder too."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        field = app.screen.query_one("CommandInput", Input)
        typed_in_one_read(app, "h", "x", "backspace", "i")
        await pilot.pause()
        assert field.value == "hi"


@pytest.mark.slow
async def test_a_key_typed_after_enter_is_not_read_into_the_form(
    make_onboarded_app, data_file, clock
):
    """Typed fast, "1", Enter, "0" saved a pain of 10: Textual handed the 0 to the field before
    the form read it (tui.widgets.text_fields.Seals). The 0 was meant for what came next."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        clock.advance(minutes=5)
        await open_check_in(pilot)
        typed_in_one_read(app, "1", "enter", "0")
        await settle(pilot)
        assert not isinstance(app.screen, CheckInScreen)
        await open_check_in(pilot)  # and the next form's field takes keys as ever
        typed_in_one_read(app, "7", "ctrl+s", "2")
        await settle(pilot)
    with reopen(data_file, clock) as repo:
        assert [c.pain for c in repo.checkins()][-2:] == [1, 7]


@pytest.mark.slow
async def test_a_refused_form_takes_keys_again(make_onboarded_app):
    """A form that refuses what was sent (an out-of-range pain) opens its fields again."""
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_check_in(pilot)
        typed_in_one_read(app, "4", "2", "enter")
        await pilot.pause()
        assert "outside that" in str(app.screen.query_one(Problem).render())
        await pilot.press("backspace", "3")
        assert app.screen.query_one("#pain", Input).value == "43"


@pytest.mark.slow
async def test_a_key_typed_after_ctrl_n_at_the_first_run_stays_out_of_the_step_it_leaves(
    make_app, data_file, clock
):
    """Typed fast, "10" days, ctrl+n, "4" (the next step's pain) kept an episode of 104 days, no
    longer acute, so the wizard could offer more than Calm: the 4 reached the episode's field
    before the step read it."""
    from textual.widgets import Input as Field

    from tests.tui.flows import answer_all, press_next
    from tui.screens.first_run import FirstRunScreen
    from tui.widgets.answers import AnswerList
    from tui.widgets.checklist import CheckList

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = app.screen
        assert isinstance(screen, FirstRunScreen)
        await press_next(pilot)  # the disclaimer
        answer_all(screen.query_one("#flags-list", AnswerList))
        await press_next(pilot)
        screen.query_one("#conditions", CheckList).select("nonspecific")
        answer_all(screen.query_one("#health-list", AnswerList))
        screen.query_one("#episode", Field).focus()
        await pilot.pause()
        typed_in_one_read(app, "1", "0", "ctrl+n", "4")
        await settle(pilot)
        assert screen.query_one("#episode", Field).value == "10"
        assert screen.episode_start == clock().date() - timedelta(days=10)
        assert screen.query_one("#pain-now", Field).has_focus
