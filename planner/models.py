"""The domain: what the planner knows, as pydantic models.

Catalog models (Exercise, Stage, EducationCard, Rules) are filled from `seeds/`; record models
(Profile, Screening, Plan, Session, CheckIn, StageEvent, PsfsRating) are what the store keeps.
Every record has a stable string id of its own and round-trips through `model_dump(mode="json")`.
"""

# Annotations stay real objects (no `from __future__ import annotations`): pydantic would otherwise
# re-evaluate every field's annotation from a string as the classes are built, at each start.
import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Pain = Annotated[int, Field(ge=0, le=10)]
StageNo = Annotated[int, Field(ge=1, le=4)]
Score = Annotated[int, Field(ge=0, le=10)]


def new_id() -> str:
    """A fresh record id: short, unique, sortable enough to read in an export."""
    return uuid.uuid4().hex[:12]


class Frozen(BaseModel):
    """Catalog entries never change at run time."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Record(BaseModel):
    """Stored documents refuse unknown fields so a hand-edited file is caught, not half-read."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------------------------------
# Vocabulary


class Condition(StrEnum):
    LDH = "ldh"
    LUMBAGO = "lumbago"
    SCIATICA = "sciatica"
    NONSPECIFIC = "nonspecific"


CONDITION_LABELS: dict[Condition, str] = {
    Condition.LDH: "lumbar disc herniation",
    Condition.LUMBAGO: "acute low back pain (lumbago)",
    Condition.SCIATICA: "sciatica",
    Condition.NONSPECIFIC: "back pain, cause not known",
}


class Equipment(StrEnum):
    NONE = "none"
    MAT = "mat"
    CHAIR = "chair"
    TABLE = "table"
    PULL_UP_BAR = "pull-up bar"
    WALL_BARS = "wall bars"
    FLAT_PATH = "flat outdoor path"


class Kind(StrEnum):
    MOBILITY = "mobility"
    STRETCH = "stretch"
    TRACTION = "traction"
    STRENGTH = "strength"
    SELF_MASSAGE = "self-massage"
    CONDITIONING = "conditioning"


class Position(StrEnum):
    STANDING = "standing"
    SEATED = "seated"
    SUPINE = "lying on the back"
    PRONE = "lying on the front"
    KNEELING = "kneeling"
    HANGING = "hanging"
    WALKING = "walking"


class CautionAbout(StrEnum):
    """What a caution is about, so the plan builder can act on it, not only show it."""

    STENOSIS = "stenosis"
    SHOULDER = "shoulder"
    BALANCE = "balance"
    PAIN = "pain"
    GENERAL = "general"


Slot = Literal["morning", "evening"]
SlotOrAny = Literal["morning", "evening", "any"]
Difficulty = Literal["easy", "ok", "hard"]


# ---------------------------------------------------------------------------------------------
# The catalog


class Dose(Frozen):
    """How much of an exercise: sets of reps (each held hold_s), or minutes of continuous work."""

    sets: int = Field(1, ge=1, le=10)
    reps: int | None = Field(None, ge=1, le=50)
    hold_s: int | None = Field(None, ge=1, le=120)
    minutes: int | None = Field(None, ge=1, le=60)
    rest_s: int = Field(0, ge=0, le=300)
    per_day: int = Field(1, ge=1, le=10)
    when: SlotOrAny = "any"

    @model_validator(mode="after")
    def _has_an_amount(self) -> Self:
        if self.reps is None and self.hold_s is None and self.minutes is None:
            raise ValueError("a dose needs reps, hold_s or minutes")
        return self

    def label(self) -> str:
        """A short human reading: '2 × 5 reps, hold 6 s, rest 20 s'."""
        parts: list[str] = []
        if self.minutes is not None:
            parts.append(f"{self.minutes} min")
        if self.reps is not None:
            reps = f"{self.reps} reps"
            parts.append(f"{self.sets} × {reps}" if self.sets > 1 else reps)
        elif self.minutes is None and self.sets > 1:
            parts.append(f"{self.sets} sets")
        if self.hold_s is not None:
            parts.append(f"hold {self.hold_s} s")
        if self.rest_s:
            parts.append(f"rest {self.rest_s} s")
        if self.per_day > 1:
            parts.append(f"{self.per_day}× a day")
        return ", ".join(parts)

    def seconds(self) -> int:
        """Rough time one bout takes, for fitting a session into the minutes the user has."""
        if self.minutes is not None:
            return self.minutes * 60
        reps = self.reps or 1
        per_rep = (self.hold_s or 3) + 2  # a couple of seconds to move in and out of the position
        rests = self.rest_s * max(self.sets - 1, 0)
        return self.sets * reps * per_rep + rests


