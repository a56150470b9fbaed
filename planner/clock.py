"""Time as rehab keeps it: naive local times, read from a clock that is always passed in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

#: Where "now" comes from: the real local time in the app, a clock a test moves by hand.
Clock = Callable[[], datetime]


def midnight(day: date) -> datetime:
    """The first moment of `day`."""
    return datetime.combine(day, time.min)
