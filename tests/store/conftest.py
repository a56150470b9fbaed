"""Shared world for store tests: a private tmp data dir, a fake clock, and sample records."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from planner.models import (
    CheckIn,
    Criterion,
    Dose,
    ExerciseEntry,
    Plan,
    Prescription,
    Profile,
    PsfsItem,
    PsfsRating,
    Screening,
    Session,
    StageEvent,
)
from tests.conftest import FakeClock

START = datetime(2026, 11, 20, 8, 30)


@pytest.fixture(autouse=True)
def _never_the_real_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every XDG directory at tmp_path, and forget any REHAB_DATA the shell had."""
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.lower()))
    monkeypatch.delenv("REHAB_DATA", raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def data_path(tmp_path: Path) -> Path:
    """A data file that does not exist yet, in a directory that does not exist yet."""
    return tmp_path / "home" / "rehab.json"


def files_in(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()} if directory.is_dir() else set()


def temp_files(data_path: Path) -> set[str]:
    return {n for n in files_in(data_path.parent) if ".tmp-" in n}


def mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


# ---------------------------------------------------------------------------------------------
# Sample records: small, valid, and distinct per `n` so tests can make many.

DOSE = Dose(sets=2, reps=5, hold_s=6, rest_s=20)


def a_profile() -> Profile:
    return Profile(
        conditions=["ldh", "sciatica"],
        episode_start=date(2026, 11, 1),
        equipment=["mat", "chair"],
        slots=["morning", "evening"],
        minutes_per_session=20,
        stenosis=True,
        disclaimer_accepted_at=START,
    )


def a_screening(n: int = 0, result: str = "clear") -> Screening:
    return Screening(
        at=START + timedelta(days=n),
        answers={"saddle-numbness": False, "bladder-change": False, "leg-weakness": False},
        result=result,
        context="weekly" if n else "first-run",
    )


def a_plan(stage: int = 1, n: int = 0) -> Plan:
    return Plan(
        stage=stage,
        created_at=START + timedelta(days=n),
        prescriptions=[
            Prescription(exercise_id="pelvic-tilt-seated", dose=DOSE, slot="any"),
            Prescription(exercise_id="shoulder-circles", dose=Dose(reps=10), slot="morning"),
        ],
    )


def a_session(n: int = 0, plan_id: str = "plan-1", **changes: object) -> Session:
    started = START + timedelta(hours=12 * n)
    values: dict[str, object] = {
        "plan_id": plan_id,
        "stage": 1,
        "slot": "morning" if n % 2 == 0 else "evening",
        "started_at": started,
        "ended_at": started + timedelta(minutes=18),
        "pain_before": 4,
        "pain_after": 3,
        "entries": [
            ExerciseEntry(
                exercise_id="pelvic-tilt-seated",
                name="Seated pelvic tilt",
                prescribed=DOSE,
                sets_done=2,
                reps_done=5,
                hold_s_done=6,
            ),
            ExerciseEntry(
                exercise_id="shoulder-circles",
                name="Shoulder circles",
                prescribed=Dose(reps=10),
                stopped_hurt=True,
                pain_when_stopped=6,
            ),
        ],
        "difficulty": "ok",
        "new_symptoms": False,
        "note": 'Stiff at first [/] — "better" after\nline two',
        "completed": True,
    }
    values.update(changes)
    return Session(**values)  # type: ignore[arg-type]


def a_checkin(n: int = 0, pain: int = 3) -> CheckIn:
    return CheckIn(at=START + timedelta(days=n, hours=1), pain=pain, note=f"day {n}")


def a_stage_event(n: int = 0) -> StageEvent:
    return StageEvent(
        at=START + timedelta(days=n),
        from_stage=1 if n else None,
        to_stage=2 if n else 1,
        kind="advance" if n else "start",
        reason="all criteria met" if n else "first run",
        criteria=[Criterion(key="days", label="Days in stage", ok=True, detail="3 of 3 ✓")],
    )


def a_psfs(n: int = 0) -> PsfsRating:
    return PsfsRating(
        at=START + timedelta(days=7 * n),
        items=[
            PsfsItem(activity="putting on socks", score=4),
            PsfsItem(activity="sitting 30 minutes", score=5),
            PsfsItem(activity="lifting the shopping", score=2),
        ],
    )


class Make:
    """The sample builders, as a fixture (test modules never import conftest)."""

    profile = staticmethod(a_profile)
    screening = staticmethod(a_screening)
    plan = staticmethod(a_plan)
    session = staticmethod(a_session)
    checkin = staticmethod(a_checkin)
    stage_event = staticmethod(a_stage_event)
    psfs = staticmethod(a_psfs)


@pytest.fixture
def make() -> Make:
    return Make()


class Look:
    """Small ways to look at the disk, as a fixture."""

    files_in = staticmethod(files_in)
    temp_files = staticmethod(temp_files)
    mode = staticmethod(mode)


@pytest.fixture
def look() -> Look:
    return Look()
