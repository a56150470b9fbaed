"""Turning what a person typed into numbers and dates, with one clear line when it does not fit."""

from __future__ import annotations

from datetime import date, timedelta

from planner.models import Reach


class InputProblem(ValueError):
    """The text of the message is shown under the field as is."""


def parse_whole(text: str, low: int, high: int, what: str) -> int:
    """A whole number from `low` to `high`, or InputProblem saying what was expected."""
    raw = text.strip()
    if not raw:
        raise InputProblem(f"Please enter {what}: a whole number from {low} to {high}.")
    try:
        value = int(raw)
    except ValueError:
        raise InputProblem(
            f"{what.capitalize()} is a whole number from {low} to {high}; “{raw[:12]}” is not."
        ) from None
    if not low <= value <= high:
        raise InputProblem(
            f"{what.capitalize()} must be from {low} to {high}; {value} is outside that."
        )
    return value


def parse_pain(text: str) -> int:
    """A pain rating, 0–10."""
    return parse_whole(text, 0, 10, "pain")


def parse_note(text: str) -> str:
    """A note as typed, if it is not longer than rehab keeps (`NOTE_MAX` characters)."""
    from planner.models import NOTE_MAX

    if len(text) > NOTE_MAX:
        raise InputProblem(
            f"This note is {len(text):,} characters long; rehab keeps up to {NOTE_MAX:,}. "
            "Please shorten it: nothing is saved until it fits."
        )
    return text


def parse_episode_start(
    text: str, today: date, empty: str = "When did this episode begin?"
) -> date:
    """A day in the past: a date (YYYY-MM-DD) or a number of days ago."""
    raw = text.strip()
    if not raw:
        raise InputProblem(f"{empty} A date like 2026-11-02, or days ago.")
    if raw.isdigit():
        days = int(raw)
        if days > 3650:
            raise InputProblem("That is over ten years ago; please give a date instead.")
        return today - timedelta(days=days)
    try:
        when = date.fromisoformat(raw)
    except ValueError:
        raise InputProblem(f"“{raw[:20]}” is not a date: use YYYY-MM-DD, or days ago.") from None
    if when > today:
        raise InputProblem("That date is in the future.")
    return when


#: What may be typed for how far down the leg: a number from the list, or its word.
REACH_TYPED: dict[str, Reach] = {
    "0": "none",
    "none": "none",
    "no": "none",
    "1": "buttock",
    "buttock": "buttock",
    "2": "thigh",
    "thigh": "thigh",
    "3": "below-knee",
    "knee": "below-knee",
    "below knee": "below-knee",
    "below-knee": "below-knee",
    "calf": "below-knee",
    "4": "foot",
    "foot": "foot",
}


def parse_reach(text: str) -> Reach:
    """How far down the leg the symptoms reach: 0–4 as listed, or the word."""
    found = REACH_TYPED.get(" ".join(text.strip().casefold().split()))
    if found is None:
        raise InputProblem(
            "How far down the leg: 0 none, 1 buttock, 2 thigh, 3 below the knee, 4 foot."
        )
    return found
