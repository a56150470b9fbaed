"""Help: every key, and what the planner does with your answers."""

from __future__ import annotations

import textwrap

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.screens.base import RehabModal

KEYS = [
    (
        "Everywhere",
        [
            ("1 … 6", "Today, Progress, Plan, History, Library, Data"),
            ("c", "check in: record your pain 0–10"),
            ("?  F1", "this help"),
            ("ctrl+p", "command palette: every action by name"),
            ("ctrl+q", "quit"),
        ],
    ),
    (
        "Today",
        [
            ("s", "start the next session"),
            ("r", "answer the red-flag questions again"),
            ("d", "a doctor has checked a sign of your history (when one is open)"),
            ("f / x", "finish / close a session cut off before its questions"),
            ("w", "log a walk: minutes, forwards or backwards, pain after"),
            ("b", "log the next short bout of an exercise done several times a day"),
            ("m", "merge the copy another computer left beside your file (when there is one)"),
        ],
    ),
    (
        "Progress",
        [
            ("a", "move on to the next stage (when every criterion holds)"),
            ("o", "move on anyway: asks your reason, which is kept"),
            ("b", "step back a stage (or lower the doses at stage 1)"),
        ],
    ),
    (
        "Plan",
        [
            ("e", "change the selected exercise's dose, within its limits"),
            ("w", "swap it for an easier, harder or other exercise of the stage"),
            ("y / x", "take / leave the suggested dose step"),
            ("r", "reset to the stage's default plan"),
            ("k", "how long you walk comfortably now (restarts the walking programme)"),
            ("h", "answer the health questions again (pregnancy, surgery, osteoporosis)"),
            ("f", "favour the way of bending that eases your leg, when Plan suggests it"),
        ],
    ),
    (
        "History",
        [
            ("f", "show the last 7 / 30 / 90 days / all"),
            ("Enter", "open the selected session"),
            ("m", "200 more sessions (long lists)"),
            ("p", "rate the activities you find hard (PSFS)"),
            ("i", "every check-in of the window, with its note"),
        ],
    ),
    (
        "Library",
        [
            ("↑ ↓", "choose an exercise; its steps and sources show beside it"),
            ("s k e o", "cycle the stage / kind / equipment / condition filter"),
            ("S K E O", "the same filter, backwards"),
            ("x", "clear the filters"),
            ("/", "search by name"),
            ("l", "Learn: every reading card in full, with its sources"),
            ("tab  Enter", "read the highlighted exercise"),
            ("Esc  tab", "from the exercise, back to the list"),
        ],
    ),
    (
        "Data",
        [
            ("b", "back up now"),
            ("r", "restore the selected backup"),
            ("e", "export: report, spreadsheet, calendar, FHIR or everything"),
            ("m", "merge a file from another computer: every record of both is kept"),
        ],
    ),
    (
        "Session",
        [
            ("space", "start / pause the timer"),
            ("n", "next exercise"),
            ("b", "back to the previous exercise"),
            ("s", "skip this exercise"),
            ("h", "it hurts: stop this exercise and mark it"),
            ("q  Esc", "stop the session (what you did is kept)"),
        ],
    ),
    (
        "Forms",
        [
            ("Tab", "next field"),
            ("Enter", "confirm"),
            ("Esc", "cancel"),
            ("ctrl+s", "save the end-of-session form"),
        ],
    ),
]

ABOUT = (
    "How it decides: each stage has numbers you must meet before moving on (days, sessions, "
    "your daily check-ins, no flares). A flare is pain after a session above 5, a rise of 2 or "
    "more, or an exercise stopped because it hurt. Two flares in a week, or a check-in of 7 or "
    "more, suggest going back a stage. Any red-flag answer pauses the plan and sends you to a "
    "doctor. Never push through pain.\n\n"
    "rehab gives general self-care guidance, not a diagnosis."
)


def key_line(key: str, what: str, width: int = 64) -> str:
    """`  key      what`, with long descriptions wrapped under their own column."""
    indent = " " * 11
    return textwrap.fill(what, width=width, initial_indent=f"  {key:<8} ", subsequent_indent=indent)


class HelpScreen(RehabModal[None]):
    """Every key, by place, and how rehab decides, in a few lines."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(Content.assemble(("Keys", "bold")))
            for section, keys in KEYS:
                yield Static(
                    Content.assemble(
                        (section, "bold underline"),
                        "\n",
                        Content("\n").join(Content(key_line(k, what)) for k, what in keys),
                    )
                )
            yield Static(Content(ABOUT))
            yield Static(Content("Esc closes this help."), classes="dim")

    def action_close(self) -> None:
        self.dismiss(None)
