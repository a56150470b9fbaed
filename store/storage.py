"""`PrivateStorage`: TinyDB's two-method `Storage`, made crash-safe and private.

- `write` serializes first, takes the day's backup if this is the day's first write, then replaces
  the file atomically (`store.atomic`). Nothing like CachingMiddleware: a returned write is on disk.
  It keeps each document's JSON, so a save told which documents changed serializes only those.
- `read` parses the file once and then serves the tables from memory; it refuses a damaged file
  (empty, not JSON, not `{table: {key: document}}`) with a `DataFileError` and never writes to it.
- After a failed write the memory is dropped and the next read comes from disk again, which is
  unchanged; so TinyDB's in-place edits of the failed write never linger.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import pydantic_core
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from store import backups, known_good
from store.atomic import ensure_private_dir, read_bytes, write_atomic
from store.errors import DataFileError, StoreError
from store.paths import restore_command
from store.schema import Damage, Tables

Clock = Callable[[], datetime]

_UNREAD = object()


#: Each document's JSON (with its key: `"id":{...}`), per table, as last written.
Fragments = dict[str, dict[str, bytes]]


def serialize(tables: Mapping[str, Any]) -> bytes:
    """The file's bytes for these tables (compact JSON, UTF-8)."""
    return pydantic_core.to_json(tables)


def encode(
    tables: Tables,
    previous: Fragments | None = None,
    changed: Mapping[str, Iterable[str]] | None = None,
) -> tuple[bytes, Fragments]:
    """`serialize(tables)`, byte for byte, reusing `previous` fragments for unchanged documents.

    Saving one session into ten years of history then serializes one document, not 7,300: the
    rest is a join of bytes. Without `previous` and `changed`, every document is serialized.
    """
    if previous is None or changed is None:
        fragments = _fragments_of(tables)
    else:
        fragments = dict(previous)
        for name, keys in changed.items():
            table, table_fragments = tables[name], dict(fragments.get(name, {}))
            for key in keys:
                table_fragments[key] = _fragment(key, table[key])
            fragments[name] = table_fragments
    try:
        return _join(tables, fragments), fragments
    except KeyError:  # a document nobody said had changed: be safe, serialize everything
        fragments = _fragments_of(tables)
        return _join(tables, fragments), fragments


def _fragment(key: str, document: Any) -> bytes:
    return pydantic_core.to_json(key) + b":" + pydantic_core.to_json(document)


def _fragments_of(tables: Tables) -> Fragments:
    return {
        name: {key: _fragment(key, document) for key, document in table.items()}
        for name, table in tables.items()
    }


def _join(tables: Tables, fragments: Fragments) -> bytes:
    parts = [b"{"]
    for number, (name, table) in enumerate(tables.items()):
        if number:
            parts.append(b",")
        table_fragments = fragments[name]
        parts += [pydantic_core.to_json(name), b":{"]
        parts.append(b",".join([table_fragments[key] for key in table]))
        parts.append(b"}")
    parts.append(b"}")
    return b"".join(parts)


def parse(path: Path, data: bytes) -> Tables:
    """The tables in `data`, read from `path`; `DataFileError` unless it is TinyDB's layout."""
    try:
        return parse_tables(data)
    except Damage as problem:
        raise damaged(path, problem.reason) from None


def damaged(path: Path, reason: str) -> DataFileError:
    """The error for a damaged data file, naming its newest backup and how to restore it."""
    return DataFileError(
        path,
        reason,
        newest_backup=backups.newest_backup(path),
        restore_command=restore_command(path),
    )


def parse_tables(data: bytes) -> Tables:
    """The tables in `data`, or `Damage` unless it is TinyDB's `{table: {key: document}}`."""
    if not data:
        raise Damage("it is empty: 0 bytes")
    try:
        tables = pydantic_core.from_json(data)
    except ValueError as error:
        raise Damage(_json_problem(str(error))) from None
    if not isinstance(tables, dict):
        raise Damage(f"expected an object of tables, found {_kind(tables)}")
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise Damage(f"table {name!r} should be an object of documents, found {_kind(table)}")
        for key, document in table.items():
            if not isinstance(document, dict):
                found = _kind(document)
                raise Damage(f"{name} document {key!r} should be an object, found {found}")
    return tables


