"""Exercises prescribed more often than the person has sessions: short bouts through the day.

Table lean three times a day for someone with one session a day is not three table leans in a
row: it is three short bouts, one now and then (README, safety rules). Which prescriptions those
are is `Plan.bouts`; this module counts what was done of them today, for Today's one-key log and for
adherence (`planner.progression`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from planner.models import Bout, Catalog, Dose, Frozen, Plan, Slot, frozen


def bouts_per_day(plan: Plan, slots: Sequence[Slot]) -> dict[str, int]:
    """The plan's exercises done in bouts, each with how many times a day."""
    return {p.exercise_id: p.dose.per_day for p in plan.bouts(slots)}


@frozen
class BoutCount(Frozen):
    """One bout exercise today: how many bouts are done of how many."""

    exercise_id: str
    name: str
    dose: Dose
    done: int
    of: int

    @property
    def left(self) -> int:
        """Bouts still to do today (none once the day's are done; extra bouts are fine)."""
        return max(self.of - self.done, 0)

    def line(self) -> str:
        """'Table lean 1 of 3 today · hold 8 s' (the bout's own dose, without the times a day)."""
        done = min(self.done, self.of)
        return f"{self.name} {done} of {self.of} today · {self.dose.label(daily=False)}"


def bouts_today(
    catalog: Catalog, plan: Plan, slots: Sequence[Slot], bouts: Sequence[Bout], today: date
) -> list[BoutCount]:
    """Each bout exercise of the plan with what is done of it on `today`, in plan order."""
    counts: dict[str, int] = {}
    for b in bouts:
        if b.at.date() == today:
            counts[b.exercise_id] = counts.get(b.exercise_id, 0) + 1
    out = []
    for p in plan.bouts(slots):
        name = catalog.name_of(p.exercise_id)
        out.append(
            BoutCount(
                exercise_id=p.exercise_id,
                name=name,
                dose=p.dose,
                done=counts.get(p.exercise_id, 0),
                of=p.dose.per_day,
            )
        )
    return out


def next_bout(counts: Sequence[BoutCount]) -> BoutCount | None:
    """The bout one key logs: the first exercise with bouts left today, else None."""
    return next((c for c in counts if c.left), None)
