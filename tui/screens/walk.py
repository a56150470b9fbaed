"""The walking programme's two questions (README, safety rules): how far you walk comfortably, and
a walk."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Label

from planner.models import REACHES, WALK_MAX_MINUTES, Walk
from planner.walking import WalkTarget, check_walk
from tui.parse import InputProblem, parse_pain, parse_reach, parse_whole
from tui.screens.modals import AskScreen, read_field
from tui.widgets.checklist import Tick
from tui.widgets.leg_fields import REACH_HINT
from tui.widgets.text_fields import TextInput


class WalkSetupScreen(AskScreen[int | None]):
    """How many minutes the person can walk comfortably now: the programme starts below it."""

    OK = "Save"
    KEEPS_TYPED_AHEAD = True

    def __init__(self, kept: int | None = None) -> None:
        super().__init__("Walking: how long can you walk comfortably now?")
        self.kept = kept

    def fields(self) -> ComposeResult:
        yield Label(
            "Minutes at an easy pace before your back or leg starts to complain. Your daily "
            "walk starts a little below that and grows each week that goes well, toward 30 "
            "minutes on 5 days. 0 if walking is not comfortable yet."
        )
        kept = "" if self.kept is None else str(self.kept)
        yield TextInput(kept, id="walk-minutes", placeholder=f"0–{WALK_MAX_MINUTES}", compact=True)

    def read(self) -> int:
        field = self.query_one("#walk-minutes", Input)
        try:
            return parse_whole(field.value, 0, WALK_MAX_MINUTES, "minutes")
        except InputProblem:
            field.focus()
            raise


async def ask_comfortable(screen) -> bool:
    """Ask how long the person walks comfortably and start the walking programme from it today
    (Today's first `w`, and Plan's `k`); says where it starts. True once saved."""
    app = screen.app
    profile = app.profile()
    if profile is None:
        return False
    minutes = await app.push_screen_wait(WalkSetupScreen(profile.walk_comfortable))
    if minutes is None:
        return False
    result = app.door.set_walking(minutes)
    if not app.said(result):
        return False
    walk = result.value
    screen.notify(
        walk.reason if walk else "Walking stays off until it is comfortable.", markup=False
    )
    return True


class WalkScreen(AskScreen[Walk | None]):
    """One walk: minutes, forwards or backwards (where the stage allows), and the pain after."""

    OK = "Save"
    KEEPS_TYPED_AHEAD = True  # `w`, then the minutes: the first field is theirs

    def __init__(
        self,
        now: datetime,
        target: WalkTarget,
        leg: bool,
        day_pain: int | None = None,
        kept: Walk | None = None,
    ) -> None:
        super().__init__(f"A walk · today's aim {target.minutes} min ({target.minutes_today} done)")
        self.now = kept.at if kept else now
        self.target = target
        self.leg = leg
        self.day_pain = kept.day_pain if kept else day_pain
        #: A walk the disk refused to save: the form comes back filled in, to try again.
        self.kept = kept

    def fields(self) -> ComposeResult:
        yield Label("Minutes walked:")
        kept = self.kept
        yield TextInput(
            str(kept.minutes) if kept else "",
            id="walk-minutes",
            placeholder=f"1–{WALK_MAX_MINUTES}",
            compact=True,
        )
        if self.target.backward_ok:
            yield Tick(
                f"Backwards (flat, familiar ground; at most {self.target.backward_max} min)",
                bool(kept and kept.backward),
                id="backward",
                compact=True,
            )
        yield Label("Back pain after, 0–10:" if self.leg else "Pain after, 0–10:")
        yield TextInput(
            str(kept.pain_after) if kept else "", id="walk-pain", placeholder="0–10", compact=True
        )
        if self.leg:
            yield Label("Leg pain after, 0–10:")
            leg = kept.leg_after if kept else None
            yield TextInput(
                "" if leg is None else str(leg), id="walk-leg", placeholder="0–10", compact=True
            )
            # Walks are symptoms too: leg symptoms that spread further down make it a flare.
            yield Label(f"How far down the leg now?\n{REACH_HINT}")
            reach = kept.reach_after if kept else None
            yield TextInput(
                "" if reach is None else str(REACHES.index(reach)),
                id="walk-reach",
                placeholder="0–4",
                compact=True,
            )

    def read(self) -> Walk:
        minutes_field = self.query_one("#walk-minutes", Input)
        try:
            minutes = parse_whole(minutes_field.value, 1, WALK_MAX_MINUTES, "minutes")
        except InputProblem:
            minutes_field.focus()
            raise
        backward = self.target.backward_ok and self.query_one("#backward", Checkbox).value
        problem = check_walk(minutes, backward, self.target)
        if problem is not None:
            minutes_field.focus()
            raise InputProblem(problem)
        pain = self._pain("#walk-pain", "")
        leg = self._pain("#walk-leg", "Leg pain: ") if self.leg else None
        reach = read_field(self, "#walk-reach", parse_reach) if self.leg else None
        return Walk(
            at=self.now,
            minutes=minutes,
            backward=backward,
            pain_after=pain,
            leg_after=leg,
            day_pain=self.day_pain,
            reach_after=reach,
        )

    def _pain(self, selector: str, prefix: str) -> int:
        field = self.query_one(selector, Input)
        try:
            return parse_pain(field.value)
        except InputProblem as problem:
            field.focus()
            raise InputProblem(f"{prefix}{problem}") from None
