"""Each document's line carries a CRC-32 of itself: a bit that flips on disk is refused in one
line naming the record, whether the file is read whole or a line at a time; a line edited by
hand is refused until its checksum is deleted; a line without one gains it when written."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

import store.storage
from store import DataFileError, Repository, check_stamp, list_backups, restore, write_documents
from store.layout import CHECKSUM, EDIT_ADVICE
from store.repository import checks_version
from store.storage import journal_path, parse_tables
from tests.store.conftest import (
    a_checkin,
    a_plan,
    a_profile,
    a_psfs,
    a_screening,
    a_session,
    a_stage_event,
)

SEAL = re.compile(rb',"_crc32":"[0-9a-f]{8}"}$')


def records():
    """One record of each kind, with ids fixed so the file's bytes are the same every run."""
    return [
        a_profile(),
        replace(a_screening(0), id="screen-1"),
        replace(a_plan(), id="plan-1"),
        a_session(0, id="session-1"),
        a_session(1, id="session-2"),
        replace(a_checkin(0), id="checkin-1"),
        replace(a_stage_event(0), id="event-1"),
        replace(a_psfs(0), id="psfs-1"),
    ]


@pytest.fixture
def written(data_path, clock):
    """A file as rehab writes it, and a daily backup beside it (the newest a refusal names)."""
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(*records())
    backup = data_path.parent / "backups" / "rehab-2026-11-19.json"
    backup.parent.mkdir()
    backup.write_bytes(data_path.read_bytes())
    return data_path


def read_everything(repo: Repository) -> None:
    """Every record, validated, and every document as stored."""
    repo.profile()
    for records_of in (
        repo.screenings,
        repo.plans,
        repo.sessions,
        repo.checkins,
        repo.stage_events,
        repo.psfs,
        repo.clearances,
        repo.bouts,
        repo.walks,
    ):
        records_of()
    repo.documents()


# ---------------------------------------------------------------------------------------------
# Every single-bit flip


#: Where the flips land: 32 spread evenly over the file, 8 on its structure (the braces,
#: a table's name, the comma and the newlines between lines, the file's last byte), and one
#: in a record's key.
SPREAD = 32
STRUCTURE = ["{", "\n after {", "table name", '":{ of a table', ",", "\n", "} last", "\n last"]
FLIPS = [f"spread {n}" for n in range(SPREAD)] + STRUCTURE + ["a key"]


def position(flip: str, good: bytes) -> tuple[int, int]:
    """(the byte, the bit) a flip turns over; the same every run."""
    number = FLIPS.index(flip)
    bit = number % 8
    if flip.startswith("spread"):
        return (len(good) * number) // SPREAD + 7, bit
    head = good.index(b'"sessions":{')
    first_session_ends = good.index(b"\n", good.index(b"\n", head) + 1)  # at its newline
    at = {
        "{": 0,
        "\n after {": 1,
        "table name": head + 3,
        '":{ of a table': head + len('"sessions"'),
        ",": first_session_ends - 1,
        "a key": good.index(b'"session-2":{') + 4,
        "\n": first_session_ends,
        "} last": len(good) - 2,
        "\n last": len(good) - 1,
    }[flip]
    return at, bit


def whose_line(good: bytes, at: int) -> tuple[str, str, bool, int] | None:
    """(table, id, whether `at` is in the line's key, the line's number) when byte `at` of the
    file is on a document's line (not its newline); None when it is structure."""
    start = good.rfind(b"\n", 0, at) + 1
    end = good.find(b"\n", at)
    text = good[start:end]
    if at == end or not text.startswith(b'"') or text.endswith(b"{"):
        return None
    heads = re.findall(rb'^"([a-z_]+)":\{$', good[:start], re.MULTILINE)
    key = text[1 : text.index(b'"', 1)]
    return (
        heads[-1].decode(),
        key.decode(),
        at <= start + len(key) + 1,
        good.count(b"\n", 0, at) + 1,
    )


def flipped(path: Path, flip: str) -> tuple[bytes, tuple[str, str, bool, int] | None]:
    good = path.read_bytes()
    at, bit = position(flip, good)
    bad = bytearray(good)
    bad[at] ^= 1 << bit
    path.write_bytes(bytes(bad))
    return bytes(bad), whose_line(good, at)


def check_refusal(message: str, path: Path, where: tuple[str, str, bool, int] | None) -> None:
    """One line naming the file and the damaged record, said to have changed nothing."""
    assert "\n" not in message
    assert message.startswith(f"{path} is damaged (") and "Nothing was changed." in message
    assert f"Newest backup: {path.parent / 'backups' / 'rehab-2026-11-19.json'}" in message
    if where is None:
        return  # structure: no record to name (the message says the line and column)
    table, key, in_key, line = where
    if in_key:  # the id is read as it now is: the line is named by its number instead
        assert f"{table} document '" in message and f"line {line:,}" in message, message
    elif table == "meta":  # its own check calls it the meta record
        assert "meta document 'meta'" in message or "(meta record: " in message, message
    else:
        assert f"{table} document '{key}'" in message, message


