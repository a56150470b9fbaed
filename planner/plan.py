"""First-run placement and the plan for a stage, built from the profile (README, safety rules)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime

from planner.models import (
    AcuteSet,
    Catalog,
    CautionAbout,
    Condition,
    Dose,
    DoseBounds,
    Exercise,
    Frozen,
    Plan,
    Position,
    Prescription,
    Profile,
    Range,
    SessionChoice,
    Slot,
    SlotOrAny,
    value,
)

ACUTE_DAYS = 14


@value
class Placement(Frozen):
    """Where to start at first run, and why, in the person's words."""

    stage: int
    reason: str


def acute_set(
    catalog: Catalog,
    conditions: Iterable[Condition],
    episode_start: date,
    stage: int,
    today: date,
    pain: int | None,
) -> AcuteSet | None:
    """The acute-lumbago set a plan for `stage` keeps to (README, safety rules, article 003), or
    None.

    It applies to someone with lumbago in the acute weeks of the episode (rules.
    acute_episode_days) at a pain (now, or the latest rated) at or above a set's `min_pain`:
    the set for the highest one reached. Other conditions, later weeks or lower pain: None.
    """
    if pain is None or Condition.LUMBAGO not in conditions:
        return None
    if (today - episode_start).days >= catalog.rules.acute_episode_days:
        return None
    reached = [a for a in catalog.stage(stage).acute if pain >= a.min_pain]
    return max(reached, key=lambda a: a.min_pain) if reached else None


def place(
    pain_now: int,
    episode_start: date,
    today: date,
    catalog: Catalog,
    conditions: Iterable[Condition] = (),
    leg: bool = False,
) -> Placement:
    """Where to start, after a clear red-flag screen: stage 1, 2 or 3 (named as the catalog
    names them). In acute lumbago the reason says which of Calm's movements the plan keeps.
    With `leg`, `pain_now` is the worse of back and leg pain, and the reason says so."""
    if not 0 <= pain_now <= 10:
        raise ValueError(f"pain must be 0–10, got {pain_now}")
    days = (today - episode_start).days
    name = {n: s.name for n, s in catalog.stages.items()}
    yours = "Your pain (the worse of back and leg)" if leg else "Your pain"
    if pain_now >= 5:
        reason = f"{yours} is {pain_now}/10 (5 or more): start gently with {name[1]}."
        acute = acute_set(catalog, conditions, episode_start, 1, today, pain_now)
        if acute is not None:
            moves = "; ".join(catalog.exercise(i).name.lower() for i in acute.exercises)
            if acute.min_pain >= catalog.rules.severe_pain:
                reason += (
                    " This is acute lumbago at severe pain: the plan holds only what article "
                    f"003 gives for it, lying down ({moves}). Rest is part of it."
                )
            else:
                reason += (
                    " This is acute lumbago: the plan keeps to the gentle movements article "
                    f"003 allows ({moves}). Rest is part of it."
                )
        return Placement(1, reason)
    if days < ACUTE_DAYS:
        return Placement(
            1,
            f"{yours} is {pain_now}/10, but this episode began "
            f"{max(days, 0)} days ago (under {ACUTE_DAYS}): the back is still "
            f"in its acute phase, so start with {name[1]}.",
        )
    # One acute phase: its first six weeks (rules.acute_episode_days), as the acute sets have.
    # The first two weeks start in Calm whatever the pain; after them, the words say which
    # part of the episode this is.
    if days < catalog.rules.acute_episode_days:
        when = f"the episode began {days} days ago (past its first {ACUTE_DAYS} days)"
    else:
        when = "the episode is past its acute phase (six weeks)"
    if pain_now >= 3:
        return Placement(2, f"{yours} is {pain_now}/10 (3–4) and {when}: start with {name[2]}.")
    return Placement(3, f"{yours} is {pain_now}/10 (2 or less) and {when}: start with {name[3]}.")


def stages_offered(catalog: Catalog, placement: Placement, pain: int) -> tuple[int, ...]:
    """The stages a person may choose at first run: any at or below the recommended one, and a
    higher one (with a reason, logged) only while the pain does not itself advise a step back:
    at 7 or more (`rules.step_back_checkin`) nothing above the recommendation is offered, since
    nothing gets harder while a step back is advised (docs/clinical.md, "pain decides")."""
    if pain >= catalog.rules.step_back_checkin:
        return tuple(n for n in sorted(catalog.stages) if n <= placement.stage)
    return tuple(sorted(catalog.stages))


