"""Where the data lives: the platform default, REHAB_DATA, and --data, in that order of weight."""

from __future__ import annotations

from pathlib import Path

from store import default_data_path, resolve_data_path
from store.paths import backup_dir, lock_path, restore_command


def test_the_default_file_is_in_the_user_data_dir(tmp_path):
    expected = tmp_path / "xdg" / "xdg_data_home" / "rehab-planner" / "rehab.json"
    assert default_data_path() == expected
    assert resolve_data_path() == expected


def test_rehab_data_overrides_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("REHAB_DATA", str(tmp_path / "elsewhere.json"))
    assert resolve_data_path() == tmp_path / "elsewhere.json"
    assert restore_command(tmp_path / "elsewhere.json") == "rehab restore"


def test_the_data_option_overrides_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("REHAB_DATA", str(tmp_path / "elsewhere.json"))
    assert resolve_data_path(tmp_path / "mine.json") == tmp_path / "mine.json"


def test_a_relative_path_becomes_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_data_path("data/r.json") == tmp_path / "data" / "r.json"


def test_lock_and_backups_sit_beside_the_file():
    data = Path("/somewhere/rehab.json")
    assert lock_path(data) == Path("/somewhere/rehab.json.lock")
    assert backup_dir(data) == Path("/somewhere/backups")


def test_another_file_is_restored_with_the_data_option(tmp_path):
    odd = tmp_path / "my data" / "r.json"
    assert restore_command(odd) == f"rehab --data '{odd}' restore"
