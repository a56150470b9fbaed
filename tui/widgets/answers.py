"""Safety questions, each answered yes or no, none answered in advance (README, safety rules).

A line reads "[ ? ] question" until answered, then "[YES] question" or "[ no] question". `y` and
`n` answer the highlighted question and move to the next one not yet answered; space or Enter
turns an answer over. The form that holds the list refuses to go on while `missing` is not
empty, and `show_missing()` takes the person to the first question left.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

MARKS = {None: "[ ? ]", True: "[YES]", False: "[ no]"}


class AnswerList(OptionList):
    """Yes/no questions that must each be answered; nothing is pre-selected."""

    DEFAULT_CSS = """
    AnswerList {
        height: auto;
        text-wrap: wrap;
    }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=True),
        Binding("n", "answer(False)", "No", show=True),
        Binding("space", "turn", "Change", show=False),
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

    def __init__(self, questions: Iterable[tuple[str, str]], **kwargs) -> None:
        self._questions = list(questions)
        self._text = dict(self._questions)
        self._answers: dict[str, bool | None] = {key: None for key, _ in self._questions}
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
    def missing(self) -> list[str]:
        """The questions not answered yet, in order."""
        return [key for key, _ in self._questions if self._answers[key] is None]

    @property
    def answers(self) -> dict[str, bool]:
        """Every answer; raises ValueError while any question is unanswered."""
        if self.missing:
            raise ValueError("not every question is answered yet")
        return {key: bool(answer) for key, answer in self._answers.items()}

    def clear_answers(self) -> None:
        """Every question unanswered again, the first highlighted (to answer afresh)."""
        for key, _ in self._questions:
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
            self.highlighted = [key for key, _ in self._questions].index(left[0])
            self.focus()
        n = len(left)
        return (
            f"Please answer every question: {n} still {'has' if n == 1 else 'have'} no "
            "answer (y for yes, n for no)."
        )

    def action_answer(self, yes: bool) -> None:
        if self.highlighted is None:
            return
        keys = [key for key, _ in self._questions]
        self.answer(keys[self.highlighted], yes)
        after = [k for k in keys[self.highlighted + 1 :] if self._answers[k] is None]
        if after:
            self.highlighted = keys.index(after[0])
        elif self.highlighted < len(keys) - 1:
            self.highlighted += 1

    def action_turn(self) -> None:
        """Space or Enter: unanswered or no → yes; yes → no."""
        if self.highlighted is None:
            return
        key = self._questions[self.highlighted][0]
        self.answer(key, not self._answers[key])

    def action_select(self) -> None:
        self.action_turn()
