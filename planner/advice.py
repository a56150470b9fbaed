"""What is waiting for the person today: one call that Today, the banner and `status` share."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime, timedelta

from planner.models import (
    Catalog,
    Frozen,
    Plan,
    Profile,
    PsfsRating,
    Screening,
    Session,
    Slot,
    value,
)
from planner.progression import (
    DoseSuggestion,
    History,
    MoveOnCheck,
    StepBack,
    dose_suggestions,
    move_on_check,
    step_back_check,
)


@value
class Advice(Frozen):
    stage: int
    paused: bool
    pause_reason: str | None
    move_on: MoveOnCheck
    step_back: StepBack | None
    doses: list[DoseSuggestion] = field(default_factory=list)
    rescreen_due: bool = False
    psfs_due: bool = False

    @property
    def recommend_move_on(self) -> bool:
        """Moving on is never suggested while paused or while a step back is advised."""
        return not self.paused and self.step_back is None and self.move_on.ok

    def banner(self) -> list[str]:
        """Short lines for Today's banner, most important first; empty when nothing waits."""
        lines = []
        if self.paused:
            lines.append("Your plan is paused after a red-flag answer: see a doctor, then "
                         "re-screen.")
            return lines
        if self.step_back is not None:
            lines.append("Step back suggested: " + self.step_back.reason)
        elif self.recommend_move_on:
            lines.append(f"Ready to move on to stage {self.move_on.to_stage}: see Progress.")
        if self.doses:
            n = len(self.doses)
            lines.append(f"{n} dose change{'s' if n > 1 else ''} suggested: see Plan.")
        if self.rescreen_due:
            lines.append("Weekly safety check due: answer the red-flag questions again (r).")
        if self.psfs_due:
            lines.append("Weekly activity scores (PSFS) due: History, then p.")
        return lines


def today_sessions(plan: Plan, profile: Profile, history: History,
                   now: datetime) -> dict[Slot, Session | None]:
    """Each of the person's slots with today's session in it, or None while still to do."""
    today = now.date()
    midnight = datetime.combine(today, datetime.min.time())
    done: dict[Slot, Session | None] = {slot: None for slot in profile.slots}
    for s in history.sessions_since(midnight):
        if s.day == today and s.slot in done and (done[s.slot] is None or s.completed):
            done[s.slot] = s
    return done


def advise(catalog: Catalog, profile: Profile, plan: Plan, history: History,
           last_screening: Screening | None, last_psfs: PsfsRating | None,
           now: datetime) -> Advice:
    """Everything the planner would tell the person right now, with its reasons."""
    rules = catalog.rules
    stage = plan.stage
    start = history.stage_started_at(stage) or plan.created_at
    check = move_on_check(catalog, stage, history, now, slots=len(profile.slots),
                          stage_start=start)
    back = step_back_check(catalog, stage, history, now, stage_start=start)
    rescreen = (last_screening is None
                or now - last_screening.at >= timedelta(days=rules.rescreen_days))
    psfs = last_psfs is None or now - last_psfs.at >= timedelta(days=rules.psfs_days)
    return Advice(
        stage=stage,
        paused=plan.status == "paused",
        pause_reason=plan.pause_reason,
        move_on=check,
        step_back=back,
        doses=dose_suggestions(catalog, plan, history,
                               budget_s=profile.minutes_per_session * 60),
        rescreen_due=rescreen,
        psfs_due=psfs,
    )