def why_not(ex: Exercise, profile: Profile) -> str | None:
    """The reason an exercise is left out of this person's plan, or None when it fits."""
    missing = ex.needs() - set(profile.equipment)
    if missing:
        return "needs " + ", ".join(sorted(m.value for m in missing))
    if profile.stenosis and any(c.about is CautionAbout.STENOSIS for c in ex.cautions):
        return "bends the back backwards, which can aggravate spinal stenosis"
    # docs/clinical.md §7: no lying on the front in pregnancy, nor long on the back (from about
    # week 20, which is not asked: no exercise that keeps you on your back for minutes).
    if profile.pregnant and ex.position is Position.PRONE:
        return "is done lying on the front, which pregnancy makes unwise"
    if profile.pregnant and ex.position is Position.SUPINE and (ex.dose.minutes or 0) > 2:
        return "keeps you lying on your back for minutes, which is avoided in pregnancy"
    if profile.osteoporosis and ex.flexion_load:
        return "bends the spine fully forward under load, unwise with osteoporosis or steroids"
    if not set(ex.conditions) & set(profile.conditions):
        return "not suggested for your condition"
    return None


def smallest(dose: Dose, bounds: DoseBounds) -> Dose:
    """The dose at the low end of its bounds: used when the full dose will not fit the time."""

    def low(now: int | None, bound: Range | None) -> int | None:
        return bound[0] if now is not None and bound is not None else now

    return replace(
        dose,
        sets=bounds.sets[0],
        reps=low(dose.reps, bounds.reps),
        hold_s=low(dose.hold_s, bounds.hold_s),
        minutes=low(dose.minutes, bounds.minutes),
    )


def slot_for(ex: Exercise, profile: Profile) -> SlotOrAny:
    """A morning-only or evening-only exercise goes to that slot when the person has it."""
    when = ex.dose.when
    if when != "any" and when in profile.slots and len(profile.slots) > 1:
        return when
    return "any"


def build_plan(
    catalog: Catalog, profile: Profile, stage: int, now: datetime, pain: int | None = None
) -> Plan:
    """The default plan for a stage: its preferred exercises that fit the person and the time.

    Sessions stay short (3–6 exercises, within the minutes per session) because adherence
    falls as the number of exercises rises (docs/clinical.md §2). Optional exercises (the hangs) and
    ones the person lacks equipment for, or that their stenosis makes unwise, are left out.
    In acute lumbago at `pain` (now, or the latest rated) the stage's acute set replaces its
    list (`acute_set`): the plan at pain 9 is not the plan at pain 5.
    """
    rules = catalog.rules
    budget = profile.minutes_per_session * 60
    chosen: list[Prescription] = []
    used = 0
    acute = acute_set(catalog, profile.conditions, profile.episode_start, stage, now.date(), pain)
    for ex_id in acute.exercises if acute else catalog.stage(stage).default_exercises:
        ex = catalog.exercise(ex_id)
        if ex.optional or why_not(ex, profile) is not None:
            continue
        if len(chosen) >= rules.session_max_exercises:
            break
        dose = ex.dose
        if used + dose.seconds() > budget:
            dose = smallest(dose, ex.bounds)
            if used + dose.seconds() > budget and len(chosen) >= rules.session_min_exercises:
                continue
        chosen.append(Prescription(exercise_id=ex.id, dose=dose, slot=slot_for(ex, profile)))
        used += dose.seconds()
    return Plan(stage=stage, created_at=now, prescriptions=chosen)


# ---------------------------------------------------------------------------------------------
# Changing a plan by hand: every edit returns a new Plan (same id) or raises ValueError with
# the reason in the person's words.


def _index(plan: Plan, exercise_id: str) -> int:
    for i, p in enumerate(plan.prescriptions):
        if p.exercise_id == exercise_id:
            return i
    raise ValueError(f"{exercise_id} is not in this plan")


def harder(old: Dose, new: Dose) -> bool:
    """Does the new dose ask for more of anything (sets, reps, hold, minutes, times a day)?"""
    return any(
        (b or 0) > (a or 0)
        for a, b in (
            (old.sets, new.sets),
            (old.reps, new.reps),
            (old.hold_s, new.hold_s),
            (old.minutes, new.minutes),
            (old.per_day, new.per_day),
        )
    )