Range = tuple[int, int]


class DoseBounds(Frozen):
    """How far a dose may be moved by progression or by hand, inclusive."""

    sets: Range = (1, 3)
    reps: Range | None = None
    hold_s: Range | None = None
    minutes: Range | None = None

    @field_validator("sets", "reps", "hold_s", "minutes")
    @classmethod
    def _ordered(cls, value: Range | None) -> Range | None:
        if value is not None and not (0 < value[0] <= value[1]):
            raise ValueError(f"bounds must be 0 < low <= high, got {list(value)}")
        return value

    def allows(self, dose: Dose) -> list[str]:
        """The reasons a dose falls outside these bounds; empty when it fits."""
        problems = []
        for name in ("sets", "reps", "hold_s", "minutes"):
            value = getattr(dose, name)
            bound = getattr(self, name)
            if value is None or bound is None:
                continue
            low, high = bound
            if not low <= value <= high:
                problems.append(f"{name} must be {low}–{high}, got {value}")
        return problems


class Caution(Frozen):
    about: CautionAbout
    text: str = Field(min_length=1)


class Exercise(Frozen):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str = Field(min_length=1)
    aliases: list[str] = []
    kind: Kind
    #: True for moves that bend the lower back backwards: these carry the stenosis caution.
    extension: bool = False
    #: The stage an exercise belongs to; "any" for ones that fit every stage (self-massage).
    stage: StageNo | Literal["any"]
    position: Position
    equipment: list[Equipment] = [Equipment.NONE]
    conditions: list[Condition] = Field(min_length=1)
    cautions: list[Caution] = []
    steps: list[str] = Field(min_length=2)
    dose: Dose
    bounds: DoseBounds
    #: True when the article gives no dose and the numbers are the project's conservative choice.
    dose_is_project_default: bool = False
    easier: str | None = None
    harder: str | None = None
    optional: bool = False
    sources: list[str] = Field(min_length=1)
    evidence: str | None = None

    @model_validator(mode="after")
    def _dose_within_bounds(self) -> Self:
        problems = self.bounds.allows(self.dose)
        if problems:
            raise ValueError("default dose outside its bounds: " + "; ".join(problems))
        if self.dose.minutes is not None and self.dose.reps is None and self.bounds.sets[1] > 1:
            raise ValueError("a timed dose is one continuous bout: bounds.sets must be [1, 1]")
        return self

    def needs(self) -> set[Equipment]:
        return {e for e in self.equipment if e is not Equipment.NONE}

    def suits_stage(self, stage: int) -> bool:
        return self.stage == "any" or self.stage == stage


class MoveOnRule(Frozen):
    """The numbers that must all hold before leaving a stage (SPEC §3)."""

    min_days: int = Field(ge=0)
    min_sessions: int = Field(ge=0)
    checkin_count: int = Field(3, ge=1)
    checkin_max: Pain
    no_flare_sessions: int = Field(ge=0)
    no_24h_flare_days: int | None = Field(None, ge=1)
    min_adherence_pct: int | None = Field(None, ge=0, le=100)
    adherence_days: int | None = Field(None, ge=1)


class Stage(Frozen):
    number: StageNo
    name: str
    aim: str
    #: Exercise ids in the order the plan builder prefers them.
    default_exercises: list[str] = Field(min_length=1)
    #: How many of the default list are warm-ups to put first (stage 3's two mobility moves).
    warmups: int = 0
    move_on: MoveOnRule | None = None


class Rules(Frozen):
    """Thresholds of the pain-monitoring model, kept as data ([rules] in seeds/data/stages.toml)."""

    flare_pain_after_above: Pain = 5
    flare_rise: int = 2
    flare_24h_rise: int = 2
    step_back_flares: int = 2
    step_back_flare_days: int = 7
    step_back_checkin: Pain = 7
    dose_step_sessions: int = 2
    dose_step_max_pain: Pain = 3
    rescreen_days: int = 7
    psfs_days: int = 7
    session_min_exercises: int = 3
    session_max_exercises: int = 6


