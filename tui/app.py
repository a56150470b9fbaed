"""The Textual app: holds the store, the catalog and the clock; screens do the rest."""

from __future__ import annotations

import gc
import importlib
import os
import signal
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen

from door import Done, Door, Refused, Result
from planner.advice import Advice, Standing
from planner.clock import Clock
from planner.gate import Gate
from planner.models import Catalog, CheckIn, Plan, Profile, Session
from planner.text import screen_safe
from store import Repository, prepare_to_write
from tui import compat
from tui.places import PLACE_NAMED, PLACES
from tui.widgets.scrollbar import use_whole_cell_thumbs

if TYPE_CHECKING:
    from typing_extensions import TypeIs  # typing's own from Python 3.13

    from tui.screens.today import TodayScreen

#: The terminal Textual reads keys from (its Linux driver's), and how often, in seconds, rehab
#: looks whether it is still there.
TERMINAL = 0
TERMINAL_CHECK = 1.0


def screen_commands(screen: Screen) -> Iterable[SystemCommand]:
    """Every action of the screen's own keys that it offers now (its `check_action`, as the
    footer shows them), so each one can also be found by name."""
    seen: set[str] = set()
    for cls in type(screen).__mro__:
        for binding in cls.__dict__.get("BINDINGS", []):
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if binding.action in seen or binding.action.startswith("app."):
                continue
            if screen.check_action(binding.action, ()) is False:
                continue
            seen.add(binding.action)
            key = binding.key_display or binding.key.split(",")[0]
            yield SystemCommand(
                binding.description,
                f"{type(screen).__name__[:-6]} · key {key}",
                partial(screen.run_action, binding.action),
            )


class _Hold:
    """Keys held while a dialog opens over `under` (RehabApp.hold_keys)."""

    __slots__ = ("under", "keys")

    def __init__(self, under: Screen) -> None:
        self.under = under
        self.keys: list[events.Key] = []