def test_the_flips_land_on_every_kind_of_line(written):
    """The 41 flips land on every table's lines, on a key and on the structure between them."""
    good = written.read_bytes()
    places = [whose_line(good, position(flip, good)[0]) for flip in FLIPS]
    assert {p[0] for p in places if p is not None} >= {"meta", "profile", "sessions", "plans"}
    # The comma that ends a line is that line's: a flip there is named as its record's.
    assert sum(p is None for p in places) >= len(STRUCTURE) - 1
    assert places[-1] is not None and places[-1][:3] == ("sessions", "session-2", True)


@pytest.mark.parametrize("flip", FLIPS)
def test_a_flipped_bit_is_refused_naming_the_record(written, clock, look, flip):
    """Read whole (a file not checked before): no single-bit flip is let in. None is harmless
    in rehab's layout: the only whitespace is the newline between lines, and none of its eight
    one-bit neighbours is JSON whitespace, so each flip between lines breaks the JSON."""
    bad, where = flipped(written, flip)
    listing = look.files_in(written.parent / "backups")
    for readonly in (False, True):
        with (
            pytest.raises(DataFileError) as refused,
            Repository.open(written, clock=clock, readonly=readonly) as repo,
        ):
            read_everything(repo)
        check_refusal(str(refused.value), written, where)
    assert written.read_bytes() == bad
    assert look.files_in(written.parent / "backups") == listing


@pytest.mark.parametrize("flip", FLIPS)
def test_a_bit_flipped_after_the_check_is_refused_when_its_line_is_read(written, clock, look, flip):
    """A file checked before is read a line at a time and not hashed again (its `.checked`
    stamp names it): a bit that flips later, the stamp none the wiser, is refused when the
    line it is on is read, naming the record."""
    bad, where = flipped(written, flip)
    check_stamp.remember(written, check_stamp.digest(bad), checks_version(), os.stat(written))
    with pytest.raises(DataFileError) as refused, Repository.read(written, clock=clock) as repo:
        read_everything(repo)
    check_refusal(str(refused.value), written, where)
    assert written.read_bytes() == bad


def test_a_line_read_later_that_fails_its_checksum_says_how_to_go_on(written, clock):
    """Read lazily: the file opens (the damaged line is not read yet); reading the record
    refuses it in one line naming the file, the record and its line, the newest backup and
    how to keep an edit made by hand."""
    good = written.read_bytes()
    bad = good.replace(b'"pain_before":4', b'"pain_before":5', 1)
    written.write_bytes(bad)
    check_stamp.remember(written, check_stamp.digest(bad), checks_version(), os.stat(written))
    line = bad[: bad.index(b'"pain_before":5')].count(b"\n") + 1
    with Repository.read(written, clock=clock) as repo:
        assert repo.storage.lazy
        assert repo.profile() is not None
        with pytest.raises(DataFileError) as refused:
            repo.sessions()
    backup = written.parent / "backups" / "rehab-2026-11-19.json"
    assert str(refused.value) == (
        f"{written} is damaged (sessions document 'session-1' on line {line} does not match its "
        f"checksum: it changed after rehab wrote it). Nothing was changed. {EDIT_ADVICE} "
        f"Newest backup: {backup} — restore it with: rehab --data {written} restore"
    )


# ---------------------------------------------------------------------------------------------
# Edits by hand, and lines without a checksum


def edit_line(path: Path, old: bytes, new: bytes, *, keep_checksum: bool) -> None:
    """Change `old` to `new` on its line, as a person in a text editor would."""
    lines = path.read_bytes().split(b"\n")
    at = next(n for n, text in enumerate(lines) if old in text)
    lines[at] = lines[at].replace(old, new)
    if not keep_checksum:
        comma = lines[at].endswith(b",")
        lines[at] = SEAL.sub(b"}", lines[at].rstrip(b",")) + (b"," if comma else b"")
    path.write_bytes(b"\n".join(lines))


def line_of(path: Path, word: bytes) -> bytes:
    return next(text for text in path.read_bytes().split(b"\n") if word in text)


def test_a_line_edited_by_hand_opens_once_its_checksum_is_deleted(written, clock):
    edit_line(written, b"day 0", b"day nought", keep_checksum=True)
    with pytest.raises(DataFileError, match="checkins document 'checkin-1' on line") as refused:
        Repository.open(written, clock=clock)
    assert EDIT_ADVICE in str(refused.value)

    edit_line(written, b"day nought", b"day nought", keep_checksum=False)
    assert not SEAL.search(line_of(written, b"day nought").rstrip(b","))
    with Repository.open(written, clock=clock) as repo:
        assert [c.note for c in repo.checkins()] == ["day nought"]
        repo.save(a_session(2, id="session-3"))
    assert SEAL.search(line_of(written, b"day nought").rstrip(b","))  # gained at the save


