"""Progress's walking chart: the minutes walked each programme week as bars, against the week's
aim (the day's minutes on the goal days, planner.walking), for the last weeks and this one.

Importing this module imports plotext: Progress imports it when it is opened."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from textual.reactive import var
from textual_plotext import Plot

from planner.advice import Standing
from planner.walking import WalkTarget
from tui.widgets.chart import Chart

#: How many weeks the chart shows: this one and the finished ones before it.
WEEKS = 10
BAR_COLOR = (0, 130, 200)
AIM_MARKER = "━"
#: The cells a week's date needs under its bar ("14 Nov" and two spaces). plotext drops a
#: label that would touch another, and which one it drops is not always the same: the chart
#: gives it none that touch.
TICK = 8
#: The cells left of the bars: the minutes' labels (up to four digits) and the axis.
GUTTER = 6


@dataclass(frozen=True)
class WalkWeeks:
    """(the week's first day, minutes walked, the week's aim in minutes), oldest first; the
    last is this week, still going."""

    weeks: tuple[tuple[date, int, int], ...]


def walk_weeks(walk: WalkTarget, count: int = WEEKS) -> WalkWeeks:
    """The last `count` programme weeks of `walk`: each finished week's minutes against the aim
    it had (the level it began at, on the goal days), then this week's so far."""
    finished = walk.weeks[-(count - 1) :] if count > 1 else ()
    weeks = [(w.start, w.minutes, w.level_before * walk.goal_days) for w in finished]
    weeks.append((walk.week_start, walk.minutes_this_week, walk.week_target))
    return WalkWeeks(tuple(weeks))


def legend(data: WalkWeeks) -> str:
    return f"█ minutes walked in the week · {AIM_MARKER} the week's aim · the last bar: this week"


class WalkChart(Chart[WalkWeeks]):
    """Minutes walked per programme week, a bar each, and each week's aim across its bar."""

    EMPTY = "No walks yet."

    #: Where the person stands now, bound to ProgressScreen.standing: its walking programme
    #: is charted, and the chart hidden while there is none.
    standing: var[Standing | None] = var(None)

    def watch_standing(self, standing: Standing | None) -> None:
        if standing is None or standing.plan is None or standing.advice is None:
            return
        self.display = standing.walk is not None
        if standing.walk is not None:
            self.update(walk_weeks(standing.walk))

    def has_points(self, data: WalkWeeks) -> bool:
        return bool(data.weeks)

    def draw(self, plt: Plot, data: WalkWeeks, width: int, height: int) -> None:
        xs = list(range(len(data.weeks)))
        minutes = [m for _, m, _ in data.weeks]
        aims = [a for _, _, a in data.weeks]
        top = max([*minutes, *aims, 10])
        plt.xaxes(True, False)
        plt.yaxes(True, False)
        plt.xlim(-0.5, len(xs) - 0.5)
        plt.ylim(0, top * 1.1)
        # 0, this week's aim and the top (a few rows cannot say more), two rows apart at least.
        rows = max(height - 3, 2)
        row = top * 1.1 / (rows - 1)
        ticks: list[float] = [0]
        for value in (aims[-1], top):
            if value - ticks[-1] >= 2 * row:
                ticks.append(value)
        plt.yticks(ticks)
        # The aim first, across each week: a bar that reaches it covers it, one that falls
        # short leaves it showing above.
        for x, aim in zip(xs, aims, strict=True):
            plt.plot([x - 0.5, x + 0.5], [aim, aim], marker=AIM_MARKER, color="default")
        plt.bar(xs, minutes, width=0.6, color=BAR_COLOR)
        # A date under every bar, or under every other one (or fewer) when they would touch.
        every = math.ceil(TICK / max((width - GUTTER) / len(xs), 1))
        shown = xs[::-every][::-1]
        at: list[float] = list(shown)  # plotext's positions are floats; a week's is whole
        plt.xticks(at, [f"{data.weeks[x][0].day} {data.weeks[x][0]:%b}" for x in shown])
        plt.ylabel("minutes a week")
        plt.xlabel("programme weeks, from the day each began")
