"""Progress's lines, each drawn from the one `Standing` its screen holds (`data_bind`): the
stage ladder, the criteria for moving on, a step back, the walking week, the activities'
change and the stage history. The walking chart is in tui.widgets.walk_chart (plotext)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.content import Content
from textual.reactive import var

from planner.advice import Advice, Standing
from planner.course import PsfsChange
from planner.models import Plan
from planner.text import screen_safe
from tui.text import literal
from tui.widgets.line import Line, StandingLine

KIND_WORDS = {
    "start": "start",
    "advance": "moved on",
    "step-back": "stepped back",
    "override": "moved on early (override)",
    "pause": "paused",
    "resume": "resumed",
}


class ProgressLine(StandingLine):
    """A line of Progress: `draw` gives what it shows once there is a plan (None hides it);
    before that it is left as it is."""

    def watch_standing(self, standing: Standing | None) -> None:
        if standing is not None and standing.plan is not None and standing.advice is not None:
            self.draw(standing, standing.plan, standing.advice)

    def draw(self, standing: Standing, plan: Plan, advice: Advice) -> None:
        raise NotImplementedError


class Ladder(ProgressLine):
    """The four stages, this one marked with how long the person has been in it, each one
    left upwards ticked."""

    def draw(self, standing: Standing, plan: Plan, advice: Advice) -> None:
        history = standing.history
        since = history.stage_started_at(plan.stage) or plan.created_at
        days = (standing.now.date() - since.date()).days
        # ✓ only for a stage the person was in and left upwards; one skipped (a higher start,
        # an override) is not ticked as if it were done.
        passed = frozenset(
            e.from_stage
            for e in history.events
            if e.kind in ("advance", "override") and e.from_stage
        )
        key = (plan.stage, since, days, advice.paused, passed)
        if key == self._key:
            return
        # A grid, so an aim is cut with "…" where the screen really ends, whatever its width
        # and the scrollbar's; a count of characters cut it a line too late, or too early.
        ladder = Table.grid(padding=(0, 1))
        ladder.add_column(no_wrap=True, min_width=16)  # " ▶ 3 Strengthen"
        ladder.add_column(ratio=1)
        for number, stage in sorted(self.catalog.stages.items()):
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
        self.show_renderable(Group(Text("Stages", style="bold"), ladder), key)


class Criteria(ProgressLine):
    """What moving on to the next stage needs, each criterion met or not, and what now."""

    def draw(self, standing: Standing, plan: Plan, advice: Advice) -> None:
        check = advice.move_on
        if check.to_stage is None:
            self.show(Content("This is the last stage: keep the routine going."))
            return
        nxt = self.catalog.stage(check.to_stage)
        lines = [
            Content.styled(f"Moving on to {check.to_stage} {nxt.name} needs all of these:", "bold")
        ]
        for c in check.criteria:
            lines.append(Content(f" {'✓' if c.ok else '✗'} {c.label}: {c.detail}"))
        if advice.recommend_move_on:
            lines.append(Content.styled(" → Every criterion holds: press a to move on.", "bold"))
        elif advice.held_back:
            lines.append(Content(f" → Not now: {advice.held_back}"))
        else:
            failing = ", ".join(c.label.lower() for c in check.failing)
            lines.append(Content(f" → Not yet: {failing}. (o moves on anyway, with a reason.)"))
        self.show(Content("\n").join(lines))


class StepBackLine(ProgressLine):
    """Whether a step back is advised, and why (or why a high pain no longer counts)."""

    def draw(self, standing: Standing, plan: Plan, advice: Advice) -> None:
        if advice.step_back is not None:
            self.show(
                Content.assemble(
                    ("Step back advised: ", "bold"), advice.step_back.reason, " Press b."
                )
            )
            return
        words = "No step back advised. (b steps back if you want to.)"
        if advice.settled:
            words = f"No step back advised: {advice.settled} (b steps back if you want to.)"
        self.show(Content(words))


class WalkingLine(ProgressLine):
    """The walking programme: this week's minutes against the week's aim, and why the day's
    minutes are what they are (planner.walking)."""

    def draw(self, standing: Standing, plan: Plan, advice: Advice) -> None:
        walk = standing.walk
        if walk is None:
            self.show(Content("Walking: not set up yet. On Today, w asks how long you walk."))
            return
        self.show(
            Content.assemble(
                ("Walking this week", "bold"),
                f": {walk.minutes_this_week} of {walk.week_target} min "
                f"({walk.minutes} min on {walk.goal_days} days) · "
                f"{walk.days_this_week} of {walk.goal_days} days so far\n",
                f" {walk.reason}",
            )
        )


class WalkLegend(ProgressLine):
    """What the walking chart's marks mean; hidden with the chart."""

    def draw(self, standing: Standing, plan: Plan, advice: Advice) -> None:
        from tui.widgets.walk_chart import legend, walk_weeks

        walk = standing.walk
        self.show(None if walk is None else Content(legend(walk_weeks(walk))))


class ActivitiesLine(Line):
    """The change in the activities' scores (PSFS) since the first rating, or how to rate."""

    #: Bound to ProgressScreen.activities: None with fewer than two ratings.
    activities: var[PsfsChange | None] = var(None)

    def watch_activities(self, change: PsfsChange | None) -> None:
        if change is None:
            self.show(
                Content(
                    "Activities (PSFS): rate them weekly (History, then p) to see the change "
                    "since your first rating here."
                )
            )
        else:
            self.show(Content.assemble(("Activities: ", "bold"), literal(change.words())))


class StageHistory(ProgressLine):
    """The last stage changes, newest first, each with its reason."""

    def draw(self, standing: Standing, plan: Plan, advice: Advice) -> None:
        events = tuple(reversed(standing.history.events[-12:]))
        if events == self._key:
            return
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
        self.show_renderable(Group(Text("Stage history", style="bold"), table), events)
