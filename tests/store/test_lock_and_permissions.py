"""One writer at a time; readers need no lock; the files stay private."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from store import FileLockedError, Repository

HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from datetime import datetime
    from store import Repository

    repo = Repository.open(sys.argv[1], clock=datetime.now)
    print("locked", flush=True)
    sys.stdin.readline()
    repo.close()
    """
)

TRY_LOCK = textwrap.dedent(
    """
    import sys
    from datetime import datetime
    from store import Repository, StoreError

    try:
        Repository.open(sys.argv[1], clock=datetime.now)
    except StoreError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    print("opened")
    """
)


def _python(script: str, *args: str, **options) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], text=True, cwd=os.getcwd(), **options
    )


def test_a_second_writer_in_the_same_process_is_refused(data_path, clock):
    with Repository.open(data_path, clock=clock), pytest.raises(FileLockedError) as refused:
        Repository.open(data_path, clock=clock)
    message = str(refused.value)
    assert message == (
        f"{data_path} is open in another rehab window (pid {os.getpid()}). Close it first."
    )
    with Repository.open(data_path, clock=clock):  # closed, so free again
        pass


def test_a_writer_in_another_process_is_refused_with_its_pid(data_path, clock):
    data_path.parent.mkdir()
    holder = _python(HOLD_LOCK, str(data_path), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(FileLockedError, match=f"pid {holder.pid}"):
            Repository.open(data_path, clock=clock)
        with Repository.open(data_path, clock=clock, readonly=True) as reader:
            assert reader.is_new()
    finally:
        holder.communicate("\n", timeout=30)
    with Repository.open(data_path, clock=clock):
        pass


def test_another_process_is_refused_while_we_write(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
        other = _python(TRY_LOCK, str(data_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = other.communicate(timeout=30)
        assert other.returncode == 1
        assert err.strip() == (
            f"{data_path} is open in another rehab window (pid {os.getpid()}). Close it first."
        )


def test_a_reader_opens_while_a_writer_holds_the_lock(data_path, clock, make):
    with Repository.open(data_path, clock=clock) as writer:
        writer.save_profile(make.profile())
        with Repository.open(data_path, clock=clock, readonly=True) as reader:
            assert reader.profile() == make.profile()


def test_the_lock_is_gone_when_the_holder_is_killed(data_path, clock):
    data_path.parent.mkdir()
    holder = _python(HOLD_LOCK, str(data_path), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()
    holder.communicate(timeout=30)
    with Repository.open(data_path, clock=clock):
        pass


def test_file_directory_backups_and_lock_are_private(data_path, clock, make, look):
    old_umask = os.umask(0)  # the most permissive umask must not widen anything
    try:
        with Repository.open(data_path, clock=clock) as repo:
            repo.save_profile(make.profile())
            backup = repo.backup_now()
        clock.advance(days=1)
        with Repository.open(data_path, clock=clock) as repo:
            repo.record_checkin(make.checkin())
    finally:
        os.umask(old_umask)

    backups = data_path.parent / "backups"
    assert look.mode(data_path.parent) == 0o700
    assert look.mode(data_path) == 0o600
    assert look.mode(data_path.parent / "rehab.json.lock") == 0o600
    assert look.mode(backups) == 0o700
    assert backup is not None and backup.parent == backups
    assert len(look.files_in(backups)) == 2
    for name in look.files_in(backups):
        assert look.mode(backups / name) == 0o600


def test_a_directory_we_did_not_create_keeps_its_mode(tmp_path, clock, make, look):
    shared = tmp_path / "Documents"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    with Repository.open(shared / "rehab.json", clock=clock) as repo:
        repo.save_profile(make.profile())
    assert look.mode(shared) == 0o755
    assert look.mode(shared / "rehab.json") == 0o600


def test_a_file_made_public_by_hand_is_private_again_after_a_save(data_path, clock, make, look):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save_profile(make.profile())
        os.chmod(data_path, 0o644)
        repo.record_checkin(make.checkin())
    assert look.mode(data_path) == 0o600


def test_a_save_through_a_symbolic_link_updates_the_real_file_and_keeps_the_link(data_path, clock):
    """Issue 14, item 5: a save replaced a linked rehab.json with a regular file, so the real
    one (in a synced folder, say) silently stopped updating."""
    from tests.store.conftest import a_profile, a_session

    real = data_path.parent / "synced" / "rehab.json"
    with Repository.open(real, clock=clock) as repo:
        repo.save(a_profile())
    data_path.symlink_to(real)
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_session(1))
        # The same file by its other name has the same lock: never two writers at once.
        with pytest.raises(FileLockedError):
            Repository.open(real, clock=clock)
    assert data_path.is_symlink() and data_path.resolve() == real
    with Repository.open(real, clock=clock, readonly=True) as repo:
        assert len(repo.sessions()) == 1
    assert not (data_path.parent / "backups").exists()  # backups beside the real file


def test_a_file_with_two_names_is_refused_by_a_writer_and_left_as_it_is(data_path, clock):
    from store import StoreError
    from tests.store.conftest import a_profile

    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile())
    other = data_path.with_name("other-name.json")
    os.link(data_path, other)
    before = data_path.read_bytes()
    with pytest.raises(StoreError, match="2 names .hard links.*Nothing was changed"):
        Repository.open(other, clock=clock)
    with Repository.open(other, clock=clock, readonly=True) as repo:
        assert repo.profile() is not None  # reading by either name is fine
    assert data_path.read_bytes() == before and os.stat(data_path).st_nlink == 2
