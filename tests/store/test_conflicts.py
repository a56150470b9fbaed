"""Sync tools' conflict copies of the data file: found by their names, put away once merged."""

from __future__ import annotations

import os

import pytest

from store.conflicts import beside, is_copy_of, put_away
from tests.conftest import NOW

COPIES = [
    "rehab.sync-conflict-20261206-081500-ABCDEFG.json",  # Syncthing
    "rehab (Sam's conflicted copy 2026-12-06).json",  # Dropbox
    "rehab (conflicted copy 2026-12-06).json",  # Dropbox, no name
    "rehab (Sam's conflicted copy 2026-12-06) (1).json",  # Dropbox, a second one
    "rehab (conflicted copy 2026-12-06 081500).json",  # Nextcloud
    "rehab_conflict-20261206-081500.json",  # ownCloud
]
NOT_COPIES = [
    "rehab.json",
    "rehab.json.lock",
    "rehab.json.journal",
    "rehab-2026-12-06.json",  # a backup's name
    "rehab-2024.json",  # an archive's name
    "other.sync-conflict-20261206-081500-ABCDEFG.json",  # another data file's copy
    "rehab.sync-conflict-20261206-081500-ABCDEFG.json.tmp",
    "rehab (copy).json",
]


@pytest.fixture
def folder(tmp_path):
    place = tmp_path / "sync"
    place.mkdir()
    (place / "rehab.json").write_text("{}")
    for name in COPIES + NOT_COPIES[1:]:
        (place / name).write_text("{}")
    return place


def test_every_sync_tools_copy_is_found_and_nothing_else(folder):
    assert sorted(p.name for p in beside(folder / "rehab.json")) == sorted(COPIES)


def test_a_copy_is_one_beside_the_file_not_elsewhere(folder, tmp_path):
    elsewhere = tmp_path / COPIES[0]
    elsewhere.write_text("{}")
    assert is_copy_of(folder / "rehab.json", folder / COPIES[0])
    assert not is_copy_of(folder / "rehab.json", elsewhere)


def test_a_copy_beside_the_file_a_link_names_is_found(folder, tmp_path):
    """The data file may be a link into the synced folder: its copies lie beside the target."""
    link = tmp_path / "home" / "rehab.json"
    link.parent.mkdir()
    os.symlink(folder / "rehab.json", link)
    assert len(beside(link)) == len(COPIES)


def test_a_merged_copy_moves_to_backups_private_and_an_export_elsewhere_stays(folder, tmp_path):
    copy = folder / COPIES[1]
    moved = put_away(folder / "rehab.json", copy, NOW)
    assert moved is not None and moved.parent == folder / "backups" and not copy.exists()
    assert moved.name.endswith(COPIES[1]) and oct(moved.stat().st_mode & 0o777) == "0o600"
    export = tmp_path / "rehab-export.json"
    export.write_text("{}")
    assert put_away(folder / "rehab.json", export, NOW) is None and export.exists()


def test_no_folder_no_copies(tmp_path):
    assert beside(tmp_path / "nowhere" / "rehab.json") == []
