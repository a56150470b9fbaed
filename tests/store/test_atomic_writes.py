"""A save that fails at any I/O step leaves the previous file byte-identical and says so."""

from __future__ import annotations

import errno

import pytest

import store.atomic
import store.storage
from store import Repository

STEPS = ["_write_all", "_fsync", "_replace", "_fsync_dir"]


def _fail(monkeypatch, step: str) -> list[int]:
    """Make `step` raise EIO; returns a call counter so the test knows it was reached."""
    calls = [0]

    def broken(*args, **kwargs):
        calls[0] += 1
        raise OSError(errno.EIO, f"injected failure in {step}")

    monkeypatch.setattr(store.atomic, step, broken)
    return calls


@pytest.mark.parametrize("step", STEPS)
def test_a_failed_step_leaves_the_previous_file_untouched(
    step, data_path, clock, make, look, monkeypatch
):
    first = make.session(0)
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_session(first)  # creates the file; no daily backup is due again today
        before = data_path.read_bytes()
        calls = _fail(monkeypatch, step)

        with pytest.raises(OSError, match=f"injected failure in {step}"):
            repo.save_session(make.session(1))

        assert calls == [1]
        assert data_path.read_bytes() == before
        assert look.temp_files(data_path) == set()
        # The failed record is not remembered either; the repository carries on.
        assert repo.sessions() == [first]
        monkeypatch.undo()
        repo.save_session(make.session(2))
        assert len(repo.sessions()) == 2

    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert len(repo.sessions()) == 2


@pytest.mark.parametrize("step", STEPS)
def test_a_failed_first_write_leaves_no_file(step, data_path, clock, make, look, monkeypatch):
    with Repository.open(data_path, clock=clock) as repo:
        _fail(monkeypatch, step)
        with pytest.raises(OSError):
            repo.save_profile(make.profile())
        assert not data_path.exists()
        assert look.temp_files(data_path) == set()
        assert repo.is_new()


@pytest.mark.parametrize("step", STEPS)
def test_a_failed_daily_backup_stops_the_save(step, data_path, clock, make, look, monkeypatch):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_session(make.session(0))
    before = data_path.read_bytes()
    clock.advance(days=1)
    with Repository.open(data_path, clock=clock) as repo:
        _fail(monkeypatch, step)
        with pytest.raises(OSError):
            repo.save_session(make.session(1))
    assert data_path.read_bytes() == before
    assert look.temp_files(data_path) == set()
    assert look.temp_files(data_path.parent / "backups" / "rehab.json") == set()


def test_serializing_happens_before_the_disk_is_touched(data_path, clock, make, monkeypatch):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_session(make.session(0))
        before = data_path.read_bytes()
        touched = _fail(monkeypatch, "_write_all")

        def cannot_serialize(*args):
            raise ValueError("cannot serialize")

        monkeypatch.setattr(store.storage, "line", cannot_serialize)
        with pytest.raises(ValueError):
            repo.save_session(make.session(1))
        assert touched == [0]
    assert data_path.read_bytes() == before


def test_a_partial_os_write_is_completed(data_path, monkeypatch):
    data_path.parent.mkdir()
    real_write = store.atomic.os.write

    def dribble(fd, data):
        return real_write(fd, bytes(data[:7]))

    monkeypatch.setattr(store.atomic.os, "write", dribble)
    store.atomic.write_atomic(data_path, b"x" * 1000)
    assert data_path.read_bytes() == b"x" * 1000


def test_stray_temp_files_are_removed_when_a_writer_opens(data_path, clock, make, look):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
    stray = data_path.parent / ".rehab.json.tmp-deadbeef"
    stray.write_bytes(b'{"half": ')
    other = data_path.parent / "notes.txt"
    other.write_text("mine")

    with Repository.open(data_path, clock=clock, readonly=True):
        assert stray.exists()  # a reader never deletes: the temp may be a live writer's
    with Repository.open(data_path, clock=clock):
        assert not stray.exists()
        assert other.exists()
