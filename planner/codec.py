"""Models to JSON and back: `dump`, `validate` (pydantic) and `from_checked` (no pydantic).

- `dump(model)` is the JSON-ready dict the store writes: what pydantic's
  `dump_python(mode="json")` gives (the tests hold the two equal).
- `validate(cls, data)` runs pydantic over the data: every type and constraint, with an `Invalid`
  error that names the field. Use it for anything not known to be ours: a file that is not
  checked before, an import, a backup, the catalog in a folder given by hand, and every record
  before it is written.
- `from_checked(cls, data)` rebuilds a model from a document this program wrote and checked
  before. It converts types (dates, enums, nested models) and runs the models' own
  `__post_init__` checks, without pydantic.

pydantic is imported by the first `validate`, so opening the app on a file checked before and
`rehab status` never load it (its cost in time and memory is in BENCHMARKS.md).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from planner.models import field_names

M = TypeVar("M")
Convert = Callable[[Any], Any]


class Invalid(ValueError):
    """Data that does not validate as its model. `problems` are pydantic's error dicts."""

    def __init__(self, message: str, problems: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.problems = problems

    def first(self) -> str:
        """The first problem on one line (`pain_after: Input should be …`), and how many more."""
        first = self.problems[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        text = f"{where}: {first['msg']}"
        more = len(self.problems) - 1
        if more:
            text += f"; {more} more problem{'s' if more > 1 else ''}"
        return text


# ---------------------------------------------------------------------------------------------
# pydantic, for data not known to be ours


@functools.cache
def _adapter(cls: type) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(cls)


def prepare(cls: type) -> None:
    """Build pydantic's checker for `cls` now (its first `validate` otherwise imports pydantic
    and builds it: about a tenth of a second a person would wait for after their first save).
    Touches only this module's cache, so it may run in a thread."""
    _adapter(_hashable(cls))


def validate(cls: type[M], data: Any) -> M:
    """`data` as a `cls`, checked field by field by pydantic; `Invalid` if it is not one."""
    from pydantic import ValidationError

    try:
        model = typing.cast(M, _adapter(_hashable(cls)).validate_python(data))
    except ValidationError as error:
        problems = [_plain(p) for p in error.errors(include_url=False)]
        raise Invalid(str(error), problems) from None
    odd = _first_odd_time(model, ())
    if odd is not None:
        where, when, kind, words = odd
        problem: dict[str, Any] = {"loc": where, "type": kind, "msg": words}
        raise Invalid(problem["msg"], [problem])
    return model


#: Dates rehab keeps: a record outside these years is a wrong clock or a typing slip, and the
#: day arithmetic of the rules and the report (a day before, a week after) must always fit.
YEARS = (1900, 2199)


def _first_odd_time(
    value: Any, where: tuple[Any, ...]
) -> tuple[tuple[Any, ...], date, str, str] | None:
    """The first time in a model that rehab does not keep, where it is, and why. One rule at
    every entrance (validation, import, migration): times are naive local times, so two can
    always be compared, and fall within `YEARS`."""
    if type(value) in _PLAIN:
        return None
    if isinstance(value, date):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return (
                where,
                value,
                "timezone_aware",
                f"a time with a time zone ({value.isoformat()}): rehab keeps local times, "
                "written without one",
            )
        if not YEARS[0] <= value.year <= YEARS[1]:
            return (
                where,
                value,
                "year_out_of_range",
                f"the year {value.year} ({value.isoformat()}): rehab keeps dates from "
                f"{YEARS[0]} to {YEARS[1]}",
            )
        return None
    if _model_fields(type(value)) is not None:
        items: Any = ((name, getattr(value, name)) for name in _time_fields(_hashable(type(value))))
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    elif isinstance(value, dict):
        items = value.items()
    else:
        return None
    for key, item in items:
        found = _first_odd_time(item, (*where, key))
        if found is not None:
            return found
    return None


@functools.cache
def _time_fields(cls: type) -> tuple[str, ...]:
    """The fields of a model that can hold a date, in order: the only ones `_first_odd_time`
    needs to walk. A validated model's values are of their annotated types, so a field typed
    `str`, `int`, an enum or a `Literal` (or lists and dicts of them, or models of only such
    fields) never holds one; anything else is walked, `Any` and the unforeseen included."""
    return _time_fields_of(cls, ())


def _may_hold_time(hint: Any, seen: tuple[type, ...]) -> bool:
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        return _may_hold_time(args[0], seen)
    if origin is Literal or hint in (str, int, bool, float, type(None)):
        return False
    if isinstance(hint, type) and issubclass(hint, date):
        return True
    if isinstance(hint, type) and issubclass(hint, Enum):
        return False
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if hint in seen:
            return True  # a model that holds itself: walk it rather than reason about it
        return bool(_time_fields_of(hint, seen))
    if origin in (Union, types.UnionType, list, tuple, dict, set, frozenset) and args:
        return any(_may_hold_time(a, seen) for a in args if a is not Ellipsis)
    return True


def _time_fields_of(cls: type, seen: tuple[type, ...]) -> tuple[str, ...]:
    hints = typing.get_type_hints(cls, include_extras=True)
    return tuple(name for name in field_names(cls) if _may_hold_time(hints[name], (*seen, cls)))


def _plain(problem: Any) -> dict[str, Any]:
    """pydantic words a field a dataclass does not have as 'Unexpected keyword argument'."""
    if problem["type"] == "unexpected_keyword_argument":
        problem = {**problem, "msg": "Extra inputs are not permitted"}
    return dict(problem)


# ---------------------------------------------------------------------------------------------
# Out: a model as JSON-ready data


def dump(value: Any, *, exclude_none: bool = False) -> Any:
    """A model (or a list or dict of them) as plain JSON data: dates as ISO text, enums as
    their values, tuples as lists. `exclude_none` leaves out fields that are None, at any depth."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    names = _model_fields(kind)
    if names is not None:
        out = {}
        for name in names:
            item = getattr(value, name)
            if item is None and exclude_none:
                continue
            # Most fields are text, numbers or None: kept as they are without a call.
            out[name] = item if type(item) in _PLAIN else dump(item, exclude_none=exclude_none)
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [dump(item, exclude_none=exclude_none) for item in value]
    if isinstance(value, dict):
        return {
            str(dump(key)): dump(item, exclude_none=exclude_none) for key, item in value.items()
        }
    return value


#: What `dump` gives back as it is.
_PLAIN = frozenset({str, int, float, bool, type(None)})
#: Per class met: a model's field names, or None (not a model).
_MODEL_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _model_fields(kind: type) -> tuple[str, ...] | None:
    """A model class's field names; None for any other type (`dataclasses.is_dataclass` on
    every value was a third of a big save)."""
    names = _MODEL_FIELDS.get(kind, ())
    if names == ():  # not yet seen
        names = _MODEL_FIELDS[kind] = field_names(kind) if dataclasses.is_dataclass(kind) else None
    return names


# ---------------------------------------------------------------------------------------------
# In, without pydantic: documents this program wrote


def from_checked(cls: type[M], data: Mapping[str, Any]) -> M:
    """Rebuild a model from a document this program wrote and checked before. Types are converted
    and `__post_init__` checks run; the field constraints are not checked again."""
    return typing.cast(M, _decoder(_hashable(cls))(data))


def _hashable(cls: type) -> type:
    """`cls` as the plain `type` it is: mypy does not see a `type[M]` as hashable, so would
    not let it key a cache (python/mypy#11470)."""
    return cls


@functools.cache
def _decoder(cls: type) -> Convert:
    hints = typing.get_type_hints(cls, include_extras=True)
    converters = [
        (f.name, convert)
        for f in dataclasses.fields(cls)
        if (convert := _converter(hints[f.name])) is not None
    ]

    def decode(data: Mapping[str, Any]) -> Any:
        values = dict(data)
        for name, convert in converters:
            if name in values:
                values[name] = convert(values[name])
        return cls(**values)

    return decode


def _converter(hint: Any) -> Convert | None:
    """How to turn stored JSON into a value of `hint`; None where it is already one."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        return _converter(args[0])
    if origin is Literal or hint in (str, int, bool, float):
        return None
    if origin in (Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        inner = [_converter(a) for a in members]
        if all(c is None for c in inner):
            return None
        if len(members) == 1 and inner[0] is not None:
            convert = inner[0]
            return lambda v: None if v is None else convert(v)
    elif origin is list:
        each = _converter(args[0])
        return list if each is None else (lambda v: [each(x) for x in v])
    elif origin is tuple:
        return tuple
    elif origin is dict:
        key, item = _converter(args[0]), _converter(args[1])
        if key is None and item is None:
            return dict
        key, item = key or _same, item or _same
        return lambda v: {key(k): item(x) for k, x in v.items()}
    elif hint is datetime:
        return datetime.fromisoformat
    elif hint is date:
        return date.fromisoformat
    elif isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    elif isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decoder(hint)
    raise TypeError(f"no decoder for checked documents for {hint!r}")


def _same(value: Any) -> Any:
    return value
