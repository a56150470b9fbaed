"""`PrivateStorage`: TinyDB's two-method `Storage`, made crash-safe, private and lazy.

- Every write serializes first, takes the day's backup if this is the day's first write, then
  replaces a file atomically (`store.atomic`). Nothing like CachingMiddleware: a returned write
  is on disk. Big files take saves into a small journal beside them (see `PrivateStorage`).
- `read` scans the file once and then serves the tables from memory, or from the disk a document
  at a time when the file is one checked before (`store.layout`); it refuses a damaged file
  (empty, not JSON, not `{table: {key: document}}`, a line that fails its checksum) with a
  `DataFileError` and never writes to it.
- A failed write changes nothing in memory either: what is held is updated only after it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from planner.clock import Clock
from store import backups
from store.atomic import (
    ensure_private_dir,
    read_bytes,
    remove_durably,
    write_atomic,
    write_atomic_kept_open,
)
from store.errors import DataFileError, StoreError, journal_advice
from store.layout import (
    Document,
    LazyTable,
    Lines,
    Source,
    Written,
    full,
    gc_paused,
    line,
    lines_of,
    mismatch,
    render,
    scan,
    sealed,
    take_checksum,
)
from store.paths import restore_command
from store.schema import Damage, Tables, shown

_UNREAD = object()


def serialize(tables: Mapping[str, Mapping[str, Document]]) -> bytes:
    """The file's bytes for these tables, in the line layout (see `store.layout`)."""
    return b"".join(render(tables, Written()))


def parse(path: Path, data: bytes, lines: dict[str, Lines] | None) -> Tables:
    """The tables in `data`, read from `path`; `DataFileError` unless it is TinyDB's layout
    with every line matching its checksum. `lines`: where `scan` found each line (None: the
    file is not in the line layout)."""
    try:
        return parse_tables(data, lines)
    except Damage as problem:
        raise damaged(path, problem.reason, also=problem.also) from None


def _refuse_repeats(data: bytes) -> None:
    """`Damage` if a table or a document id appears twice. A JSON parser keeps the last one
    without a word, so one of two records would silently vanish. Only
    files not in the line layout need this slower parse (hand-edited ones, mostly)."""
    import json

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(pairs)
        if len(found) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    raise Damage(f"{shown(key)} appears twice in one object: keep one of them")
                seen.add(key)
        return found

    try:
        json.loads(data, object_pairs_hook=unique)
    except (ValueError, RecursionError) as error:
        raise Damage(f"not valid JSON: {error}") from None


def damaged(path: Path, reason: str, *, also: str | None = None) -> DataFileError:
    """The error for a damaged data file, naming its newest backup and how to restore it
    (and `also` what else may be done)."""
    return DataFileError(
        path,
        reason,
        newest_backup=backups.newest_backup(path),
        restore_command=restore_command(path),
        also=also,
    )


#: `parse_tables` finds where each line is itself.
FIND: Any = object()


def parse_tables(data: bytes, lines: dict[str, Lines] | None = FIND) -> Tables:
    """The tables in `data`, or `Damage` unless it is TinyDB's `{table: {key: document}}`
    with no table or id twice and no line that fails its checksum; each document's checksum is
    taken out. `lines`: where each line is, when the caller scanned `data` already (None: it
    is not in the line layout, so a repeat must be looked for)."""
    if not data:
        raise Damage("it is empty: 0 bytes")
    if lines is FIND:
        lines = lines_of(data)
    if lines is not None:
        # Before parsing: a flip that breaks the JSON is named as its line's, not as a column.
        for name, table in lines.items():
            for key, (offset, length) in table.spans.items():
                if sealed(data, offset, offset + length) is False:
                    raise mismatch(name, key, data.count(b"\n", 0, offset) + 1)
    import pydantic_core  # faster than `json` on a whole file; see store.layout

    try:
        tables = pydantic_core.from_json(data)
    except ValueError as error:
        raise Damage(_json_problem(str(error), data)) from None
    if not isinstance(tables, dict):
        raise Damage(f"expected an object of tables, found {_kind(tables)}")
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise Damage(f"table {name!r} should be an object of documents, found {_kind(table)}")
        for key, document in table.items():
            if not isinstance(document, dict):
                found = _kind(document)
                raise Damage(f"{name} document {shown(key)} should be an object, found {found}")
    if lines is None:
        _refuse_repeats(data)
    for name, table in tables.items():
        table_lines = lines.get(name) if lines is not None else None
        for key, document in table.items():
            # A line checked above needs no second look; any other is checked by re-encoding.
            verified = (
                table_lines is not None and key in table_lines.spans and key not in table_lines.bare
            )
            take_checksum(name, key, document, verified, None)
    return tables