def _json_problem(message: str) -> str:
    """`not valid JSON at line 1, column 40: EOF while parsing an object`."""
    where = re.fullmatch(r"(.*) at line (\d+) column (\d+)", message)
    if where is None:
        return f"not valid JSON: {message}"
    what, line, column = where.groups()
    return f"not valid JSON at line {line}, column {column}: {what}"


def _kind(value: object) -> str:
    names = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


class PrivateStorage(Storage):
    """A TinyDB storage that never leaves a half-written file and reads the disk only once.

    `clock` dates the daily backup; without one no daily backups are taken (tests, tools).
    A `readonly` storage refuses to write.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock | None = None,
        readonly: bool = False,
    ) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._clock = clock
        self._data: Any = _UNREAD
        self._fragments: Fragments | None = None  # the JSON of self._data, per document
        self.digest: str | None = None  # of the bytes last read or written (see known_good)
        self._backed_up_on = None  # the day whose daily backup we know exists

    def read(self) -> Tables | None:
        """The tables (None when the file does not exist yet), from memory after the first read.

        The outer dict is a copy, so TinyDB replacing a table before a failed write cannot
        change what we hold.
        """
        if self._data is _UNREAD:
            raw = read_bytes(self.path)
            self._data = None if raw is None else parse(self.path, raw)
            self.digest = None if raw is None else known_good.digest(raw)
        return None if self._data is None else dict(self._data)

    def write(self, data: Tables, changed: Mapping[str, Iterable[str]] | None = None) -> None:
        """Replace the file with `data`, atomically; on any error the file is as it was.

        `changed` (`{table: [ids]}`), when given, promises that every other document is the
        one last written, so only these are serialized again (see `encode`).
        """
        if self.readonly:
            raise StoreError(f"{self.path} was opened read-only; nothing was saved.")
        try:
            # Serialize before touching disk: a serialization error changes nothing.
            payload, fragments = self._encode(data, changed)
            self._daily_backup()
            ensure_private_dir(self.path.parent)
            write_atomic(self.path, payload)
        except BaseException:
            self.forget()
            raise
        self._data, self._fragments = data, fragments
        self.digest = None  # hashed when asked (at close), not on every save

    def _encode(
        self, data: Tables, changed: Mapping[str, Iterable[str]] | None
    ) -> tuple[bytes, Fragments]:
        return encode(data, self._fragments, changed)

    def current_digest(self) -> str | None:
        """The digest of the file as last read or written (None if unknown or unread)."""
        if self.digest is None and self._data not in (_UNREAD, None) and self._fragments:
            self.digest = known_good.digest(_join(self._data, self._fragments))
        return self.digest

    def forget(self) -> None:
        """Drop what is held in memory; the next read comes from disk."""
        self._data = _UNREAD
        self._fragments = None
        self.digest = None

    def close(self) -> None:
        self.forget()

    def _daily_backup(self) -> None:
        if self._clock is None:
            return
        today = self._clock().date()
        if self._backed_up_on == today:
            return
        backups.daily_backup(self.path, today)
        self._backed_up_on = today


class RecordTable(Table):
    """A table whose document ids are the records' own string ids, with no query cache.

    The query cache is off because the repository keeps its own cache of validated models, and
    TinyDB's hands out shared lists that go stale when edited (msiemens/tinydb#516).
    """

    document_id_class = str  # type: ignore[assignment]

    def __init__(self, storage: Storage, name: str, **options: Any) -> None:
        # Table.__init__ binds its cache_size default when defined, so overriding the class's
        # default_query_cache_capacity would not turn the cache off; pass 0 explicitly.
        options["cache_size"] = 0
        super().__init__(storage, name, **options)

    def _get_next_id(self) -> Any:
        raise TypeError(
            "documents here are keyed by their own id: insert Document(doc, doc_id=record.id)"
        )


class RehabDB(TinyDB):
    """TinyDB on `PrivateStorage`, with one more operation: a write spanning several tables."""

    table_class = RecordTable
    default_storage_class = PrivateStorage

    def commit(self, changes: Mapping[str, Mapping[str, dict[str, Any]]]) -> Tables:
        """Put these documents (`{table: {id: document}}`) in one atomic write; returns the tables.

        Documents replace whole documents with the same id; nothing is edited in place.
        """
        tables: Tables = self.storage.read() or {}
        for name, documents in changes.items():
            tables[name] = {**tables.get(name, {}), **documents}
        cast(PrivateStorage, self.storage).write(
            tables, changed={name: list(documents) for name, documents in changes.items()}
        )
        for name in changes:
            self.table(name).clear_cache()
        return tables
