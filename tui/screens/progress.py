"""Progress: the stage ladder, each move-on criterion with its numbers, advance / step back."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from door import Result
from planner.advice import Advice
from planner.course import psfs_change
from planner.plan_file import replaces_theirs
from planner.stages import StageChange
from planner.text import screen_safe
from tui.screens.base import MainScreen
from tui.screens.modals import ConfirmScreen, ReasonScreen
from tui.text import literal

KIND_WORDS = {
    "start": "start",
    "advance": "moved on",
    "step-back": "stepped back",
    "override": "moved on early (override)",
    "pause": "paused",
    "resume": "resumed",
}


class ProgressScreen(MainScreen):
    """Progress: the stage ladder, each criterion for moving on, step back, stage history."""

    PLACE = "progress"
    CSS_PATH = "progress.tcss"
    BINDINGS = [
        Binding("a", "advance", "Advance"),
        Binding("o", "override", "Advance anyway"),
        Binding("b", "step_back", "Step back"),
    ]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="progress"):
            yield Static(id="ladder", markup=False)
            yield Static(id="criteria", markup=False)
            yield Static(id="stepback", markup=False)
            yield Static(id="walking", markup=False)
            # The chart's module (and plotext) is imported when Progress is first opened.
            from tui.widgets.walk_chart import WalkChart

            yield WalkChart(id="walk-chart")
            yield Static(id="walk-legend", markup=False, classes="dim")
            yield Static(id="psfs", markup=False)
            yield Static(id="events", markup=False)

    def show_walking(self, walk) -> None:
        """The walking programme: this week's minutes against the week's aim, and why the
        day's minutes are what they are (planner.walking)."""
        from tui.widgets.walk_chart import WalkChart, legend, walk_weeks

        widget = self.query_one("#walking", Static)
        chart = self.query_one("#walk-chart", WalkChart)
        chart.display = walk is not None
        self.query_one("#walk-legend").display = walk is not None
        if walk is None:
            widget.update(Content("Walking: not set up yet. On Today, w asks how long you walk."))
            return
        data = walk_weeks(walk)
        chart.update(data)
        self.query_one("#walk-legend", Static).update(Content(legend(data)))
        widget.update(
            Content.assemble(
                ("Walking this week", "bold"),
                f": {walk.minutes_this_week} of {walk.week_target} min "
                f"({walk.minutes} min on {walk.goal_days} days) · "
                f"{walk.days_this_week} of {walk.goal_days} days so far\n",
                f" {walk.reason}",
            )
        )

    def refresh_view(self) -> None:
        app = self.app
        standing = app.standing()  # the store is read once per redraw
        plan, history, advice = standing.plan, standing.history, standing.advice
        if plan is None or advice is None:
            return
        since = history.stage_started_at(plan.stage) or plan.created_at
        days = (standing.now.date() - since.date()).days
        # ✓ only for a stage the person was in and left upwards; one skipped (a higher start,
        # an override) is not ticked as if it were done.
        passed = {
            e.from_stage
            for e in history.events
            if e.kind in ("advance", "override") and e.from_stage
        }
        # A grid, so an aim is cut with "…" where the screen really ends, whatever its width
        # and the scrollbar's; a count of characters cut it a line too late, or too early.
        ladder = Table.grid(padding=(0, 1))
        ladder.add_column(no_wrap=True, min_width=16)  # " ▶ 3 Strengthen"
        ladder.add_column(ratio=1)
        for number, stage in sorted(app.catalog.stages.items()):
            if number == plan.stage:
                ladder.add_row(
                    Text(f" ▶ {number} {stage.name}", style="bold"),
                    Text(
                        f"you are here · since {since:%d %b} ({days} days)"
                        + (" · STOPPED" if advice.paused else "")
                    ),
                )
            else:
                mark = "✓" if number < plan.stage and number in passed else " "
                ladder.add_row(
                    Text(f" {mark} {number} {stage.name}"),
                    Text(stage.aim, no_wrap=True, overflow="ellipsis"),
                )
        self.query_one("#ladder", Static).update(Group(Text("Stages", style="bold"), ladder))

        check = advice.move_on
        lines: list[Content] = []
        if check.to_stage is None:
            lines.append(Content("This is the last stage: keep the routine going."))
        else:
            nxt = app.catalog.stage(check.to_stage)
            lines.append(
                Content.styled(
                    f"Moving on to {check.to_stage} {nxt.name} needs all of these:", "bold"
                )
            )
            for c in check.criteria:
                lines.append(Content(f" {'✓' if c.ok else '✗'} {c.label}: {c.detail}"))
            if advice.recommend_move_on:
                lines.append(
                    Content.styled(" → Every criterion holds: press a to move on.", "bold")
                )
            elif advice.held_back:
                lines.append(Content(f" → Not now: {advice.held_back}"))
            else:
                failing = ", ".join(c.label.lower() for c in check.failing)
                lines.append(Content(f" → Not yet: {failing}. (o moves on anyway, with a reason.)"))
        self.query_one("#criteria", Static).update(Content("\n").join(lines))
        self.show_walking(standing.walk)

        back = self.query_one("#stepback", Static)
        if advice.step_back is not None:
            back.update(
                Content.assemble(
                    ("Step back advised: ", "bold"), advice.step_back.reason, " Press b."
                )
            )
        else:
            words = "No step back advised. (b steps back if you want to.)"
            if advice.settled:
                words = f"No step back advised: {advice.settled} (b steps back if you want to.)"
            back.update(Content(words))

        change = psfs_change(app.repo.psfs(), app.catalog.rules)
        psfs = self.query_one("#psfs", Static)
        if change is None:
            psfs.update(
                Content(
                    "Activities (PSFS): rate them weekly (History, then p) to see the change "
                    "since your first rating here."
                )
            )
        else:
            psfs.update(Content.assemble(("Activities: ", "bold"), literal(change.words())))

        events = list(reversed(history.events[-12:]))
        # A grid: a long reason wraps under the reasons, not back under the dates.
        table = Table.grid(padding=(0, 1))
        for _column in range(3):
            table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        for e in events:
            move = (
                f"{e.from_stage}→{e.to_stage}"
                if e.from_stage and e.from_stage != e.to_stage
                else f"{e.to_stage}"
            )
            table.add_row(
                f" {e.at:%d %b %Y}", KIND_WORDS[e.kind], move, Text(screen_safe(e.reason))
            )
        self.query_one("#events", Static).update(Group(Text("Stage history", style="bold"), table))

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

    @work
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

    @work
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

    @work
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
