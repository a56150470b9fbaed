"""Today: the home screen — stage, today's sessions, the check-in, what is waiting."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var

from planner.advice import Standing, left_open
from planner.models import Session, Walk
from store.conflicts import beside
from tui.screens.base import MainScreen, asks
from tui.widgets.today import (
    Banner,
    CheckInLine,
    CopyLine,
    DailyLine,
    LastNote,
    LeftOpen,
    NextSession,
    StageHeader,
    StartButton,
    TodayCard,
    TodaySessions,
)

#: What f and x do, said once for both in the help (each binding's tooltip is its help line).
CUT_OFF = "finish / close a session cut off before its questions"


class TodayScreen(MainScreen):
    """Home: what to do today."""

    PLACE = "today"

    BINDINGS = [
        Binding("s", "start", "Start session", tooltip="start the next session"),
        Binding("r", "rescreen", "Re-screen", tooltip="answer the red-flag questions again"),
        Binding(
            "d",
            "clearance",
            "Doctor checked",
            tooltip="a doctor has checked a sign of your history (when one is open)",
        ),
        Binding("f", "finish_open", "Finish it", tooltip=CUT_OFF),
        Binding("x", "close_open", "Close it", tooltip=CUT_OFF),
        # Said on the day's list, beside the bout and the walk they log: the footer keeps its
        # room for the session's keys (f and x for a session cut off).
        Binding(
            "w",
            "walk",
            "Walk",
            show=False,
            tooltip="log a walk: minutes, forwards or backwards, pain after",
        ),
        Binding(
            "b",
            "bout",
            "Bout done",
            show=False,
            tooltip="log the next short bout of an exercise done several times a day",
        ),
        Binding(
            "m",
            "merge_copy",
            "Merge the copy",
            tooltip="merge the copy another computer left beside your file (when there is one)",
        ),
    ]

    #: Where the person stands, read once per redraw: every line of the place is bound to it.
    standing: var[Standing | None] = var(None, always_update=True, init=False)
    #: Copies a sync tool left beside the file when two computers wrote it (shows `m`).
    copies: var[tuple[Path, ...]] = var((), init=False)

    @property
    def left(self) -> Session | None:
        """A session cut off before its end form (planner.advice.left_open): f and x show."""
        return left_open(self.standing.history.sessions) if self.standing else None

    def compose_body(self) -> ComposeResult:
        catalog = self.app.catalog
        bound = TodayScreen.standing
        with VerticalScroll(id="today"):
            yield StageHeader(catalog, id="stage").data_bind(bound)
            yield Banner(catalog, id="banner").data_bind(bound)
            yield CopyLine(id="copy").data_bind(TodayScreen.copies)
            yield LeftOpen(catalog, id="left-open").data_bind(bound)
            yield TodaySessions(catalog, id="sessions").data_bind(bound)
            yield DailyLine(catalog, id="daily").data_bind(bound)
            yield CheckInLine(catalog, id="checkin").data_bind(bound)
            yield NextSession(catalog, id="next").data_bind(bound)
            yield LastNote(catalog, id="last-note").data_bind(bound)
            yield StartButton("Start session (s)", id="start").data_bind(bound)
            yield TodayCard(catalog, id="card").data_bind(bound)

    def refresh_view(self) -> None:
        self.copies = tuple(beside(self.app.repo.path))
        self.standing = self.app.standing()  # the store is read once per redraw

    def watch_copies(self) -> None:
        self._keys_changed()

    def watch_standing(self) -> None:
        self._keys_changed()

    def _keys_changed(self) -> None:
        """Offer the keys that depend on what is drawn."""
        standing = self.standing
        gate = standing.gate if standing is not None else None
        left = self.left is not None
        self.offer(
            # Every open sign is one a doctor's clearance may stand in for, or sessions wait
            # for the go-ahead after recent spinal surgery.
            clearance=gate is not None and (gate.clearable or gate.why == "surgery"),
            bout=standing is not None and bool(standing.bouts),
            finish_open=left,
            close_open=left,
            merge_copy=bool(self.copies),
        )

    @asks
    async def action_merge_copy(self) -> None:
        from tui.screens.modals import ConfirmScreen

        if not self.copies:
            return
        copy = self.copies[0]
        if await self.app.push_screen_wait(
            ConfirmScreen(
                f"Merge {copy.name} into your file? Every record of both is kept, your file is "
                "backed up first, and the copy moves to your backups.",
                "Merge",
                "Not now",
            )
        ):
            self.app.merge_from(copy)

    def action_finish_open(self) -> None:
        from tui.screens.player import EndSessionScreen

        plan = self.app.plan()
        if self.left is None or plan is None:
            return
        self.app.push_screen(EndSessionScreen.finishing(plan, self.left))

    def action_close_open(self) -> None:
        session = self.left
        if session is None:
            return
        if self.app.said(self.app.door.close_open_session()):
            self.notify(
                f"Your {session.slot} session was closed as it stood ({session.outcome}).",
                markup=False,
            )
            self.data_changed()

    def action_bout(self) -> None:
        """One key: one bout of the first exercise with bouts left today."""
        result = self.app.door.record_bout()
        if self.app.said(result):
            count = result.value
            self.notify(f"{count.name}: {count.done} of {count.of} today.", markup=False)
            self.data_changed()

    @asks
    async def action_walk(self) -> None:
        """Log a walk; the first time, ask how long the person walks comfortably now."""

        from planner.walking import day_pain_before
        from tui.screens.walk import WalkScreen, ask_comfortable

        app = self.app
        standing = app.standing()
        profile = standing.profile
        if profile is None or standing.plan is None:
            return
        if not standing.gate.open:
            self.notify(standing.gate.reason, severity="warning", markup=False)
            return
        if standing.walk is None:
            if await ask_comfortable(self):
                self.data_changed()
            return
        now = app.now()
        day_pain = day_pain_before(standing.history.checkins, now)
        kept: Walk | None = None
        while True:
            walk = await app.push_screen_wait(
                WalkScreen(now, standing.walk, profile.leg_symptoms, day_pain, kept=kept)
            )
            if walk is None:
                return
            result = app.door.record_walk(walk)
            if app.said(result, severity="warning"):  # all a saved walk says: it flared
                break
            if result.need != "disk":
                return  # the rules said no (and why): nothing to try again
            kept = walk  # the disk refused: the same walk comes back, to try again
        self.data_changed()
        after = result.value
        if after is not None:
            self.notify(after.line() + ".", markup=False)

    @on(StartButton.Pressed)
    def action_start(self) -> None:
        self._start()

    @asks
    async def _start(self) -> None:
        from tui.screens.modals import PainScreen, SessionChoiceScreen
        from tui.screens.player import PlayerScreen

        app = self.app
        standing = app.standing()
        profile, plan, gate = standing.profile, standing.plan, standing.gate
        if profile is None or plan is None:
            return
        if gate.why == "rescreen-due":
            self.notify("The weekly safety check comes first.", markup=False)
            app.action_rescreen()
            return
        if not gate.open:
            if gate.signs:
                from tui.screens.doctor import DoctorScreen

                await app.push_screen(DoctorScreen(gate))
            else:
                self.notify(gate.reason, severity="warning", markup=False)
            return
        now, history = standing.now, standing.history
        first_today = not any(c.at.date() == now.date() for c in history.checkins)
        question = "Pain right now, before you start?"
        if first_today:
            question += " (This also counts as today's check-in.)"
        before = await app.push_screen_wait(PainScreen(question, leg=profile.leg_symptoms))
        if before is None:
            return
        # Above 5 the pain offers a lighter session or rest first (7 or more: the stage below's);
        # the planned one is a choice too, made on purpose.
        offered = app.door.session_offer(before)
        choice = None
        if offered.choices:
            choice = await app.push_screen_wait(
                SessionChoiceScreen(offered.reason, offered.choices[0], plan.stage)
            )
            if choice is None:
                return
        # The door asks the gate again (time has passed while the pain was asked), closes a
        # session cut off before, and keeps the pain as the day's first check-in.
        result = app.door.start_session(before, choice)
        if not app.said(result):
            return
        start = result.value
        if start is None:  # rest today
            self.data_changed()
            return
        await app.push_screen(PlayerScreen(start.plan, start.slot, before, start.chosen))

    def action_rescreen(self) -> None:
        self.app.action_rescreen()

    @asks
    async def action_clearance(self) -> None:
        from tui.screens.doctor import ask_clearance, ask_go_ahead

        gate = self.app.gate()
        if gate.why == "surgery":
            if await ask_go_ahead(self):
                self.data_changed()
            return
        ask_clearance(self.app, gate, lambda gate: self.data_changed())
