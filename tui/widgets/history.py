"""History's lines, each drawn from the one `Period` its screen holds (`data_bind`): what was
read for the chosen window. The pain chart and its legend are in tui.widgets.pain_chart
(plotext); the sessions' table stays with the screen, which pages it in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from textual.content import Content
from textual.reactive import var

from planner.days import DaySum
from planner.models import Catalog, PsfsRating, Screening, Session, StageEvent
from tui.screens.history_words import (
    LABEL,
    WINDOWS,
    adherence_line,
    day_words,
    psfs_line,
    timeline_line,
    walks_line,
)
from tui.widgets.line import Line


@dataclass(frozen=True, eq=False)
class Period:
    """What History read for the window shown: one value, so every line agrees with the
    others and each redraws from it alone."""

    #: Which of WINDOWS, and the day it ends (today).
    window: int
    today: date
    #: The window's first moment (None: everything).
    since: datetime | None
    #: The screen's width it is drawn for: the lines and the chart fit it.
    width: int
    #: Every day's sums in the window (planner.days), closed years' from their archives.
    days: Mapping[date, DaySum]
    #: The sessions of the last four weeks (whatever the window), and the slots a day.
    recent: Sequence[Session]
    slots: int
    events: Sequence[StageEvent]
    #: The all-clears that ended a same-day warning sign.
    alarms_ended: Sequence[Screening]
    #: The activities' ratings inside the window, and the latest of all.
    psfs: Sequence[PsfsRating]
    latest_psfs: PsfsRating | None
    walk_goal: int

    @property
    def total(self) -> int:
        """The window's sessions, those of closed years included."""
        return sum(r.sessions for r in self.days.values())

    @property
    def room(self) -> int:
        """The cells a line has after its label."""
        return self.width - 2 - LABEL


class PeriodLine(Line):
    """A labelled line of History: `words` says what it shows for a period."""

    LABEL = ""

    #: What History read for the window shown, bound to HistoryScreen.period.
    period: var[Period | None] = var(None)

    def __init__(self, catalog: Catalog, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="history-line")
        self.catalog = catalog

    def watch_period(self, period: Period | None) -> None:
        if period is not None:
            self.show(Content.assemble((f"{self.LABEL:<{LABEL}}", "bold"), self.words(period)))

    def words(self, period: Period) -> Content:
        raise NotImplementedError


class AdherenceLine(PeriodLine):
    """Sessions done of those planned, for the last four weeks."""

    LABEL = "Sessions"

    def words(self, period: Period) -> Content:
        return Content(adherence_line(period.recent, period.slots, period.today))


class StagesLine(PeriodLine):
    """The stage changes in the window, from the one in force when it began."""

    LABEL = "Stages"

    def words(self, period: Period) -> Content:
        return timeline_line(
            period.events,
            period.since,
            self.catalog,
            period.today,
            period.room,
            period.alarms_ended,
        )


class PsfsLine(PeriodLine):
    """The activities' mean score, rating by rating, over the window."""

    LABEL = "PSFS"

    def words(self, period: Period) -> Content:
        return Content(psfs_line(period.psfs, period.latest_psfs, period.today, period.room))


class WalksLine(PeriodLine):
    """The walks in the window, and the last days' minutes as bars."""

    LABEL = "Walks"

    def words(self, period: Period) -> Content:
        return Content(walks_line(period.days, period.today, period.room, period.walk_goal))


class ShownLine(Line):
    """The window, its dates, how many sessions it holds and how many the table has."""

    period: var[Period | None] = var(None)
    #: The sessions in the table so far, bound to HistoryScreen.loaded.
    loaded: var[int] = var(0)

    def watch_period(self) -> None:
        self.say()

    def watch_loaded(self) -> None:
        self.say()

    def say(self) -> None:
        period = self.period
        if period is None:
            return
        days, label = WINDOWS[period.window]
        today, total = period.today, period.total
        first = next(iter(period.days), today)
        start = today - timedelta(days=days - 1) if days is not None else first
        span = f"{label} ({day_words(start, today)} – {day_words(today, today)})"
        if total == 0:
            count = "no sessions"
        elif self.loaded < total:
            count = f"showing {self.loaded:,} of {total:,} · m more"
        else:
            count = f"{total:,} session{'s' if total != 1 else ''}"
        self.show(Content.assemble((span, "bold"), f" · {count} · f to change"))
