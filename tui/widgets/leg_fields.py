"""The leg's part of a pain rating (README, safety rules): leg pain 0–10, and how far down the
leg."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label

from planner.models import REACHES, Rating
from tui.parse import InputProblem, parse_pain, parse_reach
from tui.widgets.text_fields import TextInput

REACH_HINT = "0 none · 1 buttock · 2 thigh · 3 below the knee · 4 foot"  # 55 columns


class LegFields(Vertical):
    """Two fields under the back's pain: leg pain and the reach. Shown only to someone with
    leg symptoms; `rating(back)` reads them into one Rating or raises InputProblem."""

    DEFAULT_CSS = """
    LegFields { height: auto; }
    """

    def __init__(self, kept: Rating | None = None, inline: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.kept = kept
        #: Label and field on one line each (the end-of-session form's layout).
        self.inline = inline

    def compose(self) -> ComposeResult:
        kept = self.kept
        leg = "" if kept is None or kept.leg is None else str(kept.leg)
        reach = "" if kept is None or kept.reach is None else str(REACHES.index(kept.reach))
        if self.inline:
            with Horizontal(classes="field"):
                yield Label("Leg pain, 0–10:")
                yield TextInput(leg, id="leg", placeholder="0–10", compact=True)
            with Horizontal(classes="field"):
                yield Label("Down the leg:")
                yield TextInput(reach, id="reach", placeholder="0–4", compact=True)
            yield Label(REACH_HINT, classes="dim")
            return
        yield Label("Leg pain, 0–10:")
        yield TextInput(leg, id="leg", placeholder="0–10", compact=True)
        yield Label(f"How far down the leg?\n{REACH_HINT}")
        yield TextInput(reach, id="reach", placeholder="0–4", compact=True)

    def rating(self, back: int) -> Rating:
        """The whole rating: `back` with the leg's pain and reach as typed."""
        leg_field, reach_field = self.query_one("#leg", Input), self.query_one("#reach", Input)
        try:
            leg = parse_pain(leg_field.value)
        except InputProblem as problem:
            leg_field.focus()
            said = str(problem)
            said = "Leg p" + said[1:] if said.startswith("Pain") else f"Leg pain: {said}"
            raise InputProblem(said) from None
        try:
            reach = parse_reach(reach_field.value)
        except InputProblem:
            reach_field.focus()
            raise
        return Rating(back, leg, reach)
