"""The line layout reads lazily and exactly; big files save into a journal, folded in later."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
from dataclasses import replace

import pydantic_core
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import store.atomic
import store.storage
from planner.models import Session
from store import Repository, check_stamp, current_version, restore
from store.layout import CHECKSUM, scan
from store.repository import _Table
from store.schema import ORDER_FIELDS, TABLE_MODELS
from store.storage import PrivateStorage, journal_path, parse_tables, serialize
from tests.store.conftest import a_profile, a_session, mode

TRICKY = 'quote " backslash \\ newline \n tab \t [/bold] é 痛 \x00 \u2028 😣 "started_at":"1999"'


def tables_with(sessions: int) -> dict:
    return {
        "meta": {"meta": {"id": "meta", "schema_version": current_version()}},
        "empty": {},
        "sessions": {
            f"s{i}": {
                "id": f"s{i}",
                "started_at": f"2026-01-{i + 1:02d}T08:00:00",
                "note": TRICKY * i,
                "x": [i, None, 1.5],
            }
            for i in range(sessions)
        },
        'odd "keys"': {'a "quoted" \\ key': {"id": 'a "quoted" \\ key'}},
    }


def without_checksums(tables: dict) -> dict:
    """Tables as plain JSON reads them, less each line's checksum."""
    return {
        name: {key: {f: v for f, v in d.items() if f != CHECKSUM} for key, d in table.items()}
        for name, table in tables.items()
    }


def test_the_line_layout_is_plain_json_with_one_document_per_line(tmp_path):
    tables = tables_with(4)
    data = serialize(tables)
    plain = json.loads(data)
    assert without_checksums(plain) == tables == parse_tables(data)
    assert all(list(d)[-1] == CHECKSUM for table in plain.values() for d in table.values())
    assert data.count(b"\n") == 1 + 4 + 4 + 6 + 1  # {, 4 heads, 4 closers, 6 documents, }
    assert all(b"\n" not in pydantic_core.to_json(s) for s in tables["sessions"].values())


def test_the_index_finds_every_document_and_its_order_field_without_parsing(tmp_path):
    tables = tables_with(5)
    del tables['odd "keys"']  # a table name with escapes is read whole (see below)
    path = tmp_path / "f.json"
    path.write_bytes(serialize(tables))
    fd = os.open(path, os.O_RDONLY)
    try:
        index = scan(fd, {"sessions": "started_at"})
    finally:
        os.close(fd)
    assert index.tables is not None and index.size == path.stat().st_size
    data = path.read_bytes()
    for name, (spans, order, bare) in index.tables.items():
        assert bare == set()  # every line has its checksum
        assert list(spans) == list(tables[name])
        for key, (offset, length) in spans.items():
            line = json.loads(b"{" + data[offset : offset + length] + b"}")
            assert line[key].pop(CHECKSUM)
            assert line == {key: tables[name][key]}
        if name == "sessions":
            # The note mentions "started_at" too, escaped: the real field is the one found.
            assert order == {k: d["started_at"] for k, d in tables[name].items()}


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(tables_with(2)),  # one line
        json.dumps(tables_with(2), indent=4),  # TinyDB's own pretty layout
        serialize(tables_with(2)).decode()[:-1],  # no final newline
        serialize(tables_with(2)).decode().replace('"s0":', '"s1":'),  # a repeated key
        serialize(tables_with(2)).decode().replace("}\n}\n", "},\n}\n", 1),  # a trailing comma
    ],
)
def test_a_file_in_any_other_shape_is_not_indexed_but_read_whole(tmp_path, text):
    path = tmp_path / "f.json"
    path.write_text(text)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert scan(fd, ORDER_FIELDS).tables is None
    finally:
        os.close(fd)


def test_a_checked_file_is_read_lazily_and_writes_back_byte_identical(data_path, clock):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile(), *[a_session(n) for n in range(6)])
    original = data_path.read_bytes()
    storage = PrivateStorage(data_path, was_checked=lambda digest: True, order_fields=ORDER_FIELDS)
    tables = storage.read()
    assert storage.lazy
    assert storage.snapshot() == original  # copied from disk in runs, not re-encoded
    sessions = tables["sessions"]
    changed = dict(sessions[next(iter(sessions))], note=TRICKY)
    merged = {name: dict(table) for name, table in tables.items()}
    merged["sessions"][changed["id"]] = changed
    sessions.put({changed["id"]: changed})
    assert storage.snapshot() == serialize(merged)
    storage.close()


@pytest.fixture
def journaling(monkeypatch):
    """Every file counts as big: saves after the first go to the journal."""
    monkeypatch.setattr(store.storage, "JOURNAL_FROM", 0)


