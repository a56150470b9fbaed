"""What is waiting for the person today: one call that Today, the banner and `status` share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from planner.bouts import BoutCount, bouts_per_day, bouts_today
from planner.clock import midnight
from planner.course import latest_pain, see_doctor_advice
from planner.direction import Favour, favour
from planner.gate import Gate, SafetyRecords, may_start, rescreen_due
from planner.models import (
    Catalog,
    Frozen,
    Plan,
    Profile,
    PsfsRating,
    Session,
    Slot,
    Walk,
    value,
)
from planner.progression import (
    DoseSuggestion,
    History,
    MoveOnCheck,
    StepBack,
    dose_suggestions,
    move_on_check,
    settled_words,
    step_back_check,
)
from planner.safety import headline
from planner.walking import Folded, WalkTarget, target_for

if TYPE_CHECKING:
    from planner.days import DaySum, WalkSum


@value
class Advice(Frozen):
    """Everything the planner would tell the person now, each part with its reasons: the gate,
    moving on, a step back, dose steps, what is due, and advice to see a doctor."""

    stage: int
    #: May a session start now (planner.gate): the one answer on safety.
    gate: Gate
    move_on: MoveOnCheck
    step_back: StepBack | None
    doses: list[DoseSuggestion] = field(default_factory=list)
    rescreen_due: bool = False
    psfs_due: bool = False
    #: Advice to see a doctor (planner.course): shown, never a block.
    see_doctor: list[str] = field(default_factory=list)
    #: A single high pain that no longer advises a step back, and why (it settled), or None.
    settled: str | None = None

    @property
    def paused(self) -> bool:
        """No session may start for a safety reason: a warning sign is open or the plan is
        paused (an overdue re-screen closes the gate too, but is a reminder, not a pause)."""
        return self.gate.stopped

    @property
    def held_back(self) -> str | None:
        """Why nothing may get harder now (no step up, harder swap or advance), or None.

        While the gate is closed (a warning sign, a pause, an overdue re-screen) or a step back
        is advised, the advice must not also say "go on" (README, safety rules).
        """
        if not self.gate.open:
            return self.gate.reason
        if self.step_back is not None:
            return "A step back is advised: " + self.step_back.reason
        return None

    @property
    def recommend_move_on(self) -> bool:
        """Moving on is never suggested while held back (a sign, a pause, a step back)."""
        return self.held_back is None and self.move_on.ok

    def banner(self) -> list[str]:
        """Short lines for Today's banner, most important first; empty when nothing waits."""
        lines = []
        gate = self.gate
        if gate.signs:
            return [headline(gate.result) + ": a warning sign is open. No session for now."]
        if gate.stopped:
            return [gate.reason]
        lines.extend(self.see_doctor)
        if gate.why == "rescreen-due":
            lines.append(
                "Weekly safety check overdue: answer the questions again (r) before "
                "the next session."
            )
        if self.step_back is not None:
            lines.append("Step back suggested: " + self.step_back.reason)
        elif self.recommend_move_on:
            lines.append(f"Ready to move on to stage {self.move_on.to_stage}: see Progress.")
        if self.doses:
            n = len(self.doses)
            lines.append(f"{n} dose change{'s' if n > 1 else ''} suggested: see Plan.")
        if self.rescreen_due and self.gate.open:
            lines.append("Weekly safety check due: answer the red-flag questions again (r).")
        if self.psfs_due:
            lines.append("Weekly activity scores (PSFS) due: History, then p.")
        return lines


def today_sessions(
    plan: Plan, profile: Profile, history: History, now: datetime
) -> dict[Slot, Session | None]:
    """Each of the person's slots with today's session in it, or None while still to do. A
    session dated later than now (a clock that was wrong) does not do today's slot for it."""
    today = now.date()
    start = midnight(today)
    done: dict[Slot, Session | None] = {slot: None for slot in profile.slots}
    for s in history.until(now).sessions_since(start):
        if s.day == today and s.slot in done and (done[s.slot] is None or s.is_done):
            done[s.slot] = s
    return done


def next_slot(done: dict[Slot, Session | None], hour: int) -> Slot:
    """The first slot not done today; once all are done, the one that fits the time of day."""
    for slot, session in done.items():
        if session is None or not session.is_done:
            return slot
    slots = list(done)
    return "evening" if hour >= 14 and "evening" in slots else slots[0]


