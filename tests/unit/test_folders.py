"""planner.folders names the very folders platformdirs names, in every environment tried."""

from __future__ import annotations

import subprocess
import sys

import platformdirs
import pytest

from planner.folders import APP_DIR_NAME, user_folder

#: (XDG_DATA_HOME, XDG_CACHE_HOME, HOME); None: unset.
ENVIRONMENTS = [
    ("/x/data", "/x/cache", "/home/ana"),
    (None, None, "/home/ana"),
    ("", "", "/home/ana/"),  # empty: the default under HOME (whose trailing slash goes)
    ("relative/data", "./cache", "/home/ana"),  # not absolute: ignored, as the XDG spec says
    ("/x/data/", "/x//cache", "/"),
    (None, None, "relative-home"),  # asked of platformdirs, which looks the user up
    (None, None, None),
    ("/x/data", None, None),
]


@pytest.mark.parametrize("data, cache, home", ENVIRONMENTS)
def test_the_folders_are_the_ones_platformdirs_names(monkeypatch, data, cache, home):
    for name, value in (("XDG_DATA_HOME", data), ("XDG_CACHE_HOME", cache), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert user_folder("data") == platformdirs.user_data_path(APP_DIR_NAME)
    assert user_folder("cache") == platformdirs.user_cache_path(APP_DIR_NAME)


def test_a_start_does_not_import_platformdirs(tmp_path):
    """What it is for: `rehab status` on Linux finds the data file, the catalog's cache and the
    `.checked` stamp without the ~15 ms import."""
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    default = tmp_path / ".local" / "share" / APP_DIR_NAME / "rehab.json"
    demo = [sys.executable, "-m", "rehab", "demo", "--days", "5", "--no-launch"]
    subprocess.run([*demo, "--data", str(default)], env=env, check=True, capture_output=True)
    code = (
        "import sys\n"
        "import rehab.cli as cli\n"
        "sys.argv = ['rehab', 'status']\n"
        "def stop(code):\n"
        "    raise SystemExit(code)\n"
        "cli.exit_at_once = stop  # it would end the process before the line below\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('platformdirs' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert "Stage" in done.stdout, done.stdout + done.stderr  # it read the default file
    assert done.stdout.strip().splitlines()[-1] == "False", done.stdout + done.stderr
    assert (tmp_path / ".cache" / APP_DIR_NAME / "catalog.json").exists()
