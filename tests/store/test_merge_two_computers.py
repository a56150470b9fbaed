"""Two computers, one history: random use on two copies of one file, then `rehab merge`.

`TwoComputers` is a hypothesis state machine. A first run is made on one computer and synced to
the other; then each computer is used on its own (check-ins, sessions with their end-of-session
answers, walks, screenings with and without warning signs, dose changes, moving on or back,
changed health answers) while the clock moves, and now and then the two are merged. At each
merge it checks, against copies of both files as they were:

- every record of either is in the result, as that side wrote it, or its other version is in
  the backup the merge named (same id, different content), or it is the plan or profile the
  merge itself had to change (a plan archived or paused, the profile's answers combined);
- a warning sign open on either computer stops sessions after the merge;
- merging the same file again changes nothing (not a byte, no new backup);
- merging A into B and B into A give the same records.

`REACHED` counts what the run met; the test fails if one kind of merge never happened.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from door import Done, Door
from door.files import merge_file
from planner.gate import may_start
from planner.models import CheckIn, Condition, Rating, Session, Walk
from planner.safety import RED_FLAGS, SESSION_CHECKS
from seeds import load_catalog
from store import Repository
from store.check_stamp import sidecar
from store.storage import parse_tables
from tests.apart import run_apart
from tests.conftest import FakeClock, make_profile

pytestmark = pytest.mark.slow  # seconds: two computers' files written and merged

CATALOG = load_catalog()
START = datetime(2026, 11, 2, 8, 0)
FULL_KEYS = [flag.id for flag in RED_FLAGS]
SESSION_KEYS = [flag.id for flag in SESSION_CHECKS]
URGENT = [flag.id for flag in RED_FLAGS if flag.level != "emergency"]

REACHED: Counter[str] = Counter()
GUARDED = (
    "a merge bringing records in",
    "a record in two versions",
    "a sign open on one side only",
    "a sign closed in the union by an answer the other side never saw",
    "two plans in force",
    "health answers that differed",
    "health answers changed",
)


def records(path: Path) -> dict[str, dict[str, dict]]:
    tables = parse_tables(path.read_bytes())
    return {name: docs for name, docs in tables.items() if name != "meta"}


def assert_same(one: dict, two: dict) -> None:
    """Equal records, or the first that differs named."""
    for name in sorted(set(one) | set(two)):
        a, b = one.get(name, {}), two.get(name, {})
        for record_id in sorted(set(a) | set(b)):
            assert a.get(record_id) == b.get(record_id), (name, record_id)


def signs_open(path: Path, clock: FakeClock) -> bool:
    with Repository.read(path, clock=clock) as repo:
        return bool(
            may_start(repo.active_plan(), repo.safety_records(), clock(), CATALOG.rules).signs
        )


def stopped(path: Path, clock: FakeClock) -> bool:
    with Repository.read(path, clock=clock) as repo:
        plan = repo.active_plan()
        return may_start(plan, repo.safety_records(), clock(), CATALOG.rules).stopped


def merge(into: Path, source: Path, clock: FakeClock):
    result = merge_file(
        into, parse_tables(source.read_bytes()), source, clock=clock, catalog=CATALOG
    )
    assert isinstance(result, Done), result
    return result.value


class TwoComputers(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        shm = Path("/dev/shm")
        self.dir = Path(tempfile.mkdtemp(prefix="rehab-two-", dir=shm if shm.is_dir() else None))
        self.clock = FakeClock(START)
        self.paths = {c: self.dir / c / "rehab.json" for c in "ab"}
        self.doors: dict[str, Door] = {}

    def teardown(self) -> None:
        for door in self.doors.values():
            door.repo.close()
        for path in self.dir.rglob("*.json"):  # their `.checked` stamps, in one shared folder
            sidecar(path).unlink(missing_ok=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    def open(self) -> None:
        for c, path in self.paths.items():
            self.doors[c] = Door(Repository.open(path, clock=self.clock), CATALOG, self.clock)

    def close(self) -> None:
        for door in self.doors.values():
            door.repo.close()
        self.doors = {}

    def sync(self, source: str, target: str) -> None:
        """The sync tool copies one computer's folder over the other's."""
        shutil.rmtree(self.paths[target].parent, ignore_errors=True)
        shutil.copytree(self.paths[source].parent, self.paths[target].parent)

    @initialize(lumbago=st.booleans(), stage=st.integers(2, 3))
    def first_run(self, lumbago, stage):
        self.paths["a"].parent.mkdir(parents=True)
        door = Door(Repository.open(self.paths["a"], clock=self.clock), CATALOG, self.clock)
        assert isinstance(door.answer_screening(dict.fromkeys(FULL_KEYS, False), "first-run"), Done)
        conditions = [Condition.LUMBAGO] if lumbago else [Condition.LDH, Condition.SCIATICA]
        profile = make_profile(conditions=conditions, leg_symptoms=not lumbago)
        rating = Rating(3, None if lumbago else 2, None if lumbago else "thigh")
        assert isinstance(door.first_run(profile, rating, stage, "as my physio said"), Done)
        door.repo.close()
        self.sync("a", "b")
        self.open()

    # -- each computer on its own ----------------------------------------------------------------

    @rule(c=st.sampled_from("ab"), pain=st.integers(0, 10))
    def check_in(self, c, pain):
        self.clock.advance(minutes=1)
        self.doors[c].check_in(CheckIn(at=self.clock(), pain=pain, leg_pain=None))

    @rule(
        c=st.sampled_from("ab"),
        before=st.integers(0, 6),
        after=st.integers(0, 10),
        yes=st.booleans(),
    )
    def session(self, c, before, after, yes):
        door = self.doors[c]
        start = door.start_session(Rating(before), None)
        if not isinstance(start, Done) or start.value is None:
            return
        plan, slot = start.value.plan, start.value.slot
        self.clock.advance(minutes=15)
        session = Session(
            plan_id=plan.id,
            stage=plan.stage,
            slot=slot,
            started_at=self.clock().replace(microsecond=0),
            ended_at=self.clock(),
            entries=[],
            difficulty="ok",
            completed=True,
            pain_before=before,
            pain_after=after,
            chosen=start.value.chosen,
        )
        answers = {key: yes and n == 0 for n, key in enumerate(SESSION_KEYS)}
        door.finish_session(session, answers)

    @rule(c=st.sampled_from("ab"), minutes=st.integers(1, 40), pain=st.integers(0, 10))
    def walk(self, c, minutes, pain):
        door = self.doors[c]
        if door.standing().walk is None:
            door.set_walking(minutes)
        else:
            door.record_walk(Walk(at=self.clock(), minutes=minutes, pain_after=pain))

    @rule(
        c=st.sampled_from("ab"),
        yes=st.just([]) | st.lists(st.sampled_from(FULL_KEYS), min_size=1, max_size=2),
    )
    def rescreen(self, c, yes):
        self.clock.advance(minutes=1)
        answers = {key: key in yes for key in FULL_KEYS}
        why = "mistake" if not yes else None
        result = self.doors[c].answer_screening(answers, "re-screen", why if why else None)
        if not isinstance(result, Done):  # an all-clear after an alarm needs its reason
            self.doors[c].answer_screening(answers, "re-screen", "mistake")

    @rule(c=st.sampled_from("ab"), sign=st.sampled_from(URGENT))
    def yes_here_then_no_there(self, c, sign):
        """A sign answered yes on one computer, then every answer no on the other, which never
        saw that yes (the same morning, before a sync)."""
        self.rescreen(c, [sign])
        self.rescreen("b" if c == "a" else "a", [])

    @rule(c=st.sampled_from("ab"), how=st.sampled_from(["move on", "early", "back", "back"]))
    def stage(self, c, how):
        door = self.doors[c]
        if how == "move on":
            door.move_on()
        elif how == "early":
            door.move_on_early("I feel ready")
        else:
            door.step_back()

    @rule(how=st.sampled_from(["early", "back"]))
    def each_moves_on_its_own(self, how):
        """Both computers change stage before a sync: each makes a plan of its own."""
        self.stage("a", how)
        self.stage("b", "back")

    @rule(c=st.sampled_from("ab"), step=st.sampled_from([-1, 1]))
    def change_dose(self, c, step):
        door = self.doors[c]
        plan = door.repo.active_plan()
        if plan is None or not plan.prescriptions:
            return
        p = plan.prescriptions[0]
        door.change_dose(p.exercise_id, replace(p.dose, sets=max(1, p.dose.sets + step)))

    @rule(c=st.sampled_from("ab"), pregnant=st.booleans(), surgery=st.booleans())
    def health(self, c, pregnant, surgery):
        answers = {"pregnant": pregnant, "recent-surgery": surgery, "osteoporosis": False}
        result = self.doors[c].change_health(answers)
        if isinstance(result, Done):
            REACHED["health answers changed"] += 1

    @rule(hours=st.sampled_from([1, 5, 26, 24 * 8]))
    def time_passes(self, hours):
        self.clock.advance(hours=hours)

    # -- the merge -------------------------------------------------------------------------------

    @rule(into=st.sampled_from("ab"))
    def merge_them(self, into):
        other = "b" if into == "a" else "a"
        self.close()
        before = {c: records(p) for c, p in self.paths.items()}
        open_before = {c: signs_open(p, self.clock) for c, p in self.paths.items()}
        # The other direction, on copies, to compare with.
        mirror = self.dir / "mirror"
        shutil.rmtree(mirror, ignore_errors=True)
        shutil.copytree(self.paths[other].parent, mirror)
        mirrored = merge(mirror / "rehab.json", self.paths[into], self.clock)

        done = merge(self.paths[into], self.paths[other], self.clock)
        after = records(self.paths[into])
        differed = {}
        if done.merged.differed:
            REACHED["a record in two versions"] += 1
            said = done.replaced.lines(self.paths[into])
            if after == before[into]:  # the file was left as it was: the others are theirs
                assert any(f"stay in {self.paths[other]}" in line for line in said), said
                differed = before[other]
            else:
                named = [line.rsplit(" kept in ", 1)[-1] for line in said if "differed" in line]
                assert named, said
                differed = records(Path(named[0]))
        if sum(done.merged.came.values()):
            REACHED["a merge bringing records in"] += 1
        if done.merged.plans_archived:
            REACHED["two plans in force"] += 1
        if done.merged.profile_fields:
            REACHED["health answers that differed"] += 1

        # Every record of either side is there, as written, or its other version is backed up.
        for side in before.values():
            for name, documents in side.items():
                for record_id, document in documents.items():
                    assert record_id in after.get(name, {}), f"{name} {record_id} lost"
                    kept = after[name][record_id]
                    if kept == document:
                        continue
                    if differed.get(name, {}).get(record_id) == document:
                        continue
                    # The merge's own changes: a plan archived or paused, the profile combined.
                    assert name in ("plans", "profile"), f"{name} {record_id} changed"
                    if name == "plans":
                        assert kept["status"] in ("archived", "paused")

        # A sign open on either computer stops sessions after the merge.
        if open_before["a"] != open_before["b"]:
            REACHED["a sign open on one side only"] += 1
        if any(open_before.values()):
            if not signs_open(self.paths[into], self.clock):
                REACHED["a sign closed in the union by an answer the other side never saw"] += 1
            assert stopped(self.paths[into], self.clock), "a sign open on one side was lost"

        # Either direction gives the same records.
        assert_same(records(mirror / "rehab.json"), after)
        assert mirrored.merged.came.keys() <= set(after)

        # Merging the same file again changes nothing.
        bytes_before = self.paths[into].read_bytes()
        backups_before = sorted(self.paths[into].parent.glob("backups/*"))
        again = merge(self.paths[into], self.paths[other], self.clock)
        assert not again.merged.came
        if self.paths[into].read_bytes() != bytes_before:
            assert_same(records(self.paths[into]), after)
            raise AssertionError("merging the same file again rewrote it")
        assert sorted(self.paths[into].parent.glob("backups/*")) == backups_before

        self.sync(into, other)
        self.open()


#: Derandomized, from a seed written down, in a fresh Python (tests/apart.py): the same
#: sequences every run, which enter every state in GUARDED (the rarest, a sign closed by an
#: answer the other side never saw, 38 times). Left random, a run now and then never met that
#: one, and the suite failed for want of it, not for a broken promise.
STEADY = settings(
    max_examples=60,
    stateful_step_count=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SEED = 3

_APART = r"""
import json
from hypothesis import seed
from hypothesis.stateful import run_state_machine_as_test
from tests.store import test_merge_two_computers as two

failure = None
try:
    machine = seed(two.SEED)(type("TwoComputers", (two.TwoComputers,), {}))
    run_state_machine_as_test(machine, settings=two.STEADY)
except AssertionError as broken:
    failure = str(broken)[:4000] or "an assertion failed"
print("\n" + json.dumps({"failure": failure, "reached": dict(two.REACHED)}))
"""


def test_two_computers_merged_keep_every_promise_and_meet_every_kind_of_merge():
    said = run_apart(_APART)
    assert said["failure"] is None, said["failure"]
    missing = [name for name in GUARDED if not said["reached"].get(name)]
    assert not missing, f"never reached: {missing} ({said['reached']})"
