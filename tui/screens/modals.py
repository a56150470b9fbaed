"""Small modal screens: check-in, confirm, a reason, a pain number."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from planner.models import CheckIn
from tui.validate import InputProblem, parse_pain


class Problem(Static):
    """The one-line message under a form when input does not fit."""

    DEFAULT_CSS = """
    Problem { color: $error; height: auto; min-height: 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)

    def say(self, text: str) -> None:
        self.update(Content("⚠ " + text) if text else "")


class CheckInScreen(ModalScreen[CheckIn | None]):
    """Pain 0–10 and an optional note. Returns the check-in, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, now: datetime, title: str = "How is your back right now?") -> None:
        super().__init__()
        self.now = now
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.heading), classes="dialog-title")
            yield Label("Pain from 0 (none) to 10 (worst you can imagine):")
            yield Input(id="pain", placeholder="0–10", compact=True)
            yield Label("Note (optional):")
            yield Input(id="note", placeholder="anything worth remembering", compact=True)
            yield Problem(id="problem")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        try:
            pain = parse_pain(self.query_one("#pain", Input).value)
        except InputProblem as exc:
            self.query_one(Problem).say(str(exc))
            self.query_one("#pain", Input).focus()
            return
        note = self.query_one("#note", Input).value
        self.dismiss(CheckIn(at=self.now, pain=pain, note=note))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class PainScreen(ModalScreen[int | None]):
    """Ask one pain number (for 'it hurts'). Returns it, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.question), classes="dialog-title")
            yield Label("Pain from 0 (none) to 10 (worst):")
            yield Input(id="pain", placeholder="0–10", compact=True)
            yield Problem()
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def ok(self) -> None:
        try:
            self.dismiss(parse_pain(self.query_one(Input).value))
        except InputProblem as exc:
            self.query_one(Problem).say(str(exc))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; y and n answer it, Escape means no."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.question), classes="dialog-title")
            with Horizontal(classes="buttons"):
                yield Button(Content(f"{self.yes} (y)"), id="yes", variant="primary")
                yield Button(Content(f"{self.no} (n)"), id="no")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class ReasonScreen(ModalScreen[str | None]):
    """Ask for a typed reason (an override must say why)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.question), classes="dialog-title")
            yield Input(id="reason", placeholder="your reason", compact=True)
            yield Problem()
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def ok(self) -> None:
        text = self.query_one(Input).value.strip()
        if not text:
            self.query_one(Problem).say("Please type a reason; it is kept with your history.")
            return
        self.dismiss(text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
