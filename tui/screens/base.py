"""The screens' bases: each screen and dialog knows its app is rehab's, and what the main
places (Today, Progress, Plan, History, Library, Data) share: header, the row of places,
footer, refresh on return."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Header
from textual.worker import Worker

from tui.compat import Footer
from tui.widgets.navbar import NavBar

if TYPE_CHECKING:
    from textual import getters

    from tui.app import RehabApp

#: What a screen or dialog hands back when dismissed.
R = TypeVar("R")
W = TypeVar("W", bound=Widget)
P = ParamSpec("P")


def asks(
    method: Callable[Concatenate[W, P], Awaitable[None]],
) -> Callable[Concatenate[W, P], Worker[None]]:
    """Textual's `@work` for an action that opens a dialog (or several, one after another):
    the keys typed from the action's key until the first dialog is up wait for it
    (`RehabApp.hold_keys`) instead of reaching the place below. A worker starts on a later
    turn of the event loop, after every key already read: `s` then 3, typed fast to start a
    session with pain 3, switched to Plan (key 3) and opened the pain dialog over it, empty.
    A dialog that keeps typing (`AskScreen.KEEPS_TYPED_AHEAD`) takes the keys held for it;
    every other drops them, as do the action's end without a dialog and a dialog of safety
    questions."""

    def action(self: W, /, *args: P.args, **kwargs: P.kwargs) -> Worker[None]:
        app = cast("RehabApp", self.app)
        hold = app.hold_keys()

        async def run() -> None:
            try:
                await method(self, *args, **kwargs)
            finally:
                app.stop_holding(hold)

        return self.run_worker(run(), name=method.__name__, group="default")

    functools.update_wrapper(action, method)  # its name and words, for help and errors
    return action


def take_held_keys(screen: Screen) -> None:
    """The keys held for a dialog about to open (`asks`) are the first screen's to come up
    (at its mount, or at the next key if that comes first): typed into it where it keeps
    them (`AskScreen.typed_ahead`), dropped everywhere else. Either way the hold ends there,
    so no key waits for the rest of the action (a dialog closed by a click, then more work)."""
    take = getattr(screen, "typed_ahead", None)
    for key in cast("RehabApp", screen.app).held_for(screen):
        if take is not None:
            take(key)


#: Tab and shift+tab move between a form's fields when the key is read, not once it has been
#: passed on: typed fast or pasted, "1 Tab 0" would otherwise put both digits in the first
#: field (Textual hands each key to the field focused when it arrives, and a Tab passed on
#: moves the focus only after the keys behind it were handed to the old field).
FIELD_KEYS: list[BindingType] = [
    Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
    Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
]


class RehabScreen(Screen[R]):
    """A full screen of rehab's app."""

    if TYPE_CHECKING:
        # `self.app` is the RehabApp, said for the type checker alone (Textual's own getter
        # would import the app here and check its type at every use).
        app = getters.app(RehabApp)

    @on(events.Mount)
    def _about_to_write(self) -> None:
        # A screen over the places (a session, the first run, a re-screen) saves something.
        if not isinstance(self, MainScreen):
            self.app.prepare_to_write()

    @on(events.Mount)
    def _take_held_keys(self) -> None:
        take_held_keys(self)


class RehabModal(ModalScreen[R]):
    """A dialog of rehab's app."""

    BINDINGS = [*FIELD_KEYS]

    if TYPE_CHECKING:
        app = getters.app(RehabApp)  # as in RehabScreen

    @on(events.Mount)
    def _about_to_write(self) -> None:
        # Most dialogs save what they ask (a check-in, a walk, a pain, an answer).
        self.app.prepare_to_write()

    @on(events.Mount)
    def _take_held_keys(self) -> None:
        take_held_keys(self)


class MainScreen(RehabScreen[None]):
    """A main place. Subclasses give `PLACE`, `compose_body()` and `refresh_view()`."""

    PLACE = ""
    BINDINGS = [Binding("c", "app.checkin", "Check in")]
    #: Its own keys it offers now, by what it drew (`offer`); a key not named is offered.
    _offered: dict[str, bool] = {}

    def offer(self, **actions: bool) -> None:
        """Offer these actions (True) or not (False), as what the place now draws allows:
        the footer and the palette (`check_action`) follow when that changed. A place offers
        only what the rules allow; the door still asks them when the key is pressed."""
        if actions != self._offered:
            self._offered = actions
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self._offered.get(action, True)

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.PLACE)
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    async def on_mount(self) -> None:
        # Drawn before its first paint and before the footer first reads which actions apply
        # (a subclass's own on_mount, run first, has made its widgets ready).
        self.refresh_view()
        self._away = False
        await self.query_one(Footer).show_keys_now()

    def on_screen_suspend(self) -> None:
        self._away = True

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual resumes a place twice when it first appears: redraw only after being away.
        if self._away:
            self._away = False
            self.refresh_view()
        else:
            # Runs before Screen's own handler, which would restyle every widget: those of a
            # place never away were styled as they mounted, with the stylesheet as it is.
            event.refresh_styles = False

    def data_changed(self) -> None:
        """The records changed: redraw, unless a form over this place has just closed, when
        the place is about to resume and redraws then (once a save, not twice)."""
        if not self._away:
            self.refresh_view()

    def refresh_view(self) -> None:
        """Read what is needed from the app and redraw. Called on mount and on every return."""
