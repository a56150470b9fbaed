"""The one door: every change a person or a command makes to their records goes through here.

Screens (`tui/`) and commands (`rehab/`) call `Door` (or, for a file no one has open, the
functions in `door.files`) and nothing else to change data; tests/unit/test_one_door.py fails if
either writes through the repository. Each use case:

- asks the planner whether it may happen now and what it may offer (the gate, the advice, the
  stages at first run, the swaps and doses of a plan), so a screen can only show what the
  rules allow, and an action that slipped past a stale screen is still refused here;
- saves everything it changes in one atomic write (`Repository.save`);
- returns `Done` with what it made, or `Refused` with one line saying why. A refusal is never
  an exception, and a disk that refuses a write is a refusal too (`need="disk"`): nothing is
  changed, and the screen keeps what was entered.

Decisions stay in the pure planner; this layer only puts them in order with the store. It never
imports textual, nor the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

from planner.advice import (
    Advice,
    Standing,
    closed_as_it_stands,
    left_open,
    next_slot,
    stand,
    today_sessions,
)
from planner.bouts import BoutCount, next_bout
from planner.clock import Clock
from planner.course import latest_pain
from planner.days import DaySum, WalkSum
from planner.gate import GO_AHEAD, Gate, may_start, settled, unanswered_emergency
from planner.models import (
    AfterEmergency,
    Bout,
    Catalog,
    CheckIn,
    Clearance,
    DeclinedStep,
    Dose,
    Exercise,
    Plan,
    Profile,
    PsfsRating,
    Rating,
    Record,
    Screening,
    Session,
    SessionChoice,
    Slot,
    StageEvent,
    Walk,
)
from planner.plan import Placement, SessionOffer, for_choice, offer, place, stages_offered
from planner.progression import DoseSuggestion
from planner.safety import (
    RED_FLAG_IDS,
    RED_FLAGS,
    SESSION_CHECK_IDS,
    SIGNS,
    after_session_screening,
    screen,
)
from planner.stages import StageChange
from planner.walking import (
    Folded,
    WalkTarget,
    check_walk,
    day_pain_before,
    fold,
    reach_before,
    walk_flare_words,
)
from store import Repository, StoreError
from store.repository import Replaced

if TYPE_CHECKING:
    from door.files import Merging
    from planner.plan_file import PlanFile

T = TypeVar("T")

#: What would let a refused change go through: an all-clear after a same-day sign must say why
#: ("after-emergency"); the weekly safety check is due ("rescreen-due"); a warning sign is open
#: ("signs"); the disk refused the write ("disk"); a session at a high pain must be chosen
#: ("choice": `Door.session_offer`); or the rules say no for now ("").
Need = Literal["", "after-emergency", "rescreen-due", "signs", "disk", "choice"]


#: What a `Done` holds: read only, so a `Done[Plan]` is a `Done[object]` too.
Made = TypeVar("Made", covariant=True)


@dataclass(frozen=True)
class Done(Generic[Made]):
    """It happened: what was made, and anything worth saying about it, one line each."""

    value: Made
    said: tuple[str, ...] = ()


@dataclass(frozen=True)
class Refused:
    """It did not happen, and nothing changed: `reason` says why in one line."""

    reason: str
    need: Need = ""
    #: The gate as it stood, when the gate is why.
    gate: Gate | None = None


Result = Done[T] | Refused


@dataclass(frozen=True)
class FirstRunOffer:
    """What the first run may offer: the stage the rules recommend, and the stages the person
    may choose (a higher one only with a reason, and none while the pain advises a step back)."""

    placement: Placement
    stages: tuple[int, ...]


@dataclass(frozen=True)
class SessionStart:
    """A session may start: the plan it runs (the lighter or lower stage's one, when chosen at a
    high pain: a copy, never saved as the plan), its time of day, and what was chosen."""

    plan: Plan
    slot: Slot
    chosen: SessionChoice | None = None


#: What a person may answer at a high pain before a session: one of the sessions, or rest.
StartChoice = SessionChoice | Literal["rest"]


#: The questions a physiotherapist asks, by answer key, and the profile field each sets.
HEALTH_FIELDS = {
    "pregnant": "pregnant",
    "recent-surgery": "recent_surgery",
    "osteoporosis": "osteoporosis",
}
#: Each answer in the timeline's words.
HEALTH_WORDS = {
    "pregnant": "pregnant",
    "recent_surgery": "spinal surgery in the last three months",
    "osteoporosis": "osteoporosis or long-term steroids",
}


def everything_answered(answers: Mapping[str, bool | None], keys: frozenset[str]) -> str | None:
    """Why a set of safety answers cannot be kept (None: it can): every question answered yes
    or no, explicitly; none missing, none left blank, none unknown."""
    unknown = answers.keys() - keys
    if unknown:
        return "Unknown warning-sign questions: " + ", ".join(sorted(unknown)) + "."
    missing = [key for key in keys if answers.get(key) not in (True, False)]
    if missing:
        n = len(missing)
        return (
            f"Please answer every question: {n} still {'has' if n == 1 else 'have'} no answer "
            "(y for yes, n for no)."
        )
    return None


class Door:
    """Every use case of a person's records, over one open writer `Repository`."""

    def __init__(self, repo: Repository, catalog: Catalog, clock: Clock) -> None:
        self.repo = repo
        self.catalog = catalog
        self.clock = clock
        #: The walking programme's weeks of closed years, folded once (`_folded`), with what
        #: they were folded from: used again only while that is equal.
        self._fold: tuple[tuple[object, ...], Folded | None] | None = None

    # -- what the rules say now ----------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock()

    def standing(self) -> Standing:
        """Where the person stands now (`planner.advice.stand`), from one read of the store."""
        repo, now = self.repo, self.clock()
        plan = repo.active_plan()
        profile = repo.profile()
        earlier, walks, stored = repo.walk_history_folded(self.catalog.rules, profile, now.date())
        return stand(
            self.catalog,
            profile,
            plan,
            repo.recent_history(self.catalog, plan.stage if plan else 1, now),
            repo.safety_records(),
            repo.latest_psfs(),
            now,
            walks,
            earlier,
            stored or self._folded(profile, walks, earlier),
        )

    def _folded(
        self,
        profile: Profile | None,
        walks: Sequence[Walk],
        earlier: Mapping[date, DaySum | WalkSum],
    ) -> Folded | None:
        """The walking level's weeks before the file's first day (the closed years', some
        1,500 weeks at thirty years), folded once and kept while the profile's start, the
        closed years' sums and the walks before that day are the very same: each redraw then
        folds only this year's weeks. Never outranks the records: it is compared with them at
        every call, and made again when anything it came from differs."""
        start = self.repo.live_since()
        if profile is None or profile.walk_since is None or start is None:
            return None
        until = start.date()
        before = [w for w in walks if w.at.date() < until]
        key = (profile.walk_since, profile.walk_comfortable, until, earlier, before)
        if self._fold is None or self._fold[0] != key:
            self._fold = (key, fold(profile, before, self.catalog.rules, until, earlier))
        return self._fold[1]

    def gate(self) -> Gate:
        """May a session start now (`planner.gate.may_start`)."""
        return may_start(
            self.repo.active_plan(), self.repo.safety_records(), self.clock(), self.catalog.rules
        )

    def questions(self) -> list[tuple[str, str]]:
        """The warning-sign questions as they are put now, by sign: one a doctor has checked
        asks about anything new since that visit (a yes to it is a new sign)."""
        now = self.clock()
        seen: dict[str, date] = {}
        for c in self.repo.clearances():
            if c.at <= now:
                seen[c.sign] = c.seen_on  # oldest first: the latest visit wins
        return [(flag.id, flag.asked(seen.get(flag.id))) for flag in RED_FLAGS]

    def alarm(self) -> Screening | None:
        """The screening with a same-day sign that no all-clear has yet said why it ended: an
        all-clear now must say why (`answer_screening`)."""
        return unanswered_emergency(self.repo.safety_records().screenings, self.clock())

    # -- safety ----------------------------------------------------------------------------------

    def answer_screening(
        self,
        answers: Mapping[str, bool | None],
        context: Literal["first-run", "weekly", "re-screen"] = "re-screen",
        after_emergency: AfterEmergency | None = None,
        seen_on: date | None = None,
    ) -> Result[Gate]:
        """Keep a full set of warning-sign answers, with the pause or resume they cause, in one
        write; the gate as it then stands.

        After a same-day sign, answers with no same-day yes must also say why the alarm ended
        (`after_emergency`: a doctor has seen the person on `seen_on`, or the yes was a
        mistake); without it nothing is kept (`need="after-emergency"`)."""
        problem = everything_answered(answers, RED_FLAG_IDS)
        if problem:
            return Refused(problem)
        now = self.clock()
        alarm = self.alarm()
        again = any(answers[key] and SIGNS[key].level == "emergency" for key in answers)
        if alarm is None or again:
            after_emergency, seen_on = None, None  # nothing to end: no reason is kept
        elif after_emergency is None:
            return Refused(
                f"You answered yes to a sign that needs medical help the same day on "
                f"{alarm.at:%d %b}. Before sessions start again, say whether a doctor has "
                "seen you since, or whether that yes was a mistake.",
                need="after-emergency",
            )
        elif after_emergency == "seen-doctor":
            if seen_on is None:
                return Refused("Please give the day the doctor saw you.")
            if seen_on > now.date():
                return Refused("The day the doctor saw you cannot be in the future.")
            if seen_on < alarm.at.date():
                return Refused(
                    f"That visit was before you answered yes on {alarm.at:%d %b}: it does not "
                    "answer it. Please see a doctor about it first."
                )
        else:
            seen_on = None
        given = {key: bool(answer) for key, answer in answers.items()}  # none is None: checked
        screening = screen(given, now, context)
        screening = replace(screening, after_emergency=after_emergency, seen_on=seen_on)
        return self._settle(screening)

    def record_clearances(
        self, signs: Sequence[str], seen_on: date, note: str = ""
    ) -> Result[Gate]:
        """A doctor has checked these open signs of history and said exercise is fine: kept,
        with the resume it allows, in one write. Only open signs a clearance may stand in for
        (never a same-day sign); the visit not in the future."""
        gate = self.gate()
        clearable = {s.flag.id for s in gate.signs if s.clearable}
        if not signs:
            return Refused("Nothing to record: see a doctor first, then come back.")
        wrong = [sign for sign in signs if sign not in clearable]
        if wrong:
            return Refused(
                "Only an open warning sign about your history can be marked as checked by a "
                "doctor; a same-day sign never can."
            )
        now = self.clock()
        if seen_on > now.date():
            return Refused("The day the doctor saw you cannot be in the future.")
        note = note.strip()
        return self._settle(
            *(Clearance(at=now, sign=sign, seen_on=seen_on, note=note) for sign in signs)
        )

    def record_go_ahead(self, seen_on: date, note: str = "") -> Result[Gate]:
        """After recent spinal surgery: the surgeon's or physiotherapist's go-ahead, with the
        day they gave it; sessions may then start (docs/clinical.md §7)."""
        gate = self.gate()
        if gate.why != "surgery":
            return Refused("No go-ahead is being waited for.")
        now = self.clock()
        if seen_on > now.date():
            return Refused("The day of the go-ahead cannot be in the future.")
        return self._settle(Clearance(at=now, sign=GO_AHEAD, seen_on=seen_on, note=note.strip()))

    def _settle(self, *records: Record) -> Result[Gate]:
        """Save records that bear on safety with the pause or resume they cause
        (`planner.gate.settled`), in one write; the gate as it then stands."""
        gate, to_save = settled(
            self.repo.active_plan(),
            self.repo.safety_records(),
            records,
            self.clock(),
            self.catalog.rules,
        )
        return self._save(gate, *to_save)

    def _save(self, value: T, *records: Record, said: Sequence[str] = ()) -> Result[T]:
        """Save `records` in one atomic write; `Done(value)`, or the disk's refusal."""
        try:
            self.repo.save(*records)
        except (OSError, StoreError) as error:
            return Refused(not_saved(error), need="disk")
        return Done(value, tuple(said))

    # -- the first run ---------------------------------------------------------------------------

    def first_run_offer(self, profile: Profile, pain: Rating) -> FirstRunOffer:
        """The recommended stage for this person at this pain, and the stages they may pick."""
        placement = place(
            pain.worse,
            profile.episode_start,
            self.clock().date(),
            self.catalog,
            profile.conditions,
            leg=pain.leg is not None,
        )
        return FirstRunOffer(placement, stages_offered(self.catalog, placement, pain.worse))

    def first_run(
        self, profile: Profile, pain: Rating, stage: int, reason: str = ""
    ) -> Result[StageChange]:
        """The profile, the pain now (a check-in) and the first plan, in one write. Only after
        a full set of answers with no sign open; only a stage the offer allows, and one above
        the recommended stage only with a reason, which is kept."""
        from planner.stages import start_programme

        gate = self.gate()
        if gate.signs or gate.why == "no-screen":
            return Refused(gate.reason, need="signs" if gate.signs else "", gate=gate)
        offer = self.first_run_offer(profile, pain)
        recommended = offer.placement.stage
        if stage not in offer.stages:
            return Refused(
                f"At a pain of {pain.worse}/10 the plan starts at stage {recommended}: nothing "
                "harder while the pain is this high. You can move on from Progress once it "
                "settles."
            )
        reason = reason.strip()
        if stage > recommended and not reason:
            return Refused("Please say why you want to start above the recommended stage.")
        if stage > recommended:
            why = reason
        elif stage == recommended:
            why = "recommended at first run"
        else:
            why = f"chose stage {stage}, below the recommended {recommended}"
        now = self.clock()
        change = start_programme(
            self.catalog, profile, stage, now, why, recommended, pain=pain.worse
        )
        checkin = CheckIn(at=now, pain=pain.back, leg_pain=pain.leg, reach=pain.reach)
        return self._save(change, profile, checkin, change.plan, change.event)

    # -- check-ins, sessions, walks, bouts, activities -------------------------------------------

    def check_in(self, checkin: CheckIn) -> Result[CheckIn]:
        """Keep a pain check-in (any time: recording pain is always allowed). Leg pain reported
        for the first time makes every rating from now on back and leg apart, in the same
        write."""
        records: list[Record] = [checkin]
        profile = self.repo.profile()
        if profile is None:
            return Refused("Set up your plan first.")
        if checkin.leg_pain is not None and not profile.leg_symptoms:
            records.append(replace(profile, leg_symptoms=True))
        return self._save(checkin, *records)

    def session_offer(self, before: Rating) -> SessionOffer:
        """What a session may be at this pain before it (`planner.plan.offer`): nothing to ask
        at 5 or less; a lighter session or rest first above 5; the stage below's (or rest)
        first at 7 or more, with a step back advised."""
        plan = self.repo.active_plan()
        if plan is None:
            return SessionOffer(before.worse, (), "")
        return offer(self.catalog, plan, before.worse)

    def start_session(
        self, before: Rating, choice: StartChoice | None = None
    ) -> Result[SessionStart | None]:
        """May a session start now, with this pain before it? Only through an open gate, and at
        a pain above 5 only as chosen (`session_offer`: the planned session is a choice too;
        "rest" starts none). A session cut off before is closed as it stood, and the pain
        counts as the day's check-in when it is the first, all in one write."""
        standing = self.standing()
        profile, plan, gate = standing.profile, standing.plan, standing.gate
        if profile is None or plan is None:
            return Refused("Set up your plan first.")
        if not gate.open:
            need: Need = "rescreen-due" if gate.why == "rescreen-due" else "signs"
            return Refused(gate.reason, need=need, gate=gate)
        offered = offer(self.catalog, plan, before.worse)
        if offered.choices and choice is None:
            return Refused(offered.reason, need="choice")
        if choice is not None and choice not in (*offered.choices, "planned", "rest"):
            return Refused(offered.reason or "That session is not offered at this pain.")
        now, history = standing.now, standing.history
        records: list[Record] = []
        left = left_open(history.sessions)
        if left is not None and choice != "rest":
            records.append(closed_as_it_stands(left))
        if not any(c.at.date() == now.date() for c in history.checkins):
            records.append(
                CheckIn(at=now, pain=before.back, leg_pain=before.leg, reach=before.reach)
            )
        if choice == "rest":
            return self._save(None, *records, said=("Rest today: that is part of the plan.",))
        slot = next_slot(today_sessions(plan, profile, history, now), now.hour)
        chosen = choice if offered.choices else None
        runs = for_choice(self.catalog, profile, plan, chosen or "planned", now, before.worse)
        return self._save(SessionStart(runs, slot, chosen), *records)

    def save_session(self, session: Session) -> Result[Session]:
        """Keep a session as it stands while it runs (after each exercise), so a crash or a
        closed terminal keeps what was done. Its end form's answers come with `finish_session`."""
        return self._save(session, session)

    def finish_session(
        self, session: Session, symptoms: Mapping[str, bool | None] | None
    ) -> Result[Gate]:
        """Keep a session with its end-of-session answers, both given explicitly; a yes
        pauses the plan in the same write. Without answers (the app closing on an unanswered
        form) the session is kept left open, for the next start to finish."""
        if symptoms is None:
            return self._save(self.gate(), replace(session, ended_at=None, new_symptoms=None))
        problem = everything_answered(symptoms, SESSION_CHECK_IDS)
        if problem:
            return Refused(problem)
        answers = {key: bool(value) for key, value in symptoms.items()}
        session = replace(session, new_symptoms=any(answers.values()))
        return self._settle(session, after_session_screening(answers, self.clock()))

    def close_open_session(self) -> Result[Session]:
        """Close the session cut off before its end form, as it stood."""
        left = left_open(self.standing().history.sessions)
        if left is None:
            return Refused("No session is waiting to be finished.")
        closed = closed_as_it_stands(left)
        return self._save(closed, closed)

    def record_bout(self) -> Result[BoutCount]:
        """One bout of the first exercise with bouts left today; not while sessions are stopped."""
        standing = self.standing()
        if standing.plan is None or not standing.bouts:
            return Refused("Your plan has no exercise done in bouts.")
        if not standing.gate.open:
            return Refused(standing.gate.reason, gate=standing.gate)
        count = next_bout(standing.bouts)
        if count is None:
            return Refused("Today's bouts are done. Rest is part of the plan.")
        bout = Bout(at=self.clock(), exercise_id=count.exercise_id, plan_id=standing.plan.id)
        return self._save(replace(count, done=count.done + 1), bout)

    def record_walk(self, walk: Walk) -> Result[WalkTarget | None]:
        """Keep a walk of the walking programme; not while sessions are stopped, and only as
        the programme allows (backwards only from its stage, and not too long)."""
        standing = self.standing()
        if standing.plan is None or standing.walk is None:
            return Refused("Say first how long you walk comfortably (w on Today).")
        if not standing.gate.open:
            return Refused(standing.gate.reason, gate=standing.gate)
        problem = check_walk(walk.minutes, walk.backward, standing.walk)
        if problem is not None:
            return Refused(problem)
        # What the day's check-in said before the walk (the reach: as last rated), kept with
        # it: the walk's flare rule reads the walk alone.
        checkins = standing.history.checkins
        if walk.day_pain is None:
            walk = replace(walk, day_pain=day_pain_before(checkins, walk.at))
        if walk.reach_after is not None and walk.day_reach is None:
            walk = replace(walk, day_reach=reach_before(checkins, walk.at))
        saved = self._save(None, walk)
        if isinstance(saved, Refused):
            return saved
        flared = walk_flare_words(walk, self.catalog.rules)
        return Done(self.standing().walk, (flared,) if flared else ())

    def set_walking(self, minutes: int) -> Result[WalkTarget | None]:
        """How long the person walks comfortably now: the walking programme starts from it
        today."""
        profile = self.repo.profile()
        if profile is None:
            return Refused("Set up your plan first.")
        changed = replace(profile, walk_comfortable=minutes, walk_since=self.clock().date())
        saved = self._save(None, changed)
        if isinstance(saved, Refused):
            return saved
        return Done(self.standing().walk)

    def change_health(self, answers: Mapping[str, bool | None]) -> Result[Profile]:
        """New answers to the questions a physiotherapist asks (pregnant, recent spinal surgery,
        osteoporosis or steroids), each given explicitly. Kept with a "health" stage event in
        the timeline; a plan rehab built loses what they now leave out (`fit_plan`); a
        physiotherapist's plan stays theirs, with a line for each such exercise; a new yes to
        surgery makes sessions wait for a go-ahead given after it. One write."""
        from planner.plan import chosen_anyway, fit_plan

        problem = everything_answered(answers, frozenset(HEALTH_FIELDS))
        if problem is not None:
            return Refused(problem.replace("warning-sign ", ""))
        standing = self.standing()
        profile, plan = standing.profile, standing.plan
        if profile is None or plan is None:
            return Refused("Set up your plan first.")
        new = {name: bool(answers[key]) for key, name in HEALTH_FIELDS.items()}
        changed = [name for name, yes in new.items() if getattr(profile, name) is not yes]
        if not changed:
            return Refused("Nothing changed: these are the answers you gave before.")
        now = self.clock()
        said_at = profile.surgery_said_at if new["recent_surgery"] else None
        if new["recent_surgery"] and not profile.recent_surgery:
            said_at = now
        person = replace(
            profile,
            pregnant=new["pregnant"],
            recent_surgery=new["recent_surgery"],
            osteoporosis=new["osteoporosis"],
            surgery_said_at=said_at,
        )
        words = "; ".join(
            f"{HEALTH_WORDS[name]}: {'yes' if new[name] else 'no'}" for name in changed
        )
        event = StageEvent(
            at=now,
            from_stage=plan.stage,
            to_stage=plan.stage,
            kind="health",
            reason="Answers changed: " + words,
        )
        records: list[Record] = [person, event]
        said = [f"Kept: {words}."]
        if plan.source is None:
            fitted = fit_plan(self.catalog, person, plan, now, latest_pain(standing.history))
            if fitted != plan:
                records.append(fitted)
                gone = {p.exercise_id for p in plan.prescriptions} - {
                    p.exercise_id for p in fitted.prescriptions
                }
                names = ", ".join(sorted(self.catalog.name_of(e) for e in gone))
                said.append(f"Your plan leaves out {names} now; the stage's others stand in.")
        else:
            said += chosen_anyway(self.catalog, person, plan)
        if said_at == now:
            said.append(
                "Sessions now wait for your surgeon's or physiotherapist's go-ahead: "
                "record it on Today (d) once they say you may start."
            )
        return self._save(person, *records, said=said)

    def rate_activities(self, rating: PsfsRating) -> Result[PsfsRating]:
        """Keep a PSFS rating."""
        return self._save(rating, rating)

    # -- the plan --------------------------------------------------------------------------------

    def _plan_and_advice(self) -> tuple[Profile, Plan, Advice, Standing] | Refused:
        standing = self.standing()
        if standing.profile is None or standing.plan is None or standing.advice is None:
            return Refused("Set up your plan first.")
        return standing.profile, standing.plan, standing.advice, standing

    def _edited(self, edit: Callable[[], Plan], said: str = "") -> Result[Plan]:
        """Save the plan `edit` makes (the planner's own check refuses with ValueError, said
        in one line); `said` after it."""
        try:
            changed = edit()
        except ValueError as problem:
            return Refused(str(problem))
        return self._save(changed, changed, said=(said,) if said else ())

    def change_dose(self, exercise_id: str, dose: Dose) -> Result[Plan]:
        """Set one dose by hand: within the exercise's limits, and never higher while held
        back (a sign, a pause, a step back advised)."""
        from planner.plan import change_dose

        found = self._plan_and_advice()
        if isinstance(found, Refused):
            return found
        _, plan, advice, _ = found
        return self._edited(
            lambda: change_dose(self.catalog, plan, exercise_id, dose, advice.held_back),
            f"{self.catalog.name_of(exercise_id)}: {dose.label()}.",
        )

    def swap_options(self, exercise_id: str) -> list[tuple[Exercise, str]]:
        """What an exercise may be swapped for now: never harder while held back, and in the
        acute phase only the movements its set allows at the latest pain."""
        from planner.plan import swap_options

        found = self._plan_and_advice()
        if isinstance(found, Refused):
            return []
        profile, plan, advice, standing = found
        return swap_options(
            self.catalog,
            profile,
            plan,
            exercise_id,
            advice.held_back,
            pain=latest_pain(standing.history),
            today=standing.now.date(),
        )

    def why_no_swap(self) -> str:
        """Why `swap_options` offers nothing, for the person."""
        from planner.plan import why_no_swap

        standing = self.standing()
        if standing.profile is None or standing.plan is None:
            return "Set up your plan first."
        return why_no_swap(
            self.catalog,
            standing.profile,
            standing.plan,
            latest_pain(standing.history),
            standing.now.date(),
        )

    def swap(self, exercise_id: str, new_id: str) -> Result[Plan]:
        """Swap an exercise for one of `swap_options`, at its default dose."""
        from planner.plan import swap

        found = self._plan_and_advice()
        if isinstance(found, Refused):
            return found
        profile, plan, advice, standing = found
        name = self.catalog.name_of
        return self._edited(
            lambda: swap(
                self.catalog,
                profile,
                plan,
                exercise_id,
                new_id,
                advice.held_back,
                pain=latest_pain(standing.history),
                today=standing.now.date(),
            ),
            f"Swapped {name(exercise_id)} for {name(new_id)}.",
        )

    def favour_direction(self) -> Result[Plan]:
        """Take Plan's suggestion to favour the direction that eases the leg symptoms
        (`planner.direction`): never while no session may start, never harder."""
        from planner.direction import favoured

        found = self._plan_and_advice()
        if isinstance(found, Refused):
            return found
        profile, plan, _, standing = found
        if not standing.gate.open:
            return Refused(standing.gate.reason, gate=standing.gate)
        leaning = standing.favour
        if leaning is None:
            return Refused("Your sessions do not point to a direction to favour.")
        return self._edited(
            lambda: favoured(self.catalog, profile, plan, leaning), leaning.words(self.catalog)
        )

    def _waiting_step(self) -> tuple[Plan, Advice, DoseSuggestion] | Refused:
        """The plan, the advice and the first dose step suggested, or why there is none."""
        found = self._plan_and_advice()
        if isinstance(found, Refused):
            return found
        _, plan, advice, _ = found
        if not advice.doses:
            return Refused("No dose step is waiting.")
        return plan, advice, advice.doses[0]

    def take_dose_step(self) -> Result[DoseSuggestion]:
        """Take the first dose step suggested (only steps down are suggested while held back)."""
        from planner.plan import change_dose

        found = self._waiting_step()
        if isinstance(found, Refused):
            return found
        plan, advice, step = found
        taken = self._edited(
            lambda: change_dose(
                self.catalog, plan, step.exercise_id, step.proposed, advice.held_back
            )
        )
        return taken if isinstance(taken, Refused) else Done(step)

    def decline_dose_step(self) -> Result[DoseSuggestion]:
        """Say no to the first dose step suggested: it is not suggested again at this dose (a
        step down, until it hurts again)."""
        found = self._waiting_step()
        if isinstance(found, Refused):
            return found
        plan, _, step = found
        declined = DeclinedStep(
            exercise_id=step.exercise_id,
            current=step.current,
            proposed=step.proposed,
            session_id=step.session_id,
        )
        return self._save(step, replace(plan, declined=[*plan.declined, declined]))

    def reset_plan(self) -> Result[Plan]:
        """Back to the stage's default plan for the latest pain; not if that raises a dose
        while held back."""
        from planner.plan import reset_plan

        found = self._plan_and_advice()
        if isinstance(found, Refused):
            return found
        profile, plan, advice, standing = found
        return self._edited(
            lambda: reset_plan(
                self.catalog,
                profile,
                plan,
                self.clock(),
                advice.held_back,
                pain=latest_pain(standing.history),
            ),
            "Plan reset to the stage default.",
        )

    # -- stages ----------------------------------------------------------------------------------

    def _change_stage(self, change: StageChange) -> Result[StageChange]:
        records: list[Record] = [change.plan, change.event]
        if change.old_plan is not None:
            records.insert(0, change.old_plan)
        return self._save(change, *records)

    def move_on(self) -> Result[StageChange]:
        """Move on to the next stage: only when every criterion holds and nothing holds the
        person back."""
        return self._advance(None)

    def move_on_early(self, reason: str) -> Result[StageChange]:
        """Move on before every criterion holds, with a typed reason that is kept; never while
        held back."""
        return self._advance(reason)

    def _advance(self, reason: str | None) -> Result[StageChange]:
        from planner.stages import advance

        found = self._plan_and_advice()
        if isinstance(found, Refused):
            return found
        profile, plan, advice, _ = found
        if advice.move_on.to_stage is None:
            return Refused("This is the last stage.")
        if advice.held_back:
            return Refused(advice.held_back, gate=advice.gate)
        if reason is None and not advice.recommend_move_on:
            return Refused(advice.move_on.reason())
        if reason is not None and not reason.strip():
            return Refused("Please type a reason; it is kept with your history.")
        change = advance(self.catalog, profile, plan, advice, self.clock(), override_reason=reason)
        return self._change_stage(change)

    def step_back(self) -> Result[StageChange]:
        """Go back one stage (at stage 1: every dose one step lower); not while sessions are
        stopped, when nothing changes until the safety questions are answered."""
        from planner.stages import step_back

        found = self._plan_and_advice()
        if isinstance(found, Refused):
            return found
        profile, plan, advice, standing = found
        if advice.paused:
            return Refused(advice.gate.reason, gate=advice.gate)
        change = step_back(
            self.catalog,
            profile,
            plan,
            self.clock(),
            recommendation=advice.step_back,
            pain=latest_pain(standing.history),
        )
        return self._change_stage(change)

    # -- a physiotherapist's plan ----------------------------------------------------------------

    def import_plan(self, file: PlanFile, source_name: str) -> Result[Plan]:
        """Make a physiotherapist's checked plan file the plan in force, marked as theirs, after
        a backup; in one write with the stage event that says so. Not while a warning sign is
        open or the plan is paused, and no higher stage while a step back is advised."""
        from planner import plan_file

        found = self._plan_and_advice()
        if isinstance(found, Refused):
            return found
        _, before, advice, _ = found
        now = self.clock()
        refused = plan_file.import_refusal(before, self.repo.safety_records(), now)
        if refused is not None:
            return Refused(refused, gate=advice.gate)
        plan = file.plan(now)
        if advice.held_back and plan.stage > before.stage:
            return Refused(
                f"Not a higher stage now: {advice.held_back} Load it once this settles, or ask "
                "your physiotherapist. Nothing was changed."
            )
        try:
            kept = self.repo.backup_now("before-plan-import")
        except (OSError, StoreError) as error:
            return Refused(not_saved(error), need="disk")
        assert plan.source is not None
        event = StageEvent(
            at=now,
            from_stage=before.stage,
            to_stage=plan.stage,
            kind="override",
            reason=f"A plan from {plan.source.who} was loaded from {source_name}.",
        )
        said = [f"The file was backed up first to {kept}"] if kept is not None else []
        return self._save(plan, plan, event, *self._archived_others(plan), said=said)

    def _archived_others(self, plan: Plan) -> list[Plan]:
        now = self.clock()
        return [
            replace(other, status="archived", archived_at=now)
            for other in self.repo.plans()
            if other.id != plan.id and other.status != "archived"
        ]

    # -- the file as a whole ---------------------------------------------------------------------

    def backup(self) -> Result[Path | None]:
        """Copy the file to its backups now (None: nothing saved yet)."""
        try:
            return Done(self.repo.backup_now())
        except (OSError, StoreError) as error:
            return Refused(not_saved(error), need="disk")

    def restore(self, backup_path: str | Path) -> Result[Replaced]:
        """Put a backup back. The current file is backed up first, and every safety record it
        holds that the backup lacks is carried into the restored file in the same write
        (`door.files.keep_safety`): a file operation never ends a warning sign."""
        from door.files import keep_safety

        try:
            kept = self.repo.restore(backup_path, carry=keep_safety(self.catalog, self.clock()))
        except (OSError, StoreError) as error:
            return Refused(str(error) if isinstance(error, StoreError) else not_saved(error))
        return Done(kept, tuple(kept.lines(self.repo.path)))

    def merge(self, source: Path) -> Result[Merging]:
        """Merge another computer's copy of the file (or a sync tool's conflict copy, or an
        export) into the open file, as `rehab merge` does (`door.files.merged_into`): every
        record of both, every safety answer of either counting, the file backed up first; a
        conflict copy beside the file then moves into backups/."""
        from door.files import merged_into, read_incoming

        tables = read_incoming(source)
        if isinstance(tables, Refused):
            return tables
        merging = merged_into(
            self.repo.path,
            tables.value,
            source,
            lambda carry: self.repo.replace_with(tables.value, "merge", carry),
            clock=self.clock,
            catalog=self.catalog,
        )
        if isinstance(merging, Done):
            close_years(self.repo, self.catalog)
        return merging


def close_years(repo: Repository, catalog: Catalog) -> Result[list[int]]:
    """Move the records of every closed year into its archive (`store.archive`): what the
    app does as it opens a file, and the demo and an import once they have written one. A
    refusal (a full disk) changes nothing: the records stay in the file, read as ever, and
    move next time."""
    try:
        years = repo.close_years(catalog.rules)
    except StoreError as error:
        return Refused(str(error))
    except OSError as error:
        return Refused(not_saved(error), need="disk")
    return Done(years)


def not_saved(error: BaseException) -> str:
    """A refused write in one line: the operating system's words, or the store's."""
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return f"Could not save: {reason.rstrip('.')}. Nothing was changed."


__all__ = [
    "Done",
    "close_years",
    "Door",
    "FirstRunOffer",
    "Refused",
    "Result",
    "SessionStart",
    "everything_answered",
]
