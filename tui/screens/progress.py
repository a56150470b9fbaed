"""Progress: the stage ladder, each move-on criterion with its numbers, advance / step back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var

from door import Result
from planner.advice import Advice, Standing
from planner.course import PsfsChange, psfs_change
from planner.plan_file import replaces_theirs
from planner.stages import StageChange
from tui.screens.base import MainScreen, asks
from tui.screens.modals import ConfirmScreen, ReasonScreen
from tui.widgets.progress import (
    ActivitiesLine,
    Criteria,
    Ladder,
    StageHistory,
    StepBackLine,
    WalkingLine,
    WalkLegend,
)


class ProgressScreen(MainScreen):
    """Progress: the stage ladder, each criterion for moving on, step back, stage history."""

    PLACE = "progress"
    CSS_PATH = "progress.tcss"
    BINDINGS = [
        Binding(
            "a",
            "advance",
            "Advance",
            tooltip="move on to the next stage (when every criterion holds)",
        ),
        Binding(
            "o",
            "override",
            "Advance anyway",
            tooltip="move on anyway: asks your reason, which is kept",
        ),
        Binding(
            "b",
            "step_back",
            "Step back",
            tooltip="step back a stage (or lower the doses at stage 1)",
        ),
    ]

    #: Where the person stands, read once per redraw: every line of the place is bound to it.
    standing: var[Standing | None] = var(None, always_update=True, init=False)
    #: The change in the activities' scores since the first rating (None with fewer than two).
    activities: var[PsfsChange | None] = var(None, always_update=True, init=False)

    def watch_standing(self) -> None:
        """Offer what the rules allow as drawn: Advance when every criterion holds, Advance
        anyway when one does not, neither while nothing may get harder or at the last stage,
        and no step back while stopped for safety."""
        advice = self.standing.advice if self.standing is not None else None
        if advice is None:
            self.offer()
            return
        more = advice.move_on.to_stage is not None and advice.held_back is None
        self.offer(
            advance=more and advice.recommend_move_on,
            override=more and not advice.recommend_move_on,
            step_back=not advice.paused,
        )

    def compose_body(self) -> ComposeResult:
        # The chart's module (and plotext) is imported when Progress is first opened.
        from tui.widgets.walk_chart import WalkChart

        catalog = self.app.catalog
        bound = ProgressScreen.standing
        with VerticalScroll(id="progress"):
            yield Ladder(catalog, id="ladder").data_bind(bound)
            yield Criteria(catalog, id="criteria").data_bind(bound)
            yield StepBackLine(catalog, id="stepback").data_bind(bound)
            yield WalkingLine(catalog, id="walking").data_bind(bound)
            yield WalkChart(id="walk-chart").data_bind(bound)
            yield WalkLegend(catalog, id="walk-legend", classes="dim").data_bind(bound)
            yield ActivitiesLine(id="psfs").data_bind(ProgressScreen.activities)
            yield StageHistory(catalog, id="events").data_bind(bound)

    def refresh_view(self) -> None:
        app = self.app
        standing = app.standing()  # the store is read once per redraw
        if standing.plan is None or standing.advice is None:
            return
        self.standing = standing
        self.activities = psfs_change(app.repo.psfs(), app.catalog.rules)

    # -- actions -------------------------------------------------------------------------------
    # Each asks the door, which refuses (in one line) what the rules do not allow now; the
    # first check only spares a question that would be refused anyway.

    def _may(self, harder: bool = True) -> Advice | None:
        """The advice, or None (with a word why) when this change may not be made now: while
        held back nothing gets harder; while stopped, nothing changes."""
        advice = self.app.advice()
        if advice is None:
            return None
        why = advice.held_back if harder else (advice.gate.reason if advice.paused else None)
        if why:
            self.notify(why, severity="warning", markup=False, timeout=8)
            return None
        return advice

    def _changed(self, result: Result[StageChange], message: str) -> None:
        if self.app.said(result, done=message):
            self.refresh_view()

    @asks
    async def action_advance(self) -> None:
        app = self.app
        advice = self._may()
        if advice is None:
            return
        check = advice.move_on
        if check.to_stage is None:
            self.notify("This is the last stage.", markup=False)
            return
        if not advice.recommend_move_on:
            self.notify(check.reason(), severity="warning", markup=False, timeout=8)
            return
        name = app.catalog.stage(check.to_stage).name
        if await app.push_screen_wait(
            ConfirmScreen(
                f"Move on to stage {check.to_stage}, {name}? A new plan is made for it; the "
                "old one is kept in your history." + replaces_theirs(app.plan()),
                "Move on",
                "Not now",
            )
        ):
            self._changed(app.door.move_on(), f"Welcome to stage {check.to_stage}, {name}.")

    @asks
    async def action_override(self) -> None:
        app = self.app
        advice = self._may()
        if advice is None:
            return
        check = advice.move_on
        if check.to_stage is None:
            self.notify("This is the last stage.", markup=False)
            return
        reason = await app.push_screen_wait(
            ReasonScreen(
                f"Move on to stage {check.to_stage} before every criterion holds? Say why; it is "
                "kept and shown in reports." + replaces_theirs(app.plan())
            )
        )
        if not reason:
            return
        self._changed(
            app.door.move_on_early(reason),
            f"Moved on to stage {check.to_stage} (override, reason kept).",
        )

    @asks
    async def action_step_back(self) -> None:
        app = self.app
        advice = self._may(harder=False)
        plan = app.plan()
        if advice is None or plan is None:
            return
        target = max(plan.stage - 1, 1)
        what = (
            f"Go back to stage {target}?"
            if target < plan.stage
            else "You are at stage 1: lower every dose by one step?"
        )
        why = advice.step_back.reason if advice.step_back else "You chose this."
        question = f"{what} {why}" + (replaces_theirs(plan) if target < plan.stage else "")
        if await app.push_screen_wait(ConfirmScreen(question, "Step back", "Not now")):
            self._changed(app.door.step_back(), "Stepped back. Go gently.")