class RehabApp(compat.CalmCrashes, App[int]):
    """rehab: a calm planner for a staged low-back-pain programme."""

    TITLE = "rehab"
    # Each place's own styles (its CSS_PATH) are read when it is first visited: see _new_place.
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    DEFAULT_MODE = PLACES[0].name
    BINDINGS = [
        # Shown in Today's footer; everywhere else it works but leaves the footer room.
        Binding("c", "checkin", "Check in", show=False, tooltip="check in: record your pain 0–10"),
        Binding("question_mark,f1", "help", "Help", key_display="?", tooltip="this help"),
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False, tooltip="quit"),
        *[Binding(p.key, f"go('{p.name}')", p.label, show=False) for p in PLACES],
    ]

    def __init__(
        self,
        repo: Repository,
        catalog: Catalog,
        clock: Clock,
        data_path: Path | None = None,
        debug: bool = False,
    ) -> None:
        super().__init__()
        #: `--debug`: an unexpected error shows Textual's traceback (see `crashed`).
        self.debug = debug
        use_whole_cell_thumbs()
        self.catalog = catalog
        self.clock = clock
        #: Every change to the records goes through here (door/): the screens only read `repo`.
        self.door = Door(repo, catalog, clock)
        self.data_path = data_path
        self._prepared = False  # prepare_to_write has run (or is running)
        self._hold: _Hold | None = None  # keys held for a dialog about to open (hold_keys)
        #: Textual's CSS update count as of the last finished `refresh_css` (None before it).
        self.styled_count: int | None = None
        self._variables_at_start = self.get_css_variables()  # those the stylesheet parses with
        for place in PLACES:
            self.add_mode(place.name, partial(self._new_place, place.name))

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, reading the terminal with a parser that keeps a paste whole (and
        the palette's search field taking its keys in order, as rehab's fields do)."""
        compat.keep_pastes_whole()
        compat.keys_in_order_in_the_palette()
        return super().get_driver_class()

    @property
    def repo(self) -> Repository:
        """The records, for screens to read (every change goes through `door`)."""
        return self.door.repo

    @repo.setter
    def repo(self, repo: Repository) -> None:
        self.door.repo = repo

    def _new_place(self, mode: str) -> Screen:
        """A main place's screen, imported only when first visited: start-up stays quick."""
        module, name = PLACE_NAMED[mode].screen.split(":")
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
        return self.door.standing()

    def leg(self) -> bool:
        """Are pain ratings back and leg apart for this person (README, safety rules)?"""
        profile = self.repo.profile()
        return profile is not None and profile.leg_symptoms

    def advice(self) -> Advice | None:
        """What is waiting (None before the first run)."""
        return self.standing().advice

    def gate(self) -> Gate:
        """May a session start now (planner.gate): the one answer every screen asks."""
        return self.door.gate()

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
            [place.screen.split(":")[0] for place in PLACES[1:]],
        )
        if not self.is_headless and os.isatty(TERMINAL):
            self.set_interval(TERMINAL_CHECK, self._hang_up_without_a_terminal)

    def _hang_up_without_a_terminal(self) -> None:
        """End as a closed terminal ends rehab (SIGHUP) once the terminal is gone. Closed under
        a parent that outlives it (`make run`, a wrapper script), the window sends rehab no
        SIGHUP: its terminal simply stops being one, Textual's input thread reads nothing from
        it ever faster, and rehab would hold the file's lock, and a core, for good. Every save
        is on disk already; a journal left is folded in at the next start."""
        if not os.isatty(TERMINAL):
            signal.signal(signal.SIGHUP, signal.SIG_DFL)  # ended even where it was ignored
            os.kill(os.getpid(), signal.SIGHUP)

    def _import_places(self, modules: list[str]) -> None:
        """Import the other places' code once the first screen is up, one module per turn of
        the event loop so a key pressed meanwhile waits for one import at most. A place's
        first visit then only builds its screen (History's import, with Textual's DataTable,
        was a sixth of its first visit)."""
        if modules:
            importlib.import_module(modules[0])
            self.call_later(self._import_places, modules[1:])

    def prepare_to_write(self) -> None:
        """Build what a first save needs (pydantic's checkers: a tenth of a second of imports)
        once, in a thread (an import cannot be cut into turns of the event loop). Called when
        a form, a session or a dialog opens (tui.screens.base): while the person reads and
        types, so the Enter that saves waits for its write alone. A look around saves nothing
        and loads none of it."""
        if self._prepared or self.repo.readonly:
            return
        self._prepared = True
        self.run_worker(prepare_to_write, thread=True, group="prepare", exit_on_error=False)

    def in_a_task(self) -> bool:
        """True while a session, a form or the first run has the screen: no wandering off."""
        from tui.screens.base import MainScreen

        return self.repo.is_new() or not isinstance(self.screen, MainScreen)

    def hold_keys(self) -> object:
        """Hold the keys no widget uses, from now until another screen is on top (they are
        then its to take, `held_for`) or `stop_holding`: a dialog about to open (see
        tui.screens.base.asks). Returns what `stop_holding` is given."""
        hold = self._hold = _Hold(self.screen)
        return hold

    def stop_holding(self, hold: object) -> None:
        """The action that held the keys ended: those still held (no dialog took them) go."""
        if self._hold is hold:
            self._hold = None

    def held_for(self, screen: Screen) -> list[events.Key]:
        """The keys held for a dialog about to open, when `screen` is what opened on top."""
        hold = self._hold
        if hold is None or self.screen is not screen or screen is hold.under:
            return []
        self._hold = None
        return hold.keys

    def on_key(self, event: events.Key) -> None:
        """A key typed before the safety questions on screen were shown never answers one
        (tui.widgets.answers): typed fast, it can reach the app while one screen gives way to
        the next. Every key a widget has not used comes here before the bindings are looked
        up, whichever screen it was first sent to. So does every key held for a dialog about
        to open (`hold_keys`)."""
        hold = self._hold
        if hold is not None:
            if self.screen is hold.under:
                hold.keys.append(event)
                event.prevent_default()
                event.stop()
                return
            from tui.screens.base import take_held_keys

            take_held_keys(self.screen)  # another screen is up: its own to take, or to drop
        typed_ahead = getattr(self.focused, "typed_ahead", None) or getattr(
            self.screen, "typed_ahead", None
        )
        if typed_ahead is not None and typed_ahead(event):
            event.prevent_default()
            event.stop()

    def action_go(self, mode: str) -> None:
        if self.in_a_task():
            self.notify("Finish or leave this screen first (Esc).", markup=False)
            return
        if self.current_mode != mode:
            self.switch_mode(mode)

    # -- what the door answers (every change goes through `self.door`) --------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Textual's toast, its words made safe: a toast may quote a file name or a path."""
        super().notify(
            screen_safe(message),
            title=screen_safe(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def said(
        self,
        result: Result[object],
        *,
        done: str | None = None,
        severity: SeverityLevel = "information",
    ) -> TypeIs[Done[object]]:
        """Tell the person how a change went: a refusal in one calm line (a disk that refused
        a write says what to do, and that what they entered is kept); what it did, one line
        each (with `severity`), with `done` first. True when it happened (`result` is a Done)."""
        if isinstance(result, Refused):
            if result.need == "disk":
                self.notify(
                    f"{result.reason} What you entered is kept: free some space or fix the "
                    "problem, then try again.",
                    severity="error",
                    markup=False,
                    timeout=15,
                )
            else:
                self.notify(result.reason, severity="warning", markup=False, timeout=8)
            return False
        for line in ([done] if done else []) + list(result.said):
            self.notify(line, markup=False, timeout=10, severity=severity)
        return True

    def merge_from(self, path: Path) -> bool:
        """Merge another computer's copy of the file into the open one (`Door.merge`), say
        what came in, and redraw every place. True when it happened."""
        from door.files import merged_words

        result = self.door.merge(path)
        done = None
        if not isinstance(result, Refused):
            done = f"Merged {path.name}: from it, {merged_words(result.value.merged)}."
        if not self.said(result, done=done):
            return False
        self.refresh_views()
        return True

    def settled(self, result: Result[Gate]) -> Gate | None:
        """After answers that bear on safety (a re-screen, the end of a session): None when
        nothing was kept (said why; the form stays); otherwise the gate as it now stands, and
        when a sign is open the form gives way to the stop screen."""
        if not self.said(result):
            return None
        assert isinstance(result, Done)
        gate = result.value
        if gate.signs:
            from tui.screens.doctor import DoctorScreen

            self.switch_screen(DoctorScreen(gate))
        return gate

    def crashed(self, error: BaseException) -> str:
        """An error nothing else caught (tui.compat.CalmCrashes): keep the session a screen
        holds, write the details to the private log beside the data file, and return the one
        calm line the app exits with. Never a traceback, which would show private data."""
        from store.crash_log import keep_error

        try:
            self.save_unsaved()
        finally:
            log = keep_error(self.repo.path, error, self.clock())
        return f"rehab: Something went wrong; nothing you entered was lost. Details: {log}"

    # -- actions available everywhere ----------------------------------------------------------

    async def action_quit(self) -> None:
        """ctrl+q: never loses a session. One in progress, or finished but not yet saved, is
        kept as it stands (partial if it was not finished) before the app closes; without its
        end-of-session answers it is left open, and the next start offers to finish it."""
        kept = self.save_unsaved()
        if kept is None:
            self.exit()
            return
        later = " Next time rehab asks how it went." if kept.ended_at is None else ""
        self.exit(
            message=f"rehab: your {kept.slot} session so far was kept "
            f"({kept.outcome}).{later} Come back when you are ready."
        )

    def save_unsaved(self) -> Session | None:
        """Save the session a screen holds and has not saved (the player's, an end form's), as
        it stands; the session saved, or None when there was none (or the disk refused)."""
        for screen in reversed(self.screen_stack):
            unsaved = getattr(screen, "unsaved", None)
            found = unsaved() if unsaved is not None else None
            if found is not None:
                session, symptoms = found
                result = self.door.finish_session(session, symptoms)
                return session if isinstance(result, Done) else None
        return None

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
        if not self.said(self.door.check_in(checkin)):
            from tui.screens.modals import CheckInScreen

            # Nothing is lost: the same check-in comes back, to try again.
            self.push_screen(
                CheckInScreen(self.now(), kept=checkin, leg=self.leg()), self._checked_in
            )
            return
        self.notify(f"Check-in saved: {checkin.rating.words()}.", markup=False)
        self.refresh_views()

    def refresh_views(self) -> None:
        """The data changed: redraw the main place on screen (others redraw when shown)."""
        from tui.screens.base import MainScreen

        if isinstance(self.screen, MainScreen):
            self.screen.data_changed()

    async def action_start_session(self) -> None:
        if self.in_a_task():
            return
        if self.current_mode != "today":
            await self.switch_mode("today")
        # No task was open (`in_a_task`), so Today's mode shows Today itself.
        cast("TodayScreen", self.screen).action_start()

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
        for place in PLACES:
            yield SystemCommand(
                f"Go to {place.label}",
                f"Open {place.label} (key {place.key})",
                lambda mode=place.name: self.action_go(mode),
            )
        yield from screen_commands(screen)
