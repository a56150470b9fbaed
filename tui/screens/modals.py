"""Small modal screens: check-in, confirm, a reason, a pain number, and History's two: a
session in full and the check-ins of a window (styled in history.tcss, read with History)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Static

from planner.models import CheckIn, Rating, Session
from tui.compat import Footer
from tui.parse import InputProblem, parse_note, parse_pain
from tui.screens.base import RehabModal
from tui.screens.history_words import checkin_line, session_detail
from tui.text import literal
from tui.widgets.checklist import Tick
from tui.widgets.leg_fields import LegFields
from tui.widgets.text_fields import TextInput, WordsInput, reads_fields

if TYPE_CHECKING:
    from door import StartChoice
    from planner.models import SessionChoice

T = TypeVar("T")


class Problem(Static):
    """The one-line message under a form when input does not fit."""

    DEFAULT_CSS = """
    Problem { color: $error; height: auto; min-height: 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)

    def say(self, text: str) -> None:
        # A message may quote what was typed or pasted ("“4␛]0;x␇” is not"): drawn safe.
        self.update(literal("⚠ " + text) if text else "")


def read_field(form: Widget, selector: str, parse: Callable[[str], T]) -> T:
    """What a form's field holds, read by `parse`; a field that does not parse takes the focus,
    and InputProblem says why."""
    field = form.query_one(selector, Input)
    try:
        return parse(field.value)
    except InputProblem:
        field.focus()
        raise


def read_rating(form: Widget, leg: bool) -> Rating:
    """The pain typed in a form's `#pain` field, and with `leg` its LegFields too."""
    back = read_field(form, "#pain", parse_pain)
    return form.query_one(LegFields).rating(back) if leg else Rating(back)


