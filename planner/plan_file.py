"""The plan file a physiotherapist can read and write: `rehab plan export` / `rehab plan import`.

A small TOML file (README, "For your physiotherapist"):

    format = 1
    stage = 2
    clinician = "A. Physio"          # optional
    note = "Walk every day."         # optional, for the person

    [[exercise]]
    id = "pelvic-tilt-lying"         # a catalog id, as `rehab library --json` lists them
    name = "Pelvic tilt, lying"      # for reading; the id decides
    slot = "any"                     # morning, evening or any
    sets = 2
    reps = 10
    hold_s = 5
    rest_s = 20
    per_day = 1

Pure: reading checks the file against the catalog and each exercise's dose bounds and returns
every problem found, one line each, naming the line and the field.
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from planner.models import (
    CLINICIAN_MAX,
    NOTE_MAX,
    Catalog,
    Dose,
    Limit,
    Plan,
    PlanSource,
    Prescription,
)
from planner.text import CONTROLS, u_escaped

if TYPE_CHECKING:
    from planner.gate import SafetyRecords

FORMAT = 1
#: The dose fields a file may set; those the catalog gives no bounds for are held to the
#: `Dose` model's own limits.
DOSE_FIELDS = ("sets", "reps", "hold_s", "minutes", "rest_s", "per_day")
_MODEL_LIMITED = ("rest_s", "per_day")
_TOP = ("format", "stage", "clinician", "note", "exercise")
_EXERCISE = ("id", "name", "slot", *DOSE_FIELDS)
_SLOTS = ("morning", "evening", "any")
#: The plan file's JSON Schema, by the name the first line of an exported plan gives it: an
#: editor that reads `#:schema` (taplo, VS Code's Even Better TOML) finds it beside the file
#: (`rehab schema plan > rehab-plan.schema.json`) and completes fields and checks bounds.
SCHEMA_NAME = "rehab-plan.schema.json"
HEADER = """\
#:schema ./{schema}
# A rehab plan. A physiotherapist may edit it and send it back; the person loads it with
#   rehab plan import FILE
# stage: {stages}. Each [[exercise]] names a catalog id
# (rehab library --json lists them) with its dose: sets, reps, hold_s (seconds held), minutes,
# rest_s, per_day (times a day), and slot: morning, evening or any. Doses are checked against
# each exercise's limits. clinician and note are optional; the note is shown to the person.
"""


class PlanFileProblems(ValueError):
    """A plan file that cannot be used: one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PlanFile:
    """What a checked plan file says."""

    stage: int
    prescriptions: list[Prescription]
    clinician: str = ""
    note: str = ""

    def plan(self, now: datetime) -> Plan:
        """The file as the plan in force, marked as the physiotherapist's."""
        source = PlanSource(
            imported_at=now,
            clinician=self.clinician,
            note=self.note,
            doses={p.exercise_id: p.dose for p in self.prescriptions},
        )
        return Plan(
            stage=self.stage, created_at=now, prescriptions=self.prescriptions, source=source
        )


def replaces_theirs(plan: Plan | None) -> str:
    """What a new plan would mean for a physiotherapist's plan in force, as a sentence to add to
    a question ("" when the plan is rehab's own): the person may choose, and should know."""
    if plan is None or plan.source is None:
        return ""
    return f" This replaces the plan from {plan.source.who}; rehab plan import loads theirs again."


def import_refusal(plan: Plan | None, safety: SafetyRecords, now: datetime) -> str | None:
    """Why a physiotherapist's plan may not be loaded now (None: it may). Not while a warning
    sign is open (the gate's own `open_signs`), nor while the plan is paused after one: only
    answering the safety questions again ends a pause, never a new plan."""
    from planner.gate import open_signs

    if open_signs(safety, now)[0]:
        return (
            "A warning sign is open, so no new plan is loaded: see a doctor first, then "
            "answer the safety questions again in rehab. Nothing was changed."
        )
    if plan is not None and plan.status == "paused":
        return (
            "Your plan is paused after a warning sign: answer the safety questions again in "
            "rehab first, then load the new plan. Nothing was changed."
        )
    return None


def write(plan: Plan, catalog: Catalog) -> str:
    """The plan in force as a plan file (the physiotherapist's name and note kept, if any)."""
    import tomli_w

    top: dict[str, Any] = {"format": FORMAT, "stage": plan.stage}
    if plan.source is not None:
        if plan.source.clinician:
            top["clinician"] = plan.source.clinician
        if plan.source.note:
            top["note"] = plan.source.note
    exercises = []
    for p in plan.prescriptions:
        exercise = catalog.exercises.get(p.exercise_id)
        item: dict[str, Any] = {"id": p.exercise_id}
        if exercise is not None:
            item["name"] = exercise.name
        item["slot"] = p.slot
        for name in DOSE_FIELDS:
            value = getattr(p.dose, name)
            if value is not None:
                item[name] = value
        exercises.append(item)
    top["exercise"] = exercises
    stages = ", ".join(f"{n} {stage.name}" for n, stage in sorted(catalog.stages.items()))
    # tomli_w escapes C0 controls and DEL; C1 and bidi characters are escaped here.
    body = u_escaped(tomli_w.dumps(top, multiline_strings=True))
    return HEADER.format(schema=SCHEMA_NAME, stages=stages) + "\n" + body