def session_at(n: int) -> Session:
    return replace(a_session(n), id=f"j{n}")


def test_a_big_file_takes_saves_into_a_private_journal_and_folds_it_in_on_close(
    journaling, data_path, clock
):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile(), a_session(0))
        before = data_path.read_bytes()
        repo.save_session(session_at(1))
        repo.save_session(session_at(2))
        journal = journal_path(data_path)
        assert data_path.read_bytes() == before  # the 13 MB file is not rewritten per save
        assert mode(journal) == 0o600
        assert set(json.loads(journal.read_bytes())["sessions"]) == {"j1", "j2"}
        # A reader (rehab status, an export) sees the journal's records too.
        with Repository.open(data_path, clock=clock, readonly=True) as reader:
            assert {s.id for s in reader.sessions()} >= {"j1", "j2"}
    assert not journal.exists()
    assert set(json.loads(data_path.read_bytes())["sessions"]) >= {"j1", "j2"}
    digest = check_stamp.digest(data_path.read_bytes())
    assert check_stamp.was_checked(data_path, digest, store.repository.checks_version())


def crashed_with_a_journal(data_path, clock, tmp_path):
    """The files as a crash leaves them: a saved file, and a save still in the journal."""
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile(), a_session(0))
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_session(session_at(1))
        crashed = tmp_path / "crashed" / "rehab.json"
        crashed.parent.mkdir(mode=0o700)
        for source in (data_path, journal_path(data_path)):
            (crashed.parent / source.name).write_bytes(source.read_bytes())
        check_stamp.sidecar(crashed).write_bytes(check_stamp.sidecar(data_path).read_bytes())
    return crashed


def test_a_journal_left_by_a_crash_is_read_and_then_folded_in(
    journaling, data_path, clock, tmp_path, monkeypatch
):
    crashed = crashed_with_a_journal(data_path, clock, tmp_path)
    with Repository.open(crashed, clock=clock, readonly=True) as reader:
        assert "j1" in {s.id for s in reader.sessions()}
    assert journal_path(crashed).exists()  # a reader never writes
    calls: list[str] = []
    monkeypatch.setattr(_Table, "validate_all", lambda self: calls.append(self.name))
    with Repository.open(crashed, clock=clock) as repo:
        assert not journal_path(crashed).exists()  # folded in on opening
        assert "j1" in {s.id for s in repo.sessions()}
    assert calls == []  # the file was checked before; only the journal's records were checked
    assert "j1" in json.loads(crashed.read_bytes())["sessions"]


def test_a_damaged_record_in_a_journal_is_refused_and_nothing_is_written(
    journaling, data_path, clock, tmp_path
):
    from store import DataFileError

    crashed = crashed_with_a_journal(data_path, clock, tmp_path)
    journal = json.loads(journal_path(crashed).read_bytes())
    journal["sessions"]["j1"]["pain_before"] = 42
    del journal["sessions"]["j1"][CHECKSUM]  # not its checksum: its record is what is damaged
    journal_path(crashed).write_text(json.dumps(journal))
    main = crashed.read_bytes()
    for readonly in (True, False):
        with pytest.raises(DataFileError, match="pain_before") as caught:
            Repository.open(crashed, clock=clock, readonly=readonly)
        # Issue 14, item 10: the advice was to restore a backup, rolling back a data file that
        # is fine. It names the journal, and how to open the file without it.
        said = str(caught.value)
        assert said.startswith(f"{journal_path(crashed)} is damaged") and "restore" not in said
        assert "Your data file itself is fine" in said and "mv " in said
    assert crashed.read_bytes() == main
    assert json.loads(journal_path(crashed).read_bytes()) == journal
    journal_path(crashed).write_text('{"sessions": {"j1": ')  # not even JSON
    with pytest.raises(DataFileError, match="Your data file itself is fine"):
        Repository.open(crashed, clock=clock)


def test_a_failed_journal_write_changes_nothing(journaling, data_path, clock, monkeypatch):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile(), a_session(0))
        repo.save_session(session_at(1))
        files = {p: p.read_bytes() for p in (data_path, journal_path(data_path))}

        def broken(*args):
            raise OSError(errno.EIO, "injected")

        monkeypatch.setattr(store.atomic, "_replace", broken)
        with pytest.raises(OSError, match="injected"):
            repo.save_session(session_at(2))
        monkeypatch.undo()
        assert {p: p.read_bytes() for p in files} == files
        assert "j2" not in {s.id for s in repo.sessions()}
        repo.save_session(session_at(3))
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert {"j1", "j3"} <= {s.id for s in repo.sessions()} and "j2" not in {
            s.id for s in repo.sessions()
        }


