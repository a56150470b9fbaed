"""The domain: what the planner knows, as dataclasses that pydantic validates.

Catalog models (Exercise, Stage, EducationCard, Rules) are filled from `seeds/`; record models
(Profile, Screening, Plan, Session, CheckIn, StageEvent, PsfsRating) are what the store keeps.
Every record has a stable string id of its own and round-trips through `planner.codec.dump`.

They are standard-library dataclasses, not pydantic `BaseModel`s, so that reading what this
program wrote and checked before needs no pydantic at all: importing pydantic and building its
validators cost more than the rest of start-up put together (BENCHMARKS.md). pydantic is still
what checks every field: `planner.codec.validate` runs it, with the constraints written here as
`Limit` metadata, on anything not known to be ours (a file not checked before, an import,
a backup) and on every record before it is written. Checks that span fields live in
`__post_init__`, so they hold on every path, pydantic's or not.
"""

# Annotations stay real objects (no `from __future__ import annotations`): pydantic and
# `planner.codec` would otherwise evaluate every field's annotation from a string.
import copy
import os
import re
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import Field, dataclass, field, fields
from datetime import date, datetime, time, timedelta
from enum import Enum, StrEnum
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self


class Limit:
    """A field's limits, as `Annotated[int, Limit(ge=0, le=10)]`, checked by pydantic.

    It is `annotated_types` metadata (a "grouped metadata" object, which pydantic and
    hypothesis both read) that imports `annotated_types` only when asked for its contents: that
    import builds some twenty dataclasses that start-up would otherwise pay for, for nothing.
    """

    __slots__ = ("ge", "le", "min_len", "max_len")
    __is_annotated_types_grouped_metadata__ = True

    def __init__(
        self,
        *,
        ge: int | None = None,
        le: int | None = None,
        min_len: int | None = None,
        max_len: int | None = None,
    ) -> None:
        self.ge, self.le, self.min_len, self.max_len = ge, le, min_len, max_len

    def __iter__(self) -> Iterator[object]:
        import annotated_types as at

        if self.ge is not None:
            yield at.Ge(self.ge)
        if self.le is not None:
            yield at.Le(self.le)
        if self.min_len is not None:
            yield at.MinLen(self.min_len)
        if self.max_len is not None:
            yield at.MaxLen(self.max_len)

    def __repr__(self) -> str:
        limits = (
            f"{name}={getattr(self, name)}"
            for name in self.__slots__
            if getattr(self, name) is not None
        )
        return f"Limit({', '.join(limits)})"


class Strict:
    """A field that takes only a value of its own type: a whole number is never the text "6",
    true or 6.0, and a yes or no is never the text "yes" or 1 (pydantic would otherwise convert
    them). Read by pydantic alone, which it imports only when asked; hypothesis passes it by."""

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source: object, handler: Any) -> Any:
        from pydantic import Strict as PydanticStrict

        return handler(Annotated[source, PydanticStrict()])

    def __repr__(self) -> str:
        return "Strict()"


STRICT = Strict()
#: A whole number as a record keeps it, and a yes or no: strictly of their types.
Whole = Annotated[int, STRICT]
YesNo = Annotated[bool, STRICT]

Pain = Annotated[Whole, Limit(ge=0, le=10)]
StageNo = Annotated[Whole, Limit(ge=1, le=4)]
#: The longest note rehab takes: a whole page is ~3,000 characters, so this is room for any note
#: and keeps one record's line short enough to scan quickly. The forms and an import refuse a
#: longer one, in one line, keeping what was typed.
NOTE_MAX = 20_000
#: The longest note a record may hold: what rehab took before `NOTE_MAX`, so a file
#: with such a note still opens, and a record holding one may be saved again as it is.
NOTE_KEPT_MAX = 100_000
Note = Annotated[str, Limit(max_len=NOTE_KEPT_MAX)]
#: A clinician's name as the plan file gives it.
CLINICIAN_MAX = 200
Score = Annotated[Whole, Limit(ge=0, le=10)]
#: The longest walk one record holds (and the most a person may say they walk comfortably).
WALK_MAX_MINUTES = 240


def new_id() -> str:
    """A fresh record id: short, unique, sortable enough to read in an export."""
    return os.urandom(6).hex()  # 48 random bits, as uuid4().hex[:12], without importing uuid


if TYPE_CHECKING:
    # What the three decorators below are, said so a type checker sees dataclasses: it cannot
    # follow `dataclass(...)` bound to a name. `eq=False`: `Model` compares by fields itself.
    from typing import TypeVar, dataclass_transform

    _C = TypeVar("_C")

    @dataclass_transform(
        frozen_default=True, kw_only_default=True, eq_default=False, field_specifiers=(field,)
    )
    def frozen(cls: type[_C], /) -> type[_C]: ...

    @dataclass_transform(kw_only_default=True, eq_default=False, field_specifiers=(field,))
    def record(cls: type[_C], /) -> type[_C]: ...

    @dataclass_transform(frozen_default=True, eq_default=False, field_specifiers=(field,))
    def value(cls: type[_C], /) -> type[_C]: ...

else:
    #: Catalog entries never change at run time.
    frozen = dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
    #: Records are changed by making a changed copy (`dataclasses.replace`), never in place.
    record = dataclass(slots=True, kw_only=True, repr=False, eq=False)
    #: The planner's own result types (History, Advice, …): `@value class X(Frozen)`.
    value = dataclass(frozen=True, repr=False, eq=False)

