"""The six places, one row each: the navbar, the app's number keys and modes, the palette and
the help all read this table. A place's screen is named as "module:Class", imported when the
place is first visited (or once Today is up), never at start."""

from __future__ import annotations

from typing import NamedTuple


class Place(NamedTuple):
    """One main place of the app."""

    #: The number key that goes there.
    key: str
    #: Its name, which is also the app's mode for it.
    name: str
    #: How the navbar, the palette and the help call it.
    label: str
    #: Its screen, as "module:Class".
    screen: str


#: In the navbar's order; the first is where the app opens.
PLACES: tuple[Place, ...] = (
    Place("1", "today", "Today", "tui.screens.today:TodayScreen"),
    Place("2", "progress", "Progress", "tui.screens.progress:ProgressScreen"),
    Place("3", "plan", "Plan", "tui.screens.plan:PlanScreen"),
    Place("4", "history", "History", "tui.screens.history:HistoryScreen"),
    Place("5", "library", "Library", "tui.screens.library:LibraryScreen"),
    Place("6", "data", "Data", "tui.screens.data:DataScreen"),
)

#: Each place by its name.
PLACE_NAMED = {place.name: place for place in PLACES}
