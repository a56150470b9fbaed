"""Directional preference (docs/clinical.md §7): when leg symptoms spread further down after the
exercises that bend the back one way, and the other way centralises them or leaves them be,
favour the way that helps.

Pure: the sessions say what happened, this module says what it means. Only the exercises that
bend the back (forward or back) count; a neutral exercise says nothing about a direction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from planner.models import (
    REACHES,
    Catalog,
    Direction,
    Plan,
    Prescription,
    Profile,
    Reach,
    Session,
)
from planner.plan import slot_for, swap_options

#: How far back the sessions that decide it reach: recent enough to be about this episode.
WINDOW = timedelta(days=28)
#: Sessions in which one direction spread the symptoms before the other is favoured.
SPREAD_SESSIONS = 2
#: Sessions in which the other direction centralised them or left them be.
CALM_SESSIONS = 1


@dataclass(frozen=True)
class SessionSigns:
    """What one session says about each direction."""

    day: date
    #: The directions whose exercises spread the symptoms further down.
    spread: frozenset[Direction]
    #: The directions done in it that did not spread them.
    calm: frozenset[Direction]
    #: Whether the symptoms ended nearer the spine than they began.
    centralised: bool


def _further(after: Reach | None, before: Reach | None) -> int:
    """How many places further down the leg `after` reaches than `before` (negative: nearer)."""
    if after is None or before is None:
        return 0
    return REACHES.index(after) - REACHES.index(before)


def signs(catalog: Catalog, session: Session) -> SessionSigns | None:
    """What a session says about directions, or None when it says nothing (no leg rating, or
    no exercise that bends the back was done)."""
    if session.reach_before is None and session.reach_after is None:
        return None
    done: set[Direction] = set()
    spread: set[Direction] = set()
    for entry in session.entries:
        if entry.exercise_id not in catalog.exercises or entry.skipped:
            continue
        way = catalog.exercise(entry.exercise_id).direction
        if way is Direction.NEUTRAL:
            continue
        if entry.spread_down:
            spread.add(way)
        elif entry.sets_done or entry.reps_done or entry.seconds_done:
            done.add(way)
    if not done and not spread:
        return None
    moved = _further(session.reach_after, session.reach_before)
    # Spread over the whole session with no exercise to blame: only one direction could have.
    if moved > 0 and not spread and len(done) == 1:
        spread = set(done)
    calm = frozenset(done - spread) if (moved <= 0 or spread) else frozenset()
    centralised = moved < 0 and not spread and len(done) == 1
    return SessionSigns(session.day, frozenset(spread), calm, centralised)


@dataclass(frozen=True)
class Preference:
    """The direction to favour, with the sessions that showed it."""

    favour: Direction
    avoid: Direction
    #: The days on which exercises bending the `avoid` way spread the symptoms.
    spread_days: tuple[date, ...]
    #: The days on which exercises bending the `favour` way centralised them ...
    centralised_days: tuple[date, ...]
    #: ... or left them where they were.
    steady_days: tuple[date, ...]

    def numbers(self) -> str:
        """The sessions that led to it, in a sentence."""
        spread = len(self.spread_days)
        helped = []
        if self.centralised_days:
            helped.append(f"brought them nearer the spine in {_sessions(self.centralised_days)}")
        if self.steady_days:
            helped.append(f"left them where they were in {_sessions(self.steady_days)}")
        return (
            f"Leg symptoms spread further down after exercises {self.avoid.value} in "
            f"{spread} session{'s' * (spread != 1)} ({_days(self.spread_days)}); "
            f"exercises {self.favour.value} {' and '.join(helped)}."
        )


def _sessions(days: Sequence[date]) -> str:
    return f"{len(days)} session{'s' * (len(days) != 1)}"


def _days(days: Iterable[date]) -> str:
    return ", ".join(f"{d.day} {d:%b}" for d in sorted(set(days)))


def preference(
    catalog: Catalog, sessions: Iterable[Session], now: datetime, window: timedelta | None = WINDOW
) -> Preference | None:
    """The direction the sessions since `now - window` favour (all sessions when `window` is
    None), or None: one direction spread the symptoms in `SPREAD_SESSIONS` sessions, the other
    calmed or kept them in `CALM_SESSIONS` and never spread them."""
    since = None if window is None else now - window
    seen = [
        s
        for s in (signs(catalog, x) for x in sessions if x.started_at <= now)
        if s is not None and (since is None or s.day >= since.date())
    ]
    return preference_of(seen)


def preference_of(seen: Sequence[SessionSigns]) -> Preference | None:
    """`preference` from the signs of the sessions it weighs (`signs`, None left out), oldest
    first: what a report gathers in one pass over thirty years of sessions."""
    for avoid in (Direction.FORWARD, Direction.BACK):
        favour = avoid.other
        assert favour is not None
        spread = [s for s in seen if avoid in s.spread]
        calm = [s for s in seen if favour in s.calm]
        if any(favour in s.spread for s in seen):
            continue
        if len(spread) >= SPREAD_SESSIONS and len(calm) >= CALM_SESSIONS:
            return Preference(
                favour,
                avoid,
                tuple(s.day for s in spread),
                tuple(s.day for s in calm if s.centralised),
                tuple(s.day for s in calm if not s.centralised),
            )
    return None


@dataclass(frozen=True)
class Favour:
    """What Plan suggests: the preference and, for each exercise of the plan that bends the
    other way, the one of its stage to do instead (None: leave it out, nothing fits)."""

    preference: Preference
    swaps: tuple[tuple[str, str | None], ...]

    def words(self, catalog: Catalog) -> str:
        """The suggestion in a sentence."""
        name = catalog.name_of
        said = "; ".join(
            f"swap {name(old)} for {name(new)}" if new else f"leave out {name(old)}"
            for old, new in self.swaps
        )
        return f"Favour {self.preference.favour.value}: {said}."


def favour(
    catalog: Catalog,
    profile: Profile,
    plan: Plan,
    sessions: Iterable[Session],
    now: datetime,
    pain: int | None = None,
) -> Favour | None:
    """What Plan suggests for this person now, or None. The replacements are the same stage's
    exercises of the favoured direction that `swap_options` allows (never the harder neighbour,
    never outside the acute set); with none left, the exercise is left out, as long as the plan
    keeps one exercise."""
    pref = preference(catalog, sessions, now)
    if pref is None or not profile.leg_symptoms:
        return None
    going = [
        p for p in plan.prescriptions if catalog.exercise(p.exercise_id).direction is pref.avoid
    ]
    if not going:
        return None
    taken: set[str] = set()
    swaps: list[tuple[str, str | None]] = []
    kept = len(plan.prescriptions)
    for p in going:
        # Asked as while held back: swap_options then never offers the harder neighbour.
        options = [
            e.id
            for e, why in swap_options(
                catalog, profile, plan, p.exercise_id, "favouring a direction", pain, now.date()
            )
            if e.direction is pref.favour and e.id not in taken and why != "optional, same stage"
        ]
        if options:
            taken.add(options[0])
            swaps.append((p.exercise_id, options[0]))
        elif kept > 1:
            kept -= 1
            swaps.append((p.exercise_id, None))
    return Favour(pref, tuple(swaps)) if swaps else None


def favoured(catalog: Catalog, profile: Profile, plan: Plan, suggestion: Favour) -> Plan:
    """The plan with the suggestion taken: each swap at the new exercise's default dose (a
    swap's dose, as on Plan); the ones with nothing to swap for left
    out."""
    by_old = dict(suggestion.swaps)
    out: list[Prescription] = []
    for p in plan.prescriptions:
        if p.exercise_id not in by_old:
            out.append(p)
        elif (new := by_old[p.exercise_id]) is not None:
            ex = catalog.exercise(new)
            out.append(Prescription(exercise_id=new, dose=ex.dose, slot=slot_for(ex, profile)))
    return replace(plan, prescriptions=out)
