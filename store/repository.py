"""`Repository`: the one place the app saves and reads the user's records.

One TinyDB per process, on `PrivateStorage`. Documents are keyed by the record's own id (TinyDB's
doc_id *is* the record id; its integer counter is never used). Reads come from memory: the storage
holds the parsed file, and each table keeps the models it has validated, by id, so a query never
re-reads the file or re-validates a document. A save validates what it writes, writes once,
atomically, and then updates those caches; a failed save changes neither the file nor the caches.

A writer validates every document when it opens, so a damaged file is refused before anything
could be written to it. A read-only repository takes no lock and validates documents as they are
first asked for, so `rehab status` on ten years of history only pays for the records it shows.
Bytes that were checked in full before (`check_stamp`) are not validated again: their records
are rebuilt without pydantic (`planner.codec.from_checked`), and only a journal on top is checked.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from time import perf_counter
from types import TracebackType
from typing import Any, Generic, TypeVar, cast, overload

from planner import codec
from planner.clock import Clock, midnight
from planner.codec import dump
from planner.days import DaySum, WalkSum, day_sums, rules_digest
from planner.gate import FULL_CONTEXTS, SafetyRecords, ends_alarm, is_alarm, surgery_wait
from planner.models import (
    Bout,
    Catalog,
    CheckIn,
    Clearance,
    Plan,
    Profile,
    PsfsRating,
    Record,
    Rules,
    Screening,
    Session,
    StageEvent,
    Walk,
)
from planner.progression import History, Timed, history_since
from planner.walking import Folded, fold, folded_from_document, folded_to_document
from store import archive as archives
from store import backups as backup_files
from store import check_stamp
from store.atomic import (
    ensure_private_dir,
    read_bytes,
    remove_durably,
    remove_stray_temps,
    stray_links,
    temps_of,
    write_atomic_kept_open,
)
from store.errors import (
    DataFileError,
    HardLinkedError,
    IncomingDataError,
    NewerSchemaError,
    StoreError,
    journal_advice,
)
from store.layout import LazyTable, gc_paused
from store.lock import WriterLock
from store.migrations import current_version, migrate
from store.paths import backup_dir, real_data_path, restore_command
from store.schema import (
    META_ID,
    META_TABLE,
    ORDER_FIELDS,
    STAMPED,
    TABLE_MODELS,
    Damage,
    Document,
    Meta,
    Tables,
    TooNew,
    check_layout,
    schema_version_of,
    table_for,
    validate_document,
    validate_meta,
)
from store.storage import (
    PrivateStorage,
    RehabDB,
    damaged,
    index_path,
    journal_path,
    parse_tables,
    serialize,
)

R = TypeVar("R", bound=Record)

#: The tables a day's sums are made of (`planner.days.day_sums`).
DAY_TABLES = ("sessions", "checkins", "walks")


def app_version() -> str:
    """This rehab's version, for the file's meta record."""
    from planner.version import __version__

    return __version__


def checks_version() -> str:
    """What a `.checked` stamp holds for: this rehab's version and the source of what a valid
    record is (`RULE_SOURCES`). A change to any of those (a new time rule, a new field check)
    re-checks every file once, even when nobody raised the version number."""
    return f"{app_version()}+{_rules_digest()}"


@functools.cache
def _rules_digest() -> str:
    import importlib

    digest = hashlib.sha1()
    for name in RULE_SOURCES:
        module = importlib.import_module(name)
        try:
            digest.update(Path(module.__file__ or name).read_bytes())
        except OSError:  # no source to read (a zip, say): the version alone names the rules
            digest.update(name.encode())
    return digest.hexdigest()[:16]


#: The modules that say what a valid record is: the models and their checks, the codec (the
#: time rule), the schema and its migrations. Each is imported already when a file is opened.
RULE_SOURCES = ("planner.models", "planner.codec", "store.schema", "store.migrations")


class _Table(Generic[R]):
    """One table: the documents as stored, and the models read from them on first use.

    A document from bytes checked in full before (`checked_before` says which) is rebuilt without
    pydantic; any other is validated.
    """

    def __init__(
        self,
        name: str,
        documents: Mapping[str, dict[str, Any]],
        path: Path,
        was_checked: Callable[[str, str], bool],
    ) -> None:
        self.name = name
        self.documents = documents
        self._path = path
        self._was_checked = was_checked
        self._models: dict[str, R] = {}
        self._order_field = ORDER_FIELDS.get(name)
        self._ids: list[str] | None = None  # ids in time order, built on first use
        self._keys: list[tuple[str, int]] = []  # their sort keys, for bisecting
        self._saved: dict[str, int] = {}  # each id's place in the file: the order of saving
        self._records: list[R] | None = None  # the models in that order, once all are validated
        self.saves = 0  # how many saves changed this table: what a remembered answer was for

    def get(self, record_id: str) -> R | None:
        model = self._models.get(record_id)
        if model is None:
            document = self.documents.get(record_id)
            if document is None:
                return None
            model = self._validate(document)
            self._models[record_id] = model
        return model

    def all(self) -> list[R]:
        """Every record, oldest first."""
        return self.since(None)

    def _first_at(self, moment: datetime | None) -> tuple[list[str], int]:
        """The ids in time order, and where those at or after `moment` begin."""
        ids = self._ordered()
        return ids, 0 if moment is None else bisect_left(self._keys, (moment.isoformat(), -1))

    def since(self, moment: datetime | None) -> list[R]:
        """Records at or after `moment`, oldest first; validates only those."""
        ids, start = self._first_at(moment)
        if self._records is not None:
            return self._records[start:]
        records = [cast(R, self.get(i)) for i in ids[start:]]
        if start == 0:
            self._records = records[:]
        return records

    def read_on_demand(self, moment: datetime | None) -> OnDemand[R]:
        """As `since`, each record read when it is first asked for (`OnDemand`)."""
        ids, start = self._first_at(moment)
        return OnDemand(self, ids[start:], self._keys[start:])

    def any_before(self, moment: datetime) -> bool:
        """Is a record dated before `moment` (reading none)?"""
        return self._first_at(moment)[1] > 0

    def newest(self) -> R | None:
        ids = self._ordered()
        return self.get(ids[-1]) if ids else None

    def newest_where(
        self,
        wanted: Callable[[R], bool],
        before: datetime | None = None,
        holding: tuple[bytes, ...] = (),
    ) -> R | None:
        """The newest record `wanted` says yes to (of those before `before`, if given),
        validating only those newer than it. With `holding`, a document still on disk whose
        bytes hold none of those words is passed over unread (`_may_hold`)."""
        ids = self._ordered()
        if before is not None:
            ids = ids[: bisect_left(self._keys, (before.isoformat(), -1))]
        for record in self._may_hold(reversed(ids), holding):
            if wanted(record):
                return record
        return None

    def where(self, wanted: Callable[[R], bool], holding: tuple[bytes, ...]) -> list[R]:
        """Every record `wanted` says yes to, oldest first, reading only those whose document
        may hold one of the words in `holding` (`_may_hold`)."""
        return [r for r in self._may_hold(self._ordered(), holding) if wanted(r)]

    def _may_hold(self, ids: Iterable[str], holding: tuple[bytes, ...]) -> Iterator[R]:
        """The records of `ids`, in that order, less the documents still on disk whose bytes
        hold none of the words in `holding` (when it is given): such a one cannot be wanted
        (the caller vouches), and ten years of screenings are searched without parsing each,
        in one read of the table's lines (`LazyTable.holding`)."""
        documents = self.documents
        lazy = documents if holding and isinstance(documents, LazyTable) else None
        holders: set[str] | None = None  # the documents on disk that hold a word, found once
        for record_id in ids:
            if (
                lazy is not None
                and record_id not in self._models
                and lazy.on_disk(record_id) is not None
            ):
                if holders is None:
                    holders = lazy.holding(holding)
                if record_id not in holders:
                    continue
            yield cast(R, self.get(record_id))

    def read_ahead(self, deadline: float) -> bool:
        """Read records not read yet, newest first, until `perf_counter()` passes `deadline`;
        True once every one is. `since` then hands them out without reading: what a longer
        window asks for was read while the person looked at a shorter one. A record that will
        not read stops it (True): it is refused as ever when it is asked for."""
        models = self._models
        read = 0
        for record_id in reversed(self._ordered()):
            if record_id in models:
                continue
            if read % 16 == 0 and perf_counter() >= deadline:
                return False
            try:
                self.get(record_id)
            except StoreError:
                return True  # refused as ever when it is asked for
            read += 1
        return True

    def validate_all(self) -> None:
        for record_id in self.documents:
            self.get(record_id)

    def replace(self, documents: Mapping[str, dict[str, Any]], models: Mapping[str, R]) -> None:
        """After a successful write: the table as now stored, and the models just saved."""
        self.saves += 1
        self.documents = documents  # the storage's own table, kept current in place
        self._models.update(models)
        if self._ids is None:
            return
        # Keep the time order up to date in place: re-sorting ten years per save adds up.
        for record_id in models:
            if record_id in self._saved:
                at = self._ids.index(record_id)
                del self._ids[at], self._keys[at]
                if self._records is not None:
                    del self._records[at]
            self._saved.setdefault(record_id, len(self._saved))
            key = self._sort_key(record_id)
            at = bisect_right(self._keys, key)
            self._ids.insert(at, record_id)
            self._keys.insert(at, key)
            if self._records is not None:
                self._records.insert(at, models[record_id])

    def _ordered(self) -> list[str]:
        if self._ids is None:
            with gc_paused():
                self._order_all()
        return cast(list[str], self._ids)

    def _order_all(self) -> None:
        """Put every record in time order (once; saves then keep it in order in place)."""
        ids = list(self.documents)
        self._saved = dict(zip(ids, range(len(ids)), strict=True))
        field = self._order_field
        if field is None:
            times = [""] * len(ids)
        else:
            # The usual spelling needs no call per record: ten years are 12,000 of them.
            documents = self.documents
            raw = (
                documents.order_values(field)
                if isinstance(documents, LazyTable)
                else [documents[i].get(field) for i in ids]
            )
            times = [
                t
                if type(t) is str and len(t) == 19 and t[10] == "T" and t[13] == t[16] == ":"
                else self._key(i)
                for t, i in zip(raw, ids, strict=True)
            ]
        # A stable sort by time alone keeps equal times in file order, the tie-break.
        order = sorted(range(len(ids)), key=times.__getitem__)
        self._keys = [(times[n], n) for n in order]
        self._ids = [ids[n] for n in order]

    def _sort_key(self, record_id: str) -> tuple[str, int]:
        """(time, place in the file): equal times keep the order they were first saved in.

        The time is ISO 8601 text (`2026-11-20T08:30:00`), which sorts as the times do and is
        how the file spells them, so ten years of sessions are put in order without parsing
        twelve thousand datetimes. The file keeps documents in the order they were first saved
        (a re-saved one keeps its place), so the order is the same after reopening.
        """
        moment = "" if self._order_field is None else self._key(record_id)
        return (moment, self._saved[record_id])

    def _key(self, record_id: str) -> str:
        # Parsing the one field costs far less than validating the document, which waits
        # until the record is asked for; a document still on disk is not even parsed.
        field = cast(str, self._order_field)
        documents = self.documents
        if isinstance(documents, LazyTable):
            raw = documents.order_value(record_id, field)
        else:
            raw = documents[record_id].get(field)
        if isinstance(raw, str):
            if len(raw) == 19 and raw[10] == "T" and raw[13] == raw[16] == ":":
                return raw  # already as datetime.isoformat() writes it, the usual case
            try:
                return datetime.fromisoformat(raw).isoformat()
            except ValueError:
                pass
        model = self.get(record_id)  # an unusual spelling: let the model decide (or refuse)
        return cast(datetime, getattr(model, field)).isoformat()

    def _validate(self, document: Mapping[str, Any]) -> R:
        checked_before = self._was_checked(self.name, document.get("id", ""))
        try:
            return cast(R, validate_document(self.name, document, checked_before=checked_before))
        except Damage as problem:
            raise damaged(self._path, problem.reason) from None