def _json_problem(message: str, data: bytes) -> str:
    """`not valid JSON at line 7, column 40, in sessions document '5d1c…': EOF while parsing
    an object` (the document named when the line is one's)."""
    where = re.fullmatch(r"(.*) at line (\d+) column (\d+)", message)
    if where is None:
        return f"not valid JSON: {message}"
    what, line, column = where.groups()
    # Column 0: the parser met the newline that ends the line before (a string left open).
    record = _document_on_line(data, int(line) - (column == "0"))
    inside = "" if record is None else f", in {record}"
    return f"not valid JSON at line {line}, column {column}{inside}: {what}"


_DOCUMENT_LINE = re.compile(rb'"([A-Za-z0-9_-]{1,64})":\{')
_ID_FIELD = re.compile(rb'"id":"([A-Za-z0-9_-]{1,64})"')
_TABLE_LINE = re.compile(rb'"([a-z_]{1,40})":\{')


def _document_on_line(data: bytes, number: int) -> str | None:
    """`sessions document '5d1c…'` when line `number` of `data` is a document's line in the
    line layout (its key, or its id field if the key's quote is what broke); else None."""
    lines = data.split(b"\n", number)
    if number > len(lines):
        return None
    text = lines[number - 1]
    key = _DOCUMENT_LINE.match(text)
    found = key if key is not None and key.end() < len(text) else _ID_FIELD.search(text)
    if found is None:
        return None
    for earlier in reversed(lines[: number - 1]):
        head = _TABLE_LINE.fullmatch(earlier)
        if head is not None:
            return f"{head[1].decode()} document {shown(found[1].decode())}"
    return None


def _kind(value: object) -> str:
    names = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


#: Files smaller than this are rewritten whole on every save: cheap at that size, and simplest.
#: Bigger ones take saves into the journal, and are rewritten when it is folded in (see below).
JOURNAL_FROM = 1 << 20
#: A journal bigger than this is folded in at the next save, so it stays quick to read.
JOURNAL_MAX = 256 << 10
#: The journal's own table: the digest of the data file it goes on top of.
BASE = "_base"


#: How often a reader reads again when a writer replaced the file while it read.
READ_ATTEMPTS = 10


def _same_file_key(status: os.stat_result) -> tuple[int, int, int, int]:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def journal_path(path: Path) -> Path:
    """Where the journal of a data file lives: beside it, as `<name>.journal`."""
    return path.with_name(path.name + ".journal")


def index_path(path: Path) -> Path:
    """Where an older rehab kept its index of a big file (`<name>.index`): no longer read,
    because a wrong one could change what was written; only removed."""
    return path.with_name(path.name + ".index")