def test_a_growing_journal_is_folded_in(journaling, data_path, clock, monkeypatch):
    monkeypatch.setattr(store.storage, "JOURNAL_MAX", 6000)
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile(), a_session(0))
        sizes = []
        for n in range(1, 12):
            repo.save_session(session_at(n))
            journal = journal_path(data_path)
            sizes.append(journal.stat().st_size if journal.exists() else 0)
        assert max(sizes) <= 6000 and 0 in sizes  # it was folded in at least once
        assert len(repo.sessions()) == 12


def test_the_days_backup_holds_what_the_journal_held(journaling, data_path, clock):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile(), a_session(0))
        repo.save_session(session_at(1))
        clock.advance(days=1)
        repo.save_session(session_at(2))
        backup = data_path.parent / "backups" / f"rehab-{clock().date().isoformat()}.json"
        assert set(json.loads(backup.read_bytes())["sessions"]) >= {"j1"}


def test_a_readers_backup_and_a_restore_keep_what_a_journal_held(
    journaling, data_path, clock, tmp_path
):
    from store import backup

    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile(), a_session(0))
        repo.save_session(session_at(1))
        made = backup(data_path, clock=clock)  # `rehab backup` while the app runs
        assert "j1" in json.loads(made.read_bytes())["sessions"]
        repo.save_session(session_at(2))
        left = {p.name: p.read_bytes() for p in (data_path, journal_path(data_path))}
    # A crash had left a journal; then the user restores the earlier backup.
    for name, data in left.items():
        (data_path.parent / name).write_bytes(data)
    clock.advance(minutes=5)
    before = restore(data_path, made, clock=clock).backup
    assert "j2" in json.loads(before.read_bytes())["sessions"]  # the journal was kept
    assert not journal_path(data_path).exists()
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert "j2" not in {s.id for s in repo.sessions()}


def test_every_order_field_comes_before_any_nested_record():
    """The index finds a table's order field as the first `"field":"` in a line, so no field
    before it may hold a record (whose own fields could have that name)."""
    for name, field in ORDER_FIELDS.items():
        fields = [(f.name, f.type) for f in dataclasses.fields(TABLE_MODELS[name])]
        for other, annotation in fields[: [f for f, _ in fields].index(field)]:
            assert (
                annotation in (str, int, bool, str | None, int | None)
                or "Literal" in str(annotation)
                or "Annotated" in str(annotation)
            ), (name, other, annotation)


def test_times_spelt_differently_still_sort_as_times(data_path, clock):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile(), *[session_at(n) for n in range(3)])
    data = json.loads(data_path.read_bytes())
    spellings = {
        "j0": "2026-01-02T08:00:00",
        "j1": "2026-01-01 09:00:00",
        "j2": "2026-01-01T09:00:00.500000",
    }
    for session_id, when in spellings.items():
        data["sessions"][session_id]["started_at"] = when
        del data["sessions"][session_id][CHECKSUM]  # edits kept, as README says
    data_path.write_text(json.dumps(data))
    for readonly in (False, True):  # read whole, then (checked before, rewritten) lazily
        with Repository.open(data_path, clock=clock, readonly=readonly) as repo:
            assert [s.id for s in repo.sessions()] == ["j1", "j2", "j0"]
            from datetime import datetime

            assert [s.id for s in repo.sessions(since=datetime(2026, 1, 1, 9, 0, 0, 1))] == [
                "j2",
                "j0",
            ]


def test_no_kept_index_can_change_what_is_read_or_written(journaling, data_path, clock):
    """Issue 14: a well-formed but wrong rehab.json.index once made a fold drop every session.
    The spans now come only from the bytes this process read; an index file is never read,
    and an old one goes with the first rewrite."""
    from store.storage import index_path

    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile(), *[session_at(n) for n in range(4)])
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        expected = [s.id for s in repo.sessions()]
    # An index as an older rehab kept it, of this very file (its identity and checked digest,
    # so that rehab would have used it), but with the sessions table left out.
    import os

    from store.layout import identity

    digest = json.loads(check_stamp.sidecar(data_path).read_text())["digest"]
    index_path(data_path).write_text(
        json.dumps(
            {
                "format": 1,
                "file": identity(os.stat(data_path)),
                "digest": digest,
                "tables": {"profile": {"keys": [], "offsets": [], "lengths": [], "order": []}},
            }
        )
    )
    with Repository.open(data_path, clock=clock) as repo:
        assert [s.id for s in repo.sessions()] == expected
        repo.save(session_at(9))  # to the journal, folded in at close
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert [s.id for s in repo.sessions()] == [*expected, session_at(9).id]
    assert not index_path(data_path).exists()


