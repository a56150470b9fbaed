"""One measurement in a fresh process, so imports and memory are counted as a user pays them.

    python -m tests.bench.child start rehab FILE     start to first screen ready (rehab)
    python -m tests.bench.child start bare           the same for a bare Textual app
    python -m tests.bench.child history FILE         key 4 to History shown, in a started app
    python -m tests.bench.child history-all FILE     History's "All" window drawn, from its key
    python -m tests.bench.child library-key FILE     one Library filter key, to the list redrawn
    python -m tests.bench.child saved FILE           peak memory once one session is saved
    python -m tests.bench.child paint bare           the bare app, in a real terminal (paint.py)

Prints one JSON line: {"seconds": ..., "peak_kb": ...}.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # before any import of ours or of textual

import gc  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402

NOW = datetime(2026, 11, 21, 12, 0)


def clock() -> datetime:
    return NOW


def peak_kb() -> int:
    """This process's own peak. Not ru_maxrss: Linux keeps that across execve, so a child
    forked from a big parent would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report(seconds: float) -> None:
    print(json.dumps({"seconds": seconds, "peak_kb": peak_kb()}))


def bare_app():
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("Hello")
            yield Footer()

    return Bare()


def run(kind: str, path: Path | None, auto_pilot) -> None:
    """Run the bare app, or rehab as `rehab --data PATH` runs it (rehab.launch.opened)."""
    options = {"headless": True, "size": (80, 24), "auto_pilot": auto_pilot}
    if kind == "bare":
        bare_app().run(**options)
        return
    from rehab.launch import opened

    with opened(path, clock) as app:  # type: ignore[arg-type]
        app.run(**options)


def start(kind: str, path: Path | None) -> None:
    async def ready(pilot) -> None:
        await pilot.pause()
        report(time.perf_counter() - T0)
        pilot.app.exit()

    run(kind, path, ready)


def history_all(path: Path) -> None:
    """History open on its default window, then its "All" window chosen and drawn."""

    async def all_of_it(pilot) -> None:
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        from tui.screens.history import WINDOWS

        began = time.perf_counter()
        pilot.app.screen.action_window(str(len(WINDOWS) - 1))
        await pilot.pause()
        report(time.perf_counter() - began)
        pilot.app.exit()

    run("rehab", path, all_of_it)


def library_key(path: Path) -> None:
    """Library open, then one filter key (s, the stage) until the list and detail are drawn."""

    async def one_key(pilot) -> None:
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        await pilot.pause()
        began = time.perf_counter()
        await pilot.press("s")
        await pilot.pause()
        await pilot.pause()  # the detail pane is rebuilt after the list
        report(time.perf_counter() - began)
        pilot.app.exit()

    run("rehab", path, one_key)


def saved(path: Path) -> None:
    """Peak memory once the app is up and one session is saved (the first save of a day also
    makes the daily backup, and folds the journal of a big file)."""

    async def save_one(pilot) -> None:
        await pilot.pause()
        app = pilot.app
        app.repo.save_session(bench_session(app.repo.active_plan(), NOW))
        await pilot.pause()
        report(time.perf_counter() - T0)
        pilot.app.exit()

    run("rehab", path, save_one)


def bench_session(plan, at: datetime):
    """One whole session of the plan at `at`: what each save-measuring bench saves."""
    from planner.models import ExerciseEntry, Session

    entries = [
        ExerciseEntry(
            exercise_id=p.exercise_id, name=p.exercise_id, prescribed=p.dose, sets_done=p.dose.sets
        )
        for p in plan.prescriptions
    ]
    return Session(
        plan_id=plan.id,
        stage=plan.stage,
        slot="morning",
        started_at=at,
        ended_at=at,
        pain_before=2,
        pain_after=1,
        entries=entries,
        difficulty="ok",
        completed=True,
        note="bench",
    )


def paint_bare() -> None:
    """The bare app in the terminal it was started in (not headless): paint.py times it."""
    bare_app().run()


def history(path: Path) -> None:
    async def open_history(pilot) -> None:
        await pilot.pause()
        began = time.perf_counter()
        await pilot.press("4")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "HistoryScreen", pilot.app.screen
        report(time.perf_counter() - began)
        pilot.app.exit()

    run("rehab", path, open_history)


if __name__ == "__main__":
    what = sys.argv[1]
    if what != "start" or sys.argv[2] != "bare":
        # As rehab's entry point (rehab.cli.main) does before anything else.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        gc.disable()
    if what == "start":
        start(sys.argv[2], Path(sys.argv[3]) if len(sys.argv) > 3 else None)
    elif what == "history":
        history(Path(sys.argv[2]))
    elif what == "history-all":
        history_all(Path(sys.argv[2]))
    elif what == "library-key":
        library_key(Path(sys.argv[2]))
    elif what == "saved":
        saved(Path(sys.argv[2]))
    elif what == "paint":
        paint_bare()
    else:
        raise SystemExit(f"unknown measurement {what!r}")