def change_dose(
    catalog: Catalog, plan: Plan, exercise_id: str, dose: Dose, held_back: str | None = None
) -> Plan:
    """Set a dose by hand; it must stay within the exercise's bounds, and may not go up while
    the advice holds the person back (`Advice.held_back`, README, safety rules)."""
    ex = catalog.exercise(exercise_id)
    problems = ex.bounds.allows(dose)
    if problems:
        raise ValueError(f"{ex.name}: " + "; ".join(problems))
    i = _index(plan, exercise_id)
    if held_back and harder(plan.prescriptions[i].dose, dose):
        raise ValueError(f"Not harder now. {held_back}")
    items = list(plan.prescriptions)
    items[i] = replace(items[i], dose=dose)
    return replace(plan, prescriptions=items)


def swap_options(
    catalog: Catalog,
    profile: Profile,
    plan: Plan,
    exercise_id: str,
    held_back: str | None = None,
    pain: int | None = None,
    today: date | None = None,
) -> list[tuple[Exercise, str]]:
    """What an exercise may be swapped for: its easier and harder neighbours first, then the
    other exercises of the stage, each with a word on why; only ones that suit the person.
    While held back (`Advice.held_back`) the harder neighbour is not offered. In acute lumbago
    at the latest `pain` (`acute_set`, on `today`) only the acute set's own movements are: a
    swap never takes a plan outside what article 003 allows at that pain."""
    ex = catalog.exercise(exercise_id)
    acute = _acute_now(catalog, profile, plan, pain, today)
    taken = {p.exercise_id for p in plan.prescriptions}
    out: list[tuple[Exercise, str]] = []
    for target, why in ((ex.easier, "easier"), (ex.harder, "harder")):
        if why == "harder" and held_back:
            continue
        if target and target not in taken:
            out.append((catalog.exercise(target), why))
    seen = {e.id for e, _ in out} | taken
    for other in catalog.for_stage(plan.stage):
        if other.id not in seen:
            out.append((other, "optional, same stage" if other.optional else "same stage"))
    return [
        (e, why)
        for e, why in out
        if why_not(e, profile) is None
        and not (held_back and e.id == ex.harder)
        and (acute is None or e.id in acute.exercises)
    ]


def _acute_now(
    catalog: Catalog, profile: Profile, plan: Plan, pain: int | None, today: date | None
) -> AcuteSet | None:
    """The acute set the plan's stage keeps to for this person at `pain` on `today`."""
    if today is None:
        return None
    return acute_set(catalog, profile.conditions, profile.episode_start, plan.stage, today, pain)


def why_no_swap(
    catalog: Catalog, profile: Profile, plan: Plan, pain: int | None, today: date
) -> str:
    """Why `swap_options` offers nothing, in the person's words."""
    if _acute_now(catalog, profile, plan, pain, today) is not None:
        return (
            "At this pain the plan keeps to the gentle movements article 003 allows in acute "
            "lumbago: nothing to swap for now."
        )
    return "Nothing else of this stage suits your set-up."


def swap(
    catalog: Catalog,
    profile: Profile,
    plan: Plan,
    exercise_id: str,
    new_id: str,
    held_back: str | None = None,
    pain: int | None = None,
    today: date | None = None,
) -> Plan:
    """Replace one exercise with another of `swap_options`, at the new one's default dose."""
    options = swap_options(catalog, profile, plan, exercise_id, held_back, pain, today)
    new = catalog.exercise(new_id)
    if held_back and new_id == catalog.exercise(exercise_id).harder:
        raise ValueError(f"Not harder now. {held_back}")
    if new_id not in {e.id for e, _ in options}:
        reason = why_not(new, profile)
        if reason is None and _acute_now(catalog, profile, plan, pain, today) is not None:
            reason = "at this pain the plan keeps to the gentle movements of the acute phase"
        if reason is None:
            reason = "it is already in the plan or not of this stage"
        raise ValueError(f"{new.name} cannot go in: {reason}")
    i = _index(plan, exercise_id)
    items = list(plan.prescriptions)
    items[i] = Prescription(exercise_id=new_id, dose=new.dose, slot=slot_for(new, profile))
    return replace(plan, prescriptions=items)


def chosen_anyway(catalog: Catalog, profile: Profile, plan: Plan) -> list[str]:
    """One line for each exercise of a physiotherapist's plan that rehab would leave out of its
    own plan for this person (`why_not`): kept, since they chose it, but said."""
    lines = []
    for p in plan.prescriptions:
        exercise = catalog.exercise(p.exercise_id)
        reason = why_not(exercise, profile)
        if reason is not None:
            lines.append(
                f"Note: rehab would leave {exercise.name} out of its own plan for you ({reason}); "
                "it is in because your physiotherapist chose it. Stop it if it hurts."
            )
    return lines