def json_schema(catalog: Catalog) -> dict[str, Any]:
    """The plan file as a JSON Schema (draft-07, which TOML editors read): its fields, the
    catalog's ids and stages, each dose field's limits, and each exercise's own bounds."""
    slots = [case(s) for s in _SLOTS for case in (str.lower, str.capitalize, str.upper)]
    # Each exercise's own bounds come below; the model holds rest and times a day for all.
    dose: dict[str, dict[str, Any]] = {
        name: {"type": "integer", "minimum": 1} for name in DOSE_FIELDS
    }
    for name in _MODEL_LIMITED:
        low, high = _model_limits(name)
        dose[name] = {"type": "integer", "minimum": low, "maximum": high}
    bounded = []
    for ex in sorted(catalog.exercises.values(), key=lambda e: e.id):
        limits: dict[str, dict[str, int] | bool] = {}
        for name in DOSE_FIELDS:
            bound = None if name in _MODEL_LIMITED else getattr(ex.bounds, name)
            if bound is not None:
                limits[name] = {"minimum": bound[0], "maximum": bound[1]}
            elif name not in _MODEL_LIMITED:
                limits[name] = False  # not dosed so: the field is not allowed
        bounded.append(
            {
                "if": {"properties": {"id": {"const": ex.id}}, "required": ["id"]},
                "then": {"properties": limits},
            }
        )
    exercise = {
        "type": "object",
        "required": ["id"],
        "additionalProperties": False,
        "properties": {
            "id": {"enum": sorted(catalog.exercises), "description": "a catalog id"},
            "name": {"type": "string", "description": "for reading; the id decides"},
            "slot": {"enum": slots, "default": "any"},
            **dose,
        },
        "allOf": bounded,
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"urn:rehab-planner:plan-file:format-{FORMAT}",
        "title": "A rehab plan, as a physiotherapist writes it (rehab plan import)",
        "type": "object",
        "required": ["stage", "exercise"],
        "additionalProperties": False,
        "properties": {
            "format": {"type": "integer", "minimum": 1, "maximum": FORMAT},
            "stage": {"enum": sorted(catalog.stages)},
            "clinician": {"type": "string", "maxLength": CLINICIAN_MAX},
            "note": {"type": "string", "maxLength": NOTE_MAX},
            "exercise": {"type": "array", "minItems": 1, "items": exercise},
        },
    }


