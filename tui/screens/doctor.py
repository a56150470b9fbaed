"""The stop screen: a warning sign is open. Plain words, graded, no way to start a session.

And the one honest way past a sign of history (README, safety rules): "a doctor has checked this".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Header, Input, Label, Static

from planner.gate import Gate, OpenSign
from planner.models import AfterEmergency
from planner.safety import RED_FLAGS, advice, headline
from tui.compat import Footer
from tui.parse import InputProblem, parse_episode_start
from tui.screens.base import RehabModal, RehabScreen
from tui.screens.modals import AskScreen, Problem, read_field
from tui.text import bullet_list
from tui.widgets.answers import AnswerList
from tui.widgets.text_fields import TextInput, WordsInput, reads_fields


class DoctorScreen(RehabScreen[str | None]):
    """See a doctor soon, or get help today for the same-day signs. Dismisses with "cleared"
    when the person recorded that a doctor has checked every open sign."""

    BINDINGS = [
        Binding("escape,enter", "close", "Close"),
        Binding("r", "rescreen", "Re-screen"),
        Binding("d", "clearance", "Doctor checked"),
    ]

    def __init__(self, gate: Gate, first_run: bool = False) -> None:
        super().__init__()
        self.gate = gate
        self.first_run = first_run

    def compose(self) -> ComposeResult:
        result = self.gate.result
        emergency = result == "emergency"
        yield Header()
        with VerticalScroll(id="doctor", classes="-emergency" if emergency else ""):
            title = headline(result).upper() if emergency else headline(result)
            yield Static(Content.assemble(("■ " + title, "bold")), id="doctor-title")
            yield Static(Content(advice(result)))
            yield Static(
                bullet_list("You answered yes to:", [s.flag.question for s in self.gate.signs])
            )
            if self.gate.clearable:
                yield Static(
                    Content(
                        "These describe your history. If a doctor has already checked them and "
                        "said you may exercise, press d to record it with the date."
                    )
                )
            if self.first_run:
                yield Static(
                    Content(
                        "Your answers are kept, and nothing else is set up until this is "
                        "settled. Once a doctor has seen you, press r to answer the questions "
                        "again; ctrl+q leaves, and rehab starts here next time."
                    )
                )
            else:
                yield Static(
                    Content(
                        "Sessions are stopped. Nothing is lost: your history is kept. No session "
                        "can start until you answer the safety questions again (r) once a doctor "
                        "has seen you."
                    )
                )
            signs = [f.question for f in RED_FLAGS if f.level == "emergency"]
            yield Static(bullet_list("Get help the same day if you notice any of these:", signs))
            yield Static(
                Content("rehab gives general self-care guidance, not a diagnosis."), classes="dim"
            )
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clearance":
            return self.gate.clearable
        return True

    def action_close(self) -> None:
        self.dismiss(None)
        self.app.refresh_views()

    def action_rescreen(self) -> None:
        if self.first_run:
            self.dismiss("again")  # the wizard asks the questions again, none answered
            return
        self.dismiss(None)
        self.app.action_rescreen()

    def action_clearance(self) -> None:
        ask_clearance(self.app, self.gate, self._cleared)

    def _cleared(self, gate: Gate) -> None:
        if gate.signs:
            self.gate = gate
            self.refresh(recompose=True)
            return
        self.dismiss("cleared")
        self.app.refresh_views()


def ask_clearance(app, gate: Gate, then: Callable[[Gate], None]) -> None:
    """Ask which open signs of history a doctor has checked; keep the answer; then `then` with
    the gate as it now stands. Nothing is asked unless every open sign may be cleared."""
    if not gate.clearable:
        return

    kept: list[Gate] = []

    def save(signs: list[str], seen_on: date, note: str) -> bool:
        result = app.door.record_clearances(signs, seen_on, note)
        if not app.said(result):
            return False
        kept.append(result.value)
        return True

    def done(saved: bool | None) -> None:
        if not saved or not kept:
            return
        after = kept[-1]
        app.notify(
            "Thank you, that is kept."
            + (" Some signs are still open." if after.signs else " You may go on."),
            markup=False,
        )
        then(after)

    app.push_screen(ClearanceScreen(list(gate.signs), save=save), done)


class AfterAlarmScreen(RehabModal[tuple[AfterEmergency, date | None] | None]):
    """After a same-day warning sign, an all-clear must say why the alarm ended
    (docs/clinical.md §7, "After an alarm"): a doctor has seen you (on a day), or the yes was a
    mistake.
    The safe answer, "not yet", has the focus: Enter and Esc leave sessions stopped."""

    BINDINGS = [
        Binding("n,escape", "not_yet", "Not yet"),
        Binding("d", "seen", "Doctor has seen me"),
        Binding("m", "mistake", "Yes by mistake"),
    ]

    def __init__(self, alarm_at: datetime) -> None:
        super().__init__()
        self.alarm_at = alarm_at

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Content.assemble(
                    ("You answered yes to a same-day warning sign", "bold"),
                    f" on {self.alarm_at:%a %d %b}. Before sessions start again: has a doctor "
                    "seen you since, or was that yes a mistake?",
                ),
                classes="dialog-title",
            )
            with Vertical(id="seen-box", classes="field-box"):
                yield Label("The day the doctor saw you (YYYY-MM-DD, or days ago):")
                yield TextInput(id="seen-on", placeholder="e.g. 2026-11-20 or 1", compact=True)
            yield Problem()
            with Vertical(classes="choices"):
                stay = Content("Not yet: stay stopped (n)")
                yield Button(stay, id="not-yet", variant="primary", compact=True)
                yield Button(Content("A doctor has seen me (d)"), id="seen", compact=True)
                yield Button(Content("Yes by mistake (m)"), id="mistake", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#seen-box").display = False
        self.query_one("#not-yet", Button).focus()

    @on(Button.Pressed, "#not-yet")
    def action_not_yet(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#mistake")
    def action_mistake(self) -> None:
        self.dismiss(("mistake", None))

    @on(Button.Pressed, "#seen")
    @on(Input.Submitted, "#seen-on")
    def action_seen(self) -> None:
        box = self.query_one("#seen-box")
        field = self.query_one("#seen-on", Input)
        if not box.display:
            box.display = True  # first press: ask the day
            field.focus()
            return
        try:
            seen_on = parse_episode_start(
                field.value, self.app.now().date(), "When did the doctor see you?"
            )
        except InputProblem as problem:
            self.query_one(Problem).say(str(problem))
            field.focus()
            return
        self.dismiss(("seen-doctor", seen_on))


class ClearanceScreen(RehabScreen[bool | None]):
    """For each sign of history: has a doctor checked it and said you may exercise? When?"""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]
    SEALS_ON = frozenset({"enter", "ctrl+s"})  # what sends it on (tui.widgets.text_fields.Seals)

    def __init__(
        self,
        signs: list[OpenSign],
        save: Callable[[list[str], date, str], bool] | None = None,
    ) -> None:
        super().__init__()
        self.signs = [s for s in signs if s.clearable]
        #: Saves the answers before the form closes; False (the disk refused, said why) keeps
        #: the form with everything entered, to try again.
        self.save = save

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="wizard"):
            yield Static(Content.assemble(("A doctor has checked this", "bold")))
            yield Label(
                "For each: has a doctor seen you about it and said you may exercise? y or n."
            )
            yield AnswerList([(s.flag.id, s.flag.question) for s in self.signs], id="cleared-list")
            yield Label("When did the doctor see you? A date (YYYY-MM-DD) or days ago:")
            yield TextInput(id="seen-on", placeholder="e.g. 2026-11-20 or 3", compact=True)
            yield Label("What they said (optional):")
            yield WordsInput(
                id="note",
                placeholder="e.g. fine to exercise, come back if worse",
                compact=True,
                max_length=200,
            )
            yield Problem()
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(AnswerList).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(AnswerList.Finished)
    def answered(self) -> None:
        self.query_one("#seen-on", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    @reads_fields
    def action_save(self) -> None:
        try:
            signs, seen_on, note = self.read()
        except InputProblem as problem:
            self.query_one(Problem).say(str(problem))
            return
        if self.save is not None and not self.save(signs, seen_on, note):
            self.query_one(Problem).say("Not saved yet: see the message, then ctrl+s again.")
            return
        self.dismiss(True)

    def read(self) -> tuple[list[str], date, str]:
        """The signs a doctor has checked, the day, and what they said."""
        answers = self.query_one(AnswerList)
        if answers.missing:
            raise InputProblem(answers.show_missing())
        yes = [key for key, answer in answers.answers.items() if answer]
        if not yes:
            raise InputProblem("Nothing to record: see a doctor first, then come back (d).")
        seen_on: date = parse_episode_start(
            self.query_one("#seen-on", Input).value,
            self.app.now().date(),
            "When did the doctor see you?",
        )
        return yes, seen_on, self.query_one("#note", Input).value.strip()


class GoAheadScreen(AskScreen[date | None]):
    """After recent spinal surgery: the day the surgeon or physiotherapist said you may start
    exercising (docs/clinical.md §7)."""

    OK = "Save"

    def __init__(self) -> None:
        super().__init__("Your surgeon's or physiotherapist's go-ahead")

    def fields(self) -> ComposeResult:
        yield Label("The day they said you may start (YYYY-MM-DD, or days ago):")
        yield TextInput(id="go-ahead", placeholder="e.g. 2026-11-20 or 2", compact=True)

    def read(self) -> date:
        today = self.app.now().date()
        return read_field(
            self, "#go-ahead", lambda text: parse_episode_start(text, today, "When was it?")
        )


async def ask_go_ahead(screen) -> bool:
    """Ask for the go-ahead after recent surgery and keep it; True once sessions may start."""
    app = screen.app
    day = await app.push_screen_wait(GoAheadScreen())
    if day is None:
        return False
    return app.said(app.door.record_go_ahead(day), done="Thank you: the go-ahead is kept.")
