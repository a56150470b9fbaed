"""A person, and the files they keep, driving the door through every use case in any order.

`Person` is a hypothesis state machine. Its rules are the use cases of `door/` (first run,
screenings with or without a reason after an alarm, clearances, check-ins, sessions with their
end-of-session answers, walks, bouts, dose changes, swaps, dose steps, resets, moving on, early
or back, health answers changed, sessions leaning one way and the direction favoured, a
physiotherapist's plan, back-ups, restores, imports) and the clock moving forward by
minutes to weeks. After every step it checks the promises:

- no session starts while a warning sign is open (not cleared by a doctor, and after an alarm
  no all-clear that said why it ended), nor with the weekly check overdue; the gate says "a sign
  is open" exactly when an oracle kept here, apart from the planner, says so;
- nothing gets harder while a step back is advised or sessions are stopped: no dose up, no
  harder swap, no dose step up, no moving on, no higher stage at first run or from a plan file;
- every record the door acknowledged is still in the file, or (after a restore or an import)
  in the backup that operation named;
- every safety answer in the file is one the person gave, as they meant it, key by key through
  the same key handling the screens use (`tui.widgets.answers.press`), stray Enter and Space
  among them.

`REACHED` counts the guarded states the run entered; tests/unit/test_door_machine.py fails if
one stays at zero, and tests/unit/test_door_mutants.py breaks each promise once to watch the
machine catch it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

import tui.widgets.answers as answer_keys
from door import Done, Door, Refused, close_years
from door.files import import_file
from planner.models import CheckIn, Condition, Rating, Session, Walk
from planner.plan import build_plan, harder
from planner.plan_file import PlanFile
from planner.safety import CLEARABLE, RED_FLAGS, SESSION_CHECKS, SIGNS
from planner.walking import target_for
from seeds import load_catalog
from store import Repository
from store.archive import ARCHIVED
from store.check_stamp import sidecar
from tests.conftest import FakeClock, make_profile

CATALOG = load_catalog()
RULES = CATALOG.rules
START = datetime(2026, 11, 2, 8, 0)
FULL_KEYS = [flag.id for flag in RED_FLAGS]
SESSION_KEYS = [flag.id for flag in SESSION_CHECKS]
EMERGENCY = {key for key, flag in SIGNS.items() if flag.level == "emergency"}
WEEKLY = timedelta(days=RULES.rescreen_days + RULES.rescreen_grace_days)

#: Warning-sign answers: mostly none, now and then one or two.
SOME_YES = st.one_of(
    st.just([]), st.just([]), st.just([]), st.lists(st.sampled_from(FULL_KEYS), max_size=2)
)

#: How often each guarded state was entered, across a whole run of the machine.
REACHED: Counter[str] = Counter()
GUARDED = (
    "an emergency open",
    "an all-clear refused for want of a reason",
    "a step back advised",
    "something harder refused while held back",
    "a restore or import over a newer safety record",
    "a session refused at a closed gate",
    "a first run at a pain of 7 or more",
    "a session at a high pain, as chosen",
    "a direction favoured",
    "a new yes to spinal surgery",
    "waiting for a go-ahead",
    "closed years moved to their archives",
    "a walking level with closed years folded",
    "a walking level from the one kept at a closed year's end",
)


def typed(keys: list[str], meant: list[bool], noise: list[str]) -> dict[str, bool | None]:
    """The answers a person gives who means `meant`, answering whatever question is
    highlighted, with stray keys (Enter, space) pressed among the answers and, out of habit,
    after the last one: the first half of `noise` before it, the rest after."""
    answers: list[bool | None] = [None] * len(keys)
    at = 0
    among, after = iter(noise[: len(noise) // 2]), noise[len(noise) // 2 :]
    for _ in range(2 * len(keys) + len(noise)):
        if None not in answers:
            break
        stray = next(among, None)
        key = stray if stray is not None else ("y" if meant[at] else "n")
        answers, at, _ = answer_keys.press(keys, answers, at, key)
    for key in after:
        answers, at, _ = answer_keys.press(keys, answers, at, key)
    return dict(zip(keys, answers, strict=True))


def meant_answers(draw_yes: list[str], keys: list[str]) -> list[bool]:
    return [key in draw_yes for key in keys]


class Oracle:
    """What the warning-sign rules say, kept apart from the planner: which signs are open."""

    def __init__(self) -> None:
        self.alarm = False
        self.urgent: set[str] = set()
        #: Each sign a doctor cleared, and when: a clearance answers a yes given at or before
        #: it; a yes after it is something new (docs/clinical.md §7, clearances in time).
        self.cleared: dict[str, datetime] = {}
        self.last_full: datetime | None = None

    @property
    def open(self) -> bool:
        return self.alarm or bool(self.urgent)

    def full(self, answers: dict[str, bool], reason: bool, now: datetime) -> None:
        if any(answers[key] for key in EMERGENCY & answers.keys()):
            self.alarm = True
        elif reason:
            self.alarm = False
        self.urgent = {
            key
            for key, yes in answers.items()
            if yes
            and key not in EMERGENCY
            and not (key in self.cleared and self.cleared[key] >= now)
        }
        self.last_full = now

    def after_session(self, answers: dict[str, bool]) -> None:
        if answers["same-day"]:
            self.alarm = True
        if answers["one-leg"]:
            self.urgent.add("one-leg")

    def clear(self, signs: set[str], now: datetime) -> None:
        self.cleared.update(dict.fromkeys(signs, now))
        self.urgent -= signs


class Person(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        shm = Path("/dev/shm")
        self.dir = Path(
            tempfile.mkdtemp(prefix="rehab-machine-", dir=shm if shm.is_dir() else None)
        )
        self.path = self.dir / "rehab.json"
        self.clock = FakeClock(START)
        self.door = Door(Repository.open(self.path, clock=self.clock), CATALOG, self.clock)
        self.oracle = Oracle()
        #: Every record id the door said it kept.
        self.kept: set[str] = set()
        #: Every screening kept, by id: the answers the person meant.
        self.meant: dict[str, dict[str, bool]] = {}
        self.exports: list[dict] = []
        self.backups_made = 0
        #: When the person last said yes to recent spinal surgery (None: no surgery), and every
        #: go-ahead they recorded: sessions wait until one comes after the yes.
        self.surgery_since: datetime | None = None
        self.go_aheads: list[datetime] = []

    def teardown(self) -> None:
        self.door.repo.close()
        # Each file's `.checked` stamp too: they share one cache folder, which every save
        # lists for a crashed writer's leftovers, and hundreds of walks left thousands there.
        for path in self.dir.rglob("*.json"):
            sidecar(path).unlink(missing_ok=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers ---------------------------------------------------------------------------------

    @property
    def repo(self) -> Repository:
        return self.door.repo

    def ids(self) -> set[str]:
        """Every record's id, in the file and in its archives: what `repo.documents()` holds,
        read without parsing a document (twice a step, that parse was a seventh of the walk)."""
        repo = self.repo
        found = {
            i for name, table in repo._tables.items() if name != "meta" for i in table.documents
        }
        for archive in repo._archives.values():
            for name in ARCHIVED:
                found.update(archive.tables().get(name, {}))
        return found

    def keep(self, result, before: set[str]):
        """Note what a Done saved: every id new or re-saved since `before`."""
        if isinstance(result, Done):
            self.kept |= self.ids() - before
        return result

    def held(self) -> bool:
        """Held back now: a step back advised, or sessions stopped (the gate closed), by the
        planner's advice and by the oracle alike."""
        standing = self.door.standing()
        advice = standing.advice
        if advice is not None and advice.step_back is not None:
            REACHED["a step back advised"] += 1
        return self.oracle.open or (
            advice is not None and (advice.step_back is not None or not standing.gate.open)
        )

    def refused_harder(self, result) -> None:
        assert isinstance(result, Refused), (
            f"something harder went through while held back: {result}"
        )
        REACHED["something harder refused while held back"] += 1

    def screening(self, keys: list[str], yes: list[str], noise: list[str]) -> tuple[dict, dict]:
        meant = dict(zip(keys, meant_answers(yes, keys), strict=True))
        return meant, typed(keys, list(meant.values()), noise)

    def note_screenings(self, before: set[str], meant: dict[str, bool]) -> None:
        for s in self.repo.screenings():
            if s.id not in before and s.id not in self.meant:
                self.meant[s.id] = meant

    # -- the first run ---------------------------------------------------------------------------

    @initialize(
        begun=st.sampled_from([True, True, True, False]),
        pain=st.integers(0, 10),
        lumbago=st.booleans(),
        days=st.sampled_from([2, 10, 30, 90]),
        stage=st.integers(1, 4),
    )
    def begin(self, begun, pain, lumbago, days, stage):
        """Most runs start past a first run with no sign, so the day's use cases get their
        turn; the rest start from an empty file."""
        if begun:
            self.first_run(pain, None, lumbago, days, stage, [], [])

    @precondition(lambda self: self.repo.is_new())
    @rule(
        pain=st.integers(0, 10),
        leg=st.none() | st.integers(0, 10),
        lumbago=st.booleans(),
        days=st.sampled_from([2, 10, 30, 90]),
        stage=st.integers(1, 4),
        yes=SOME_YES,
        noise=st.lists(st.sampled_from(["enter", "space"]), max_size=3),
    )
    def first_run(self, pain, leg, lumbago, days, stage, yes, noise):
        meant, given = self.screening(FULL_KEYS, yes, noise)
        self.answer(meant, given, "first-run", None)
        conditions = [Condition.LUMBAGO] if lumbago else [Condition.LDH, Condition.SCIATICA]
        profile = make_profile(
            conditions=conditions,
            episode_start=self.clock().date() - timedelta(days=days),
            leg_symptoms=not lumbago,
        )
        rating = Rating(pain, None if lumbago else (leg or 0), None if lumbago else "thigh")
        offer = self.door.first_run_offer(profile, rating)
        if rating.worse >= RULES.step_back_checkin:
            REACHED["a first run at a pain of 7 or more"] += 1
            assert max(offer.stages) <= offer.placement.stage, "a higher stage offered at pain 7+"
        before = self.ids()
        result = self.keep(self.door.first_run(profile, rating, stage, "my physio said so"), before)
        if self.oracle.open or self.oracle.last_full is None:
            assert isinstance(result, Refused), "a first run past an open sign"
        if rating.worse >= RULES.step_back_checkin and stage > offer.placement.stage:
            self.refused_harder(result)

    # -- safety ----------------------------------------------------------------------------------

    def answer(self, meant, given, context, reason) -> None:
        before = self.ids()
        after_emergency, seen_on = reason if reason else (None, None)
        result = self.keep(
            self.door.answer_screening(given, context, after_emergency, seen_on), before
        )
        if isinstance(result, Refused) and result.need == "after-emergency":
            REACHED["an all-clear refused for want of a reason"] += 1
        if isinstance(result, Done):
            self.note_screenings(before, meant)
            kept = self.repo.screenings()[-1]
            self.oracle.full(given, kept.after_emergency is not None, self.clock())

    @rule(
        yes=SOME_YES,
        noise=st.lists(st.sampled_from(["enter", "space"]), max_size=3),
        why=st.none() | st.sampled_from(["seen-doctor", "mistake"]),
        seen_days_ago=st.integers(-1, 3),
    )
    def rescreen(self, yes, noise, why, seen_days_ago):
        meant, given = self.screening(FULL_KEYS, yes, noise)
        reason = None
        if why is not None:
            seen = self.clock().date() - timedelta(days=seen_days_ago)
            reason = (why, seen if why == "seen-doctor" else None)
        self.answer(meant, given, "re-screen", reason)

    @rule(
        sign=st.sampled_from(sorted(EMERGENCY & set(FULL_KEYS))),
        noise=st.lists(st.sampled_from(["enter", "space"]), max_size=3),
    )
    def alarm_then_all_clear(self, sign, noise):
        """A same-day sign, then (the person feeling better) every answer no, with no word on
        why the alarm ended: that all-clear must not be kept."""
        self.rescreen([sign], noise, None, 0)
        self.rescreen([], noise, None, 0)

    @rule(days_ago=st.integers(-1, 5))
    def clearance(self, days_ago):
        gate = self.door.gate()
        signs = sorted({s.flag.id for s in gate.signs if s.flag.id in CLEARABLE})
        before = self.ids()
        result = self.keep(
            self.door.record_clearances(signs, self.clock().date() - timedelta(days=days_ago)),
            before,
        )
        if isinstance(result, Done):
            self.oracle.clear(set(signs), self.clock())

    # -- the day ---------------------------------------------------------------------------------

    @rule(choice=st.sampled_from(["lighter", "lower-stage", "rest"]))
    def high_pain_session(self, choice):
        """Scripted, as rare states are (a walk through the rules shifts with every rule
        added): a session begun at pain 8, as the person chose."""
        self.session(8, 5, 1.0, False, [], [], choice)

    @rule(pain=st.integers(0, 10), leg=st.none() | st.integers(0, 10))
    def check_in(self, pain, leg):
        before = self.ids()
        self.keep(self.door.check_in(CheckIn(at=self.clock(), pain=pain, leg_pain=leg)), before)

    @rule(
        before_pain=st.integers(0, 10) | st.integers(6, 10),  # a high pain half the time
        after_pain=st.integers(0, 10),
        done=st.floats(0, 1),
        hurt=st.booleans(),
        yes=st.lists(st.sampled_from(SESSION_KEYS), max_size=2) | st.just([]),
        noise=st.lists(st.sampled_from(["enter", "space"]), max_size=2),
        choice=st.sampled_from(["lighter", "lower-stage", "planned", "rest", None]),
    )
    def session(self, before_pain, after_pain, done, hurt, yes, noise, choice):
        before = self.ids()
        gate = self.door.gate()
        offered = self.door.session_offer(Rating(before_pain))
        start = self.keep(self.door.start_session(Rating(before_pain), choice), before)
        if isinstance(start, Refused):
            if start.need in ("signs", "rescreen-due"):
                REACHED["a session refused at a closed gate"] += 1
            if start.need == "choice":
                assert offered.choices and choice is None
            return
        if offered.choices:
            REACHED["a session at a high pain, as chosen"] += 1
            assert choice is not None, "a session at a high pain started with nothing chosen"
        if start.value is None:  # rest today
            assert choice == "rest"
            return
        harder_than_offered = offered.choices and start.value.chosen not in (
            *offered.choices,
            "planned",
        )
        assert not harder_than_offered
        assert not self.oracle.open, "a session started while a warning sign is open"
        assert self.oracle.last_full is not None, "a session started with no safety check"
        assert self.clock() - self.oracle.last_full <= WEEKLY, "a session past the weekly check"
        assert gate.open
        plan, slot = start.value.plan, start.value.slot
        entries = []
        from planner.models import ExerciseEntry

        items = plan.for_slot(slot, self.repo.profile().slots)
        for i, p in enumerate(items):
            share = done * len(items) - i
            sets = max(0, min(p.dose.sets, round(share * p.dose.sets)))
            entries.append(
                ExerciseEntry(
                    exercise_id=p.exercise_id,
                    name=CATALOG.name_of(p.exercise_id),
                    prescribed=p.dose,
                    sets_done=sets,
                    stopped_hurt=hurt and i == 0,
                    skipped=sets == 0,
                )
            )
        meant, given = self.screening(SESSION_KEYS, yes, noise)
        self.finish(
            start.value,
            entries,
            meant,
            given,
            pain_before=before_pain,
            pain_after=after_pain,
            chosen=start.value.chosen,
        )

    def finish(self, start, entries, meant, given, **rated) -> None:
        """Fifteen minutes on, the session ends with `entries`, the ratings `rated` and the
        end-of-session answers (`given` as typed for `meant`)."""
        self.clock.advance(minutes=15)
        session = Session(
            plan_id=start.plan.id,
            stage=start.plan.stage,
            slot=start.slot,
            started_at=self.clock() - timedelta(minutes=15),
            ended_at=self.clock(),
            entries=entries,
            difficulty="ok",
            completed=True,
            **rated,
        )
        before = self.ids()
        result = self.keep(self.door.finish_session(session, given), before)
        assert isinstance(result, Done), result
        self.note_screenings(before, meant)
        self.oracle.after_session(given)

    def may_lean(self) -> bool:
        """Sessions may start for a person with leg symptoms on a plan past Calm (the first
        stage holds no exercise bending back): where a preference can show."""
        profile, plan = self.repo.profile(), self.repo.active_plan()
        return (
            profile is not None
            and profile.leg_symptoms
            and plan is not None
            and plan.stage > 1
            and self.door.gate().open
        )

    @precondition(lambda self: self.may_lean())
    @rule(way=st.sampled_from(["bending forward", "bending back"]), hours=st.integers(1, 30))
    def leaning(self, way, hours):
        """Three sessions `hours` apart: exercises bending `way` spread the leg symptoms in two,
        the other way's left them be in the third (a directional preference, when the plan
        holds both ways and the gate lets the sessions start)."""
        other = "bending back" if way == "bending forward" else "bending forward"
        for this, spread in ((way, True), (way, True), (other, False)):
            self.leg_session(this, spread)
            self.clock.advance(hours=hours)
        self.favour_direction()  # while it is fresh: other steps may well come between

    def leg_session(self, way, spread):
        """A session at a low pain in which only the exercises bending `way` are done: they
        spread the leg symptoms further down, or leave them where they were."""
        profile = self.repo.profile()
        rating = Rating(2, 2, "thigh") if profile.leg_symptoms else Rating(2)
        before = self.ids()
        start = self.keep(self.door.start_session(rating, None), before)
        if isinstance(start, Refused) or start.value is None:
            return
        from planner.models import ExerciseEntry

        plan, slot = start.value.plan, start.value.slot
        entries = []
        for p in plan.for_slot(slot, profile.slots):
            this_way = CATALOG.exercise(p.exercise_id).direction.value == way
            entries.append(
                ExerciseEntry(
                    exercise_id=p.exercise_id,
                    name=CATALOG.name_of(p.exercise_id),
                    prescribed=p.dose,
                    sets_done=p.dose.sets if this_way and not spread else 0,
                    stopped_hurt=this_way and spread,
                    spread_down=this_way and spread,
                    skipped=not this_way,
                )
            )
        leg = (
            {"leg_before": 2, "leg_after": 3, "reach_before": "thigh"}
            | {"reach_after": "foot" if spread else "thigh"}
            if profile.leg_symptoms
            else {}
        )
        answers = dict.fromkeys(SESSION_KEYS, False)
        self.finish(start.value, entries, answers, answers, pain_before=2, pain_after=3, **leg)

    @rule()
    def bout(self):
        before = self.ids()
        result = self.keep(self.door.record_bout(), before)
        if isinstance(result, Done):
            assert not self.oracle.open, "a bout logged while a sign is open"

    @rule(minutes=st.integers(0, 60), walked=st.integers(1, 60), pain=st.integers(0, 10))
    def walk(self, minutes, walked, pain):
        before = self.ids()
        if self.door.standing().walk is None:
            self.keep(self.door.set_walking(minutes), before)
            return
        result = self.keep(
            self.door.record_walk(Walk(at=self.clock(), minutes=walked, pain_after=pain)), before
        )
        if isinstance(result, Done):
            assert not self.oracle.open, "a walk logged while a sign is open"

    # -- the plan --------------------------------------------------------------------------------

    @rule(which=st.integers(0, 5), step=st.sampled_from([-1, 1]))
    def change_dose(self, which, step):
        plan = self.repo.active_plan()
        if plan is None or not plan.prescriptions:
            return
        p = plan.prescriptions[which % len(plan.prescriptions)]
        dose = replace(p.dose, sets=max(1, p.dose.sets + step))
        held = self.held()
        before = self.ids()
        result = self.keep(self.door.change_dose(p.exercise_id, dose), before)
        if held and harder(p.dose, dose):
            self.refused_harder(result)

    @rule(which=st.integers(0, 5), pick=st.integers(0, 40))
    def swap(self, which, pick):
        plan = self.repo.active_plan()
        if plan is None or not plan.prescriptions:
            return
        ex_id = plan.prescriptions[which % len(plan.prescriptions)].exercise_id
        held = self.held()
        options = self.door.swap_options(ex_id)
        harder_one = CATALOG.exercise(ex_id).harder
        if held:
            assert harder_one not in {e.id for e, _ in options}, "a harder swap offered"
        everything = sorted(CATALOG.exercises)
        new_id = everything[pick % len(everything)]
        before = self.ids()
        result = self.keep(self.door.swap(ex_id, new_id), before)
        if isinstance(result, Done):
            assert new_id in {e.id for e, _ in options}, "a swap the offer did not hold"
        if held and new_id == harder_one:
            self.refused_harder(result)

    @rule(
        pregnant=st.booleans(),
        surgery=st.sampled_from([False, False, False, False, True]),
        bones=st.booleans(),
    )
    def health(self, pregnant, surgery, bones):
        """New answers to the questions a physiotherapist asks."""
        from planner.plan import why_not

        was = self.repo.profile()
        before = self.ids()
        answers = {"pregnant": pregnant, "recent-surgery": surgery, "osteoporosis": bones}
        result = self.keep(self.door.change_health(answers), before)
        if isinstance(result, Refused):
            return
        person, plan = result.value, self.repo.active_plan()
        if plan.source is None:
            unfit = [
                p.exercise_id
                for p in plan.prescriptions
                if why_not(CATALOG.exercise(p.exercise_id), person)
            ]
            assert not unfit, f"a plan kept what the answers leave out: {unfit}"
        if surgery and not was.recent_surgery:
            REACHED["a new yes to spinal surgery"] += 1
            self.surgery_since = self.clock()
            assert not self.door.gate().open, "sessions went on after a new yes to surgery"
        elif not surgery:
            self.surgery_since = None

    @precondition(lambda self: not self.repo.is_new())
    @rule(days=st.sampled_from([1, 30, 200]))
    def another_operation(self, days):
        """An operation, the surgeon's go-ahead, better, and `days` later another operation:
        the first go-ahead does not answer the second."""
        self.health(False, True, False)
        self.clock.advance(days=1)
        self.go_ahead(0)
        self.health(False, False, False)
        self.clock.advance(days=days)
        self.health(False, True, False)  # checks the old go-ahead does not let it through
        self.clock.advance(days=1)
        self.go_ahead(0)  # and the run goes on with sessions possible

    @rule(days_ago=st.integers(0, 3))
    def go_ahead(self, days_ago):
        before = self.ids()
        seen = self.clock().date() - timedelta(days=days_ago)
        if isinstance(self.keep(self.door.record_go_ahead(seen, ""), before), Done):
            self.go_aheads.append(self.clock())

    @rule()
    def favour_direction(self):
        plan = self.repo.active_plan()
        gate = self.door.gate()
        before = self.ids()
        suggested = self.door.standing().favour
        # What a swap of each exercise may bring in: favouring a direction brings in no other.
        allowed = {
            old: {e.id for e, _ in self.door.swap_options(old)}
            for old, _ in (suggested.swaps if suggested else ())
        }
        result = self.keep(self.door.favour_direction(), before)
        if isinstance(result, Refused):
            return
        REACHED["a direction favoured"] += 1
        assert suggested is not None and plan is not None
        assert gate.open and not self.oracle.open, "a plan changed past a closed gate"
        now = {p.exercise_id for p in result.value.prescriptions}
        avoid = suggested.preference.avoid
        assert all(CATALOG.exercise(e).direction is not avoid for e in now)
        stages = {
            CATALOG.exercise(e).stage for e in now - {p.exercise_id for p in plan.prescriptions}
        }
        assert stages <= {*range(1, plan.stage + 1), "any"}, "a harder stage's exercise swapped in"
        assert result.value.stage == plan.stage
        for old, new in suggested.swaps:
            assert new is None or new in allowed[old], (
                f"{new} for {old}: not a swap the rules allow"
            )

    @rule(take=st.booleans())
    def dose_step(self, take):
        advice = self.door.standing().advice
        held = self.held()
        before = self.ids()
        if take:
            result = self.keep(self.door.take_dose_step(), before)
            if isinstance(result, Done) and held:
                assert not harder(result.value.current, result.value.proposed), "a step up taken"
        else:
            self.keep(self.door.decline_dose_step(), before)
        assert advice is None or not held or all(d.direction == "down" for d in advice.doses)

    @rule()
    def reset(self):
        plan = self.repo.active_plan()
        held = self.held()
        before = self.ids()
        result = self.keep(self.door.reset_plan(), before)
        if isinstance(result, Done) and held and plan is not None:
            doses = {p.exercise_id: p.dose for p in plan.prescriptions}
            assert not any(
                harder(doses[p.exercise_id], p.dose)
                for p in result.value.prescriptions
                if p.exercise_id in doses
            ), "a reset raised a dose while held back"

    @rule(how=st.sampled_from(["move on", "early", "back"]))
    def stage(self, how):
        plan = self.repo.active_plan()
        held = self.held()
        before = self.ids()
        if how == "move on":
            result = self.keep(self.door.move_on(), before)
        elif how == "early":
            result = self.keep(self.door.move_on_early("I feel ready"), before)
        else:
            result = self.keep(self.door.step_back(), before)
        if how != "back" and held and plan is not None and plan.stage < 4:
            self.refused_harder(result)

    @rule(stage=st.integers(1, 4))
    def plan_file(self, stage):
        plan, profile = self.repo.active_plan(), self.repo.profile()
        if plan is None or profile is None:
            return
        held = self.held()
        theirs = build_plan(CATALOG, profile, stage, self.clock())
        before = self.ids()
        result = self.keep(
            self.door.import_plan(PlanFile(stage, theirs.prescriptions, "A. Physio"), "p.toml"),
            before,
        )
        if isinstance(result, Done):
            self.backups_made += 1
            assert not self.oracle.open, "a plan file loaded while a sign is open"
        if held and stage > plan.stage:
            self.refused_harder(result)

    # -- the file as a whole ---------------------------------------------------------------------

    @precondition(lambda self: self.backups_made < 8)
    @rule()
    def backup(self):
        if isinstance(self.door.backup(), Done):
            self.backups_made += 1

    @rule()
    def export(self):
        if not self.repo.is_new():
            self.exports.append(json.loads(json.dumps(self.repo.documents())))

    @precondition(lambda self: self.backups_made < 8)
    @rule(which=st.integers(0, 20))
    def restore(self, which):
        found = self.repo.backups()
        if not found:
            return
        before = self.ids()
        kept = self.kept & before
        chosen = found[which % len(found)].path
        result = self.door.restore(chosen)
        assert isinstance(result, Done), result
        self.backups_made += 1
        self.after_replacing(result.value, kept)

    @precondition(lambda self: self.backups_made < 8)
    @rule(which=st.integers(0, 20))
    def import_export(self, which):
        if not self.exports:
            return
        kept = self.kept & self.ids()
        tables = self.exports[which % len(self.exports)]
        self.repo.close()
        result = import_file(self.path, tables, self.path, clock=self.clock, catalog=CATALOG)
        self.door.repo = Repository.open(self.path, clock=self.clock)
        assert isinstance(result, Done), result
        self.backups_made += 1
        self.after_replacing(result.value, kept)

    def after_replacing(self, replaced, kept: set[str]) -> None:
        """Whatever the file held is in it still, or in the backup the operation named."""
        if replaced.carried:
            REACHED["a restore or import over a newer safety record"] += 1
        assert replaced.backup is not None
        backed_up = json.loads(replaced.backup.read_bytes())
        aside = {i for name, docs in backed_up.items() if name != "meta" for i in docs}
        if replaced.archives is not None:  # an import sets the closed years aside, kept
            for archive in replaced.archives.iterdir():
                tables = json.loads(archive.read_bytes())
                aside |= {i for name, docs in tables.items() if name != "day_sums" for i in docs}
        lost = kept - self.ids() - aside
        assert not lost, f"records lost by a file operation: {sorted(lost)}"
        self.kept &= self.ids()  # those set aside are the backup's now
        # The profile is the file's: its answer on surgery is what the gate now reads.
        profile = self.repo.profile()
        self.surgery_since = profile.surgery_said_at if profile is not None else None

    # -- time ------------------------------------------------------------------------------------

    @rule(minutes=st.sampled_from([1, 30, 60 * 5, 60 * 24, 60 * 24 * 3, 60 * 24 * 9, 60 * 24 * 21]))
    def wait(self, minutes):
        self.clock.advance(minutes=minutes)

    @precondition(lambda self: not self.repo.is_new())
    @rule(days=st.sampled_from([400, 800]))
    def years_pass(self, days):
        """A year or two later the app opens the file again, and the closed years move to
        their archives: every promise holds across the move."""
        self.clock.advance(days=days)
        self.repo.close()
        self.door.repo = Repository.open(self.path, clock=self.clock)
        moved = close_years(self.repo, CATALOG)
        assert isinstance(moved, Done), moved
        if moved.value:
            REACHED["closed years moved to their archives"] += 1

    # -- the promises ----------------------------------------------------------------------------

    @invariant()
    def the_gate_agrees_with_the_oracle(self):
        gate = self.door.gate()
        if self.oracle.alarm:
            REACHED["an emergency open"] += 1
        assert bool(gate.signs) == self.oracle.open, (
            f"the gate says {gate.why} {[s.flag.id for s in gate.signs]}, the oracle "
            f"alarm={self.oracle.alarm} urgent={sorted(self.oracle.urgent)}"
        )

    @invariant()
    def sessions_wait_for_a_go_ahead_after_a_yes_to_surgery(self):
        since = self.surgery_since
        if since is not None and not any(t > since for t in self.go_aheads):
            REACHED["waiting for a go-ahead"] += 1
            assert not self.door.gate().open, "sessions open after surgery with no go-ahead since"

    @invariant()
    def every_record_kept_is_still_there(self):
        lost = self.kept - self.ids()
        assert not lost, f"acknowledged records missing from the file: {sorted(lost)}"

    @invariant()
    def every_safety_answer_is_the_one_meant(self):
        for s in self.repo.screenings():
            assert s.id in self.meant, f"a screening no one answered: {s}"
            assert s.answers == self.meant[s.id], (
                f"answers kept {s.answers} are not the ones meant {self.meant[s.id]}"
            )

    @invariant()
    def the_walking_level_is_the_one_every_walk_gives(self):
        """The door keeps the closed years' weeks folded between calls: what it gives is the
        level folded from every walk since the programme began, across years passing, a new
        start and the walks of today."""
        profile = self.repo.profile()
        plan = self.repo.active_plan()
        if profile is None or plan is None or profile.walk_since is None:
            return
        now = self.clock()
        walk = self.door.standing().walk
        every = target_for(CATALOG, profile, self.repo.walks(), now.date(), plan.stage)
        assert walk == every, "the door's walking level is not the one every walk gives"
        if self.repo.live_since() is not None and walk is not None and walk.weeks:
            REACHED["a walking level with closed years folded"] += 1
            kept = self.repo.walk_history_folded(CATALOG.rules, profile, now.date())[2]
            if kept is not None:
                REACHED["a walking level from the one kept at a closed year's end"] += 1