_FIELDS: dict[type, tuple[str, ...]] = {}
_COMPARED: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """A model's field names, in order (what `dataclasses.fields` gives, looked up once)."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    return names


def _none(_: object) -> tuple[()]:
    return ()


#: Per model class, a function giving the values `==` compares (`Model.__eq__`).
_READ_COMPARED: dict[type, Any] = {}


def compared_names(cls: type) -> tuple[str, ...]:
    """The fields `==` reads: all but those declared `field(compare=False)` (when a record
    was written is not part of what it says)."""
    names = _COMPARED.get(cls)
    if names is None:
        names = _COMPARED[cls] = tuple(f.name for f in fields(cls) if f.compare)
    return names


class Model:
    """What every model shares: `repr` and `==` by fields, written once here rather than
    generated per class (Python 3.11 compiles each generated method at every start: with
    two dozen models that was a visible share of start-up), and unknown fields refused, so a
    hand-edited file is caught, not half-read (pydantic reads `__pydantic_config__`)."""

    __slots__ = ()
    __pydantic_config__ = {"extra": "forbid"}

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in field_names(type(self)))
        return f"{type(self).__qualname__}({values})"

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if type(other) is not type(self):
            return NotImplemented
        read = _READ_COMPARED.get(type(self))
        if read is None:  # the fields `==` reads, fetched in one call (a dose is compared
            # with every past session's at each redraw), compared as one tuple
            names = compared_names(type(self))
            read = _READ_COMPARED[type(self)] = attrgetter(*names) if names else _none
        return read(self) == read(other)

    __hash__ = None  # type: ignore[assignment]  # records change: no hash, as dataclasses do

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        """A copy with lists, dicts and models of its own, sharing only what cannot change
        (text, numbers, dates, enums): what `copy.deepcopy` makes, without its bookkeeping
        for every object (the store hands out a copy of the plan, tens of models, at every
        redraw). Built field by field, as `dataclasses.replace` would not: no `__init__`
        checks run again on values that passed them."""
        new = object.__new__(type(self))
        for name in field_names(type(self)):
            object.__setattr__(new, name, _fresh(getattr(self, name), memo))
        return new


#: The kinds of value no one can change: a copy shares them (enum classes join as met).
_SHARED: set[type] = {str, int, float, bool, type(None), date, datetime, time, timedelta}


def _fresh(value: Any, memo: dict[int, Any]) -> Any:
    """`value` as `Model.__deepcopy__` copies it."""
    kind = type(value)
    if kind in _SHARED:
        return value
    if kind is list:
        return [_fresh(item, memo) for item in value]
    if isinstance(value, Model):
        if isinstance(value, Frozen) and _constant(kind):
            _SHARED.add(kind)  # a dose, a plan's source: nothing in it can change
            return value
        return value.__deepcopy__(memo)
    if kind is tuple:
        return tuple(_fresh(item, memo) for item in value)
    if kind is dict:
        return {key: _fresh(item, memo) for key, item in value.items()}
    if isinstance(value, Enum):
        _SHARED.add(kind)
        return value
    return copy.deepcopy(value, memo)


class Frozen(Model):
    """A value that never changes once made: hashable by its fields."""

    __slots__ = ()

    # A value is hashable where a record is not: the checker reads that as breaking Model's
    # `__hash__ = None`, as it would for any hashable subclass of an unhashable class.
    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(getattr(self, name) for name in field_names(type(self))))


#: Per frozen model class: may a copy share it (`_constant`).
_CONSTANT: dict[type, bool] = {}


def _constant(cls: type) -> bool:
    """A frozen model whose every field holds only what cannot change (text, numbers, dates,
    enums, literals, tuples of them, other such models): a copy may share it."""
    known = _CONSTANT.get(cls)
    if known is None:
        hints = typing.get_type_hints(cls, include_extras=True)
        known = _CONSTANT[cls] = all(_constant_hint(hints[name]) for name in field_names(cls))
    return known


def _constant_hint(hint: Any) -> bool:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Annotated:
        return _constant_hint(args[0])
    if origin is Literal:
        return True
    if origin in (typing.Union, types.UnionType) or (origin is tuple and args):
        return all(_constant_hint(a) for a in args if a is not Ellipsis)
    if not isinstance(hint, type):
        return False
    if hint in _SHARED or issubclass(hint, Enum):
        return True
    return issubclass(hint, Frozen) and _constant(hint)


class Record(Model):
    """A stored document's model."""

    __slots__ = ()

    if TYPE_CHECKING:
        # What every record is and has, said for a type checker: each one is a dataclass
        # (`@record`) with an `id` field of its own.
        __dataclass_fields__: ClassVar[dict[str, Field[Any]]]
        id: str


# ---------------------------------------------------------------------------------------------
# Vocabulary


class Condition(StrEnum):
    """What the person has: a disc herniation, lumbago, sciatica, or back pain of no known cause."""

    LDH = "ldh"
    LUMBAGO = "lumbago"
    SCIATICA = "sciatica"
    NO_KNOWN_CAUSE = "nonspecific"


#: Conditions whose symptoms reach the leg: ratings are back and leg apart (README, safety rules).
LEG_CONDITIONS = frozenset({Condition.SCIATICA, Condition.LDH})