class _Lines:
    """Finds the line a key is on: at the top of the file, or inside the n-th [[exercise]]."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers = [i for i, line in enumerate(self.lines) if re.match(r"\s*\[\[", line)]
        self.exercises = [
            i for i in self.headers if re.match(r"\s*\[\[\s*exercise\s*\]\]", self.lines[i])
        ]

    def of(self, key: str | None, table: int | None = None) -> int:
        if table is None:
            start, end = 0, self.headers[0] if self.headers else len(self.lines)
        else:
            if table >= len(self.exercises):
                return len(self.lines)
            start = self.exercises[table]
            later = [i for i in self.headers if i > start]
            end = later[0] if later else len(self.lines)
        if key is not None:
            for i in range(start, end):
                if _key_of(self.lines[i]) == key:
                    return i + 1
        return start + 1 if table is not None else 1


def _key_of(line: str) -> str | None:
    """The key a `key = value` line sets, as TOML reads it: quotes and escapes undone, a dotted
    key's first part (a key written "\\u001b…" is found by the ESC it stands for). None when
    the line sets no key."""
    import tomllib

    for at, char in enumerate(line):
        if char == "=":
            try:
                keys = tomllib.loads(line[:at] + "= 0")
            except tomllib.TOMLDecodeError:
                continue  # that "=" was inside a quoted key
            return next(iter(keys), None)
    return None


def read(text: str, catalog: Catalog) -> PlanFile:
    """The plan `text` describes, checked; `PlanFileProblems` naming every line that is wrong."""
    import tomllib  # only here: Plan and Progress import this module at start-up

    text = text.removeprefix("\ufeff")  # the byte-order mark Windows editors write first
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"\(at line (\d+), column \d+\)", str(error))
        words = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        line = f"line {where.group(1)}" if where else "the file"
        raise PlanFileProblems([f"{line}: not a TOML file rehab can read ({words})."]) from None
    lines = _Lines(text)
    said: list[tuple[int, str]] = []

    def problem(key: str | None, table: int | None, words: str) -> None:
        name = key if table is None else f"exercise {table + 1}{', ' + key if key else ''}"
        at = lines.of(key, table)
        said.append((at, f"line {at}: {name}: {words}"))

    for key in data:
        if key not in _TOP:
            problem(key, None, _unknown(key, _TOP))
    version = data.get("format", FORMAT)
    if not _whole(version) or version < 1:
        problem("format", None, "must be a whole number, 1.")
    elif version > FORMAT:
        raise PlanFileProblems(
            [
                f"line {lines.of('format')}: format: {version} was written by a newer rehab; "
                f"this one reads format {FORMAT}. Update rehab, or ask for a format {FORMAT} file."
            ]
        )
    stage = data.get("stage")
    known = ", ".join(str(n) for n in sorted(catalog.stages))
    if stage is None:
        problem(None, None, f"the file names no stage (stage = one of {known}).")
    elif not _whole(stage) or stage not in catalog.stages:
        problem("stage", None, f"must be one of {known}; got {stage!r}.")
    clinician, note = data.get("clinician", ""), data.get("note", "")
    if not isinstance(clinician, str) or len(clinician) > CLINICIAN_MAX:
        problem("clinician", None, f"must be a name in quotes, at most {CLINICIAN_MAX} characters.")
    elif CONTROLS.search(clinician) or "\n" in clinician or "\r" in clinician:
        problem("clinician", None, "must be one line of plain text (it holds a control character).")
    if not isinstance(note, str):
        problem("note", None, "must be text in quotes.")
    elif len(note) > NOTE_MAX:
        problem("note", None, f"is {len(note):,} characters long; rehab takes up to {NOTE_MAX:,}.")
    elif CONTROLS.search(note):
        problem("note", None, "must be plain text (it holds a control character).")
    exercises = data.get("exercise", [])
    if not isinstance(exercises, list) or not all(isinstance(e, dict) for e in exercises):
        problem("exercise", None, "write each exercise as an [[exercise]] table.")
        exercises = []
    elif not exercises:
        at = len(lines.lines) or 1
        said.append((at, f"line {at}: exercise: the plan has no exercises."))
    prescriptions: list[Prescription] = []
    seen: set[str] = set()
    for index, item in enumerate(exercises):
        found = _exercise(item, index, catalog, problem)
        if found is None:
            continue
        if found.exercise_id in seen:
            problem("id", index, f"{found.exercise_id} is in the plan twice.")
            continue
        seen.add(found.exercise_id)
        prescriptions.append(found)
    if said:
        # In the order a person reads the file (a stable sort: one line's problems as found).
        raise PlanFileProblems([words for _, words in sorted(said, key=lambda f: f[0])])
    # Each field was checked above, and anything wrong said: the stage is one of the catalog's.
    return PlanFile(typing.cast(int, stage), prescriptions, clinician.strip(), note)


def _unknown(key: str, known: Sequence[str]) -> str:
    """An unknown field, with the known one it most likely meant ("rep" → "reps")."""
    import difflib

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]}?" if close else ""
    return f"rehab does not know this field (it knows {', '.join(known)}).{hint}"


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _exercise(
    item: dict[str, Any],
    index: int,
    catalog: Catalog,
    problem: Callable[[str | None, int | None, str], None],
) -> Prescription | None:
    """One [[exercise]] as a prescription, or None after reporting what is wrong with it."""
    bad = False
    for key in item:
        if key not in _EXERCISE:
            problem(key, index, _unknown(key, _EXERCISE))
            bad = True
    exercise_id = item.get("id")
    exercise = catalog.exercises.get(exercise_id) if isinstance(exercise_id, str) else None
    if exercise is None:
        if exercise_id is None:
            problem(None, index, "has no id (the catalog id, from rehab library --json).")
        else:
            problem("id", index, f"{exercise_id!r} is not an exercise in rehab's catalog.")
        return None
    slot = item.get("slot", "any")
    if isinstance(slot, str):
        slot = slot.strip().lower()  # "Morning" is morning
    if slot not in _SLOTS:
        problem("slot", index, f"must be morning, evening or any; got {slot!r}.")
        bad = True
    values: dict[str, Any] = {}  # the dose's changed fields, by name: `replace`'s keywords
    bounds = exercise.bounds
    for name in DOSE_FIELDS:
        if name not in item:
            continue
        value = item[name]
        if not _whole(value):
            problem(name, index, f"must be a whole number; got {value!r}.")
            bad = True
            continue
        limits = _model_limits(name) if name in _MODEL_LIMITED else getattr(bounds, name)
        if limits is None:
            problem(name, index, f"{exercise.name} is not dosed in {_words(name)}.")
            bad = True
        elif not limits[0] <= value <= limits[1]:
            problem(
                name,
                index,
                f"{value} is outside {exercise.name}'s limits, {limits[0]} to {limits[1]}.",
            )
            bad = True
        else:
            values[name] = value
    if bad:
        return None
    dose = replace(exercise.dose, **values)
    return Prescription(exercise_id=exercise.id, dose=dose, slot=slot)


@functools.cache
def _model_limits(name: str) -> tuple[int, int]:
    """A `Dose` field's limits as the model declares them (what validation holds it to)."""
    hint = typing.get_type_hints(Dose, include_extras=True)[name]
    limit = next(m for m in typing.get_args(hint)[1:] if isinstance(m, Limit))
    assert limit.ge is not None and limit.le is not None
    return limit.ge, limit.le


def _words(name: str) -> str:
    return {"reps": "repetitions", "hold_s": "seconds held", "minutes": "minutes"}.get(name, name)
