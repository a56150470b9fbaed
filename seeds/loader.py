"""Read and validate the catalog's TOML files."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from planner.codec import Invalid, from_checked, validate
from planner.models import Catalog, EducationCard, Exercise, Figure, Rules, Stage

DATA = Path(__file__).parent / "data"
FILES = ("sources", "exercises", "stages", "cards", "poses")
CACHE_FORMAT = 3
M = TypeVar("M")


class CatalogError(ValueError):
    """A catalog file is broken; the message names the file, the entry and the field."""


def _read(path: Path) -> dict[str, Any]:
    import tomllib  # only when the checked copy is missing or stale (see `_load_checked`)

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise CatalogError(f"{path}: catalog file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from None


def default_cache() -> Path:
    """Where the checked catalog is kept between starts (the user's cache folder)."""
    from planner.folders import user_folder

    return user_folder("cache") / "catalog.json"


def _parse(data_dir: Path) -> dict[str, dict[str, Any]]:
    """The catalog's TOML files, parsed."""
    return {name: _read(data_dir / f"{name}.toml") for name in FILES}


def _load_checked(data_dir: Path, cache: Path) -> Catalog:
    """The catalog in `data_dir`, validated by pydantic unless `cache` holds a copy that was,
    of these very files.

    Parsing TOML at every start is slow (tomllib is pure Python), and pydantic slower still; reading
    the parsed copy as JSON costs next to nothing (BENCHMARKS.md). The copy is written only after a
    full validation, and is keyed on a digest of each file's bytes, so it is used only for the very
    bytes that were checked: any edit is parsed and checked afresh, whatever the file's
    times say. Any problem with the copy means doing the work again.
    """
    files = None
    try:
        files = [[name, _digest(data_dir / f"{name}.toml")] for name in FILES]
        saved = json.loads(cache.read_bytes())
        if saved["format"] == CACHE_FORMAT and saved["files"] == files:
            return _load(data_dir, _checked_before, saved["documents"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        # Missing, stale, or damaged, even nested too deep to parse (CatalogError is a
        # ValueError: checked again below). A cache can only ever cost the work it saves.
        pass
    documents = _parse(data_dir)
    catalog = _load(data_dir, _validate, documents)
    if files is not None:
        _keep(cache, {"format": CACHE_FORMAT, "files": files, "documents": documents})
    return catalog


def _digest(path: Path) -> str:
    """The SHA-256 of a file's bytes (the files are about 60 KB: a fraction of a ms)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _keep(cache: Path, content: dict[str, Any]) -> None:
    """Write the cache (private, replaced atomically); a failure only costs the next start."""
    temp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
    try:
        data = json.dumps(content, ensure_ascii=False).encode()
        _private_dirs(cache.parent)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, cache)
    except (OSError, TypeError, ValueError):  # TypeError: a TOML date, which JSON cannot hold
        temp.unlink(missing_ok=True)


def _private_dirs(directory: Path) -> None:
    """Make `directory` and any missing parent (`~/.cache` on a new account) 0700 whatever the
    umask, as `store.atomic.ensure_private_dir` does for the data folder (`seeds` does not
    import `store`); a cache needs no fsync."""
    missing = []
    while not os.path.lexists(directory):
        missing.append(directory)
        directory = directory.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, 0o700)
            os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask


def _where(error: dict[str, Any]) -> str:
    return ".".join(str(p) for p in error["loc"]) or "(entry)"


def _validate(model: type[M], path: Path, what: str, key: str, raw: Any) -> M:
    try:
        return validate(model, raw)
    except Invalid as exc:
        first = exc.problems[0]
        count = len(exc.problems)
        more = f" (and {count - 1} more)" if count > 1 else ""
        raise CatalogError(
            f"{path}: {what} '{key}': field {_where(first)}: {first['msg']}{more}"
        ) from None


def _checked_before(model: type[M], path: Path, what: str, key: str, raw: Any) -> M:
    """An entry pydantic validated when it was cached: only its types are converted."""
    return from_checked(model, raw)


def _table(doc: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    table = doc.get(name)
    if not isinstance(table, dict) or not table:
        raise CatalogError(f"{path}: expected a [{name}.<id>] table with at least one entry")
    return table


def _keyed(raw: dict[str, Any], field: str, key: Any) -> dict[str, Any]:
    """The table key is the entry's identity; a field repeating it differently is an error."""
    if field in raw and raw[field] != key:
        return {**raw, field: f"<{field} {raw[field]!r} differs from the table key>"}
    return {**raw, field: key}


def load_catalog(data_dir: Path = DATA) -> Catalog:
    """Load, validate and cross-check the catalog. Cached for the default directory."""
    if data_dir == DATA:
        return _load_default()
    return _load(data_dir)


@cache
def _load_default() -> Catalog:
    return _load_checked(DATA, default_cache())


def _load(
    data_dir: Path,
    read: Callable[..., Any] = _validate,
    documents: dict[str, dict[str, Any]] | None = None,
) -> Catalog:
    docs = _parse(data_dir) if documents is None else documents
    path = data_dir / "sources.toml"
    sources = {str(k): str(v) for k, v in _table(docs["sources"], "sources", path).items()}

    path = data_dir / "exercises.toml"
    exercises: dict[str, Exercise] = {}
    for key, raw in _table(docs["exercises"], "exercises", path).items():
        if not isinstance(raw, dict):
            raise CatalogError(f"{path}: exercise '{key}': expected a table")
        exercises[key] = read(Exercise, path, "exercise", key, _keyed(raw, "id", key))

    path = data_dir / "stages.toml"
    doc = docs["stages"]
    stages: dict[int, Stage] = {}
    for key, raw in _table(doc, "stages", path).items():
        if not isinstance(raw, dict):
            raise CatalogError(f"{path}: stage '{key}': expected a table")
        try:
            number = int(key)
        except ValueError:
            raise CatalogError(f"{path}: stage '{key}': the key must be the stage number") from None
        stages[number] = read(Stage, path, "stage", key, _keyed(raw, "number", number))
    rules = read(Rules, path, "rules", "rules", doc.get("rules", {}))

    path = data_dir / "cards.toml"
    cards = {}
    for key, raw in _table(docs["cards"], "cards", path).items():
        if not isinstance(raw, dict):
            raise CatalogError(f"{path}: card '{key}': expected a table")
        cards[key] = read(EducationCard, path, "card", key, _keyed(raw, "id", key))

    path = data_dir / "poses.toml"
    figures: dict[str, Figure] = {}
    for key, raw in _table(docs["poses"], "poses", path).items():
        if not isinstance(raw, dict):
            raise CatalogError(f"{path}: exercise '{key}': expected a table")
        figures[key] = read(Figure, path, "exercise", key, _paired(raw))

    _cross_check(data_dir, exercises, stages, cards, sources)
    _match_figures(path, exercises, figures)
    if rules.backward_walk_exercise not in exercises:
        raise CatalogError(
            f"{path.parent / 'stages.toml'}: rules: field backward_walk_exercise: "
            f"no exercise '{rules.backward_walk_exercise}'"
        )
    return Catalog(
        exercises=exercises,
        stages=stages,
        cards=cards,
        rules=rules,
        sources=sources,
        figures=figures,
    )


#: The joints a pose gives once for each side (near, far); one number there means both sides.
PAIRED = ("shoulders", "elbows", "hips", "knees", "ankles")


def _paired(raw: dict[str, Any]) -> dict[str, Any]:
    """A figure's table with each limb's single angle written out for both sides."""
    figure = dict(raw)
    for end in ("start", "end"):
        pose = figure.get(end)
        if isinstance(pose, dict):
            figure[end] = {
                name: [value, value] if name in PAIRED and isinstance(value, int) else value
                for name, value in pose.items()
            }
    return figure


def _match_figures(path: Path, exercises: dict[str, Exercise], figures: dict[str, Figure]) -> None:
    """Every exercise is drawn, and every drawing is of an exercise."""
    for key in figures:
        if key not in exercises:
            raise CatalogError(f"{path}: exercise '{key}': no such exercise in exercises.toml")
    for key in exercises:
        if key not in figures:
            raise CatalogError(f"{path}: exercise '{key}': no poses (a [poses.{key}] table)")


def _cross_check(
    data_dir: Path,
    exercises: dict[str, Exercise],
    stages: dict[int, Stage],
    cards: dict[str, EducationCard],
    sources: dict[str, str],
) -> None:
    """References between files must resolve: neighbours, stage contents, cited articles."""
    ex_path = data_dir / "exercises.toml"
    for ex in exercises.values():
        for field in ("easier", "harder"):
            target = getattr(ex, field)
            if target is not None and target not in exercises:
                raise CatalogError(
                    f"{ex_path}: exercise '{ex.id}': field {field}: no exercise '{target}'"
                )
        for i, src in enumerate(ex.sources):
            if src not in sources:
                raise CatalogError(
                    f"{ex_path}: exercise '{ex.id}': field sources.{i}: unknown article '{src}'"
                )
    if sorted(stages) != [1, 2, 3, 4]:
        raise CatalogError(f"{data_dir / 'stages.toml'}: stages must be exactly 1, 2, 3 and 4")
    for stage in stages.values():
        for i, ex_id in enumerate(stage.default_exercises):
            if ex_id not in exercises:
                raise CatalogError(
                    f"{data_dir / 'stages.toml'}: stage '{stage.number}': "
                    f"field default_exercises.{i}: no exercise '{ex_id}'"
                )
        for i, acute in enumerate(stage.acute):
            for j, ex_id in enumerate(acute.exercises):
                if ex_id not in exercises:
                    raise CatalogError(
                        f"{data_dir / 'stages.toml'}: stage '{stage.number}': "
                        f"field acute.{i}.exercises.{j}: no exercise '{ex_id}'"
                    )
        if stage.number < 4 and stage.move_on is None:
            raise CatalogError(
                f"{data_dir / 'stages.toml'}: stage '{stage.number}': "
                f"field move_on: required below stage 4"
            )
    for card in cards.values():
        for i, src in enumerate(card.sources):
            if src not in sources and not src.startswith("guideline:"):
                raise CatalogError(
                    f"{data_dir / 'cards.toml'}: card '{card.id}': "
                    f"field sources.{i}: unknown article '{src}'"
                )