CONDITION_LABELS: dict[Condition, str] = {
    Condition.LDH: "lumbar disc herniation",
    Condition.LUMBAGO: "acute low back pain (lumbago)",
    Condition.SCIATICA: "sciatica",
    Condition.NO_KNOWN_CAUSE: "back pain, cause not known",
}


class Equipment(StrEnum):
    """What an exercise needs, and what the person has at home."""

    NONE = "none"
    MAT = "mat"
    CHAIR = "chair"
    TABLE = "table"
    PULL_UP_BAR = "pull-up bar"
    WALL_BARS = "wall bars"
    FLAT_PATH = "flat outdoor path"


class Kind(StrEnum):
    """What an exercise is: mobility, stretch, traction, strength, self-massage or conditioning."""

    MOBILITY = "mobility"
    STRETCH = "stretch"
    TRACTION = "traction"
    STRENGTH = "strength"
    SELF_MASSAGE = "self-massage"
    CONDITIONING = "conditioning"


class Position(StrEnum):
    """The body's position for an exercise (lying, kneeling, seated, standing, hanging)."""

    STANDING = "standing"
    SEATED = "seated"
    SUPINE = "lying on the back"
    PRONE = "lying on the front"
    KNEELING = "kneeling"
    HANGING = "hanging"
    WALKING = "walking"


class Direction(StrEnum):
    """Which way an exercise moves the lower back (docs/clinical.md §7, directional preference):
    the direction that spreads leg symptoms is left for the one that centralises them."""

    FORWARD = "bending forward"
    BACK = "bending back"
    NEUTRAL = "neutral"

    @property
    def other(self) -> "Direction | None":
        """The opposite way (none for neutral)."""
        return {Direction.FORWARD: Direction.BACK, Direction.BACK: Direction.FORWARD}.get(self)


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

#: How far down the leg the symptoms reach (README, safety rules), nearest the spine first: a move
#: toward the start of this list is centralising (a good sign), toward its end peripheralising
#: (stop).
Reach = Literal["none", "buttock", "thigh", "below-knee", "foot"]
REACHES: tuple[Reach, ...] = ("none", "buttock", "thigh", "below-knee", "foot")
REACH_WORDS: dict[Reach, str] = {
    "none": "no leg symptoms",
    "buttock": "the buttock",
    "thigh": "the thigh",
    "below-knee": "below the knee",
    "foot": "the foot",
}


def worse(back: int, leg: int | None) -> int:
    """The worse of back and leg pain, which the rules decide on (docs/clinical.md §6)."""
    return back if leg is None or leg <= back else leg  # `max` costs a call: this runs a lot


@dataclass(frozen=True)
class Rating:
    """One pain rating as a form asks it: back pain (the one rating for someone without leg
    symptoms), and for someone with them leg pain and how far down the leg (README, safety
    rules)."""

    back: int
    leg: int | None = None
    reach: Reach | None = None

    @property
    def worse(self) -> int:
        """The worse of the two: what the rules use."""
        return worse(self.back, self.leg)

    def words(self) -> str:
        """ "pain 4/10", or "back 3/10, leg 5/10, to the thigh"."""
        if self.leg is None:
            return f"pain {self.back}/10"
        reach = "" if self.reach is None else f", {REACH_SHORT[self.reach]}"
        return f"back {self.back}/10, leg {self.leg}/10{reach}"


#: The reach in a few words, after a rating ("leg 5/10, to the thigh").
REACH_SHORT: dict[Reach, str] = {
    "none": "not down the leg",
    "buttock": "to the buttock",
    "thigh": "to the thigh",
    "below-knee": "below the knee",
    "foot": "to the foot",
}


# ---------------------------------------------------------------------------------------------
# The catalog


@frozen
class Dose(Frozen):
    """How much of an exercise: sets of reps (each held hold_s), or minutes of continuous work."""

    sets: Annotated[Whole, Limit(ge=1, le=10)] = 1
    reps: Annotated[Whole, Limit(ge=1, le=50)] | None = None
    hold_s: Annotated[Whole, Limit(ge=1, le=120)] | None = None
    minutes: Annotated[Whole, Limit(ge=1, le=60)] | None = None
    rest_s: Annotated[Whole, Limit(ge=0, le=300)] = 0
    per_day: Annotated[Whole, Limit(ge=1, le=10)] = 1
    when: SlotOrAny = "any"

    def __post_init__(self) -> None:
        if self.reps is None and self.hold_s is None and self.minutes is None:
            raise ValueError("a dose needs reps, hold_s or minutes")

    def label(self, *, daily: bool = True) -> str:
        """A short human reading: '2 × 5 reps, hold 6 s, rest 20 s, 3× a day'. Inside one
        session or one bout, `daily=False` leaves the times a day out: they are the plan's."""
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
        if daily and self.per_day > 1:
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
ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@frozen
class DoseBounds(Frozen):
    """How far a dose may be moved by progression or by hand, inclusive."""

    sets: Range = (1, 3)
    reps: Range | None = None
    hold_s: Range | None = None
    minutes: Range | None = None

    def __post_init__(self) -> None:
        for name in ("sets", "reps", "hold_s", "minutes"):
            value = getattr(self, name)
            if value is not None and not (0 < value[0] <= value[1]):
                raise ValueError(f"{name}: bounds must be 0 < low <= high, got {list(value)}")

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


