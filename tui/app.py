"""The Textual app: holds the store, the catalog and the clock; screens do the rest."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from planner.advice import Advice, Standing, stand
from planner.clock import Clock
from planner.gate import Gate, may_start, settled
from planner.models import (
    Catalog,
    CheckIn,
    Clearance,
    Plan,
    Profile,
    Rating,
    Record,
    Screening,
    Session,
)
from planner.safety import after_session_screening
from planner.safety import screen as screen_answers
from planner.stages import StageChange, start_programme
from store import Repository, StoreError
from tui import compat
from tui.widgets.navbar import PLACES
from tui.widgets.scrollbar import use_whole_cell_thumbs

PLACE_SCREENS = {
    "today": "tui.screens.today:TodayScreen",
    "progress": "tui.screens.progress:ProgressScreen",
    "plan": "tui.screens.plan:PlanScreen",
    "history": "tui.screens.history:HistoryScreen",
    "library": "tui.screens.library:LibraryScreen",
    "data": "tui.screens.data:DataScreen",
}


def screen_commands(screen: Screen) -> Iterable[SystemCommand]:
    """Every action of the screen's own keys, so each one can also be found by name."""
    seen: set[str] = set()
    for cls in type(screen).__mro__:
        for binding in cls.__dict__.get("BINDINGS", []):
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if binding.action in seen or binding.action.startswith("app."):
                continue
            seen.add(binding.action)
            key = binding.key_display or binding.key.split(",")[0]
            yield SystemCommand(
                binding.description,
                f"{type(screen).__name__[:-6]} · key {key}",
                partial(screen.run_action, binding.action),
            )