def test_a_line_without_a_checksum_gains_one_at_the_next_save_when_read_lazily(written, clock):
    """Once a file is checked, it is read a line at a time; a line with no checksum is then
    written afresh, with one, rather than copied as it is."""
    edit_line(written, b"day 0", b"day 0", keep_checksum=False)
    with Repository.open(written, clock=clock):
        pass  # checked in full, and stamped
    with Repository.open(written, clock=clock) as repo:
        assert repo.storage.lazy
        repo.save(a_session(2, id="session-3"))
    assert SEAL.search(line_of(written, b"day 0").rstrip(b","))
    with Repository.read(written, clock=clock) as repo:
        assert [c.note for c in repo.checkins()] == ["day 0"]


def test_a_journal_folded_in_gives_every_line_a_checksum(written, clock, monkeypatch):
    monkeypatch.setattr(store.storage, "JOURNAL_FROM", 0)  # saves go to the journal
    edit_line(written, b"day 0", b"day 0", keep_checksum=False)
    with Repository.open(written, clock=clock) as repo:
        repo.save(a_session(2, id="session-3"))
        assert journal_path(written).exists()
        assert SEAL.search(line_of(journal_path(written), b"session-3").rstrip(b","))
    lines = [t.rstrip(b",") for t in written.read_bytes().split(b"\n") if b'{"id":' in t]
    assert len(lines) == len(records()) + 2 and all(SEAL.search(t) for t in lines)


def test_a_reformatted_file_opens_while_nothing_in_it_changed(written, clock):
    """A tool that re-indents the file keeps each checksum: it is checked against the line
    rehab would write for the record; a value changed is refused, naming the record."""
    tables = json.loads(written.read_bytes())
    written.write_text(json.dumps(tables, indent=4, ensure_ascii=True))
    with Repository.open(written, clock=clock, readonly=True) as repo:
        assert len(repo.sessions()) == 2

    tables["sessions"]["session-2"]["pain_after"] = 2
    written.write_text(json.dumps(tables, indent=4))
    with pytest.raises(DataFileError, match=r"sessions document 'session-2' does not match its"):
        Repository.open(written, clock=clock, readonly=True)


# ---------------------------------------------------------------------------------------------
# Journal, backups, restore, import and export


def test_a_flipped_bit_in_the_journal_is_named_as_the_journals(written, clock, monkeypatch):
    monkeypatch.setattr(store.storage, "JOURNAL_FROM", 0)
    with Repository.open(written, clock=clock) as repo:
        repo.save(a_session(2, id="session-3"))
        journal = journal_path(written).read_bytes()
    journal_path(written).write_bytes(journal.replace(b'"pain_before":4', b'"pain_before":5'))
    main = written.read_bytes()
    with pytest.raises(DataFileError) as refused:
        Repository.open(written, clock=clock)
    said = str(refused.value)
    assert said.startswith(f"{journal_path(written)} is damaged (sessions document 'session-3'")
    assert "Your data file itself is fine" in said and "restore" not in said
    assert written.read_bytes() == main


def test_a_backup_is_a_byte_copy_and_a_flipped_one_is_refused_by_restore(written, clock):
    with Repository.open(written, clock=clock) as repo:
        made = repo.backup_now()
    assert made.read_bytes() == written.read_bytes()
    good = made.read_bytes()
    made.write_bytes(good.replace(b'"pain_after":3', b'"pain_after":2', 1))
    before = written.read_bytes()
    with pytest.raises(DataFileError) as refused:
        restore(written, made, clock=clock)
    said = str(refused.value)
    assert said.startswith(f"{made} is damaged (sessions document 'session-1' on line ")
    assert "Choose another backup" in said
    assert written.read_bytes() == before

    made.write_bytes(good)
    restore(written, made, clock=clock)
    with Repository.read(written, clock=clock) as repo:
        assert len(repo.sessions()) == 2
    assert {b.reason for b in list_backups(written)} >= {"manual", "before-restore"}


def test_an_export_holds_no_checksums_and_imports_as_it_was(written, clock, tmp_path):
    """The JSON export is for people and other programs: the records only. The file an
    import writes has a checksum on every line."""
    from store.export_stream import pieces

    with Repository.read(written, clock=clock) as repo:
        exported = "".join(pieces("json", repo, None, clock(), None))
    assert CHECKSUM not in exported
    other = tmp_path / "other" / "rehab.json"
    write_documents(other, parse_tables(exported.encode()), clock=clock)
    imported = {name: table for name, table in parse_tables(other.read_bytes()).items() if table}
    assert imported == parse_tables(written.read_bytes())
    assert other.read_bytes().count(b'"_crc32":"') == len(records()) + 1  # and meta's