@frozen
class Caution(Frozen):
    """A warning shown with an exercise; `about` lets the plan builder act on it."""

    about: CautionAbout
    text: Annotated[str, Limit(min_len=1)]


@frozen
class Exercise(Frozen):
    """One exercise of the catalog: how to do it, its default dose and bounds, its sources."""

    id: str
    name: Annotated[str, Limit(min_len=1)]
    aliases: list[str] = field(default_factory=list)
    kind: Kind
    #: Which way it moves the lower back. Bending back is what carries the stenosis caution.
    direction: Direction
    #: True for moves that bend the spine fully forward under load (a curl, both knees hard to
    #: the chest): left out with osteoporosis or long-term steroids (docs/clinical.md §7).
    flexion_load: bool = False
    #: The stage an exercise belongs to; "any" for ones that fit every stage (self-massage).
    stage: StageNo | Literal["any"]
    position: Position
    equipment: list[Equipment] = field(default_factory=lambda: [Equipment.NONE])
    conditions: Annotated[list[Condition], Limit(min_len=1)]
    cautions: list[Caution] = field(default_factory=list)
    steps: Annotated[list[str], Limit(min_len=2)]
    dose: Dose
    bounds: DoseBounds
    #: True when the article gives no dose and the numbers are the project's conservative choice.
    dose_is_project_default: bool = False
    easier: str | None = None
    harder: str | None = None
    optional: bool = False
    sources: Annotated[list[str], Limit(min_len=1)]
    evidence: str | None = None

    def __post_init__(self) -> None:
        if not ID.fullmatch(self.id):
            raise ValueError(f"id {self.id!r}: use lower-case letters and digits joined by '-'")
        problems = self.bounds.allows(self.dose)
        if problems:
            raise ValueError("default dose outside its bounds: " + "; ".join(problems))
        if self.dose.minutes is not None and self.dose.reps is None and self.bounds.sets[1] > 1:
            raise ValueError("a timed dose is one continuous bout: bounds.sets must be [1, 1]")

    @property
    def extension(self) -> bool:
        """Whether it bends the lower back backwards (the moves stenosis can make worse)."""
        return self.direction is Direction.BACK

    def needs(self) -> set[Equipment]:
        """The equipment this exercise cannot be done without ("none" left out)."""
        return {e for e in self.equipment if e is not Equipment.NONE}

    def suits_stage(self, stage: int) -> bool:
        """Whether it belongs in `stage` (an "any" exercise suits every stage)."""
        return self.stage == "any" or self.stage == stage


@frozen
class AcuteSet(Frozen):
    """In acute lumbago at a pain of `min_pain` or more, Calm holds only these exercises, in
    this order (article 003: the gentle movements it allows; at severe pain, lying down)."""

    min_pain: Pain
    exercises: Annotated[list[str], Limit(min_len=1)]


@frozen
class MoveOnRule(Frozen):
    """The numbers that must all hold before leaving a stage (README, safety rules)."""

    min_days: Annotated[Whole, Limit(ge=0)]
    min_sessions: Annotated[Whole, Limit(ge=0)]
    checkin_count: Annotated[Whole, Limit(ge=1)] = 3
    checkin_max: Pain
    no_flare_sessions: Annotated[Whole, Limit(ge=0)]
    no_24h_flare_days: Annotated[Whole, Limit(ge=1)] | None = None
    min_adherence_pct: Annotated[Whole, Limit(ge=0, le=100)] | None = None
    adherence_days: Annotated[Whole, Limit(ge=1)] | None = None


@frozen
class Stage(Frozen):
    """One of the four stages: its aim, its default exercises and the rule for leaving it."""

    number: StageNo
    name: str
    aim: str
    #: Exercise ids in the order the plan builder prefers them.
    default_exercises: Annotated[list[str], Limit(min_len=1)]
    #: How many of the default list are warm-ups to put first (stage 3's two mobility moves).
    warmups: int = 0
    move_on: MoveOnRule | None = None
    #: Acute lumbago (README, safety rules): the set for the highest `min_pain` reached replaces
    #: the list.
    acute: list[AcuteSet] = field(default_factory=list)


@frozen
class Rules(Frozen):
    """Thresholds of the pain-monitoring model, kept as data: [rules] in seeds/data/stages.toml
    is their one source (every one must be there: no number is repeated here as a default)."""

    flare_pain_after_above: Pain
    flare_rise: int
    flare_24h_rise: int
    step_back_flares: int
    step_back_flare_days: int
    step_back_checkin: Pain
    dose_step_sessions: int
    dose_step_max_pain: Pain
    rescreen_days: int
    #: Past rescreen_days plus this grace, no session starts until the re-screen (README, safety
    #: rules).
    rescreen_grace_days: int
    psfs_days: int
    session_min_exercises: int
    session_max_exercises: int
    #: See a doctor when, this many days into the programme, pain has not fallen by
    #: `improvement_points` and is still at least `no_improvement_floor` (planner.course).
    no_improvement_days: int
    improvement_points: int
    no_improvement_floor: Pain
    #: ... or when pain reached `severe_pain` on `severe_days` days running.
    severe_pain: Pain
    severe_days: int
    #: A meaningful PSFS change: this much of the mean, or `psfs_change_one` on one activity.
    psfs_change_mean: float
    psfs_change_one: int
    #: An episode is acute for this many days (under 6 weeks, docs/clinical.md §6).
    acute_episode_days: int
    #: Today's card (planner.learn): the programme's first days, and the days after a flare.
    card_first_days: int
    card_after_flare_days: int
    #: The walking programme (README, safety rules, docs/clinical.md §2 and §6): start at this
    #: share of what the person walks comfortably now, add this much a week while the week's walks
    #: caused no flare, up to the goal minutes on the goal days a week; hold after one flared walk
    #: in a week, step down after this many.
    walk_start_pct: Annotated[Whole, Limit(ge=10, le=100)]
    walk_step_pct: Annotated[Whole, Limit(ge=1, le=50)]
    walk_goal_minutes: Annotated[Whole, Limit(ge=1, le=240)]
    walk_goal_days: Annotated[Whole, Limit(ge=1, le=7)]
    walk_step_down_flares: Annotated[Whole, Limit(ge=1)]
    #: The exercise whose stage and cautions govern walking backwards (article 000).
    backward_walk_exercise: str


