"""Durability gaps: a folder rehab makes is fsynced into its parent, a
leftover temp's removal is fsynced, and every folder rehab makes is 0700 whatever the umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap

import pytest

import store.atomic
from store import Repository
from store.atomic import temp_prefix
from store.paths import backup_dir
from store.repository import backup
from tests.store.conftest import a_profile


@pytest.fixture
def fsynced(monkeypatch) -> list:
    """Every directory fsynced from now on, in order."""
    done: list = []
    real = store.atomic._fsync_dir

    def recording(directory):
        done.append(directory)
        real(directory)

    monkeypatch.setattr(store.atomic, "_fsync_dir", recording)
    return done


def test_the_first_backup_fsyncs_the_folder_it_makes_into_its_parent(data_path, clock, fsynced):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile())
    assert not backup_dir(data_path).exists()  # the first day's save made no backup
    fsynced.clear()
    made = backup(data_path, clock=clock)
    assert made is not None and made.parent == backup_dir(data_path)
    # backups/ made, and its entry in the data folder fsynced; then the copy in it.
    assert fsynced == [data_path.parent, backup_dir(data_path)]


def test_every_missing_parent_is_fsynced_into_its_own_parent(tmp_path, fsynced):
    deep = tmp_path / "a" / "b" / "c"
    store.atomic.ensure_private_dir(deep)
    assert fsynced == [tmp_path, tmp_path / "a", tmp_path / "a" / "b"]
    fsynced.clear()
    store.atomic.ensure_private_dir(deep)  # there already: nothing to make durable
    assert fsynced == []


def test_removing_a_leftover_link_is_fsynced(data_path, clock, fsynced):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile())
    left = data_path.parent / f"{temp_prefix(data_path)}0123456789ab-previous"
    os.link(data_path, left)
    fsynced.clear()
    with Repository.open(data_path, clock=clock):
        pass
    assert not left.exists() and os.stat(data_path).st_nlink == 1
    assert fsynced == [data_path.parent]


def test_removing_a_leftover_backup_temp_is_fsynced(data_path, clock, fsynced):
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(a_profile())
        repo.backup_now()
    left = backup_dir(data_path) / ".rehab-2026-11-20.json.tmp-0123456789ab"
    left.write_bytes(b"half a copy")
    fsynced.clear()
    with Repository.open(data_path, clock=clock):
        pass
    assert not left.exists()
    assert fsynced == [backup_dir(data_path)]


UNDER_UMASK_000 = textwrap.dedent(
    """
    import os
    os.umask(0)
    from datetime import datetime
    from rehab.commands import write_demo
    from store import default_data_path
    from store.repository import backup

    now = datetime(2026, 11, 21, 12)
    path = default_data_path()
    write_demo(path, 3, 1, lambda: now)  # loads the catalog: its cache in ~/.cache
    assert backup(path, clock=lambda: now) is not None
    print(path)
    """
)


@pytest.mark.slow
def test_every_folder_rehab_makes_is_0700_under_umask_000(tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    done = subprocess.run(
        [sys.executable, "-c", UNDER_UMASK_000], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    data = done.stdout.strip()
    assert data.startswith(str(home / ".local" / "share"))
    made = {}
    for root, folders, files in os.walk(home):
        for name in folders:
            made[os.path.join(root, name)] = stat.S_IMODE(os.stat(os.path.join(root, name)).st_mode)
        for name in files:
            made[os.path.join(root, name)] = stat.S_IMODE(os.stat(os.path.join(root, name)).st_mode)
    folders = {p: m for p, m in made.items() if os.path.isdir(p)}
    assert str(home / ".local") in folders and str(home / ".cache" / "rehab-planner") in folders
    assert {p: oct(m) for p, m in folders.items() if m != 0o700} == {}
    assert {p: oct(m) for p, m in made.items() if p not in folders and m != 0o600} == {}
