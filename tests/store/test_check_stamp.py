"""A file checked in full once is not checked again while its bytes are unchanged."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from store import DataFileError, Repository, check_stamp, list_backups
from store.layout import CHECKSUM
from store.repository import _Table
from tests.store.conftest import a_profile, a_session, mode


@pytest.fixture
def written(data_path, clock):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile(), *[a_session(n) for n in range(5)])
    return data_path


def out_of_range(data: bytes) -> bytes:
    """The file with one pain out of range, its line's checksum deleted (as a person keeping an
    edit would): only the full check finds it, so a file taken as checked wrongly is let in."""
    lines = data.split(b"\n")
    at = next(n for n, line in enumerate(lines) if b'"pain_before":4' in line)
    edited = lines[at].replace(b'"pain_before":4', b'"pain_before":99', 1)
    lines[at] = re.sub(rb',"_crc32":"[0-9a-f]{8}"}', b"}", edited)
    assert lines[at] != edited
    return b"\n".join(lines)


def count_full_checks(monkeypatch) -> list[str]:
    calls: list[str] = []
    original = _Table.validate_all

    def counted(self):
        calls.append(self.name)
        original(self)

    monkeypatch.setattr(_Table, "validate_all", counted)
    return calls


def test_our_own_save_is_checked_before_and_not_checked_again(written, clock, monkeypatch):
    sidecar = check_stamp.sidecar(written)
    assert sidecar.exists() and mode(sidecar) == 0o600
    calls = count_full_checks(monkeypatch)
    with Repository.open(written, clock=clock) as repo:
        assert len(repo.sessions()) == 5
    assert calls == []


def test_a_hand_edited_file_is_checked_in_full_and_refused_if_invalid(written, clock):
    data = json.loads(written.read_text())
    session_id = next(iter(data["sessions"]))
    data["sessions"][session_id]["pain_before"] = 42
    del data["sessions"][session_id][CHECKSUM]  # an edit kept, as README says: then checked
    written.write_text(json.dumps(data))
    before = written.read_bytes()
    with pytest.raises(DataFileError, match="pain_before"):
        Repository.open(written, clock=clock)
    assert written.read_bytes() == before


def test_a_valid_hand_edit_is_checked_once_then_checked_before(written, clock, monkeypatch):
    data = json.loads(written.read_text())
    edited = next(iter(data["sessions"].values()))
    edited["note"] = "edited by hand"
    del edited[CHECKSUM]  # an edit kept, as README says
    written.write_text(json.dumps(data))
    calls = count_full_checks(monkeypatch)
    with Repository.open(written, clock=clock):
        pass
    assert calls  # checked in full
    calls.clear()
    with Repository.open(written, clock=clock):
        pass
    assert calls == []  # and remembered


def test_another_rehab_version_checks_in_full(written, clock, monkeypatch):
    calls = count_full_checks(monkeypatch)
    monkeypatch.setattr("store.repository.app_version", lambda: "99.0")
    with Repository.open(written, clock=clock):
        pass
    assert calls


def test_changed_rules_check_in_full_though_the_version_is_the_same(written, clock, monkeypatch):
    """A new check in the models or the codec (a time rule, say) re-checks a file checked by
    the code before it, without anyone raising the version number."""
    calls = count_full_checks(monkeypatch)
    with Repository.open(written, clock=clock):
        pass
    assert calls == []  # checked before, by these very rules
    import store.repository

    assert set(store.repository.RULE_SOURCES) >= {"planner.models", "planner.codec"}
    monkeypatch.setattr("store.repository._rules_digest", lambda: "rules edited since")
    with Repository.open(written, clock=clock):
        pass
    assert calls  # checked in full
    calls.clear()
    with Repository.open(written, clock=clock):
        pass
    assert calls == []  # and remembered under the new rules


@pytest.mark.parametrize(
    "content",
    ["", "{not json", '{"digest": "0"}', "[" * 100_000 + "]" * 100_000, "a directory"],
    ids=["empty", "not json", "wrong digest", "nested 100,000 deep", "a directory"],
)
def test_a_lost_or_damaged_sidecar_only_costs_a_full_check(written, clock, monkeypatch, content):
    sidecar = check_stamp.sidecar(written)
    if content == "a directory":
        sidecar.unlink()
        sidecar.mkdir()
    else:
        sidecar.write_text(content)
    calls = count_full_checks(monkeypatch)
    with Repository.open(written, clock=clock):
        pass
    assert calls


def test_optional_fields_left_empty_are_not_stored_and_read_back_the_same(written, clock):
    stored = json.loads(written.read_text())["sessions"]
    assert "null" not in json.dumps(stored)
    assert any("pain_when_stopped" not in e for doc in stored.values() for e in doc["entries"])
    with Repository.open(written, clock=clock, readonly=True) as repo:
        assert [replace(s, id="") for s in repo.sessions()] == [
            replace(a_session(n), id="") for n in range(5)
        ]


def test_a_file_swapped_in_during_the_check_is_never_stamped_as_checked(
    written, clock, monkeypatch
):
    """Issue 14, item 3: the stamp named the file on disk after the check, not the one hashed,
    so a file swapped in meanwhile (a sync tool, an editor) was taken as checked."""
    good = written.read_bytes()
    tampered = out_of_range(good)
    assert tampered != good
    data = json.loads(written.read_text())
    edited = data["sessions"][next(iter(data["sessions"]))]
    edited["note"] = "hand edit"  # not checked before
    del edited[CHECKSUM]
    written.write_text(json.dumps(data))  # so the next writer checks it in full
    swapped: list[bool] = []
    original = _Table.validate_all

    def swap_during_the_check(self):
        if not swapped:
            swapped.append(True)
            other = written.with_name("synced-in")
            other.write_bytes(tampered)
            other.replace(written)  # the path now names another file
        original(self)

    monkeypatch.setattr(_Table, "validate_all", swap_during_the_check)
    with Repository.open(written, clock=clock):
        pass
    assert swapped
    monkeypatch.setattr(_Table, "validate_all", original)
    with (
        pytest.raises(DataFileError, match="pain_before"),
        Repository.open(written, clock=clock, readonly=True) as repo,
    ):
        repo.sessions()


def test_a_file_swapped_in_after_a_save_is_not_stamped_with_the_saves_digest(written, clock):
    tampered = out_of_range(written.read_bytes())
    with Repository.open(written, clock=clock) as repo:
        repo.save(a_session(9))
        other = written.with_name("synced-in")
        other.write_bytes(tampered)
        other.replace(written)  # swapped in before the writer closes and stamps
    with (
        pytest.raises(DataFileError, match="pain_before"),
        Repository.open(written, clock=clock, readonly=True) as repo,
    ):
        repo.sessions()


def test_a_file_written_by_an_import_or_a_restore_is_not_checked_again(written, clock):
    """Every document an import or a restore writes was checked just before: the commands
    that read the file next (and the one that says whether sessions are stopped) read it as
    checked, instead of checking ten years again."""
    from store.repository import restore, write_documents

    with Repository.open(written, clock=clock) as repo:
        tables = repo.documents()
        made = repo.backup_now()
    for replace_file in (
        lambda: write_documents(written, tables, clock=clock),
        lambda: restore(written, made, clock=clock),
    ):
        check_stamp.sidecar(written).unlink(missing_ok=True)
        replace_file()
        with Repository.read(written, clock=clock) as repo:
            assert repo.storage.checked_before
    assert len(list_backups(written)) == 3  # the manual one, and one before each


def test_the_stamp_lives_in_the_cache_folder_never_beside_the_data_file(written, tmp_path):
    """A sync tool copies the data file's folder: it must not carry this computer's stamp."""
    import os

    stamp = check_stamp.sidecar(written)
    assert stamp.exists()
    assert stamp.is_relative_to(os.environ["XDG_CACHE_HOME"]) and written.name in stamp.name
    assert not [n for n in os.listdir(written.parent) if n.endswith(".checked")]
    other = written.parent.parent / "elsewhere" / written.name
    assert check_stamp.sidecar(other) != stamp  # the same name in another folder: its own


def test_a_file_checked_in_full_by_a_reader_is_not_checked_again(written, clock, monkeypatch):
    """A file copied from another computer has no stamp here: the first command that reads it
    (`rehab status`) checks it in full and says so in the stamp, so the next one does not."""
    check_stamp.sidecar(written).unlink()
    calls = count_full_checks(monkeypatch)
    Repository.read(written, clock=clock).close()
    assert calls
    assert check_stamp.sidecar(written).exists()
    assert mode(check_stamp.sidecar(written)) == 0o600
    calls.clear()
    Repository.read(written, clock=clock).close()
    assert not calls