#: When a card is the one Today shows (planner.learn): a warning sign, advice to see a doctor, a
#: recent flare, every criterion for moving on met, the first days, or any other day.
CardMoment = Literal["paused", "see-doctor", "after-flare", "before-moving-on", "first-days", "any"]


@frozen
class EducationCard(Frozen):
    """A short piece of reading shown beside the plan, with the articles it rests on."""

    id: str
    title: str
    body: Annotated[list[str], Limit(min_len=1)]
    sources: Annotated[list[str], Limit(min_len=1)]
    moments: list[CardMoment] = field(default_factory=lambda: ["any"])
    #: Shown only to a person who said they are pregnant (a card for them alone).
    pregnant_only: bool = False


class Base(StrEnum):
    """What a drawn pose rests on: the part of the body that meets the floor or the bar."""

    SUPINE = "lying on the back"
    PRONE = "lying on the front"
    HANDS_AND_KNEES = "on hands and knees"
    KNEELING = "kneeling"
    SEATED = "seated"
    STANDING = "standing"
    HANGING = "hanging"


class Prop(StrEnum):
    """What is drawn beside the figure."""

    MAT = "mat"
    CHAIR = "chair"
    TABLE = "table"
    BAR = "bar"
    WALL_BARS = "wall bars"
    STEP = "step"


# A joint's angle in whole degrees, within what a body does in these exercises. Written out
# for each joint (not made by a function) so a type checker reads them as the ints they are.
Trunk = Annotated[Whole, Limit(ge=-90, le=135)]
Bend = Annotated[Whole, Limit(ge=-60, le=60)]
Shoulder = Annotated[Whole, Limit(ge=-90, le=180)]
Elbow = Annotated[Whole, Limit(ge=0, le=160)]
Hip = Annotated[Whole, Limit(ge=-45, le=150)]
Knee = Annotated[Whole, Limit(ge=0, le=165)]
Ankle = Annotated[Whole, Limit(ge=-90, le=45)]

#: One angle for each side: (near, far) — the side facing the reader first.
ShoulderPair = tuple[Shoulder, Shoulder]
ElbowPair = tuple[Elbow, Elbow]
HipPair = tuple[Hip, Hip]
KneePair = tuple[Knee, Knee]
AnklePair = tuple[Ankle, Ankle]


@frozen
class Pose(Frozen):
    """A side view of the body, facing the reader's right when upright, as joint angles in
    degrees. Bending forward is positive (trunk, back, neck, shoulders and hips bend the body's
    front in; elbows and knees bend from straight), bending back negative. Each limb has a near
    and a far angle. `trunk` tilts the pelvis and lower back from the base's rest (upright, or
    flat for the lying bases), `back` bends the upper back against the lower, `neck` the head
    against the upper back; `ankles` 0 is the foot square to the shin, positive toes up."""

    base: Base
    trunk: Trunk = 0
    back: Bend = 0
    neck: Bend = 0
    shoulders: ShoulderPair = (0, 0)
    elbows: ElbowPair = (0, 0)
    hips: HipPair = (0, 0)
    knees: KneePair = (0, 0)
    ankles: AnklePair = (0, 0)


@frozen
class Figure(Frozen):
    """How an exercise is drawn: where it starts, where it goes, and what is beside it."""

    start: Pose
    end: Pose
    props: list[Prop] = field(default_factory=list)