class PrivateStorage(Storage):
    """A TinyDB storage that never leaves a half-written file and reads the disk only once.

    Reading: the file is scanned once (hashed, and each document's line noted). When `was_checked`
    says these bytes were checked in full before (see `check_stamp`), documents stay on disk
    until asked for; otherwise the file is parsed whole, as TinyDB's own storage would.

    Saving: a small file is rewritten whole on every save. A big one (ten years of sessions is
    13 MB, too slow to rewrite at every save) keeps the saves since it was last written in a journal
    beside it, `rehab.json.journal`, itself replaced atomically on each save; the journal is folded
    into the file (one atomic rewrite, then the journal is removed) when it grows, before the day's
    backup, and when the writer closes. A crash leaves at most a journal, which the next reader lays
    over the file and the next writer folds in. Both files are only ever replaced atomically, so
    every save that returned is on disk in one of them.

    `clock` dates the daily backup; without one no daily backups are taken (tests, tools).
    A `readonly` storage refuses to write.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock | None = None,
        readonly: bool = False,
        was_checked: Callable[[str], bool] | None = None,
        checked_digest: Callable[[os.stat_result], str | None] | None = None,
        order_fields: Mapping[str, str] | None = None,
    ) -> None:
        self.path = Path(path)
        self.journal = journal_path(self.path)
        self.readonly = readonly
        self._clock = clock
        self._was_checked = was_checked  # were these bytes (by digest) checked in full before?
        self._checked_digest = checked_digest  # this very file's digest, if untouched since
        self._order_fields = order_fields or {}
        self._tables: dict[str, LazyTable] | None | object = _UNREAD
        self._source: Source | None = None
        self._pending: dict[str, dict[str, Document]] = {}  # in the journal, not yet in the file
        self.checked_before = False  # these bytes were checked in full before (`check_stamp`)
        self.lazy = False  # documents are read from disk as asked for (the file was checked before)
        self.digest: str | None = None  # of the data file's bytes as read or last written
        #: The status of the very file those bytes came from (fstat of the descriptor they were
        #: read or written through, before reading them): what the `.checked` stamp may name.
        #: None when it is not known to be those bytes.
        self.status: os.stat_result | None = None
        self.size = 0
        self._backed_up_on: date | None = None  # the day whose daily backup we know exists
        #: Where a journal that was not of this file was kept, when one was met (said once).
        self.set_aside: Path | None = None

    # -- reading --------------------------------------------------------------------------------

    # Tables read lazily: Mappings, where TinyDB's Storage says dicts. TinyDB only reads them
    # and replaces whole tables in the outer dict (a copy).
    def read(self) -> dict[str, LazyTable] | None:  # type: ignore[override]
        """The tables (None when the file does not exist yet), from memory after the first read.

        The outer dict is a copy, so TinyDB replacing a table cannot change what we hold.
        """
        if self._tables is _UNREAD:
            self._load()
        tables = cast("dict[str, LazyTable] | None", self._tables)
        return None if tables is None else dict(tables)

    @property
    def pending(self) -> dict[str, dict[str, Document]]:
        """The documents saved to the journal and not yet folded into the file."""
        if self._tables is _UNREAD:
            self._load()
        return self._pending

    def _load(self) -> None:
        for _attempt in range(READ_ATTEMPTS):
            journal = self._read_main()
            if not self._moved():
                break
            # The path names another file than the one just read: a writer folded its journal
            # in (new file, journal gone) while we read. Read both again, or a save it had
            # acknowledged would be missed.
            self.forget()
        if journal is None:
            return
        base, documents = journal
        if base != self.digest:
            # Not a journal of these bytes: one whose file was folded
            # already, or one a crash left over a file that has since been replaced (a backup
            # restored by hand, another person's file copied in). Never lay it over them.
            if not self.readonly:
                self._set_aside(documents)
            return
        tables = cast("dict[str, LazyTable] | None", self._tables) or {}
        self._tables = tables
        for name, table_documents in documents.items():
            tables.setdefault(name, full(name, {})).put(table_documents)
            self._pending[name] = dict(table_documents)

    def _moved(self) -> bool:
        """Does the path now name another file than the one read (or a file where there was
        none)? Compared by what the kernel says of it, not by reading it again."""
        try:
            now = os.stat(self.path)
        except FileNotFoundError:
            return self.status is not None
        return self.status is None or _same_file_key(now) != _same_file_key(self.status)

    def _set_aside(self, documents: Tables) -> None:
        """A writer met a journal that is not of its file: if the file holds all of it already
        (a crash between folding and removing it), it goes; otherwise it is kept in backups/,
        said once (`set_aside`), and removed, so it is never laid over the file."""
        tables = cast("dict[str, LazyTable] | None", self._tables) or {}
        held = all(
            name in tables and tables[name].get(key) == document
            for name, table_documents in documents.items()
            for key, document in table_documents.items()
        )
        raw = None if held else read_bytes(self.journal)
        if raw is not None:
            now = self._clock() if self._clock is not None else datetime.now()
            self.set_aside = backups.keep_aside(self.journal, raw, now, label="not-applied")
        remove_durably(self.journal)

    def _read_main(self) -> tuple[str | None, Tables] | None:
        """Read the data file; returns the journal (its base digest and tables) if there is one."""
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            self._tables, self.digest, self.size = None, None, 0
        else:
            self._index(fd)
        raw = read_bytes(self.journal)
        if raw is None:
            return None
        try:
            tables = parse_tables(raw)
        except Damage as problem:
            raise DataFileError(
                self.journal, problem.reason, advice=journal_advice(self.journal)
            ) from None
        base = tables.pop(BASE, {}).get(BASE, {}).get("digest")
        return base, tables

    def _index(self, fd: int) -> None:
        """Scan the open file (this takes ownership of `fd`) and hold its tables."""
        try:
            status = self.status = os.fstat(fd)
            digest = None if self._checked_digest is None else self._checked_digest(status)
            with gc_paused():
                # Spans come from the bytes this process reads, never from a file beside them:
                # a kept index that was wrong (a table left out, an offset one byte off) once
                # destroyed data when a journal was folded over it.
                index = scan(fd, self._order_fields, digest)
            self.digest, self.size = index.digest, index.size
            checked = self.checked_before = self._was_checked is not None and self._was_checked(
                index.digest
            )
            if index.tables is not None and checked:
                self._source, fd = Source(fd, self._refuse), -1
                self._tables = {
                    name: LazyTable(name, self._source, lines.spans, lines.order, bare=lines.bare)
                    for name, lines in index.tables.items()
                }
                self.lazy = True
                return
            data = b"".join(Source(fd).read_range(0, index.size))
        finally:
            if fd >= 0:
                os.close(fd)
        self._tables = {
            name: full(name, documents)
            for name, documents in parse(self.path, data, index.tables).items()
        }
        self.lazy = False

    def _refuse(self, problem: Damage) -> DataFileError:
        """A document read from the file later (lazily) is refused as the file's damage."""
        return damaged(self.path, problem.reason, also=problem.also)

    # -- writing --------------------------------------------------------------------------------

    def write(self, data: Mapping[str, Mapping[str, Document]]) -> None:
        """Replace the file with `data` (TinyDB's contract), atomically; the journal goes too."""
        self._require_writer()
        self.read()
        self._rewrite(data, None)

    def commit(self, changes: Mapping[str, Mapping[str, Document]]) -> dict[str, LazyTable]:
        """Put these documents (`{table: {id: document}}`) on disk in one atomic step.

        On any error nothing changes, on disk or in memory.
        """
        self._require_writer()
        tables = self.read() or {}
        for documents in changes.values():  # serialize first: an error here changes nothing
            for key, document in documents.items():
                line(key, document)
        if self._backup_due():
            if self._pending:  # the day's backup holds everything saved so far
                self._rewrite(tables, None)
                tables = self.read() or {}
            self._daily_backup()
        if self.digest is not None and self.size >= JOURNAL_FROM:
            pending = {name: dict(documents) for name, documents in self._pending.items()}
            for name, documents in changes.items():
                pending.setdefault(name, {}).update(documents)
            journal = serialize({BASE: {BASE: {"digest": self.digest}}, **pending})
            if len(journal) <= JOURNAL_MAX:
                write_atomic(self.journal, journal)
                self._pending = pending
                for name, documents in changes.items():
                    self._table(name).put(documents)
                return self.read() or {}
        self._rewrite(tables, changes)
        return self.read() or {}

    def drop(self, keys: Mapping[str, set[str]]) -> dict[str, LazyTable]:
        """Rewrite the file without these documents (`{table: {id, …}}`), in one atomic step:
        the records of a closed year, once their archive is on disk. The journal is folded in."""
        self._require_writer()
        tables = self.read() or {}
        kept = {
            name: table.without(keys[name]) if name in keys else table
            for name, table in tables.items()
        }
        self._rewrite(kept, None)
        return self.read() or {}

    def fold(self) -> None:
        """Fold the journal into the file now (the writer does on closing)."""
        if self.pending:
            self._require_writer()
            self._rewrite(self.read() or {}, None)

    def snapshot(self) -> bytes:
        """The file as it would be with the journal folded in (for a reader's backup)."""
        return b"".join(render(self.read() or {}, Written()))

    def _rewrite(
        self,
        tables: Mapping[str, Mapping[str, Document]],
        extra: Mapping[str, Mapping[str, Document]] | None,
    ) -> None:
        written = Written()
        order = self._order_values(tables, extra or {})
        ensure_private_dir(self.path.parent)
        # Kept open from before the rename: the spans below point into the file written, even
        # if another is swapped in at the path at once (a sync tool, an editor).
        fd, self.status = write_atomic_kept_open(self.path, render(tables, written, extra))
        # The file now holds everything: the journal is spent. If removing it fails, the next
        # reader lays the same documents over the same ones again, which changes nothing.
        try:
            if self.journal.exists():
                remove_durably(self.journal)
        except BaseException:
            os.close(fd)
            raise
        if self._source is not None:
            self._source.close()
        self._source = Source(fd, self._refuse)
        # The same table objects, pointed at the new file: whoever holds one stays current.
        held: dict[str, LazyTable] = self._tables if isinstance(self._tables, dict) else {}
        fresh: dict[str, LazyTable] = {}
        self._tables = fresh
        for name, spans in written.spans.items():
            table = held.get(name) or LazyTable(name)
            table.reset(self._source, spans, order.get(name, {}))
            fresh[name] = table
        self._pending = {}
        self.lazy = True
        self.digest, self.size = written.digest, written.size
        # An index kept by an older rehab is no longer read; it goes with the first rewrite.
        index_path(self.path).unlink(missing_ok=True)

    def _order_values(
        self,
        tables: Mapping[str, Mapping[str, Document]],
        extra: Mapping[str, Mapping[str, Document]],
    ) -> dict[str, dict[str, str]]:
        """Each document's order field as it will be in the new file, mostly without parsing."""
        result: dict[str, dict[str, str]] = {}
        for name, field in self._order_fields.items():
            table = tables.get(name, {})
            raw = (
                table.order_values(field)
                if isinstance(table, LazyTable)
                else [document.get(field) for document in table.values()]
            )
            values = dict(zip(table, raw, strict=True))
            values.update(
                (key, document.get(field)) for key, document in extra.get(name, {}).items()
            )
            result[name] = {key: value for key, value in values.items() if isinstance(value, str)}
        return result

    def _table(self, name: str) -> LazyTable:
        tables = cast("dict[str, LazyTable]", self._tables)
        if name not in tables:
            tables[name] = full(name, {})
        return tables[name]

    def _require_writer(self) -> None:
        if self.readonly:
            raise StoreError(f"{self.path} was opened read-only; nothing was saved.")

    def current_digest(self) -> str | None:
        """The digest of the data file as last read or written (None before it exists)."""
        return self.digest

    def forget(self) -> None:
        """Drop what is held in memory; the next read comes from disk."""
        if self._source is not None:
            self._source.close()
        self._source = None
        self._tables = _UNREAD
        self._pending = {}
        self.lazy = self.checked_before = False
        self.digest = None
        self.status = None

    def close(self) -> None:
        """TinyDB's close: drop what is held in memory. Saves are on disk already; the
        repository folds the journal in before it closes."""
        self.forget()

    def _backup_due(self) -> bool:
        return self._clock is not None and self._backed_up_on != self._clock().date()

    def _daily_backup(self) -> None:
        if self._clock is None:
            return
        today = self._clock().date()
        backups.daily_backup(self.path, today)
        self._backed_up_on = today


