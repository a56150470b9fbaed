"""PSFS: name the everyday activities your back makes hard, and score each from 0 to 10."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from planner.models import PsfsItem, PsfsRating
from tui.parse import InputProblem, parse_whole
from tui.screens.base import RehabModal
from tui.screens.modals import Problem
from tui.widgets.text_fields import TextInput, WordsInput, reads_fields

ROWS = 5
MIN_ACTIVITIES = 3

INSTRUCTION = (
    "Name 3 to 5 everyday things your back makes hard to do, and score how well you can "
    "do each today: 0 = cannot do it at all, 10 = as well as before the back trouble."
)
AGAIN = "Last time's activities are filled in: keep them so the scores compare, or edit them."


class RowProblem(InputProblem):
    """An input problem with the field to put the cursor in (e.g. "score-2")."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def read_rating(rows: list[tuple[str, str]], now: datetime) -> PsfsRating:
    """The rating from (activity, score) pairs as typed; `RowProblem` says what does not fit.

    A row with neither an activity nor a score is ignored. Names are kept exactly as typed.
    """
    items: list[PsfsItem] = []
    empty: list[int] = []
    for number, (activity, score) in enumerate(rows, 1):
        named, scored = bool(activity.strip()), bool(score.strip())
        if not named and not scored:
            empty.append(number)
            continue
        if not named:
            raise RowProblem(
                f"Row {number} has a score but no activity: name it, or clear the score.",
                f"activity-{number}",
            )
        if not scored:
            raise RowProblem(
                f"Please give the activity in row {number} a score from 0 to 10.", f"score-{number}"
            )
        try:
            value = parse_whole(score, 0, 10, f"the score in row {number}")
        except InputProblem as problem:
            raise RowProblem(str(problem), f"score-{number}") from None
        items.append(PsfsItem(activity=activity, score=value))
    if len(items) < MIN_ACTIVITIES:
        have = f"{len(items)} so far" if items else "none so far"
        raise RowProblem(
            f"Name at least {MIN_ACTIVITIES} activities, each with a score ({have}).",
            f"activity-{empty[0] if empty else 1}",
        )
    return PsfsRating(at=now, items=items)


class PsfsScreen(RehabModal[PsfsRating | None]):
    """The Patient-Specific Functional Scale. Returns the rating, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]
    SEALS_ON = frozenset({"enter", "ctrl+s"})  # what sends it on (tui.widgets.text_fields.Seals)

    def __init__(
        self,
        now: datetime,
        previous: PsfsRating | None,
        save: Callable[[PsfsRating], bool] | None = None,
    ) -> None:
        super().__init__()
        self.now = now
        self.previous = previous
        #: Keeps the rating; False when the disk refused it (said why): the form stays, filled.
        self.save = save

    def compose(self) -> ComposeResult:
        old = self.previous.items if self.previous else []
        with Vertical(classes="dialog", id="psfs"):
            yield Label("Activities you find hard (PSFS)", classes="dialog-title")
            yield Static(Content(INSTRUCTION), classes="psfs-text")
            if self.previous is not None:
                yield Static(
                    Content(f"{AGAIN} (Last time: {self.previous.at:%d %b %Y}.)"),
                    classes="psfs-text dim",
                )
            with Horizontal(classes="psfs-row psfs-head"):
                yield Label("", classes="psfs-number")
                yield Label("Activity (empty rows are left out)", classes="psfs-activity")
                yield Label("Score 0–10", classes="psfs-score")
            for row in range(1, ROWS + 1):
                item = old[row - 1] if row <= len(old) else None
                with Horizontal(classes="psfs-row"):
                    yield Label(f"{row}.", classes="psfs-number")
                    yield WordsInput(
                        item.activity if item else "",
                        id=f"activity-{row}",
                        placeholder=f"activity {row}"
                        + (" (optional)" if row > MIN_ACTIVITIES else ""),
                        max_length=80,
                        compact=True,
                        classes="psfs-activity",
                    )
                    yield TextInput(
                        id=f"score-{row}",
                        placeholder=f"was {item.score}" if item else "0–10",
                        max_length=3,
                        compact=True,
                        classes="psfs-score",
                    )
            yield Problem(id="problem")
            with Horizontal(classes="buttons"):
                yield Label("Enter saves · Esc cancels", classes="dim psfs-keys")
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        if self.previous is not None:  # the names are there: start at the first score
            self.query_one("#score-1", Input).focus()

    def rows(self) -> list[tuple[str, str]]:
        return [
            (
                self.query_one(f"#activity-{n}", Input).value,
                self.query_one(f"#score-{n}", Input).value,
            )
            for n in range(1, ROWS + 1)
        ]

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    @reads_fields
    def action_save(self) -> None:
        try:
            rating = read_rating(self.rows(), self.now)
        except RowProblem as problem:
            self.query_one(Problem).say(str(problem))
            self.query_one(f"#{problem.field}", Input).focus()  # nothing typed is lost
            return
        if self.save is not None and not self.save(rating):
            self.query_one(Problem).say("Not saved yet: see the message, then Enter again.")
            return
        self.dismiss(rating)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