def left_open(sessions: list[Session] | tuple[Session, ...]) -> Session | None:
    """The newest session, if it was left open.

    The player keeps a session on disk after each exercise with no end time, and the end form
    (or closing it here) gives it one. So a session still without an end time was cut off: the
    terminal closed, the machine stopped, or ctrl+q left before the end form was answered. The
    next start offers to finish it (pain now and the warning-sign questions) or close it as it
    stands. Only the newest counts: an older one was closed when a later session started.
    """
    newest = max(sessions, key=lambda s: s.started_at, default=None)
    return newest if newest is not None and newest.ended_at is None else None


def closed_as_it_stands(session: Session) -> Session:
    """A session left open, closed without its end form: it ends after the time exercised (the
    moment it was cut off is not known), at least a minute after it began."""
    worked = sum(e.seconds_done for e in session.entries)
    return replace(session, ended_at=session.started_at + timedelta(seconds=max(60, worked)))


def advise(
    catalog: Catalog,
    profile: Profile,
    plan: Plan,
    history: History,
    safety: SafetyRecords,
    last_psfs: PsfsRating | None,
    now: datetime,
) -> Advice:
    """Everything the planner would tell the person right now, with its reasons. Records
    dated after `now` are left out of every rule (`History.until`)."""
    rules = catalog.rules
    history = history.until(now)
    if last_psfs is not None and last_psfs.at > now:
        last_psfs = None  # a rating from the future does not make this week's unnecessary
    stage = plan.stage
    start = history.stage_started_at(stage) or plan.created_at
    check = move_on_check(
        catalog,
        stage,
        history,
        now,
        slots=len(profile.slots),
        stage_start=start,
        bouts=bouts_per_day(plan, profile.slots),
    )
    back = step_back_check(catalog, stage, history, now, stage_start=start)
    settled = None if back is not None else settled_words(catalog, stage, history, now, start)
    gate = may_start(plan, safety, now, rules)
    psfs = last_psfs is None or now - last_psfs.at >= timedelta(days=rules.psfs_days)
    doses = dose_suggestions(
        catalog, plan, history, budget_s=profile.minutes_per_session * 60, slots=profile.slots
    )
    advice = Advice(
        stage=stage,
        gate=gate,
        move_on=check,
        step_back=back,
        doses=doses,
        rescreen_due=rescreen_due(safety, now, rules),
        psfs_due=psfs,
        see_doctor=see_doctor_advice(history, now, rules),
        settled=settled,
    )
    if advice.held_back:
        # Only the steps down stay: nothing gets harder while held back.
        advice = replace(advice, doses=[d for d in doses if d.direction == "down"])
    return advice


@dataclass(frozen=True)
class Standing:
    """Where the person stands now, from one read of the records: what Today, Progress and Plan
    draw. A screen reads it once per redraw and asks it, so the records are read (and the plan
    copied out of the store) once, and every part of a redraw agrees with every other."""

    now: datetime
    profile: Profile | None
    plan: Plan | None
    history: History
    gate: Gate
    #: None before the first run (no profile or no plan yet).
    advice: Advice | None
    #: The walking programme today (None: not set up), and the exercises done in bouts.
    walk: WalkTarget | None = None
    bouts: tuple[BoutCount, ...] = ()
    #: The direction the leg symptoms favour and what Plan suggests for it (planner.direction),
    #: never while no session may start.
    favour: Favour | None = None


def stand(
    catalog: Catalog,
    profile: Profile | None,
    plan: Plan | None,
    history: History,
    safety: SafetyRecords,
    last_psfs: PsfsRating | None,
    now: datetime,
    walks: Sequence[Walk] = (),
    earlier_walks: Mapping[date, DaySum | WalkSum] | None = None,
    folded: Folded | None = None,
) -> Standing:
    """The standing these records give at `now`: the advice once there is a plan, the gate
    (`planner.gate.may_start`) always, and the walking programme from `walks` (every walk since
    it began: the level is derived from them, week by week; `earlier_walks`, the day sums of
    closed years, stand for the walks they summed; `folded`, their weeks already folded:
    `planner.walking.fold`)."""
    if profile is None or plan is None:
        gate = may_start(plan, safety, now, catalog.rules)
        return Standing(now, profile, plan, history, gate, None)
    advice = advise(catalog, profile, plan, history, safety, last_psfs, now)
    walk = target_for(
        catalog,
        profile,
        [w for w in walks if w.at <= now],
        now.date(),
        plan.stage,
        earlier_walks,
        folded,
    )
    bouts = bouts_today(catalog, plan, profile.slots, history.bouts, now.date())
    leaning = None
    if advice.gate.open:
        pain = latest_pain(history)
        leaning = favour(catalog, profile, plan, history.until(now).sessions, now, pain)
    return Standing(now, profile, plan, history, advice.gate, advice, walk, tuple(bouts), leaning)