@frozen
class Catalog(Frozen):
    """Everything `seeds/` holds: exercises, stages, cards, rules and the source articles."""

    exercises: dict[str, Exercise]
    stages: dict[int, Stage]
    cards: dict[str, EducationCard]
    rules: Rules
    sources: dict[str, str]  # file name -> one-line description of the article
    #: Each exercise's start and end poses (seeds/data/poses.toml), by exercise id.
    figures: dict[str, Figure] = field(default_factory=dict)

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id; a KeyError for an id the catalog lacks."""
        return self.exercises[exercise_id]

    def name_of(self, exercise_id: str) -> str:
        """An exercise's name, or its id when the catalog has no such exercise (a record made
        with an older catalog)."""
        exercise = self.exercises.get(exercise_id)
        return exercise.name if exercise else exercise_id

    def stage(self, number: int) -> Stage:
        """The stage with this number."""
        return self.stages[number]

    def for_stage(self, stage: int) -> list[Exercise]:
        """The exercises that suit `stage`, in catalog order."""
        return [e for e in self.exercises.values() if e.suits_stage(stage)]

    def source(self, file_name: str) -> tuple[str, str]:
        """An article as a person reads it: its title, and what it says (sources.toml keeps
        both as "title: what it says"). The file name is the citation, not the title."""
        title, _, about = self.sources.get(file_name, "").partition(": ")
        if not title:
            return (f"Article {file_name.split('_')[0]}", "")
        return (title, about)


# ---------------------------------------------------------------------------------------------
# Records the store keeps


@record
class Profile(Record):
    """The person: conditions, equipment, time slots and the disclaimer they accepted."""

    id: str = "profile"
    conditions: Annotated[list[Condition], Limit(min_len=1)]
    episode_start: date
    equipment: list[Equipment] = field(default_factory=lambda: [Equipment.NONE])
    slots: Annotated[list[Slot], Limit(min_len=1)] = field(default_factory=lambda: ["morning"])
    minutes_per_session: Annotated[Whole, Limit(ge=5, le=60)] = 15
    stenosis: YesNo = False
    #: What a physiotherapist asks about before exercise (docs/clinical.md §7), each answered
    #: yes or no at the first run (None: a file from before it was asked). Pregnant now; spinal
    #: surgery in the last three months (sessions wait for a dated go-ahead); osteoporosis or
    #: long-term steroids.
    pregnant: YesNo | None = None
    recent_surgery: YesNo | None = None
    osteoporosis: YesNo | None = None
    #: When a later answer (on Plan) said there was recent spinal surgery: a go-ahead must come
    #: after it (None: said at the first run, or no surgery).
    surgery_said_at: datetime | None = None
    disclaimer_accepted_at: datetime
    #: Every pain rating is back and leg apart, with the reach (README, safety rules): set at first
    #: run for sciatica or a disc herniation, or when leg pain is reported later.
    leg_symptoms: YesNo = False
    #: The walking programme (README, safety rules): how many minutes the person could walk
    #: comfortably when asked (None: not asked yet, or no walking track), and the day they said so.
    walk_comfortable: Annotated[Whole, Limit(ge=0, le=WALK_MAX_MINUTES)] | None = None
    walk_since: date | None = None
    #: When the store last wrote this profile (set by every save; None: written before it was
    #: kept). Merging two computers' files keeps the profile changed last. Not part of what
    #: the profile says: two profiles that say the same are equal whenever they were written.
    changed_at: datetime | None = field(default=None, compare=False)

    def has(self, items: set[Equipment]) -> bool:
        """Whether the person has every piece of equipment in `items`."""
        return items <= set(self.equipment)

    @property
    def go_ahead_since(self) -> datetime | None:
        """Since when sessions wait for a surgeon's or physiotherapist's go-ahead (one given
        before it answers an older operation), or None when they do not wait."""
        if not self.recent_surgery:
            return None
        return self.surgery_said_at or self.disclaimer_accepted_at


ScreeningResult = Literal["clear", "see-doctor", "emergency"]
#: Why an all-clear ends a same-day warning sign: a doctor has seen the person, or the yes was
#: answered by mistake (`Screening.after_emergency`).
AfterEmergency = Literal["seen-doctor", "mistake"]
#: Where the question was asked: first run, the weekly re-screen, or after a session.
ScreeningContext = Literal["first-run", "weekly", "after-session", "re-screen"]


@record
class Screening(Record):
    """One pass through the red-flag questions and what it concluded."""

    id: str = field(default_factory=new_id)
    at: datetime
    answers: dict[str, YesNo]
    result: ScreeningResult
    context: ScreeningContext = "first-run"
    #: After a same-day (emergency) sign, the all-clear that ends it says why, explicitly
    #: (docs/clinical.md, "after an alarm"): a doctor has seen the person (on `seen_on`), or
    #: the yes was a mistake. None on every other screening.
    after_emergency: AfterEmergency | None = None
    seen_on: date | None = None

    def __post_init__(self) -> None:
        if self.after_emergency is not None and self.context == "after-session":
            raise ValueError("only a full screening can end a same-day warning sign")
        if (self.after_emergency == "seen-doctor") != (self.seen_on is not None):
            raise ValueError("seen_on is the day a doctor saw you, given with seen-doctor only")


@record
class Clearance(Record):
    """A doctor has seen a sign of history (say, cancer history) and said exercise is fine.

    Only signs that describe the past can be cleared (`planner.safety.RedFlag.history`); a sign
    that something is changing now never can (README, safety rules, docs/clinical.md §3).
    """

    id: str = field(default_factory=new_id)
    #: When it was recorded.
    at: datetime
    #: The red-flag id it clears.
    sign: str
    #: The day the doctor saw them.
    seen_on: date
    note: Note = ""


@record
class Prescription(Record):
    """One exercise of a plan: its dose and the slot it belongs to."""

    exercise_id: str
    dose: Dose
    slot: SlotOrAny = "any"


PlanStatus = Literal["active", "paused", "archived"]


@record
class DeclinedStep(Record):
    """A dose step the person said no to; it is not suggested again from the same dose."""

    exercise_id: str
    current: Dose
    proposed: Dose
    #: For a step down: the session in which it hurt. Declining it answers that session only,
    #: so a later "it hurts" at the same dose is suggested again (README, safety rules).
    session_id: str | None = None


@frozen
class PlanSource(Frozen):
    """Where a plan came from when a physiotherapist wrote it (`rehab plan import`): who, their
    note for the person, and their dose of each exercise. Dose suggestions stay inside those
    doses; the person may still change a dose on Plan themselves."""

    imported_at: datetime
    clinician: Annotated[str, Limit(max_len=CLINICIAN_MAX)] = ""
    note: Note = ""
    doses: dict[str, Dose] = field(default_factory=dict)

    @property
    def who(self) -> str:
        """ "your physiotherapist", with their name when the file gave one."""
        return "your physiotherapist" + (f" ({self.clinician})" if self.clinician else "")


@record
class Plan(Record):
    """The exercises for one stage; one plan is active at a time."""

    id: str = field(default_factory=new_id)
    stage: StageNo
    created_at: datetime
    prescriptions: list[Prescription]
    status: PlanStatus = "active"
    pause_reason: str | None = None
    archived_at: datetime | None = None
    declined: list[DeclinedStep] = field(default_factory=list)
    #: Set when a physiotherapist wrote this plan (None: rehab built it).
    source: PlanSource | None = None
    #: When the store last wrote this plan (set by every save; None: written before it was
    #: kept). Merging two computers' files keeps the version of a plan changed last. Not part
    #: of what the plan says: equal plans are equal whenever they were written.
    changed_at: datetime | None = field(default=None, compare=False)

    def for_slot(self, slot: Slot, slots: Sequence[Slot]) -> list[Prescription]:
        """What this time of day's session holds, for a person whose sessions are `slots`.

        An exercise meant for one time of day goes into that session (into the first, when the
        person no longer has that time). One meant for any time goes into every session, once:
        prescribed as often as there are sessions, or less, it is the daily routine. One
        prescribed more often than that is done in short bouts instead (`bouts`, README, safety
        rules).
        """
        first = slots[0] if slots else slot

        def here(p: Prescription) -> bool:
            if p.slot == "any":
                return not is_bouts(p, slots)
            return p.slot == slot or (p.slot not in slots and slot == first)

        return [p for p in self.prescriptions if here(p)]

    def bouts(self, slots: Sequence[Slot]) -> list[Prescription]:
        """The exercises done in short bouts through the day rather than in a session: those
        meant for any time and prescribed more often than the person has sessions (README, safety
        rules)."""
        return [p for p in self.prescriptions if is_bouts(p, slots)]


def is_bouts(p: Prescription, slots: Sequence[Slot]) -> bool:
    """Whether a prescription is done in bouts through the day (see `Plan.bouts`)."""
    return p.slot == "any" and p.dose.per_day > len(slots)


@record
class ExerciseEntry(Record):
    """What was done of one exercise in a session, against what was prescribed."""

    exercise_id: str
    name: str
    prescribed: Dose
    sets_done: Annotated[Whole, Limit(ge=0)] = 0
    reps_done: Annotated[Whole, Limit(ge=0)] = 0
    hold_s_done: Annotated[Whole, Limit(ge=0)] = 0
    seconds_done: Annotated[Whole, Limit(ge=0)] = 0
    skipped: YesNo = False
    stopped_hurt: YesNo = False
    pain_when_stopped: Pain | None = None
    #: Stopped because the leg symptoms spread further down (peripheralising, README, safety
    #: rules): it counts like "it hurts" (stopped_hurt is set too), and says why.
    spread_down: YesNo = False

    @property
    def done(self) -> bool:
        """Done in full: every prescribed set, neither skipped nor stopped for pain."""
        return not self.skipped and not self.stopped_hurt and self.sets_done >= self.prescribed.sets

    @property
    def fraction(self) -> float:
        """How much of the prescribed work was done, 0–1: sets, or reps (each hold counts as a
        rep) over all sets, whichever went further. A skipped exercise counts 0."""
        if self.skipped:
            return 0.0
        dose = self.prescribed
        units = dose.sets * (dose.reps or 1)
        return min(1.0, max(self.sets_done / dose.sets, self.reps_done / units))


SessionOutcome = Literal["done", "partial", "skipped"]
#: A session chosen at a high pain before it: the stage's lighter doses, the stage below's
#: session, or the planned one anyway.
SessionChoice = Literal["lighter", "lower-stage", "planned"]


@record
class Session(Record):
    """One exercise session: pain before and after, and an entry per exercise."""

    id: str = field(default_factory=new_id)
    plan_id: str
    stage: StageNo
    slot: Slot
    started_at: datetime
    ended_at: datetime | None = None
    #: Back pain (or the one rating, for someone without leg symptoms).
    pain_before: Pain
    pain_after: Pain | None = None
    #: For someone with leg symptoms: leg pain and how far down the leg (None: not asked).
    leg_before: Pain | None = None
    leg_after: Pain | None = None
    reach_before: Reach | None = None
    reach_after: Reach | None = None
    entries: list[ExerciseEntry] = field(default_factory=list)
    difficulty: Difficulty | None = None
    #: The end-of-session question: any new numbness, weakness, bladder or bowel change?
    new_symptoms: YesNo | None = None
    note: Note = ""
    completed: YesNo = False
    #: What the person chose when the pain before it was above 5 (`planner.plan.offer`): the
    #: lighter session, the lower stage's, or the planned one anyway. None: nothing was asked.
    chosen: SessionChoice | None = None

    @property
    def day(self) -> date:
        """The day the session started on (a session past midnight keeps its first day)."""
        return self.started_at.date()

    @property
    def stopped_for_pain(self) -> bool:
        """Whether any exercise was stopped with "it hurts" (the flare rules look at it)."""
        return any(e.stopped_hurt for e in self.entries)

    @property
    def before(self) -> Rating:
        """The rating before the session, back and leg."""
        return Rating(self.pain_before, self.leg_before, self.reach_before)

    @property
    def after(self) -> Rating | None:
        """The rating after the session, back and leg (None before it was asked)."""
        if self.pain_after is None:
            return None
        return Rating(self.pain_after, self.leg_after, self.reach_after)

    @property
    def worse_before(self) -> int:
        """The worse of back and leg pain before the session: what the rules use."""
        return worse(self.pain_before, self.leg_before)

    @property
    def worse_after(self) -> int | None:
        """The worse of back and leg pain after the session (None before it was asked)."""
        return None if self.pain_after is None else worse(self.pain_after, self.leg_after)

    @property
    def done_share(self) -> float:
        """The share of the session's prescribed work done, 0–1 (each exercise by its
        fraction)."""
        if not self.entries:
            return 0.0
        return sum(e.fraction for e in self.entries) / len(self.entries)

    @property
    def outcome(self) -> SessionOutcome:
        """The one definition of "done" (README, safety rules): at least half the prescribed
        exercises done, a partly done exercise counting by its fraction; otherwise partial
        (something done) or skipped (nothing). Every screen, rule and export asks this."""
        share = self.done_share
        return "done" if share >= 0.5 else "partial" if share > 0 else "skipped"

    @property
    def is_done(self) -> bool:
        """Whether the session counts as done (see `outcome`)."""
        return self.outcome == "done"


@record
class CheckIn(Record):
    """A pain check-in (0–10) with an optional note."""

    id: str = field(default_factory=new_id)
    at: datetime
    #: Back pain (or the one rating, for someone without leg symptoms).
    pain: Pain
    note: Note = ""
    #: For someone with leg symptoms: leg pain and how far down the leg (None: not asked).
    leg_pain: Pain | None = None
    reach: Reach | None = None

    @property
    def worse_pain(self) -> int:
        """The worse of back and leg pain: what the rules use."""
        return worse(self.pain, self.leg_pain)

    @property
    def rating(self) -> Rating:
        """The check-in's rating, back and leg."""
        return Rating(self.pain, self.leg_pain, self.reach)