class AskScreen(RehabModal[T]):
    """A small dialog: a question, some fields, one line for what does not fit, OK / Cancel.

    Subclasses give `fields()` and `read()`; `read()` raises InputProblem (shown, nothing lost)
    or returns the answer. Enter in a field or OK answers; Esc or Cancel returns None.
    """

    # ctrl+s saves every form (README); not a priority key, so it sees every key typed before it.
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "answer", "Save")]
    SEALS_ON = frozenset({"enter", "ctrl+s"})  # what sends it on (tui.widgets.text_fields.Seals)
    OK = "OK"
    #: Keep what was typed for this form before it was shown (`typed_ahead`): only where
    #: every field is typed text, never where a key answers a question of safety.
    KEEPS_TYPED_AHEAD = False
    #: The keys kept: what text fields take (a character, or one that edits or submits it).
    TYPED_AHEAD_KEYS = frozenset({"backspace", "delete", "left", "right", "home", "end", "enter"})

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question
        self._shown_at: float | None = None  # when its first field took the focus
        self._held: list[events.Key] = []  # keys typed for it before then, to type again
        self._keeping = True  # False after a key typed ahead that is not typing: none more

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.question), classes="dialog-title")
            yield from self.fields()
            yield Problem()
            with Horizontal(classes="buttons"):
                yield Button(self.OK, id="ok", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()  # its keys, ctrl+s among them, as every form shows them

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def read(self) -> T:
        raise NotImplementedError

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    @reads_fields
    def action_answer(self) -> None:
        try:
            value = self.read()
        except InputProblem as exc:
            self.query_one(Problem).say(str(exc))
            return
        self.dismiss(value)

    def on_mount(self) -> None:
        self._typed_at_start = self.typed()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self._shown_at is None:
            self._shown_at = event.time
            held, self._held = self._held, []
            for key in held:
                self._type_again(key)

    def typed_ahead(self, event: events.Key) -> bool:
        """Was this key typed before the form was shown (RehabApp.on_key asks)? Typed fast
        after the key that opens it (`c`, `5`, Enter), a key can reach the app before the form
        has the focus: such keys are typed again into its field once it has (in order), when
        they are keys a text field takes. Any other is dropped, as is every key after it that
        was typed before the form was shown: what follows a Tab or Esc typed ahead is not
        known to be meant for the field that now has the focus."""
        if not self.KEEPS_TYPED_AHEAD or (
            self._shown_at is not None and event.time >= self._shown_at
        ):
            return False
        if not self._keeping:
            return True
        if not (event.is_printable or event.key in self.TYPED_AHEAD_KEYS):
            self._keeping = False  # nothing more typed ahead is kept (what came before is)
            return True
        if self._shown_at is None:
            self._held.append(event)
        else:
            self._type_again(event)
        return True

    def _type_again(self, event: events.Key) -> None:
        # Posted as the terminal's driver posts a key, after those already typed: it takes
        # the path of any key typed now, to the field with the focus.
        self.app.post_message(events.Key(event.key, event.character))

    def typed(self) -> list[str]:
        return [field.value for field in self.query(Input)]

    @on(Button.Pressed, "#cancel")
    @work
    async def action_cancel(self) -> None:
        """Esc or Cancel: nothing typed is thrown away without asking first."""
        if self.typed() != self._typed_at_start and not await self.app.push_screen_wait(
            ConfirmScreen("Throw away what you typed?", "Throw away", "Keep editing")
        ):
            return
        self.dismiss(None)


class CheckInScreen(AskScreen[CheckIn | None]):
    """Pain 0–10 (back and leg apart, with the reach, for someone with leg symptoms) and an
    optional note."""

    OK = "Save"
    KEEPS_TYPED_AHEAD = True  # `c`, then the pain: the first field is the pain's

    def __init__(
        self,
        now: datetime,
        title: str = "How is your back right now?",
        kept: CheckIn | None = None,
        leg: bool = False,
    ) -> None:
        super().__init__(title)
        self.now = now
        #: A check-in that could not be saved, shown again to retry.
        self.kept = kept
        self.leg = leg

    def fields(self) -> ComposeResult:
        kept = self.kept
        yield Label(
            "Back pain, 0 (none) to 10 (worst you can imagine):"
            if self.leg
            else "Pain from 0 (none) to 10 (worst you can imagine):"
        )
        yield TextInput(str(kept.pain) if kept else "", id="pain", placeholder="0–10", compact=True)
        fields = LegFields(kept.rating if kept else None)
        fields.display = self.leg or (kept is not None and kept.leg_pain is not None)
        yield fields
        yield Label("Note (optional):")
        yield WordsInput(
            kept.note if kept else "",
            id="note",
            placeholder="anything worth remembering",
            compact=True,
        )
        if not self.leg:
            # Leg pain reported later (README, safety rules): ticked, the leg is rated apart from
            # now on. Last, so the pain and the note stay one Tab apart.
            yield Tick(
                "Pain in a leg too: rate it apart (asked from now on)",
                kept is not None and kept.leg_pain is not None,
                id="leg-too",
                compact=True,
            )

    @on(Checkbox.Changed, "#leg-too")
    def leg_too(self, event: Checkbox.Changed) -> None:
        self.query_one(LegFields).display = event.value

    def read(self) -> CheckIn:
        rating = read_rating(self, self.query_one(LegFields).display)
        pain = rating.back
        at = self.kept.at if self.kept else self.now
        note_field = self.query_one("#note", Input)
        try:
            note = parse_note(note_field.value)
        except InputProblem:
            note_field.focus()
            raise
        return CheckIn(at=at, pain=pain, note=note, leg_pain=rating.leg, reach=rating.reach)


class PainScreen(AskScreen[Rating | None]):
    """Ask for pain now: one number, or back and leg apart with the reach (README, safety rules)."""

    KEEPS_TYPED_AHEAD = True

    def __init__(self, question: str, leg: bool = False) -> None:
        super().__init__(question)
        self.leg = leg

    def fields(self) -> ComposeResult:
        yield Label(
            "Back pain, 0 (none) to 10 (worst):"
            if self.leg
            else "Pain from 0 (none) to 10 (worst):"
        )
        yield TextInput(id="pain", placeholder="0–10", compact=True)
        if self.leg:
            yield LegFields()

    def read(self) -> Rating:
        return read_rating(self, self.leg)


class ConfirmScreen(RehabModal[bool]):
    """A yes/no question; y and n answer it, Escape means no, and Enter picks the safe answer
    (no: nothing changes) because that button has the focus."""

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
            # The question may quote outside words: a clinician's name, a backup's file name.
            yield Static(literal(self.question), classes="dialog-title")
            with Horizontal(classes="buttons"):
                yield Button(Content(f"{self.no} (n)"), id="no", variant="primary", compact=True)
                yield Button(Content(f"{self.yes} (y)"), id="yes", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class ReasonScreen(AskScreen[str | None]):
    """Ask for a typed reason (an override must say why)."""

    def fields(self) -> ComposeResult:
        yield WordsInput(id="reason", placeholder="your reason", compact=True)

    def read(self) -> str:
        text = self.query_one(Input).value.strip()
        if not text:
            raise InputProblem("Please type a reason; it is kept with your history.")
        return text


class SessionChoiceScreen(RehabModal["StartChoice | None"]):
    """At a high pain before a session: the lighter choice first (Enter takes it), rest today,
    or the planned session chosen on purpose. Esc starts nothing."""

    BINDINGS = [
        Binding("l", "choose('light')", "Lighter"),
        Binding("r", "choose('rest')", "Rest today"),
        Binding("p", "choose('planned')", "Planned anyway"),
        Binding("escape", "choose('')", "Cancel"),
    ]

    WORDS = {
        "lighter": "A lighter session: this stage's lowest doses (l)",
        "lower-stage": "Stage {below}'s session instead (l)",
    }

    def __init__(self, reason: str, first: SessionChoice, stage: int) -> None:
        super().__init__()
        self.reason = reason
        #: The lighter choice the rules put first: "lighter" or "lower-stage".
        self.first = first
        self.stage = stage

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.reason), classes="dialog-title")
            with Vertical(classes="choices"):
                light = self.WORDS[self.first].format(below=self.stage - 1)
                yield Button(Content(light), id="light", variant="primary", compact=True)
                yield Button(Content("Rest today (r)"), id="rest", compact=True)
                yield Button(Content("The planned session anyway (p)"), id="planned", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#light", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id or "")

    def action_choose(self, which: str) -> None:
        choices: dict[str, StartChoice] = {
            "light": self.first,
            "rest": "rest",
            "planned": "planned",
        }
        choice = choices.get(which)
        self.dismiss(choice)


class SessionDetailScreen(RehabModal[None]):
    """One session in full; scroll with the arrows, Esc closes."""

    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        app = self.app
        with Vertical(classes="dialog", id="session-detail"):
            with VerticalScroll(id="session-detail-body"):
                for block in session_detail(self.session, app.catalog, app.catalog.rules):
                    yield Static(block, markup=False, classes="detail-block")
            yield Static(Content("↑↓ scroll · Esc closes"), classes="dim", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


class CheckInsScreen(RehabModal[None]):
    """The window's check-ins with their notes; ● marks each day's first, which the rules use."""

    BINDINGS = [Binding("escape,q,i", "close", "Close")]

    def __init__(self, checkins: list[CheckIn], window: str) -> None:
        super().__init__()
        self.checkins = checkins  # newest first
        self.window = window

    def compose(self) -> ComposeResult:
        firsts = {c.at.date(): c for c in reversed(self.checkins)}
        lines = [checkin_line(c, firsts[c.at.date()] is c) for c in self.checkins]
        with Vertical(classes="dialog", id="session-detail"):
            yield Static(
                Content.assemble(
                    (f"Check-ins · {self.window}", "bold"), f" · {len(self.checkins)}"
                ),
                markup=False,
            )
            with VerticalScroll(id="session-detail-body"):
                yield Static(
                    Content("\n").join(lines)
                    if lines
                    else Content("No check-ins in this period (c records one)."),
                    markup=False,
                )
            yield Static(
                Content("● the day's first: the one the rules use · Esc closes"),
                classes="dim",
                markup=False,
            )

    def action_close(self) -> None:
        self.dismiss(None)
