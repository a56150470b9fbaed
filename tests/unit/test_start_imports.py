"""What a start imports (issue 30, "fixed cost"): the app only what Today needs before its first
screen, `rehab status` no Textual and nothing it does not print. Each is checked in a fresh
interpreter, as a person's start pays for it; the names below are what a command or a place
imports when first used, never before."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import NOW

#: Never needed to show Today or to print `rehab status`: the other commands' and the exports'
#: modules and libraries, the validators (a checked file is read without them), the parsers of
#: the plan file and the catalog's TOML, and argparse (the quick parser reads both lines).
NOT_AT_START = (
    "argparse",
    "pydantic",
    "pydantic_core",
    "annotated_types",
    "jsonschema",
    "shtab",
    "tomllib",
    "tomli_w",
    "icalendar",
    "zoneinfo",
    "csv",
    "plotext",
    "pygal",
    "planner.chart",
    "textual_plotext",
    "planner.formats",
    "planner.plan_file",
    "planner.runner",
    "planner.synthetic",
    "store.export_stream",
    "store.json_schema",
    "store.zone",
    "store.crash_log",
    "door.files",
    "rehab.export_command",
    "rehab.file_commands",
    "rehab.plans",
)

#: The places other than Today, the player, the forms and the dialogs: Today's first paint
#: waits for none of them (RehabApp imports the places once it is up, see `_import_places`).
NOT_BEFORE_TODAY = (
    "tui.screens.progress",
    "tui.screens.plan",
    "tui.screens.history",
    "tui.screens.history_words",
    "tui.screens.library",
    "tui.screens.data",
    "tui.screens.player",
    "tui.screens.first_run",
    "tui.screens.doctor",
    "tui.screens.help",
    "tui.screens.walk",
    "tui.screens.psfs",
    "tui.screens.learn",
    "tui.screens.modals",
    "tui.widgets.figure",
    "planner.figure",
    "tui.widgets.chart",
    "tui.widgets.pain_chart",
    "tui.widgets.walk_chart",
    "tui.widgets.progress",
    "tui.widgets.history",
)

#: `rehab status` prints text: no screen, no door (it changes nothing).
NOT_IN_STATUS = ("textual", "rich", "tui", "door", "rehab.launch")

APP = """
import sys
from datetime import datetime

import tui.app
from rehab.cli import parse
from rehab.launch import opened
from store import resolve_data_path

# The places beyond Today are imported on purpose once it is up, one per turn of the event
# loop; left out here, what is loaded when Today is ready is what its first paint cost.
assert callable(tui.app.RehabApp._import_places)
tui.app.RehabApp._import_places = lambda self, modules: None
args = parse(["--data", sys.argv[1]])  # as `rehab --data FILE` reads its line
seen = {}


async def first_screen(pilot):
    await pilot.pause()
    seen["screen"] = type(pilot.app.screen).__name__
    seen["modules"] = sorted(sys.modules)
    pilot.app.exit()


now = datetime(2026, 11, 21, 12, 0)
with opened(resolve_data_path(args.data), lambda: now) as app:
    app.run(headless=True, size=(100, 30), auto_pilot=first_screen)
print(seen["screen"])
print(" ".join(seen["modules"]))
"""

STATUS = """
import io
import sys

from rehab.cli import run

out = io.StringIO()
assert run(["status", "--data", sys.argv[1]], out=out) == 0, out.getvalue()
assert "Stage" in out.getvalue(), out.getvalue()
print(" ".join(sorted(sys.modules)))
"""


@pytest.fixture
def checked_file(tmp_path):
    """A month of history that rehab wrote and closed (so checked), with the catalog's checked
    copy already kept, as on every start after the first."""
    from rehab.commands import write_demo

    path = tmp_path / "rehab.json"
    write_demo(path, 30, 1, lambda: NOW)
    subprocess.run([sys.executable, "-c", "import seeds; seeds.load_catalog()"], check=True)
    return path


def loaded(code: str, path) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split("\n")


def found(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """The modules of `modules` that are one of `names` or inside one of them."""
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


@pytest.mark.slow
def test_the_app_imports_only_what_today_needs_before_its_first_paint(checked_file):
    screen, modules, *_ = loaded(APP, checked_file)
    assert screen == "TodayScreen"
    assert found(modules.split(), NOT_AT_START + NOT_BEFORE_TODAY) == []


def test_status_imports_no_textual_and_nothing_it_does_not_print(checked_file):
    modules, *_ = loaded(STATUS, checked_file)
    assert found(modules.split(), NOT_AT_START + NOT_BEFORE_TODAY + NOT_IN_STATUS) == []


def run_app(steps: str, *shown: str) -> str:
    """A script that runs the app on the file named by its argument, `steps` (which define
    `async def steps(pilot)`, noting what they see in `seen`) as its pilot, then prints each
    of `shown`, a line each (a list of module names joined by spaces)."""
    head = (
        "import sys\n"
        "from datetime import datetime\n"
        "from rehab.cli import parse\n"
        "from rehab.launch import opened\n"
        "from store import resolve_data_path\n"
        'args = parse(["--data", sys.argv[1]])\n'
        "seen = {}\n"
    )
    tail = (
        "now = datetime(2026, 11, 21, 12, 0)\n"
        "with opened(resolve_data_path(args.data), lambda: now) as app:\n"
        "    app.run(headless=True, size=(100, 30), auto_pilot=steps)\n"
        f"for name in {shown!r}:\n"
        "    value = seen[name]\n"
        '    print(value if isinstance(value, str) else " ".join(value))\n'
    )
    return head + steps + tail


PLACES_THEN_HISTORY = run_app(
    """
async def steps(pilot):
    await pilot.pause()
    # Every place's module imported, as RehabApp does once Today is up: still no chart.
    for module in ("tui.screens.history", "tui.screens.progress"):
        __import__(module)
    seen["places"] = sorted(sys.modules)
    await pilot.press("4")
    await pilot.pause()
    seen["history"] = type(pilot.app.screen).__name__
    seen["opened"] = sorted(sys.modules)
    pilot.app.exit()
""",
    "history",
    "places",
    "opened",
)


@pytest.mark.slow
def test_the_charts_plotting_library_is_imported_when_history_opens_not_with_its_module(
    checked_file,
):
    screen, places, opened, *_ = loaded(PLACES_THEN_HISTORY, checked_file)
    charts = ("plotext", "textual_plotext", "tui.widgets.chart", "tui.widgets.pain_chart")
    assert found(places.split(), charts) == []
    assert screen == "HistoryScreen"
    assert set(found(opened.split(), charts)) >= set(charts)


LOOK_THEN_FORM = run_app(
    """
async def steps(pilot):
    await pilot.pause()
    for key in "2456":  # a look around every place but Plan saves nothing
        await pilot.press(key)
        await pilot.pause()
    await pilot.press("1")
    await pilot.pause()
    seen["looked"] = sorted(sys.modules)
    await pilot.press("c")  # the check-in form: its Enter will save
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    seen["form"] = type(pilot.app.screen).__name__
    seen["typing"] = sorted(sys.modules)
    pilot.app.exit()
""",
    "form",
    "looked",
    "typing",
)


@pytest.mark.slow
def test_what_a_save_needs_is_built_when_a_form_opens_not_for_a_look_around(checked_file):
    form, looked, typing, *_ = loaded(LOOK_THEN_FORM, checked_file)
    checkers = ("pydantic", "pydantic_core")
    assert found(looked.split(), checkers) == []
    assert form == "CheckInScreen"
    assert set(found(typing.split(), checkers)) >= set(checkers)