def fit_plan(
    catalog: Catalog, profile: Profile, plan: Plan, now: datetime, pain: int | None
) -> Plan:
    """The plan with every exercise this person's answers now leave out (`why_not`) replaced by
    one the stage's default plan would hold instead, at its default dose (as a swap), or left
    out when there is none. The rest, and their doses, stay as they are."""
    fits = [
        p for p in plan.prescriptions if why_not(catalog.exercise(p.exercise_id), profile) is None
    ]
    if len(fits) == len(plan.prescriptions):
        return plan
    held = {p.exercise_id for p in fits}
    spare = iter(
        p
        for p in build_plan(catalog, profile, plan.stage, now, pain).prescriptions
        if p.exercise_id not in held
    )
    out = []
    for p in plan.prescriptions:
        if p.exercise_id in held:
            out.append(p)
        elif (instead := next(spare, None)) is not None:
            out.append(instead)
    return replace(plan, prescriptions=out)


def reset_plan(
    catalog: Catalog,
    profile: Profile,
    plan: Plan,
    now: datetime,
    held_back: str | None = None,
    pain: int | None = None,
) -> Plan:
    """Back to the stage's default plan for the latest `pain` (`build_plan`), keeping the
    plan's id and its history. While held back (`Advice.held_back`) not if that would raise
    any exercise's dose (README, safety rules)."""
    fresh = build_plan(catalog, profile, plan.stage, now, pain)
    if held_back:
        now_doses = {p.exercise_id: p.dose for p in plan.prescriptions}
        if any(
            p.exercise_id in now_doses and harder(now_doses[p.exercise_id], p.dose)
            for p in fresh.prescriptions
        ):
            raise ValueError(f"Not now: the default doses are higher than yours. {held_back}")
    return replace(plan, prescriptions=fresh.prescriptions, declined=[])


def session_minutes(plan: Plan, slot: Slot, slots: Sequence[Slot]) -> int:
    """About how long one session in this slot takes (Today and the calendar export show it)."""
    return max(1, round(sum(p.dose.seconds() for p in plan.for_slot(slot, slots)) / 60))


# ---------------------------------------------------------------------------------------------
# Before a session: the pain decides what is offered (docs/clinical.md §2, §7)


@value
class SessionOffer(Frozen):
    """What a session may be at the pain rated before it. Above 5: the stage's lighter session
    or rest first; 7 or more: a step back is advised now, and the stage below's session (at
    stage 1, the lighter one) or rest first. The planned session stays possible, chosen on
    purpose; `choices` lists the lighter ones first, as the question puts them."""

    pain: int
    #: The lighter sessions offered first, by name, and why; empty: nothing to ask.
    choices: tuple[SessionChoice, ...]
    reason: str


def offer(catalog: Catalog, plan: Plan, pain: int) -> SessionOffer:
    """What the pain before a session offers (`SessionOffer`)."""
    rules = catalog.rules
    if pain >= rules.step_back_checkin:
        first: SessionChoice = "lower-stage" if plan.stage > 1 else "lighter"
        return SessionOffer(
            pain,
            (first,),
            f"A pain of {pain}/10 before a session ({rules.step_back_checkin} or more) advises "
            "a step back now: "
            + (
                f"stage {plan.stage - 1}'s session, or rest today."
                if plan.stage > 1
                else "a lighter session, or rest today."
            ),
        )
    if pain > rules.flare_pain_after_above:
        return SessionOffer(
            pain,
            ("lighter",),
            f"A pain of {pain}/10 before a session (above {rules.flare_pain_after_above}): "
            "a lighter session, or rest today.",
        )
    return SessionOffer(pain, (), "")


def lighter(catalog: Catalog, plan: Plan) -> Plan:
    """The plan at the low end of each exercise's doses: the stage's lighter session (a copy,
    never saved as the plan)."""
    items = [
        replace(p, dose=smallest(p.dose, catalog.exercise(p.exercise_id).bounds))
        for p in plan.prescriptions
    ]
    return replace(plan, prescriptions=items)


def for_choice(
    catalog: Catalog,
    profile: Profile,
    plan: Plan,
    choice: SessionChoice,
    now: datetime,
    pain: int,
) -> Plan:
    """The plan a chosen session runs (a copy, never saved as the plan): the planned one, the
    lighter one, or the stage below's (for the pain now: in acute lumbago, its acute set)."""
    if choice == "lighter":
        return lighter(catalog, plan)
    if choice == "lower-stage" and plan.stage > 1:
        below = build_plan(catalog, profile, plan.stage - 1, now, pain)
        return replace(below, id=plan.id, created_at=plan.created_at)
    return plan