@record
class Bout(Record):
    """One short bout of an exercise prescribed several times a day (README, safety rules), logged
    from Today with one key: adherence counts it."""

    id: str = field(default_factory=new_id)
    at: datetime
    exercise_id: str
    plan_id: str


@record
class Walk(Record):
    """One walk of the walking programme (README, safety rules): how long, which way, and the pain
    after."""

    id: str = field(default_factory=new_id)
    at: datetime
    minutes: Annotated[Whole, Limit(ge=1, le=WALK_MAX_MINUTES)]
    #: Backward walking (article 000), on flat familiar ground, from the catalog's stage.
    backward: YesNo = False
    #: Back pain after the walk (or the one rating), and leg pain for someone with leg symptoms.
    pain_after: Pain
    leg_after: Pain | None = None
    #: The worse pain of that day's latest check-in before the walk, kept with the walk when it
    #: is logged, so the flare rule reads the walk alone (None: no check-in that day yet).
    day_pain: Pain | None = None
    note: Note = ""
    #: For someone with leg symptoms, how far down the leg they reach after the walk, and as
    #: last rated before it: that day's check-in, or an earlier day's when there was none yet
    #: (the walk's own flare rule compares them).
    reach_after: Reach | None = None
    day_reach: Reach | None = None

    @property
    def worse_after(self) -> int:
        """The worse of back and leg pain after the walk: what the flare rule uses."""
        return worse(self.pain_after, self.leg_after)


