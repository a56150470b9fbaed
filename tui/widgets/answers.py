"""Safety questions, each answered yes or no, none answered in advance (README, safety rules).

A line reads "[ ? ] question" until answered, then "[YES] question" or "[ no] question". Only
`y` and `n` answer (the highlighted question, then the highlight moves to the next one not yet
answered); a click on the footer's Yes or No does the same. Enter never changes an answer: it
moves to the next question not yet answered, and once all are answered the list says so
(`Finished`) so the form can move on to its next field. Space does nothing here. A key typed
before the list was shown (typed ahead while one screen gave way to another) is dropped, so it
can never answer a question the person has not seen.

The form that holds the list refuses to go on while `missing` is not empty, and
`show_missing()` takes the person to the first question left.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.table import Table
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.widgets.text_fields import Seals

MARKS = {None: "[ ? ]", True: "[YES]", False: "[ no]"}

#: The keys that answer, and the answer each gives.
ANSWER_KEYS = {"y": True, "n": False}


def press(
    keys: Sequence[str], answers: Sequence[bool | None], at: int, key: str
) -> tuple[list[bool | None], int, bool]:
    """What one key does to a list of answers with the highlight `at`: the answers after it,
    where the highlight goes, and whether the list is finished (Enter with nothing left).

    `y` and `n` answer the highlighted question and move on to the next one not yet answered
    (going round to the top; the next line once all are answered); Enter only moves to the next
    one not yet answered; any other key (space among them) changes nothing. The widget below
    runs exactly this.
    """
    now = list(answers)
    if key not in ANSWER_KEYS and key != "enter":
        return now, at, False
    if key in ANSWER_KEYS:
        now[at] = ANSWER_KEYS[key]
    # The next question not yet answered, going round to the top; once all are answered, y
    # and n step to the next line (to change an answer below) and Enter says it is finished.
    left = [i for i in range(at + 1, len(keys)) if now[i] is None]
    left = left or [i for i in range(at + 1) if now[i] is None]
    if left:
        return now, left[0], False
    if key == "enter":
        return now, at, True
    return now, min(at + 1, len(keys) - 1), False


class AnswerList(Seals, OptionList):
    """Yes/no questions that must each be answered; nothing is pre-selected."""

    DEFAULT_CSS = """
    AnswerList {
        height: auto;
        text-wrap: wrap;
    }
    """

    BINDINGS = [
        Binding("y", "answer('y')", "Yes", show=True),
        Binding("n", "answer('n')", "No", show=True),
        Binding("enter", "answer('enter')", "Next question", show=False),
    ]

    class Changed(Message):
        """Posted whenever a question is answered, so the form can update what it shows."""

        def __init__(self, answers: AnswerList) -> None:
            super().__init__()
            self.answers = answers

        @property
        def control(self) -> AnswerList:
            """The list that changed, so `@on(..., selector)` can match it."""
            return self.answers

    class Finished(Changed):
        """Enter with every question answered: the form may move on to what comes next."""

    def __init__(self, questions: Iterable[tuple[str, str]], **kwargs) -> None:
        self._questions = list(questions)
        self._text = dict(self._questions)
        self._answers: dict[str, bool | None] = {key: None for key, _ in self._questions}
        #: When the list was last given the focus (the message clock): earlier keys were
        #: typed before it was shown, for whatever was there before.
        self._shown_at: float | None = None
        super().__init__(
            *[Option(self._prompt(key), id=key) for key, _ in self._questions], **kwargs
        )

    def _prompt(self, key: str) -> Table:
        """The mark, then the question; a long question wraps under itself (a hanging indent),
        so the marks stay a clean column to read down."""
        answer = self._answers[key]
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=len(MARKS[None]), no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(Text(MARKS[answer], style="bold" if answer else ""), Text(self._text[key]))
        return grid

    @property
    def keys(self) -> list[str]:
        return [key for key, _ in self._questions]

    @property
    def missing(self) -> list[str]:
        """The questions not answered yet, in order."""
        return [key for key in self.keys if self._answers[key] is None]

    @property
    def answers(self) -> dict[str, bool]:
        """Every answer; raises ValueError while any question is unanswered."""
        if self.missing:
            raise ValueError("not every question is answered yet")
        return {key: bool(answer) for key, answer in self._answers.items()}

    def clear_answers(self) -> None:
        """Every question unanswered again, the first highlighted (to answer afresh)."""
        for key in self.keys:
            self._answers[key] = None
            self.replace_option_prompt(key, self._prompt(key))
        self.highlighted = 0

    def answer(self, key: str, yes: bool) -> None:
        """Answer the question `key` and say so with a `Changed` message."""
        self._answers[key] = yes
        self.replace_option_prompt(key, self._prompt(key))
        self.post_message(self.Changed(self))

    def show_missing(self) -> str:
        """Highlight the first unanswered question; a one-line message saying how many."""
        left = self.missing
        if left:
            self.highlighted = self.keys.index(left[0])
            self.focus()
        n = len(left)
        return (
            f"Please answer every question: {n} still {'has' if n == 1 else 'have'} no "
            "answer (y for yes, n for no)."
        )

    # -- keys ------------------------------------------------------------------------------------

    def on_focus(self, event: events.Focus) -> None:
        self._shown_at = event.time

    def typed_ahead(self, event: events.Key) -> bool:
        """Was this key typed before the list was shown (before it first had the focus)?"""
        return self._shown_at is None or event.time < self._shown_at

    def action_answer(self, key: str) -> None:
        if self.highlighted is None:
            return
        keys = self.keys
        before = [self._answers[k] for k in keys]
        after, at, finished = press(keys, before, self.highlighted, key)
        for name, old, new in zip(keys, before, after, strict=True):
            if new != old and new is not None:
                self.answer(name, new)
        self.highlighted = at
        if finished:
            self.post_message(self.Finished(self))

    def action_select(self) -> None:
        """A click on a line only highlights it: an answer is given with y or n."""
