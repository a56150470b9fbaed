"""Stage changes as pure transitions: start, advance, step back (pause and resume: gate.settle).

Each returns the records to save — the old plan (archived or paused), the new plan, and the
stage event that explains it — and leaves saving to the store.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from planner.models import Catalog, Frozen, Plan, Profile, StageEvent, StageEventKind, value
from planner.plan import build_plan
from planner.progression import StepBack, easier_dose

if TYPE_CHECKING:  # advice reads the gate, which builds stage changes: no import cycle
    from planner.advice import Advice


@value
class StageChange(Frozen):
    """A new plan, the stage event that records why, and the old plan archived (if any): saved
    in one write."""

    plan: Plan
    event: StageEvent
    old_plan: Plan | None = None


def _archive(plan: Plan, now: datetime) -> Plan:
    return replace(plan, status="archived", archived_at=now)


def start_programme(
    catalog: Catalog,
    profile: Profile,
    stage: int,
    now: datetime,
    reason: str,
    recommended: int,
    pain: int | None = None,
) -> StageChange:
    """The first plan, for the pain now (acute lumbago: `build_plan`). A stage above the
    recommended one is an override and says so."""
    plan = build_plan(catalog, profile, stage, now, pain)
    kind: StageEventKind = "override" if stage > recommended else "start"
    if stage > recommended:
        reason = f"Chose stage {stage} over the recommended {recommended}: {reason}"
    return StageChange(plan, StageEvent(at=now, to_stage=stage, kind=kind, reason=reason))


def advance(
    catalog: Catalog,
    profile: Profile,
    plan: Plan,
    advice: Advice,
    now: datetime,
    override_reason: str | None = None,
) -> StageChange:
    """Move to the next stage: only when every criterion holds, or as a reasoned override.

    Never while the advice holds the person back (a warning sign, a pause, a step back
    advised): not even as an override (README, safety rules).
    """
    check = advice.move_on
    if check.to_stage is None:
        raise ValueError("already at the last stage")
    if advice.held_back:
        raise ValueError(advice.held_back)
    if not check.ok and not (override_reason and override_reason.strip()):
        raise ValueError(check.reason())
    new = build_plan(catalog, profile, check.to_stage, now)
    if check.ok:
        event = StageEvent(
            at=now,
            from_stage=plan.stage,
            to_stage=check.to_stage,
            kind="advance",
            reason=check.reason(),
            criteria=list(check.criteria),
        )
    else:
        event = StageEvent(
            at=now,
            from_stage=plan.stage,
            to_stage=check.to_stage,
            kind="override",
            reason=override_reason.strip(),  # type: ignore[union-attr]
            criteria=list(check.criteria),
        )
    return StageChange(new, event, _archive(plan, now))


def step_back(
    catalog: Catalog,
    profile: Profile,
    plan: Plan,
    now: datetime,
    recommendation: StepBack | None = None,
    reason: str = "",
    pain: int | None = None,
) -> StageChange:
    """Go back one stage (never below 1) with a fresh, lower plan, for the latest `pain`
    (back to Calm in acute lumbago: its acute set, `build_plan`)."""
    target = max(plan.stage - 1, 1)
    new = build_plan(catalog, profile, target, now, pain)
    if target == plan.stage:
        # Already at the bottom: keep the exercises, one step easier each.
        lowered = []
        for p in plan.prescriptions:
            ex = catalog.exercises.get(p.exercise_id)
            down = easier_dose(p.dose, ex.bounds) if ex else None
            lowered.append(replace(p, dose=down or p.dose))
        new = replace(new, prescriptions=lowered)
    why = reason.strip() or (recommendation.reason if recommendation else "chosen by you")
    event = StageEvent(at=now, from_stage=plan.stage, to_stage=target, kind="step-back", reason=why)
    return StageChange(new, event, _archive(plan, now))