class RehabApp(App[int]):
    """rehab: a calm planner for a staged low-back-pain programme."""

    TITLE = "rehab"
    # Each place's own styles (its CSS_PATH) are read when it is first visited: see _new_place.
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    DEFAULT_MODE = "today"
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        # Shown in Today's footer; everywhere else it works but leaves the footer room.
        Binding("c", "checkin", "Check in", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False),
        *[Binding(key, f"go('{mode}')", label, show=False) for key, mode, label in PLACES],
    ]

    def __init__(
        self, repo: Repository, catalog: Catalog, clock: Clock, data_path: Path | None = None
    ) -> None:
        super().__init__()
        use_whole_cell_thumbs()
        self.repo = repo
        self.catalog = catalog
        self.clock = clock
        self.data_path = data_path
        #: Textual's CSS update count as of the last finished `refresh_css` (None before it).
        self.styled_count: int | None = None
        self._variables_at_start = self.get_css_variables()  # those the stylesheet parses with
        for _, mode, _ in PLACES:
            self.add_mode(mode, partial(self._new_place, mode))

    def _new_place(self, mode: str) -> Screen:
        """A main place's screen, imported only when first visited: start-up stays quick."""
        module, name = PLACE_SCREENS[mode].split(":")
        screen: Screen = getattr(importlib.import_module(module), name)()
        for path in screen.css_path:
            # Read before Textual looks: for a stylesheet it has not seen it re-parses every
            # stylesheet and restyles the app; read here, only this file is parsed, when the
            # screen's widgets are first styled (BENCHMARKS.md says how much it saves).
            if not self.stylesheet.has_source(str(path)):
                self.stylesheet.read(path)
        # A new screen counts as out of date, so Textual would re-parse every stylesheet twice
        # when it first appears. Mounting styles it with the stylesheet as it is; a theme
        # change still pending leaves it out of date.
        compat.mark_styled(screen, self.styled_count)
        return screen

    def refresh_css(self, animate: bool = True) -> None:
        count = compat.styled_count(self)
        if count is None:  # stock Textual: styling is left to it
            super().refresh_css(animate)
            return
        if self.styled_count is None and self.get_css_variables() == self._variables_at_start:
            # The first refresh (Today appearing) would re-parse every stylesheet with the
            # variables it was just parsed with, and empty the parse cache the widgets then
            # need: every stylesheet parsed twice. Restyle only.
            self.stylesheet.update(self.app, animate=animate)
        else:
            super().refresh_css(animate)
        self.styled_count = count

    # -- what screens read ---------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock()

    def profile(self) -> Profile | None:
        return self.repo.profile()

    def plan(self) -> Plan | None:
        return self.repo.active_plan()

    def standing(self) -> Standing:
        """Where the person stands now (planner.advice.stand), from one read of the store: a
        redraw asks this once and draws every part from it."""
        now, plan = self.now(), self.repo.active_plan()
        stage = plan.stage if plan else 1
        profile = self.repo.profile()
        since = profile.walk_since if profile is not None else None
        return stand(
            self.catalog,
            profile,
            plan,
            self.repo.recent_history(self.catalog, stage, now),
            self.repo.safety_records(),
            self.repo.latest_psfs(),
            now,
            self.repo.walks(since) if since is not None else (),
        )

    def leg(self) -> bool:
        """Are pain ratings back and leg apart for this person (README, safety rules)?"""
        profile = self.repo.profile()
        return profile is not None and profile.leg_symptoms

    def advice(self) -> Advice | None:
        """What is waiting (None before the first run)."""
        return self.standing().advice

    def gate(self) -> Gate:
        """May a session start now (planner.gate): the one answer every screen asks."""
        return may_start(self.plan(), self.repo.safety_records(), self.now(), self.catalog.rules)

    # -- start ---------------------------------------------------------------------------------

    def on_load(self) -> None:
        # Years of records are ~100k objects that live as long as the app. A full garbage
        # collection scans every one, at moments like opening History (a pause you can see);
        # frozen, they are left out of its scans until the app ends.
        gc.freeze()

    def on_unmount(self) -> None:
        gc.unfreeze()

    def on_mount(self) -> None:
        # Today mounted after the first refresh_css began, so Textual counts it out of date and
        # would re-parse every stylesheet when it is next shown; it is styled as it stands.
        compat.mark_styled(self.screen, self.styled_count)
        for notice in self.repo.notices:
            self.notify(notice, severity="warning", markup=False, timeout=20)
        if self.repo.is_new():
            from tui.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen())
        self.call_after_refresh(
            self._import_places,
            [PLACE_SCREENS[mode].split(":")[0] for _, mode, _ in PLACES if mode != "today"],
        )

    def _import_places(self, modules: list[str]) -> None:
        """Import the other places' code once the first screen is up, one module per turn of
        the event loop so a key pressed meanwhile waits for one import at most. A place's
        first visit then only builds its screen (History's import, with Textual's DataTable,
        was a sixth of its first visit)."""
        if modules:
            importlib.import_module(modules[0])
            self.call_later(self._import_places, modules[1:])

    def in_a_task(self) -> bool:
        """True while a session, a form or the first run has the screen: no wandering off."""
        from tui.screens.base import MainScreen

        return self.repo.is_new() or not isinstance(self.screen, MainScreen)

    def action_go(self, mode: str) -> None:
        if self.in_a_task():
            self.notify("Finish or leave this screen first (Esc).", markup=False)
            return
        if self.current_mode != mode:
            self.switch_mode(mode)

    # -- what screens change (the planner decides, the store remembers) --------------------------

    def complete_first_run(
        self,
        profile: Profile,
        screening: Screening,
        stage: int,
        recommended: int,
        reason: str,
        pain_now: Rating,
    ) -> bool:
        """Save the first run's answers and the plan in one write; False (and said why) when
        the disk refused it, and the wizard stays with everything entered."""
        now = self.now()
        change = start_programme(
            self.catalog, profile, stage, now, reason, recommended, pain=pain_now.worse
        )
        return self.saved(
            lambda: self.repo.save(
                profile,
                screening,
                CheckIn(at=now, pain=pain_now.back, leg_pain=pain_now.leg, reach=pain_now.reach),
                change.plan,
                change.event,
            )
        )

    def apply(self, change: StageChange) -> bool:
        """Save a stage change in one atomic write: old plan, new plan, and the event. False
        (and said why) when the disk refused it: nothing changed."""
        records = [change.plan, change.event]
        if change.old_plan is not None:
            records.insert(0, change.old_plan)
        return self.saved(lambda: self.repo.save(*records))

    def _save_settled(self, *records: Record) -> Gate:
        """Save records that bear on safety with the pause or resume they cause, in one atomic
        write (`planner.gate.settled` decides); returns the gate as it now stands."""
        gate, to_save = settled(
            self.plan(), self.repo.safety_records(), records, self.now(), self.catalog.rules
        )
        self.repo.save(*to_save)
        return gate

    def record_session(self, session: Session, symptoms: dict[str, bool] | None = None) -> Gate:
        """Save a finished or partial session with its end-of-session answers; a yes stops
        the plan in the same write."""
        if symptoms is None:
            return self._save_settled(session)
        return self._save_settled(session, after_session_screening(symptoms, self.now()))

    def record_rescreen(self, answers: dict[str, bool]) -> Screening:
        """A new red-flag screen: clear lifts a pause; anything else pauses the plan."""
        screening = screen_answers(answers, self.now(), "re-screen")
        self._save_settled(screening)
        return screening

    def record_clearances(self, clearances: list[Clearance]) -> Gate:
        """A doctor has checked these signs of history: kept, and the gate asked again."""
        return self._save_settled(*clearances)

    # -- actions available everywhere ----------------------------------------------------------

    async def action_quit(self) -> None:
        """ctrl+q: never loses a session. One in progress, or finished but not yet saved, is
        kept as it stands (partial if it was not finished) before the app closes; without its
        end-of-session answers it is left open, and the next start offers to finish it."""
        kept = None
        for screen in reversed(self.screen_stack):
            unsaved = getattr(screen, "unsaved", None)
            found = unsaved() if unsaved is not None else None
            if found is not None:
                session, symptoms = found
                self.record_session(session, symptoms)
                kept = session
                break
        if kept is None:
            self.exit()
            return
        later = " Next time rehab asks how it went." if kept.ended_at is None else ""
        self.exit(
            message=f"rehab: your {kept.slot} session so far was kept "
            f"({kept.outcome}).{later} Come back when you are ready."
        )

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_checkin(self) -> None:
        from tui.screens.modals import CheckInScreen

        if self.repo.is_new():
            return
        self.push_screen(CheckInScreen(self.now(), leg=self.leg()), self._checked_in)

    def _checked_in(self, checkin: CheckIn | None) -> None:
        if checkin is None:
            return
        records: list[Record] = [checkin]
        profile = self.repo.profile()
        if checkin.leg_pain is not None and profile is not None and not profile.leg_symptoms:
            # Leg pain reported later: rated apart from now on, saved with this check-in.
            records.append(replace(profile, leg_symptoms=True))
        if not self.saved(lambda: self.repo.save(*records)):
            from tui.screens.modals import CheckInScreen

            # Nothing is lost: the same check-in comes back, to try again.
            self.push_screen(
                CheckInScreen(self.now(), kept=checkin, leg=self.leg()), self._checked_in
            )
            return
        self.notify(f"Check-in saved: {checkin.rating.words()}.", markup=False)
        self.refresh_views()

    def save_answers(self, save: Callable[[], object]) -> Gate | None:
        """Save answers that bear on safety (a re-screen, the end of a session). None when the
        disk refused (the form stays, said why); otherwise the gate as it now stands, and when
        a sign is open the form gives way to the stop screen."""
        if not self.saved(save):
            return None
        gate = self.gate()
        if gate.signs:
            from tui.screens.doctor import DoctorScreen

            self.switch_screen(DoctorScreen(gate))
        return gate

    def saved(self, save: Callable[[], object]) -> bool:
        """Run a save; if the disk refuses it (full, gone, read-only), say so in one line and
        return False. The store changes nothing on disk when a write fails, and the caller
        keeps what was entered so the person can try again."""
        try:
            save()
        except (OSError, StoreError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            self.notify(
                f"Could not save: {reason}. Nothing was changed, and what you entered "
                "is kept: free some space or fix the problem, then try again.",
                severity="error",
                markup=False,
                timeout=15,
            )
            return False
        return True

    def refresh_views(self) -> None:
        """The data changed: redraw the main place on screen (others redraw when shown)."""
        from tui.screens.base import MainScreen

        if isinstance(self.screen, MainScreen):
            self.screen.refresh_view()

    async def action_start_session(self) -> None:
        if self.in_a_task():
            return
        if self.current_mode != "today":
            await self.switch_mode("today")
        self.screen.action_start()

    def action_rescreen(self) -> None:
        from tui.screens.first_run import RescreenScreen

        if not self.repo.is_new():
            self.push_screen(RescreenScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.repo.is_new():
            return
        yield SystemCommand(
            "Check in", "Record your pain now (0–10) with a note", self.action_checkin
        )
        yield SystemCommand(
            "Start session", "Start the next session of today", self.action_start_session
        )
        yield SystemCommand(
            "Re-screen", "Answer the red-flag safety questions again", self.action_rescreen
        )
        yield SystemCommand("Help", "Every key, and what the planner does", self.action_help)
        for key, mode, label in PLACES:
            yield SystemCommand(
                f"Go to {label}",
                f"Open {label} (key {key})",
                lambda mode=mode: self.action_go(mode),
            )
        yield from screen_commands(screen)