class OnDemand(Timed[R]):
    """Records in time order, each read when first asked for: a line that shows the latest few
    of ten years of ratings reads those few, and a start reads the stage events the rules
    look at. Its records are those of one moment (a later save adds none), each read as the
    table holds it. Each record's time is known from the table's order, unread (`times`);
    a slice is read on demand too."""

    __slots__ = ("_table", "_ids", "_keys", "_times")

    def __init__(self, table: _Table[R], ids: list[str], keys: list[tuple[str, int]]) -> None:
        self._table = table
        self._ids = ids
        self._keys = keys  # each record's sort key (`_Table._keys`), for its time
        self._times: tuple[datetime, ...] | None = None

    @property
    def times(self) -> tuple[datetime, ...]:
        if self._times is None:
            self._times = tuple(datetime.fromisoformat(key) for key, _ in self._keys)
        return self._times

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> OnDemand[R]: ...
    def __getitem__(self, index: int | slice) -> R | OnDemand[R]:
        if isinstance(index, slice):
            return OnDemand(self._table, self._ids[index], self._keys[index])
        return cast(R, self._table.get(self._ids[index]))

    def __eq__(self, other: object) -> bool:
        """As a sequence: equal to any with equal records in the same order (the same records
        of the same table are the very same objects: equal without reading them)."""
        if isinstance(other, OnDemand) and other._table is self._table and other._ids == self._ids:
            return True
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # as its records: they change, no hash

    def __repr__(self) -> str:
        return f"OnDemand({self._table.name}, {len(self)} records)"