class EducationCard(Frozen):
    id: str
    title: str
    body: list[str] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class Catalog(Frozen):
    exercises: dict[str, Exercise]
    stages: dict[int, Stage]
    cards: dict[str, EducationCard]
    rules: Rules
    sources: dict[str, str]  # file name -> one-line description of the article

    def exercise(self, exercise_id: str) -> Exercise:
        return self.exercises[exercise_id]

    def stage(self, number: int) -> Stage:
        return self.stages[number]

    def for_stage(self, stage: int) -> list[Exercise]:
        return [e for e in self.exercises.values() if e.suits_stage(stage)]


# ---------------------------------------------------------------------------------------------
# Records the store keeps


class Profile(Record):
    id: str = "profile"
    conditions: list[Condition] = Field(min_length=1)
    episode_start: date
    equipment: list[Equipment] = [Equipment.NONE]
    slots: list[Slot] = Field(default_factory=lambda: ["morning"], min_length=1)
    minutes_per_session: int = Field(15, ge=5, le=60)
    stenosis: bool = False
    disclaimer_accepted_at: datetime

    def has(self, items: set[Equipment]) -> bool:
        return items <= set(self.equipment)


ScreeningResult = Literal["clear", "see-doctor", "emergency"]


class Screening(Record):
    id: str = Field(default_factory=new_id)
    at: datetime
    answers: dict[str, bool]
    result: ScreeningResult
    #: Where the question was asked: first run, the weekly re-screen, or after a session.
    context: Literal["first-run", "weekly", "after-session", "re-screen"] = "first-run"


class Prescription(Record):
    exercise_id: str
    dose: Dose
    slot: SlotOrAny = "any"


PlanStatus = Literal["active", "paused", "archived"]


class DeclinedStep(Record):
    """A dose step the person said no to; it is not suggested again from the same dose."""

    exercise_id: str
    current: Dose
    proposed: Dose


class Plan(Record):
    id: str = Field(default_factory=new_id)
    stage: StageNo
    created_at: datetime
    prescriptions: list[Prescription]
    status: PlanStatus = "active"
    pause_reason: str | None = None
    archived_at: datetime | None = None
    declined: list[DeclinedStep] = []

    def for_slot(self, slot: Slot) -> list[Prescription]:
        return [p for p in self.prescriptions if p.slot in (slot, "any")]


class ExerciseEntry(Record):
    exercise_id: str
    name: str
    prescribed: Dose
    sets_done: int = Field(0, ge=0)
    reps_done: int = Field(0, ge=0)
    hold_s_done: int = Field(0, ge=0)
    seconds_done: int = Field(0, ge=0)
    skipped: bool = False
    stopped_hurt: bool = False
    pain_when_stopped: Pain | None = None

    @property
    def done(self) -> bool:
        return not self.skipped and not self.stopped_hurt and self.sets_done >= self.prescribed.sets


class Session(Record):
    id: str = Field(default_factory=new_id)
    plan_id: str
    stage: StageNo
    slot: Slot
    started_at: datetime
    ended_at: datetime | None = None
    pain_before: Pain
    pain_after: Pain | None = None
    entries: list[ExerciseEntry] = []
    difficulty: Difficulty | None = None
    #: The end-of-session question: any new numbness, weakness, bladder or bowel change?
    new_symptoms: bool | None = None
    note: str = ""
    completed: bool = False

    @property
    def day(self) -> date:
        return self.started_at.date()

    @property
    def stopped_for_pain(self) -> bool:
        return any(e.stopped_hurt for e in self.entries)


class CheckIn(Record):
    id: str = Field(default_factory=new_id)
    at: datetime
    pain: Pain
    note: str = ""


StageEventKind = Literal["start", "advance", "step-back", "pause", "resume", "override"]


class Criterion(Record):
    """One line of a move-on check: its name, whether it holds, and the numbers behind it."""

    key: str
    label: str
    ok: bool
    detail: str


class StageEvent(Record):
    id: str = Field(default_factory=new_id)
    at: datetime
    from_stage: StageNo | None = None
    to_stage: StageNo
    kind: StageEventKind
    reason: str = ""
    criteria: list[Criterion] = []


class PsfsItem(Record):
    activity: str = Field(min_length=1)
    score: Score


class PsfsRating(Record):
    id: str = Field(default_factory=new_id)
    at: datetime
    items: list[PsfsItem] = Field(min_length=3, max_length=5)

    @property
    def mean(self) -> float:
        return sum(i.score for i in self.items) / len(self.items)
