"""A save killed between keeping the previous file (a hard link) and the rename leaves
`.rehab.json.tmp-…-previous`, a second name of the data file. Every writer
removes it under the lock before counting names; a real second name is refused naming the data
file, before any `.lock` is made."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap

import pytest

from rehab.cli import run
from rehab.commands import write_demo
from store import Repository
from store.atomic import temp_prefix
from store.paths import lock_path
from tests.conftest import FakeClock

#: Saves once, then is killed (os._exit, as a kill -9 would) after the previous file is linked
#: aside and before the rename.
KILLED_MID_SAVE = textwrap.dedent(
    """
    import os, sys
    from datetime import datetime
    from planner.models import CheckIn
    from store import Repository
    import store.atomic

    replace = store.atomic._replace

    def killed(source, target):
        if str(target) == sys.argv[1]:  # the data file (a backup is taken first)
            os._exit(9)
        replace(source, target)

    store.atomic._replace = killed
    with Repository.open(sys.argv[1], clock=lambda: datetime(2026, 11, 21, 12)) as repo:
        repo.save(CheckIn(at=datetime(2026, 11, 21, 11), pain=3))
    """
)


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), clock=FakeClock(), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def killed_mid_save(tmp_path):
    """A data file (with a backup and a JSON export of it), and a save killed mid-way."""
    path = tmp_path / "data" / "rehab.json"
    write_demo(path, 14, 3, FakeClock())
    exported = tmp_path / "export.json"
    assert cli("--data", str(path), "export", "--format", "json", "--out", str(exported))[0] == 0
    assert cli("--data", str(path), "backup")[0] == 0
    done = subprocess.run(
        [sys.executable, "-c", KILLED_MID_SAVE, str(path)], capture_output=True, text=True
    )
    assert done.returncode == 9, done.stderr
    return path, exported


def leftovers(path) -> list[str]:
    return [n for n in os.listdir(path.parent) if n.startswith(temp_prefix(path))]


@pytest.mark.slow
def test_a_killed_save_leaves_the_data_file_with_a_second_name(killed_mid_save):
    path, _ = killed_mid_save
    assert os.stat(path).st_nlink == 2
    assert [n for n in leftovers(path) if n.endswith("-previous")]


@pytest.mark.parametrize("command", ["import", "restore"])
def test_import_and_restore_remove_the_leftover_link_and_go_through(killed_mid_save, command):
    path, exported = killed_mid_save
    argv = ["import", str(exported)] if command == "import" else ["restore"]
    code, out, err = cli("--data", str(path), *argv)
    assert code == 0, err
    assert "hard links" not in out + err
    assert leftovers(path) == [] and os.stat(path).st_nlink == 1


def test_a_writer_opening_the_file_removes_the_leftover_link(killed_mid_save):
    path, _ = killed_mid_save
    with Repository.open(path, clock=FakeClock()) as repo:
        assert repo.profile() is not None
    assert leftovers(path) == [] and os.stat(path).st_nlink == 1


@pytest.mark.parametrize("command", ["import", "restore", "plan import"])
def test_a_real_second_name_is_refused_naming_the_data_file_and_makes_no_lock(tmp_path, command):
    path = tmp_path / "data" / "rehab.json"
    write_demo(path, 14, 3, FakeClock())
    exported, plan = tmp_path / "export.json", tmp_path / "plan.toml"
    assert cli("--data", str(path), "export", "--format", "json", "--out", str(exported))[0] == 0
    assert cli("--data", str(path), "plan", "export", "--out", str(plan))[0] == 0
    assert cli("--data", str(path), "backup")[0] == 0
    lock_path(path).unlink(missing_ok=True)
    os.link(path, tmp_path / "data" / "second-name.json")
    before = path.read_bytes()
    argv = {
        "import": ["import", str(exported)],
        "restore": ["restore"],
        "plan import": ["plan", "import", str(plan)],
    }[command]
    code, out, err = cli("--data", str(path), *argv)
    assert (code, out) == (1, "")
    assert err == (
        f"rehab: {path} has 2 names (hard links): a save would leave the others behind. Keep "
        "one name, or use a symbolic link instead. Nothing was changed.\n"
    )
    assert path.read_bytes() == before and os.stat(path).st_nlink == 2
    assert not lock_path(path).exists()


def test_an_invalid_import_still_names_the_file_it_came_from(tmp_path):
    path = tmp_path / "data" / "rehab.json"
    write_demo(path, 3, 3, FakeClock())
    sent = tmp_path / "sent.json"
    tables = json.loads(cli("--data", str(path), "export", "--format", "json")[1])
    next(iter(tables["checkins"].values()))["pain"] = 11
    sent.write_text(json.dumps(tables))
    code, _, err = cli("--data", str(path), "import", str(sent))
    assert code == 1 and err.startswith(f"rehab: {sent}: The data to import is not valid (")