class Repository:
    """The user's records in one data file. Open with `Repository.open(path, clock=...)`.

    Records returned in lists are the cached instances, shared between calls: treat them as
    read-only and save a changed copy (`dataclasses.replace(record, ...)`). Single-record getters
    (`profile`, `active_plan`, `latest_screening`, `plan`, `session`) return private copies.
    Not thread-safe: use one repository from one thread.
    """

    def __init__(
        self,
        path: Path,
        db: RehabDB,
        *,
        clock: Clock,
        readonly: bool,
        lock: WriterLock | None,
    ) -> None:
        self.path = path
        self.readonly = readonly
        self._db = db
        self._clock = clock
        self._lock = lock
        self._meta: Meta | None = None
        self._tables: dict[str, _Table[Any]] = {}
        self._checked = False  # every document validated
        self._closed = False
        #: `_alarm_before`'s last answer, with what it was for: (since, saves) → screening.
        self._alarm_memo: tuple[tuple[datetime, int], Screening | None] | None = None
        self._stamp_on_close = False
        #: The closed years beside the file (`store.archive`), read as they are asked for.
        self._archives: dict[int, archives.Archive] = {}
        #: Their records, validated, by table and year: immutable, so kept once read.
        self._archived: dict[tuple[str, int], list[Any]] = {}

    # -----------------------------------------------------------------------------------------
    # Opening and closing

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        clock: Clock,
        readonly: bool = False,
        defer_checks: bool = False,
    ) -> Repository:
        """Open the data file (it need not exist yet; it is created by the first save).

        A writer takes the single-writer lock (`FileLockedError` if another rehab has it), removes
        temp files a crash left behind, migrates an older file (after backing it up) and validates
        every document. `readonly=True` takes no lock, never writes, and validates each record
        when it is first read.
        `defer_checks=True` lets a writer open as fast as a reader: documents are validated as
        they are read, and all of them before the first save (or when `check_all()` is called),
        so a damaged file is still never written to.
        Raises `DataFileError` for a damaged file and `NewerSchemaError` for a newer one.
        """
        data_path = real_data_path(path)
        missing = missing_file_problem(data_path)
        if missing is not None:
            raise StoreError(missing)
        lock = None if readonly else lock_to_write(data_path)
        try:
            db = RehabDB(
                data_path,
                clock=None if readonly else clock,
                readonly=readonly,
                was_checked=functools.partial(_was_checked, data_path),
                checked_digest=functools.partial(_checked_digest, data_path),
                order_fields=ORDER_FIELDS,
            )
            repository = cls(data_path, db, clock=clock, readonly=readonly, lock=lock)
            repository._load(check_now=not readonly and not defer_checks)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return repository

    @classmethod
    def read(cls, path: str | os.PathLike[str], *, clock: Clock) -> Repository:
        """Open the data file to read it, checked as a writer checks it: every document valid
        (and the journal on top), or `DataFileError` before anything is read from it.

        What every command that reads the file reads through (status, backup, each export, the
        plan export), so a damaged file gets one verdict whatever part of it a command shows.
        Bytes checked in full before (`check_stamp`) cost no more than a lazy read: only what a
        journal adds is checked. Takes no lock and never writes, like `open(readonly=True)`.
        """
        repository = cls.open(path, clock=clock, readonly=True)
        try:
            repository.check_all()
        except BaseException:
            repository.close()
            raise
        return repository

    def close(self) -> None:
        """Release the lock (a writer's) and the file. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if not self.readonly and self._checked:
            try:
                self.storage.fold()
            except (OSError, StoreError):
                pass  # the journal is intact and the next writer folds it in
            else:
                if self._stamp_on_close:
                    check_stamp.remember(
                        self.path,
                        self.storage.current_digest(),
                        checks_version(),
                        self.storage.status,
                    )
        self._db.close()
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> Repository:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def notices(self) -> list[str]:
        """What opening the file did that the person should hear of, one line each."""
        aside = self.storage.set_aside
        if aside is None:
            return []
        return [
            f"A journal of unsaved changes left by a crash was not for this version of "
            f"{self.path.name} (the file was replaced since), so it was not applied; it is "
            f"kept as {aside}."
        ]

    @property
    def storage(self) -> PrivateStorage:
        """The storage under TinyDB, for what TinyDB's own interface does not reach."""
        return cast(PrivateStorage, self._db.storage)

    def _load(self, *, check_now: bool) -> None:
        try:
            tables: Mapping[str, Mapping[str, Any]] = self.storage.read() or {}
            version = schema_version_of(tables)
            if version is not None and version != current_version():
                tables = self._upgrade({n: dict(t) for n, t in tables.items()}, version)
            if tables:
                pending = self.storage.pending
                if self.storage.checked_before:
                    # These bytes were checked in full before: check what the journal adds.
                    check_layout(
                        {
                            name: table
                            if name in (META_TABLE, "profile")
                            else pending.get(name, {})
                            for name, table in tables.items()
                        },
                        checked_before=True,
                    )
                else:
                    check_layout(tables)
                self._meta = validate_meta(tables, checked_before=self.storage.checked_before)
            else:
                self._meta = None
        except Damage as problem:
            raise damaged(self.path, problem.reason) from None
        self._tables = {
            name: _Table(name, tables.get(name, {}), self.path, self._checked_before)
            for name in TABLE_MODELS
        }
        self._alarm_memo = None  # it was of the tables as they were
        self._find_archives()
        self._checked = False
        self._check_journal()
        if check_now:
            if self.storage.checked_before:
                # These very bytes were checked in full before; a journal left by a crash is
                # checked now, then folded in.
                for name, documents in self.storage.pending.items():
                    for record_id in documents:
                        self._tables[name].get(record_id)
                self._checked = True
                self.storage.fold()
                self._stamp_on_close = True
            else:
                self.check_all()

    def _check_journal(self) -> None:
        """Check what a journal adds first, so a damaged record there is named as the
        journal's, with advice that keeps the data file as it is (`journal_advice`)."""
        journal = journal_path(self.path)
        for name, documents in self.storage.pending.items():
            if name not in self._tables:
                continue
            for record_id in documents:
                try:
                    self._tables[name].get(record_id)
                except DataFileError as error:
                    raise DataFileError(
                        journal, error.reason, advice=journal_advice(journal)
                    ) from None

    def _checked_before(self, table: str, record_id: str) -> bool:
        """Is this document in bytes checked in full before, and not in the journal on top?"""
        storage = self.storage
        return storage.checked_before and record_id not in storage.pending.get(table, ())

    def _upgrade(self, tables: Tables, version: int) -> Mapping[str, Mapping[str, Document]]:
        latest = current_version()
        if version > latest:
            raise NewerSchemaError(self.path, version, latest)
        try:
            migrated = migrate(tables, version)
        except Exception as error:  # a migration meeting data it did not expect
            raise Damage(
                f"it could not be upgraded from schema {version} to {latest}: {error!r}"
            ) from None
        check_layout(migrated)
        for name in TABLE_MODELS:
            for document in migrated.get(name, {}).values():
                validate_document(name, document)
        if not self.readonly:
            # Backed up only once the upgrade is known good: a damaged file is refused with
            # no copy of itself posing as the newest backup to restore.
            backup_files.backup_now(self.path, self._clock(), "before-migrate")
            migrated[META_TABLE][META_ID]["app_version"] = app_version()
            self.storage.write(migrated)
            return self.storage.read() or {}
        return migrated

    # -----------------------------------------------------------------------------------------
    # Saving

    def save(self, *records: Record) -> None:
        """Save these records in one atomic write, replacing any with the same id.

        Use it when several records belong together (advancing: the archived plan, the new plan
        and the stage event), so a crash keeps all or none of them.
        """
        self._require_writer()
        if not records:
            return
        if not self._checked:
            self.check_all()  # never write to a file with a damaged document in it
        changes: dict[str, dict[str, dict[str, Any]]] = {}
        saved: dict[str, dict[str, Record]] = {}
        now = self._clock()
        for record in records:
            name = table_for(record)
            if name in STAMPED:
                # The records that change after they are first written carry when they last
                # did, so a merge of two computers' files keeps the later version.
                record = replace(record, changed_at=now)
            if name == "profile" and record.id != "profile":
                raise ValueError(f"the profile's id is always 'profile', got {record.id!r}")
            # None is every optional field's default, so leaving it out loses nothing and keeps
            # ten years of sessions a fifth smaller to read and write.
            document = dump(record, exclude_none=True)
            # Proves it will read back, and gives the cache a copy the caller cannot change.
            saved.setdefault(name, {})[record.id] = validate_document_or_raise(name, document)
            changes.setdefault(name, {})[record.id] = document
        meta = self._meta_for_write()
        if meta is not None:
            changes[META_TABLE] = {META_ID: dump(meta)}
        tables = self._db.commit(changes)
        # The file was fully valid and each new document was validated: its bytes are checked
        # for at close (hashing 13 MB on every save would cost more than the save's own work).
        self._stamp_on_close = True
        if meta is not None:
            self._meta = meta
        for name, models in saved.items():
            self._tables[name].replace(tables[name], models)

    def _meta_for_write(self) -> Meta | None:
        if self._meta is None:
            return Meta(
                schema_version=current_version(), app_version=app_version(), created=self._clock()
            )
        if self._meta.app_version != app_version():
            return replace(self._meta, app_version=app_version())
        return None

    def _require_writer(self) -> None:
        if self._closed:
            raise StoreError(f"{self.path} is closed; nothing was saved.")
        if self.readonly:
            raise StoreError(f"{self.path} was opened read-only; nothing was saved.")

    def _table(self, name: str) -> _Table[Any]:
        return self._tables[name]

    # -----------------------------------------------------------------------------------------
    # The records, in the user's words. `save_*` writes a record that may be saved again and
    # replaced (the profile, a plan, a session); `record_*` adds one that is kept as it is.

    def meta(self) -> Meta | None:
        """The file's schema version, app version and creation time (None before the first save)."""
        return self._meta

    def is_new(self) -> bool:
        """True until a profile is saved: the first run has not been finished."""
        return self._table("profile").get("profile") is None

    def profile(self) -> Profile | None:
        """The user's profile, or None before the first run is finished."""
        return _copy(self._table("profile").get("profile"))

    def save_profile(self, profile: Profile) -> None:
        """Save the profile (its id is always "profile")."""
        self.save(profile)

    def record_screening(self, screening: Screening) -> None:
        """Keep the answers of a red-flag screen."""
        self.save(screening)

    def screenings(self) -> list[Screening]:
        """Every red-flag screen, oldest first."""
        return self._table("screenings").all()

    def alarms_ended(self) -> list[Screening]:
        """Every screening that says why a same-day alarm ended (`after_emergency`), oldest
        first, read without parsing the years of screenings that cannot (`_Table.where`: the
        field is left out when empty; a document that spells a word in escapes is read)."""
        return self._table("screenings").where(
            lambda s: s.after_emergency is not None, holding=(b"after_emergency", b"\\u")
        )

    def latest_screening(self) -> Screening | None:
        """The most recent red-flag screen, or None if there has been none."""
        return _copy(self._table("screenings").newest())

    def safety_records(self) -> SafetyRecords:
        """What the gate reads (planner.gate): the newest full screening and every screening
        and end-of-session yes since it, and every doctor's clearance."""
        table = self._table("screenings")
        now = self._clock()
        # Not one dated after now (the clock jumped back): the gate reads it as from the future.
        full = table.newest_where(lambda s: s.context in FULL_CONTEXTS and s.at <= now)
        since = full.at if full is not None else None
        screenings = table.since(since)
        if full is not None and not ends_alarm(full):
            # A same-day sign before it stays open until an all-clear says why it ended
            # (planner.gate.unanswered_emergency): the newest alarm, unless a reason came after.
            older = self._alarm_before(full.at)
            if older is not None and is_alarm(older):
                screenings = [older, *screenings]
        # With no full screening the gate is closed whatever the sessions say: none are read.
        sessions = [] if since is None else [s for s in self.sessions(since) if s.new_symptoms]
        profile = self._table("profile").get("profile")
        return SafetyRecords(
            tuple(screenings), tuple(sessions), tuple(self.clearances()), **surgery_wait(profile)
        )

    def _alarm_before(self, since: datetime) -> Screening | None:
        """The newest screening before `since` that raised a same-day alarm or said why one
        ended; remembered until the next save (a redraw asks on every key), and found without
        reading the screenings that could not be either (`_Table.newest_where`'s `holding`:
        an alarm answers `true` or says `emergency`, an ending says `after_emergency`, and a
        document that spells a word in escapes is read to be sure)."""
        table = self._table("screenings")
        key = (since, table.saves)
        if self._alarm_memo is None or self._alarm_memo[0] != key:
            found = table.newest_where(
                lambda s: s.at < since and (is_alarm(s) or ends_alarm(s)),
                before=since,
                holding=(b"true", b"emergency", b"\\u"),  # \u: a word spelled in escapes
            )
            self._alarm_memo = (key, found)
        return self._alarm_memo[1]

    def clearances(self) -> list[Clearance]:
        """Every "a doctor has checked this" record, oldest first."""
        return self._table("clearances").all()

    def plan(self, plan_id: str) -> Plan | None:
        """One plan by id, archived or not."""
        return _copy(self._table("plans").get(plan_id))

    def plans(self) -> list[Plan]:
        """Every plan, oldest first, archived ones included."""
        return self._table("plans").all()

    def active_plan(self) -> Plan | None:
        """The plan in force: the newest one not archived (it may be paused after a red flag)."""
        return _copy(self._table("plans").newest_where(lambda p: p.status != "archived"))

    def save_plan(self, plan: Plan) -> None:
        """Save a plan; one not archived archives every other plan in force, in the same write.

        So there is only ever one plan in force (an advance needs no separate `archive_plan`).
        """
        records: list[Record] = [plan]
        if plan.status != "archived":
            now = self._clock()
            for other in self.plans():
                if other.id != plan.id and other.status != "archived":
                    records.append(replace(other, status="archived", archived_at=now))
        self.save(*records)

    def archive_plan(self, plan_id: str) -> Plan:
        """Mark a plan archived now; returns it as saved. `KeyError` if there is no such plan."""
        plan: Plan | None = self._table("plans").get(plan_id)
        if plan is None:
            raise KeyError(f"no plan with id {plan_id!r}")
        archived = replace(plan, status="archived", archived_at=self._clock())
        self.save(archived)
        return copy.deepcopy(archived)

    def save_session(self, session: Session) -> None:
        """Save a session, finished or partial; saving it again replaces it."""
        self.save(session)

    def session(self, session_id: str) -> Session | None:
        """One session by id, with every exercise entry (a closed year's too)."""
        found = self._table("sessions").get(session_id)
        if found is None and self._archives:
            found = next((s for s in self._since("sessions", None) if s.id == session_id), None)
        return _copy(found)

    def sessions(self, since: datetime | date | None = None) -> list[Session]:
        """Sessions started at or after `since` (a date means from its midnight), oldest first."""
        return self._since("sessions", _moment(since))

    def recent_history(self, catalog: Catalog, stage: int, now: datetime) -> History:
        """The history the rules need for `stage` at `now` (see `history_since`), not all of it:
        the stage timeline whole, each event read when the rules look at it (`OnDemand`)."""
        events = self._table("stage_events").read_on_demand(None)
        since = history_since(catalog, stage, events, now)
        return History.of(
            self.sessions(since), self.checkins(since), events, self.bouts(since), self.walks(since)
        )

    def record_checkin(self, checkin: CheckIn) -> None:
        """Keep a pain check-in (several a day are fine; the day's check-in is the first)."""
        self.save(checkin)

    def checkins(self, since: datetime | date | None = None) -> list[CheckIn]:
        """Check-ins at or after `since`, oldest first."""
        return self._since("checkins", _moment(since))

    def record_bout(self, bout: Bout) -> None:
        """Keep one bout of an exercise done several times a day."""
        self.save(bout)

    def bouts(self, since: datetime | date | None = None) -> list[Bout]:
        """Bouts done at or after `since`, oldest first."""
        return self._since("bouts", _moment(since))

    def record_walk(self, walk: Walk) -> None:
        """Keep one walk of the walking programme."""
        self.save(walk)

    def walks(self, since: datetime | date | None = None) -> list[Walk]:
        """Walks at or after `since` (every one by default), oldest first."""
        return self._since("walks", _moment(since))

    def record_stage_event(self, event: StageEvent) -> None:
        """Add a start, advance, step back, pause, resume or override to the stage timeline."""
        self.save(event)

    def stage_events(self) -> list[StageEvent]:
        """The stage timeline, oldest first."""
        return self._table("stage_events").all()

    def record_psfs(self, rating: PsfsRating) -> None:
        """Keep a PSFS rating."""
        self.save(rating)

    def psfs(self, since: datetime | date | None = None) -> list[PsfsRating]:
        """PSFS ratings made at or after `since` (every one by default), oldest first."""
        return self._table("psfs").since(_moment(since))

    def psfs_on_demand(self, since: datetime | date | None = None) -> Sequence[PsfsRating]:
        """As `psfs`, each rating read only when asked for (History's line shows the last few)."""
        return self._table("psfs").read_on_demand(_moment(since))

    def latest_psfs(self) -> PsfsRating | None:
        """The most recent PSFS rating, or None if there has been none."""
        return _copy(self._table("psfs").newest())

    # -----------------------------------------------------------------------------------------
    # Closed years (`store.archive`)

    def _find_archives(self, keep: bool = False) -> None:
        """The archives beside the file. `keep`: after `close_years`, whose objects are each
        the file on disk (the ones it wrote are new), keep them with what was read of them."""
        kept = self._archives if keep else {}
        self._archives = {
            y: kept.get(y) or archives.Archive(self.path, y) for y in archives.years(self.path)
        }
        if not keep:
            self._archived = {}

    def live_since(self) -> datetime | None:
        """Where the records in the data file begin when closed years are in archives beside
        it (None when there are none): before it, a screen reads day sums (`day_sums`)."""
        if not self._archives:
            return None
        return datetime(max(self._archives) + 1, 1, 1)

    def archive_years(self) -> list[int]:
        """The closed years kept in archives beside the file, oldest first."""
        return sorted(self._archives)

    def _year_records(self, name: str, year: int) -> list[Any]:
        """A closed year's records of one table, validated (once), in time order."""
        key = (name, year)
        found = self._archived.get(key)
        if found is None:
            archive = self._archives[year]
            documents = archive.tables().get(name, {})
            field = ORDER_FIELDS[name]
            records = []
            for document in documents.values():
                try:
                    records.append(validate_document(name, document))
                except Damage as problem:
                    raise archive._refused(problem.reason) from None
            # The file keeps them in time order already; equal times keep the file's order.
            records.sort(key=lambda r: getattr(r, field))
            found = self._archived[key] = records
        return found

    def sessions_of_year(self, year: int) -> list[Session]:
        """A closed year's sessions, oldest first: its archive's, and any the file still holds
        (a move a crash cut short, a late arrival), each once (the file's copy)."""
        if year not in self._archives:
            return []
        begin, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
        table = self._table("sessions")
        live = [s for s in table.since(begin) if s.started_at < end]
        if not live:
            return list(self._year_records("sessions", year))
        mine = {s.id for s in live}
        merged = [s for s in self._year_records("sessions", year) if s.id not in mine] + live
        merged.sort(key=lambda s: s.started_at)
        return merged

    def _reaches_back(self, name: str, moment: datetime | None) -> bool:
        """Do the records of `name` from `moment` on reach into a closed year's archive?"""
        start = self.live_since()
        return (
            name in archives.ARCHIVED and start is not None and (moment is None or moment < start)
        )

    def _cut_short(self, name: str) -> bool:
        """Does the file still hold a record of an archived year (a move a crash cut short,
        or a late one)? Then the two places are merged, each record once."""
        start = self.live_since()
        table = self._table(name)
        return (
            start is not None and bool(table._ordered()) and table._keys[0][0] < start.isoformat()
        )

    def _years_from(self, moment: datetime | None) -> list[int]:
        return [y for y in sorted(self._archives) if moment is None or y >= moment.year]

    def _decoded_year(self, name: str, year: int) -> list[Any]:
        """A closed year's records of `name`, validated; not kept unless they were already
        (a streaming export reads thirty years one year at a time)."""
        if (name, year) in self._archived:
            return self._archived[(name, year)]
        records = self._year_records(name, year)
        del self._archived[(name, year)]
        self._archives[year].forget_records()
        return records

    def _in_archive(self, name: str, record_id: str) -> bool:
        return any(
            record_id in archive.tables().get(name, {}) for archive in self._archives.values()
        )

    def _since(self, name: str, moment: datetime | None) -> list[Any]:
        """`_Table.since`, with the closed years' records before the file's when `moment`
        reaches back into them (a record in both, from a cut-short move, once: the file's)."""
        live = self._table(name).since(moment)
        start = self.live_since()
        if start is None or (moment is not None and moment >= start):
            return live
        field = ORDER_FIELDS[name]
        ids = {r.id for r in live}
        older = [
            r
            for year in sorted(self._archives)
            if moment is None or year >= moment.year
            for r in self._year_records(name, year)
            if r.id not in ids and (moment is None or getattr(r, field) >= moment)
        ]
        if not older:
            return live
        merged = older + live
        if live and getattr(live[0], field) < start:  # records of a year not moved yet
            merged.sort(key=lambda r: getattr(r, field))
        return merged

    def day_sums(self, rules: Rules, since: date | None = None) -> dict[date, DaySum]:
        """Every day's sums (`planner.days`) from `since` on: a closed year's from its archive
        (made again from its records when other rules made them), the rest from the records.
        Equal to `day_sums` of every record: tests/store/test_archive.py holds it so."""
        digest = rules_digest(rules)
        start = self.live_since()
        rows: dict[date, DaySum] = {}
        if start is not None and (since is None or since < start.date()):
            for year, archive in sorted(self._archives.items()):
                if since is None or year >= since.year:
                    stored = archive.sums(digest)
                    rows.update(stored if stored is not None else self._made_again(year, rules))
        moment = _moment(since)
        live = day_sums(
            self._table("sessions").since(moment),
            self._table("checkins").since(moment),
            self._table("walks").since(moment),
            rules,
        )
        if start is not None:
            # Records of an archived year still in the file (a move a crash cut short): that
            # year's sums again, from both places, each record once.
            cut = {d.year for d in live if d < start.date() and d.year in self._archives}
            for year in cut:
                rows = {d: r for d, r in rows.items() if d.year != year}
                rows.update(self._sums_of_year(year, rules))
            live = {d: r for d, r in live.items() if d.year not in cut}
        rows.update(live)
        if since is not None:
            rows = {d: r for d, r in rows.items() if d >= since}
        return dict(sorted(rows.items()))

    def read_ahead(self, rules: Rules, seconds: float) -> bool:
        """Spend about `seconds` reading what `day_sums` of every day reads: the file's
        sessions, check-ins and walks (newest first), then each closed year's stored sums
        (newest first). True once all are read; given no time, it only says whether they are.
        History calls it while the person reads a shorter window, so "All" does not wait on
        years of records."""
        deadline = perf_counter() + seconds
        if not all(self._table(name).read_ahead(deadline) for name in DAY_TABLES):
            return False
        digest = rules_digest(rules)
        for year in sorted(self._archives, reverse=True):
            archive = self._archives[year]
            if archive.sums_read(digest):
                continue
            if perf_counter() >= deadline:
                return False
            try:
                archive.sums(digest)
            except StoreError:
                return True  # refused as ever when History asks for it
        return True

    def walk_history(
        self, rules: Rules, since: date
    ) -> tuple[dict[date, DaySum | WalkSum], list[Walk]]:
        """What the walking level folds over from `since` on: the day sums of closed years
        (only the days with a walk) and every walk in the file. Decodes no closed year's walk
        unless its sums were made by other rules."""
        start = self.live_since()
        live = self._table("walks").since(_moment(since))
        if start is None or since >= start.date():
            return {}, live
        if live and live[0].at < start:  # a move not finished: read both places, once each
            sums = self.day_sums(rules, since)
            walked: dict[date, DaySum | WalkSum] = {
                d: r for d, r in sums.items() if d < start.date() and r.walks
            }
            return walked, self.walks(start)
        digest = rules_digest(rules)
        rows: dict[date, DaySum | WalkSum] = {}
        for year, archive in sorted(self._archives.items()):
            if year >= since.year:
                stored: Mapping[date, DaySum | WalkSum] | None = archive.walk_sums(digest)
                if stored is None:  # made by other rules: made again from the records
                    stored = {d: r for d, r in self._made_again(year, rules).items() if r.walks}
                if year == since.year:
                    stored = {d: r for d, r in stored.items() if d >= since}
                rows.update(stored)
        return rows, live

    def walk_history_folded(
        self, rules: Rules, profile: Profile | None, today: date
    ) -> tuple[dict[date, DaySum | WalkSum], list[Walk], Folded | None]:
        """`walk_history`, with the weeks of closed years already folded when the newest
        archive keeps the walking level at its year's end (`close_years`) and it was folded
        from these very archives, this programme and these rules: then only that archive's
        days after the fold are decoded, however many years came before. Without one (or
        with one made from anything else), `walk_history` and None: the same level, slower.
        Nothing at all without a walking programme."""
        if profile is None or profile.walk_since is None:
            return {}, [], None
        since = profile.walk_since
        found = self._stored_fold(rules, profile, today) if self._archives else None
        if found is None or since >= found.until:
            return (*self.walk_history(rules, since), None)
        live = self._table("walks").since(_moment(since))
        days = self._archives[max(self._archives)].walk_sums(rules_digest(rules)) or {}
        return {d: r for d, r in days.items() if d >= found.until}, live, found

    def _stored_fold(self, rules: Rules, profile: Profile, today: date) -> Folded | None:
        """The newest archive's walking level, when it may stand for every walk before it."""
        found = self._fold_standing(rules, profile)
        return found if found is not None and found.until <= today else None

    def _fold_standing(self, rules: Rules, profile: Profile) -> Folded | None:
        """The walking level the newest archive keeps, when it was folded from these very
        archives (their walks' checksums), for this programme, by these rules, and no walk
        before its year's end is in the file (a move not finished, a late walk not moved)."""
        newest = max(self._archives)
        archive = self._archives[newest]
        stored = archive.fold_document(rules_digest(rules))
        if stored is None or stored.get("archives") != self._walk_chain(newest):
            return None
        if self._table("walks").any_before(datetime(newest + 1, 1, 1)):
            return None
        try:
            found = folded_from_document(stored, rules)
        except ValueError as error:
            raise archives.damaged(archive.path, str(error), self.path, newest) from None
        same = (found.since, found.comfortable) == (profile.walk_since, profile.walk_comfortable)
        return found if same else None

    def _walk_chain(self, year: int) -> list[list[int | str]]:
        """What names every walk of the archives before `year`: each one's year and the
        checksum of its walks' line (read, not decoded)."""
        return [[y, self._archives[y].walks_crc()] for y in sorted(self._archives) if y < year]

    def _fold_at_end(self, rules: Rules) -> dict[str, Any] | None:
        """The walking level at the newest archive's year's end, folded from every walk before
        it (the full reading, `walk_history`), with the chain of archives it came from."""
        profile = self.profile()
        if not self._archives or profile is None or profile.walk_since is None:
            return None
        newest = max(self._archives)
        bound = date(newest + 1, 1, 1)
        if profile.walk_since >= bound:
            return None
        earlier, walks = self.walk_history(rules, profile.walk_since)
        folded = fold(profile, walks, rules, bound, earlier)
        if folded is None:
            return None
        return {**folded_to_document(folded), "archives": self._walk_chain(newest)}

    def _keep_fold(self, rules: Rules, digest: str) -> bool:
        """Write the newest archive again when the walking level it keeps is not the one its
        records and the earlier archives give now (a year closed, a late record, the walking
        programme started again). True when it did."""
        if not self._archives:
            return False
        newest = max(self._archives)
        archive = self._archives[newest]
        profile = self.profile()
        walking = profile is not None and profile.walk_since is not None
        if walking and self._fold_standing(rules, cast(Profile, profile)) is not None:
            return False  # folded from these very walks: the same again
        wanted = self._fold_at_end(rules)
        if archive.fold_document(digest) == wanted:
            return False
        tables = archive.tables()
        rows = archive.sums(digest)
        assert rows is not None  # close_years wrote every archive made by other rules again
        records = {name: tables.get(name, {}) for name in archives.ARCHIVED}
        self._archives[newest] = archives.write(self.path, newest, records, rows, digest, wanted)
        return True

    def _sums_of_year(self, year: int, rules: Rules) -> dict[date, DaySum]:
        begin, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
        pick = {
            name: [r for r in self._since(name, begin) if getattr(r, ORDER_FIELDS[name]) < end]
            for name in ("sessions", "checkins", "walks")
        }
        return day_sums(pick["sessions"], pick["checkins"], pick["walks"], rules)

    def _made_again(self, year: int, rules: Rules) -> dict[date, DaySum]:
        """A closed year's sums made by other rules: made again from its records (and kept in
        its archive by the next writer that closes years)."""
        return day_sums(
            self._year_records("sessions", year),
            self._year_records("checkins", year),
            self._year_records("walks", year),
            rules,
        )

    def close_years(self, rules: Rules) -> list[int]:
        """Move the records of every closed year out of the file into its archive, and make
        again the sums of an archive made by other rules. Says which years it wrote.

        Each archive is on disk (and its copy in backups/) before the file is rewritten without
        its records: a crash between leaves them in both, read once, and the next call
        finishes the move."""
        self._require_writer()
        if not self._checked:
            self.check_all()
        places, is_stray = archives.temps(self.path)
        for place in places:
            remove_stray_temps(place, is_stray)
        start = archives.live_since(self._clock())
        key = start.isoformat()
        leaving: dict[int, dict[str, list[str]]] = {}
        for name in archives.ARCHIVED:
            table = self._table(name)
            ids = table._ordered()
            for n in range(bisect_left(table._keys, (key, -1))):
                year = int(table._keys[n][0][:4])
                leaving.setdefault(year, {}).setdefault(name, []).append(ids[n])
        digest = rules_digest(rules)
        # Every archive's first line is read (the walking level reads it too): one damaged is
        # refused here, before any screen; one made by other rules or an older rehab's schema
        # is written again.
        stale = [y for y, a in self._archives.items() if a.made_by() != (digest, current_version())]
        written = sorted({*leaving, *stale})
        for year in written:
            self._write_year(year, leaving.get(year, {}), rules, digest)
        if leaving:
            drop = {
                name: {i for moving in leaving.values() for i in moving.get(name, ())}
                for name in archives.ARCHIVED
            }
            tables = self.storage.drop(drop)
            for name in archives.ARCHIVED:
                old = self._tables[name]
                table = _Table(name, tables.get(name, {}), self.path, self._checked_before)
                table._models = {k: v for k, v in old._models.items() if k not in drop[name]}
                table.saves = old.saves + 1
                self._tables[name] = table
            self._stamp_on_close = True
        self._find_archives(keep=True)
        if self._keep_fold(rules, digest) and max(self._archives) not in written:
            written.append(max(self._archives))
        return written

    def _write_year(
        self, year: int, moving: Mapping[str, list[str]], rules: Rules, digest: str
    ) -> None:
        """The archive of `year`: what it held, with `moving` (the file's copies win)."""
        old = self._archives.get(year)
        held = old.tables() if old is not None else {}
        tables: dict[str, dict[str, dict[str, Any]]] = {}
        models: dict[str, list[Any]] = {}
        for name in archives.ARCHIVED:
            documents = dict(held.get(name, {}))
            table = self._table(name)
            for record_id in moving.get(name, ()):
                documents[record_id] = table.documents[record_id]
            field = ORDER_FIELDS[name]
            place = {i: n for n, i in enumerate(documents)}
            records = {i: validate_document(name, d) for i, d in documents.items()}
            ordered = sorted(documents, key=lambda i: (getattr(records[i], field), place[i]))
            tables[name] = {i: documents[i] for i in ordered}
            models[name] = [records[i] for i in ordered]
        rows = day_sums(models["sessions"], models["checkins"], models["walks"], rules)
        self._archives[year] = archives.write(self.path, year, tables, rows, digest)
        for name in archives.ARCHIVED:
            self._archived[(name, year)] = models[name]

    # -----------------------------------------------------------------------------------------
    # The file as a whole

    def check_all(self) -> None:
        """Validate every document now (a writer does on open); `DataFileError` if one fails.

        Bytes checked in full before (`check_stamp`) are not checked again: only the documents
        a journal lays over them are."""
        if self.storage.checked_before:
            for name, documents in self.storage.pending.items():
                if name in self._tables:
                    for record_id in documents:
                        self._tables[name].get(record_id)
        else:
            for table in self._tables.values():
                table.validate_all()
        self._checked = True
        # A reader stamps too (`rehab status` on a file copied from another computer): the
        # stamp is this computer's cache, not the file, and names the very bytes just checked.
        if not self.storage.pending:
            check_stamp.remember(
                self.path,
                self.storage.current_digest(),
                checks_version(),
                self.storage.status,
            )

    def documents(self) -> Tables:
        """The whole file as stored (`{table: {id: document}}`), e.g. for a JSON export.

        The documents are shared with the cache: do not change them.
        """
        tables: Tables = {name: dict(t.documents) for name, t in self._tables.items()}
        for name in archives.ARCHIVED if self._archives else ():
            live = tables[name]
            older: dict[str, dict[str, Any]] = {}
            for year in sorted(self._archives):
                for record_id, document in self._archives[year].tables().get(name, {}).items():
                    if record_id not in live:  # a move a crash cut short: the file's copy
                        older[record_id] = document
            tables[name] = {**older, **live}
        if self._meta is not None:
            tables[META_TABLE] = {META_ID: dump(self._meta)}
        return tables

    def counts(self) -> dict[str, int]:
        """How many records each table holds (closed years' too), without reading them."""
        counts = {name: len(table.documents) for name, table in self._tables.items()}
        for archive in self._archives.values():
            for name, n in archive.counts().items():
                if name in counts:
                    counts[name] += n
        if self._archives:  # a move a crash cut short counts its records once
            start = archives.live_since(self._clock()).isoformat()
            for name in archives.ARCHIVED:
                table = self._tables[name]
                ids = table._ordered()[: bisect_left(table._keys, (start, -1))]
                counts[name] -= sum(1 for i in ids if self._in_archive(name, i))
        return counts

    def backups(self) -> list[backup_files.Backup]:
        """This file's backups, newest first."""
        return backup_files.list_backups(self.path)

    def backup_now(self, reason: str = "manual") -> Path | None:
        """Copy the file to `backups/` now (None if nothing has been saved yet); `reason` goes
        into its name (lower-case words joined by '-')."""
        self._require_writer()
        self.check_all()
        self.storage.fold()
        return backup_files.backup_now(self.path, self._clock(), reason)

    def restore(self, backup_path: str | os.PathLike[str], carry: Carry | None = None) -> Replaced:
        """Replace the file with a backup (checked first; the current file is backed up first).

        `carry` may add records of the file replaced to what is written (see `Carry`). Says
        what it kept of the file replaced. The repository then shows the restored data.
        """
        return self.replace_with(_read_backup(Path(backup_path)), "restore", carry)

    def replace_with(self, tables: Tables, reason: str, carry: Carry | None = None) -> Replaced:
        """Replace the file with `tables` (checked first, as `write_documents` checks them;
        the current file backed up first, as `before-<reason>`), for the app, which holds the
        lock: a restore, a merge. The repository then shows what was written."""
        self._require_writer()
        checked = _checked_incoming(tables, reason, self.path)
        self.storage.fold()
        made = _replace_locked(self.path, checked, now=self._clock(), reason=reason, carry=carry)
        self.storage.forget()
        self._load(check_now=True)
        return made

    # --- streaming reads: an export reads each record once, front to back ---
    # An export reads ten or thirty years once, front to back: these hand records out one at a
    # time and keep none of them, so its memory stays flat however long the history is.

    def each(self, table_name: str, since: datetime | date | None = None) -> Iterator[Any]:
        """The records of `table_name` at or after `since` (a date: from its midnight), oldest
        first as `sessions()` and the like return them, decoded one at a time and not kept.
        A record already read is handed out as cached: treat every one as read-only."""
        table = self._table(table_name)
        moment = _moment(since)
        if self._reaches_back(table_name, moment):
            if self._cut_short(table_name):  # rare: both places, merged in memory
                yield from self._since(table_name, moment)
                return
            field = ORDER_FIELDS[table_name]
            for year in self._years_from(moment):  # a closed year at a time, then let go
                for record in self._decoded_year(table_name, year):
                    if moment is None or getattr(record, field) >= moment:
                        yield record
        ids = table._ordered()
        start = 0 if moment is None else bisect_left(table._keys, (moment.isoformat(), -1))
        for record_id in ids[start:]:  # a copy of the ids: a save meanwhile moves none
            model = table._models.get(record_id)
            yield model if model is not None else table._validate(table.documents[record_id])

    def each_document(self, table_name: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """`(id, document as stored)` of every record of `table_name` (`meta` too), each read
        when it is reached and not kept. Oldest first by the table's time field as the file
        spells it, equal ones in file order: the order a JSON export has always listed them
        (for every time rehab writes, the order `each` follows). Do not change them."""
        if table_name == META_TABLE:
            if self._meta is not None:
                yield META_ID, dump(self._meta)
            return
        documents: Mapping[str, dict[str, Any]] = self._table(table_name).documents
        if self._reaches_back(table_name, None):
            if self._cut_short(table_name):  # rare: both places, sorted together below
                documents = self.documents()[table_name]
            else:
                for year in self._years_from(None):  # in time order already, then let go
                    archive = self._archives[year]
                    yield from archive.tables().get(table_name, {}).items()
                    if (table_name, year) not in self._archived:
                        archive.forget_records()
        ids = list(documents)
        field = ORDER_FIELDS.get(table_name)
        if field is not None:
            lazy = documents if isinstance(documents, LazyTable) else None
            times = []
            for record_id in ids:
                raw = lazy.order_value(record_id, field) if lazy is not None else None
                if not (type(raw) is str and len(raw) == 19 and "\\" not in raw):
                    raw = str(documents[record_id].get(field, ""))  # parsed: as the file says
                times.append(raw)
            # A stable sort by the text alone keeps equal times in file order.
            ids = [ids[n] for n in sorted(range(len(ids)), key=times.__getitem__)]
        for record_id in ids:
            yield record_id, documents[record_id]


# ---------------------------------------------------------------------------------------------
# Replacing the whole file: restore and import


#: What a restore, an import or a merge keeps of the file it replaces, decided above the store:
#: given the current file's tables and the ones about to be written (both checked), the tables
#: to write instead and one line for each thing it kept. Handing back the current tables
#: themselves leaves the file untouched (a merge that brings nothing new).
Carry = Callable[[Tables, Tables], tuple[Tables, list[str]]]


@dataclass(frozen=True)
class Replaced:
    """What replacing the whole file (restore, import) kept of what was there: nothing of it is
    lost, and the person is told where each part went (`lines`)."""

    #: A backup of the file replaced (`before-restore`, `before-import`), when it was whole.
    backup: Path | None = None
    #: The file replaced, kept aside when it was damaged (never offered for a restore).
    damaged: Path | None = None
    #: Changes a crash left in the journal that the file could not take, kept aside.
    journal: Path | None = None
    #: What `carry` kept of the file replaced in the file written, one line each.
    carried: tuple[str, ...] = ()
    #: The closed years of the file an import replaced (`store.archive.set_aside`).
    archives: Path | None = None

    def lines(self, path: Path) -> list[str]:
        """One line for each thing kept, for the command that replaced `path`."""
        said = list(self.carried)
        if self.backup is not None:
            said.append(f"The file it replaced is kept as {self.backup}")
        if self.archives is not None:
            said.append(f"The closed years of the file it replaced are kept in {self.archives}")
        if self.damaged is not None:
            said.append(
                f"The file it replaced was damaged; it is kept aside as {self.damaged} "
                "(never offered as a backup)"
            )
        if self.journal is not None:
            said.append(
                f"Changes a crash left in {journal_path(path).name} could not be added to the "
                f"file it replaced; they are kept as {self.journal}"
            )
        return said


def backup(path: str | os.PathLike[str], *, clock: Clock) -> Path | None:
    """Copy the data file to `backups/` now, for `rehab backup`; None if there is no file yet.

    The file is checked first, so a damaged file never becomes the newest backup. Needs no lock:
    a writer replaces the file atomically, so the copy is always of a whole, valid version.
    """
    with Repository.read(path, clock=clock) as repository:
        # A running writer's latest saves may still be in its journal: back up both, merged.
        data = repository.storage.snapshot() if repository.storage.pending else None
        return backup_files.backup_now(repository.path, clock(), "manual", data=data)


def restore(
    path: str | os.PathLike[str],
    backup_path: str | os.PathLike[str],
    *,
    clock: Clock,
    carry: Carry | None = None,
) -> Replaced:
    """Replace the data file with the backup at `backup_path`, for `rehab restore`.

    Works on a damaged data file too (that is what it is for).

    The backup is validated first; the current file is backed up if it is readable (a damaged one
    is kept aside as `backups/rehab.damaged-….json`). Takes the writer's lock for the duration.
    Says what it kept of the file replaced.
    """
    return write_documents(
        path, _read_backup(Path(backup_path)), clock=clock, reason="restore", carry=carry
    )


def write_documents(
    path: str | os.PathLike[str],
    tables: Tables,
    *,
    clock: Clock,
    reason: str = "import",
    carry: Carry | None = None,
) -> Replaced:
    """Replace the data file with `tables` (`{table: {id: document}}` with a meta record).

    Every document is checked first (an older schema is migrated; a newer one is refused), then
    the current file is backed up (`before-<reason>`), then the file is replaced atomically.
    Takes the writer's lock. Says what it kept of the file replaced.
    """
    data_path = real_data_path(path)
    checked = _checked_incoming(tables, reason, data_path)
    with lock_to_write(data_path):
        return _replace_locked(data_path, checked, now=clock(), reason=reason, carry=carry)


def _checked_incoming(tables: Tables, reason: str, data_path: Path) -> Tables:
    """`_checked`, with a refusal that names the data coming in."""
    try:
        return _checked(tables)
    except Damage as problem:
        raise IncomingDataError(
            f"The data to {reason} is not valid ({problem.reason}). Nothing was changed."
        ) from None
    except TooNew as newer:
        raise NewerSchemaError(
            data_path, newer.found, current_version(), subject=f"The data to {reason}"
        ) from None


def _read_backup(backup: Path) -> Tables:
    raw = read_bytes(backup)
    if raw is None:
        raise StoreError(f"{backup} does not exist. Nothing was changed.")
    advice = "Choose another backup: rehab restore BACKUP"
    try:
        return _checked(parse_tables(raw))
    except Damage as problem:
        raise DataFileError(backup, problem.reason, advice=advice) from None
    except TooNew as newer:
        raise NewerSchemaError(backup, newer.found, current_version()) from None


def _checked(tables: Tables) -> Tables:
    """The tables in the current schema with every document valid, or `Damage` / `TooNew`."""
    version = schema_version_of(tables)
    if version is None:
        raise Damage("it holds no data")
    if version > current_version():
        raise TooNew(version)
    if version < current_version():
        try:
            tables = migrate(tables, version)
        except Exception as error:
            raise Damage(f"it could not be upgraded from schema {version}: {error!r}") from None
    check_layout(tables)
    for name in TABLE_MODELS:
        for document in tables.get(name, {}).values():
            validate_document(name, document)
    return tables


def _replace_locked(
    path: Path, tables: Tables, *, now: datetime, reason: str, carry: Carry | None = None
) -> Replaced:
    """Back up (or keep aside) the current file, then write `tables` (with what `carry` keeps
    of the current file, checked like the rest). The caller holds the lock."""
    journal = _fold_left_journal(path, now)
    current = read_bytes(path)
    made = damaged = None
    carried: list[str] = []
    if current is not None:
        try:
            ours = _checked(parse_tables(current))
        except (Damage, TooNew):
            damaged = backup_files.keep_aside(path, current, now)
        else:
            if carry is not None:
                tables, carried = carry(ours, tables)
                if tables is ours:  # the carry keeps the file as it is: nothing to write
                    return Replaced(journal=journal, carried=tuple(carried))
                tables = _checked(tables)  # what is kept is checked like what comes in
    payload = serialize(tables)  # before anything on disk changes
    if current is not None and damaged is None:
        made = backup_files.backup_now(path, now, f"before-{reason}")
    remove_stray_temps(path.parent, temps_of(path))
    # An import brings a whole history: the closed years beside the file replaced are its
    # own, kept aside before the file changes (a restore keeps them: they are its history).
    aside = archives.set_aside(path, now) if reason == "import" else None
    fd, status = write_atomic_kept_open(path, payload)
    os.close(fd)
    # Every document written was checked just now (`_checked`): the next reader, the app or
    # a command, need not check them again (an import of ten years is not checked twice).
    check_stamp.remember(path, check_stamp.digest(payload), checks_version(), status)
    return Replaced(made, damaged, journal, tuple(carried), aside)


def _fold_left_journal(path: Path, now: datetime) -> Path | None:
    """Before replacing the file: fold in a journal a crash left, so the backup taken of the
    current file holds it too; if the file cannot take it (damaged), keep the journal aside and
    return where. The caller holds the lock."""
    journal = journal_path(path)
    if not journal.exists():
        return None
    storage = PrivateStorage(path, order_fields=ORDER_FIELDS, clock=lambda: now)
    kept = None
    try:
        storage.fold()
        kept = storage.set_aside  # a journal not of this file: kept aside, never laid over it
    except (Damage, StoreError):
        data = read_bytes(journal)
        if data is not None:
            kept = backup_files.keep_aside(journal, data, now, label="not-applied")
        remove_durably(journal)
    finally:
        storage.close()
    return kept


def missing_file_problem(data_path: Path) -> str | None:
    """One line when the data file is gone but its journal is not: the file was moved or
    deleted, and neither a reader nor a new first run may pass over that.
    None otherwise."""
    if data_path.exists() or not journal_path(data_path).exists():
        return None
    return (
        f"{data_path} is missing, but {journal_path(data_path).name} (your latest changes to "
        "it) is there: the file was moved or deleted. Put it back, or restore the newest "
        f"backup with: {restore_command(data_path)}"
    )


def lock_to_write(data_path: Path) -> WriterLock:
    """What every writer does first (an open to save, an import, a restore): take the lock,
    remove the temp files a crash left behind (beside the file and in `backups/`), then refuse
    a file with a second name (`refuse_hard_links`).

    A name a crashed save left (`.rehab.json.tmp-…-previous`) is such a temp file, so it never
    counts; a real second name is refused before the lock is taken, leaving no `.lock` behind.
    """
    refuse_hard_links(data_path, ignoring=stray_links(data_path))
    ensure_private_dir(data_path.parent)
    lock = WriterLock.acquire(data_path)
    try:
        stamp = check_stamp.sidecar(data_path)
        beside = (data_path, journal_path(data_path), stamp, index_path(data_path))
        for target in beside:
            remove_stray_temps(target.parent, temps_of(target))
        remove_stray_temps(backup_dir(data_path), backup_files.copy_temps(data_path))
        refuse_hard_links(data_path)
    except BaseException:
        lock.release()
        raise
    return lock


def refuse_hard_links(data_path: Path, *, ignoring: int = 0) -> None:
    """A writer refuses a file with more than one name (hard links): every save replaces the
    file, so the other names would silently keep the old one and a second rehab could write
    there at once. A symbolic link is followed instead. `ignoring`: names about to be removed
    (temp files a crash left)."""
    try:
        links = os.stat(data_path).st_nlink - ignoring
    except FileNotFoundError:
        return
    if links > 1:
        raise HardLinkedError(data_path, links)


def _was_checked(path: Path, digest: str) -> bool:
    return check_stamp.was_checked(path, digest, checks_version())


def _checked_digest(path: Path, status: os.stat_result) -> str | None:
    return check_stamp.checked_digest(path, status, checks_version())


# ---------------------------------------------------------------------------------------------


def prepare_to_write() -> None:
    """Import and build now what a process's first save needs: pydantic's checker of every
    kind of record and pydantic_core's JSON writer (about a tenth of a second, that the first
    Enter of the day would otherwise wait for). Reads and writes no file and no repository's
    state, so it may run in a thread while the app is idle."""
    import pydantic_core  # noqa: F401  (store.layout writes with it)

    for model in TABLE_MODELS.values():
        codec.prepare(model)


def validate_document_or_raise(name: str, document: Mapping[str, Any]) -> Record:
    """Validate a document about to be saved; a record that would not read back is a bug."""
    try:
        return validate_document(name, document)
    except Damage as problem:
        raise ValueError(f"not saved: {problem.reason}") from None


def _copy(record: R | None) -> R | None:
    return None if record is None else copy.deepcopy(record)


def _moment(since: datetime | date | None) -> datetime | None:
    if since is None or isinstance(since, datetime):
        return since
    return midnight(since)
