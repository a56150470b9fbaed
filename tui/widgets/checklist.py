"""A list of yes/no lines that wraps long text and says its state in words, not colour."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, OptionList
from textual.widgets.option_list import Option

from tui.widgets.text_fields import Seals


class CheckList(Seals, OptionList):
    """Each line reads "[x] label" or "[ ] label" (or "YES"/"no"); space or Enter toggles.

    With `single=True` it is a choice of one: lines read "(•) label" / "( ) label".
    """

    DEFAULT_CSS = """
    CheckList {
        height: auto;
        text-wrap: wrap;
    }
    """

    BINDINGS = [Binding("space", "toggle", "Mark", show=True)]

    class Changed(Message):
        """Posted whenever a line is marked or unmarked."""

        def __init__(self, checklist: CheckList) -> None:
            super().__init__()
            self.checklist = checklist

        @property
        def control(self) -> CheckList:
            """The list that changed, so `@on(..., selector)` can match it."""
            return self.checklist

    def __init__(
        self,
        items: Iterable[tuple[str, str]],
        *,
        selected: Iterable[str] = (),
        marks: tuple[str, str] | None = None,
        single: bool = False,
        **kwargs,
    ) -> None:
        self._items = list(items)
        self._labels = dict(self._items)
        self._on = set(selected)
        self._single = single
        self._marks = marks or (("(•)", "( )") if single else ("[x]", "[ ]"))
        self._shown = [v for v, _ in self._items]  # the lines offered, in list order
        super().__init__(*[Option(self._prompt(v), id=v) for v in self._shown], **kwargs)

    def show_only(self, values: Iterable[str]) -> None:
        """Offer only these lines (in list order): a choice the rules do not allow is not
        shown at all. A marked line no longer offered is unmarked."""
        keep = set(values)
        self._on &= keep
        self._shown = [v for v, _ in self._items if v in keep]
        highlighted = self.highlighted
        self.clear_options()
        self.add_options([Option(self._prompt(v), id=v) for v in self._shown])
        if self._shown:
            self.highlighted = min(highlighted or 0, len(self._shown) - 1)

    def _prompt(self, value: str) -> Content:
        on_mark, off_mark = self._marks
        mark = on_mark if value in self._on else off_mark
        # A no-break space keeps the mark's width when a long line wraps.
        return Content.assemble(
            (mark.replace(" ", "\u00a0"), "bold" if value in self._on else ""),
            "\u00a0",
            self._labels[value],
        )

    @property
    def selected(self) -> list[str]:
        """The marked values, in list order."""
        return [v for v, _ in self._items if v in self._on]

    @property
    def value(self) -> str | None:
        """The one chosen value of a single-choice list."""
        chosen = self.selected
        return chosen[0] if chosen else None

    def select(self, value: str, on: bool = True) -> None:
        """Mark `value` (unmark it with `on=False`); in a single choice, marking one unmarks the
        rest. A line not offered (`show_only`) cannot be marked."""
        if value not in self._shown:
            return
        changed = {value}
        if self._single and on:
            changed |= self._on
            self._on = set()
        (self._on.add if on else self._on.discard)(value)
        for v in changed & set(self._shown):
            self.replace_option_prompt(v, self._prompt(v))
        self.post_message(self.Changed(self))

    # The space key's action, named for what it does: it shadows DOMNode.action_toggle
    # (which flips an attribute named in the binding), which nothing here binds.
    def action_toggle(self) -> None:  # type: ignore[override]
        if self.highlighted is None:
            return
        value = self._shown[self.highlighted]
        if self._single:
            self.select(value)
        else:
            self.select(value, value not in self._on)

    def action_select(self) -> None:  # Enter toggles too
        self.action_toggle()


class Tick(Checkbox):
    """Textual's Checkbox, with its X drawn only when ticked. Textual's draws an X in both
    states, told apart by colour alone: without colour (NO_COLOR, a monochrome terminal, a
    screen reader's text, eyes that do not tell the two apart) an unticked box read as ticked."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802  (Textual's name)
        return "X" if self.value else " "