#: "health": the answers to the questions a physiotherapist asks changed (Plan, h).
StageEventKind = Literal["start", "advance", "step-back", "pause", "resume", "override", "health"]


@record
class Criterion(Record):
    """One line of a move-on check: its name, whether it holds, and the numbers behind it."""

    key: str
    label: str
    ok: YesNo
    detail: str


@record
class StageEvent(Record):
    """A change of stage (start, advance, step back, pause, …) and the criteria behind it."""

    id: str = field(default_factory=new_id)
    at: datetime
    from_stage: StageNo | None = None
    to_stage: StageNo
    kind: StageEventKind
    reason: str = ""
    criteria: list[Criterion] = field(default_factory=list)


@record
class PsfsItem(Record):
    """One activity of a PSFS rating and how able the person is to do it (0–10)."""

    activity: Annotated[str, Limit(min_len=1)]
    score: Score


@record
class PsfsRating(Record):
    """A Patient-Specific Functional Scale rating: three to five activities."""

    id: str = field(default_factory=new_id)
    at: datetime
    items: Annotated[list[PsfsItem], Limit(min_len=3, max_len=5)]

    @property
    def mean(self) -> float:
        """The average score over the activities rated, 0–10: what is charted over time."""
        return sum(i.score for i in self.items) / len(self.items)