def test_a_journal_is_never_laid_over_a_file_it_was_not_written_for(
    journaling, data_path, clock, tmp_path
):
    """Issue 14, item 6: a journal a crash left was merged into whatever file was there."""
    crashed = crashed_with_a_journal(data_path, clock, tmp_path)
    # The person then copies another file in by hand (a backup, someone else's file).
    other = tmp_path / "other" / "rehab.json"
    with Repository.open(other, clock=clock) as repo:
        repo.save(a_profile(), a_session(5))
    crashed.write_bytes(other.read_bytes())
    journal = journal_path(crashed)
    assert journal.exists()
    with Repository.open(crashed, clock=clock, readonly=True) as reader:
        assert "j1" not in {s.id for s in reader.sessions()}
        assert reader.notices == []  # a reader changes nothing and says nothing
    assert journal.exists()
    with Repository.open(crashed, clock=clock) as repo:
        assert "j1" not in {s.id for s in repo.sessions()}
        [notice] = repo.notices
    assert not journal.exists() and "was not applied" in notice
    [kept] = (crashed.parent / "backups").glob("rehab.json.not-applied-*.json")
    assert str(kept) in notice and mode(kept) == 0o600
    assert "j1" in json.loads(kept.read_bytes())["sessions"]  # kept, not lost
    assert json.loads(crashed.read_bytes()) == json.loads(other.read_bytes())


def test_a_journal_already_folded_in_goes_without_a_word(journaling, data_path, clock):
    """A crash between folding a journal in and removing it: the file holds it all already."""
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile(), a_session(0))
        repo.save_session(session_at(1))
        journal = journal_path(data_path).read_bytes()
    journal_path(data_path).write_bytes(journal)  # as if its removal never happened
    with Repository.open(data_path, clock=clock) as repo:
        assert repo.notices == [] and "j1" in {s.id for s in repo.sessions()}
    assert not journal_path(data_path).exists()
    assert not list((data_path.parent / "backups").glob("*not-applied*"))


def test_a_reader_racing_a_fold_sees_every_acknowledged_save(
    journaling, data_path, clock, monkeypatch
):
    """Issue 14, item 9: a reader that read the file, then found the journal gone (the writer
    folded it in meanwhile), missed the saves it held."""
    with Repository.open(data_path, clock=clock) as writer:
        writer.save(a_profile(), a_session(0))
        writer.save_session(session_at(1))  # acknowledged: in the journal
        real_read = store.storage.read_bytes
        folded: list[bool] = []

        def fold_first(path):
            if path == journal_path(data_path) and not folded:
                folded.append(True)
                writer.storage.fold()  # the writer folds in just before the reader looks
            return real_read(path)

        monkeypatch.setattr(store.storage, "read_bytes", fold_first)
        with Repository.open(data_path, clock=clock, readonly=True) as reader:
            assert folded and "j1" in {s.id for s in reader.sessions()}


WORDS = (b"true", b"emergency", b"\\u", b'}\n"', b",\n", b"e")  # the last two cross lines too


@given(
    notes=st.lists(st.text(alphabet='tru emgncy\\"\n,}{é', max_size=30), min_size=1, max_size=12),
    held=st.sets(st.integers(0, 11), max_size=3),
    dropped=st.sets(st.integers(0, 11), max_size=3),
    chunk=st.sampled_from([1, 2, 3, 5, 8, 64, 1 << 20]),
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True),
)
@settings(max_examples=150, deadline=None)
def test_a_tables_lines_searched_as_one_range_find_what_each_line_holds(
    tmp_path_factory, notes, held, dropped, chunk, words
):
    """`LazyTable.holding` reads a table's lines as one range, in pieces, and finds the
    documents whose own line holds a word: never one cut by a piece's end, and never one
    whose match runs across two lines or into a document held in memory."""
    from store.layout import LazyTable, Source

    documents = {
        f"k{i}": {"id": f"k{i}", "at": "2026-01-01T08:00:00", "note": n}
        for i, n in enumerate(notes)
    }
    path = tmp_path_factory.mktemp("holding") / "f.json"
    path.write_bytes(serialize({"screenings": documents}))
    data = path.read_bytes()
    fd = os.open(path, os.O_RDONLY)
    try:
        index = scan(fd, {"screenings": "at"})
        assert index.tables is not None
        spans = index.tables["screenings"].spans
        table = LazyTable("screenings", Source(fd), dict(spans))
        table = table.without({f"k{i}" for i in dropped})
        table.put({f"k{i}": documents[f"k{i}"] for i in held if f"k{i}" in documents})
        expected = {
            key
            for key, (offset, length) in spans.items()
            if table.on_disk(key) is not None
            and any(word in data[offset : offset + length] for word in words)
        }
        assert table.holding(tuple(words), chunk) == expected
    finally:
        os.close(fd)