class RecordTable(Table):
    """A table whose document ids are the records' own string ids, with no query cache.

    The query cache is off because the repository keeps its own cache of validated models, and
    TinyDB's hands out shared lists that go stale when edited (msiemens/tinydb#516).
    """

    document_id_class = str  # type: ignore[assignment]

    def __init__(
        self, storage: Storage, name: str, cache_size: int = 0, persist_empty: bool = False
    ) -> None:
        # Table's own parameters, so TinyDB makes one as it makes a Table. Table.__init__ binds
        # its cache_size default when defined, so overriding the class's
        # default_query_cache_capacity would not turn the cache off: 0, whatever is asked.
        super().__init__(storage, name, cache_size=0, persist_empty=persist_empty)

    def _get_next_id(self) -> Any:
        raise TypeError(
            "documents here are keyed by their own id: insert Document(doc, doc_id=record.id)"
        )


class RehabDB(TinyDB):
    """TinyDB on `PrivateStorage`, with one more operation: a write spanning several tables."""

    table_class = RecordTable
    # TinyDB takes any Storage; its attribute's type is inferred from its default, JSONStorage.
    default_storage_class = PrivateStorage  # type: ignore[assignment]

    def commit(self, changes: Mapping[str, Mapping[str, dict[str, Any]]]) -> Tables:
        """Put these documents (`{table: {id: document}}`) in one atomic write; returns the tables.

        Documents replace whole documents with the same id; nothing is edited in place.
        """
        tables = cast(PrivateStorage, self.storage).commit(changes)
        for name in changes:
            self.table(name).clear_cache()
        return cast(Tables, tables)
