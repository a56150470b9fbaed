"""Where rehab's CPU time goes, phase by phase, in one fresh process (`make bench`).

    python -m tests.bench.phases status FILE    `rehab --data FILE status`
    python -m tests.bench.phases paint FILE     rehab's start, to its first frame (headless)
    python -m tests.bench.phases paint-bare     a bare Textual app's, the same way

Runs it as rehab runs it (rehab.cli: the plugin switch, the paused collector, the code cache;
the bare app without them, as `make bench` starts it), with a CPU timer around each import
statement (by what it imports: rehab's modules, the standard library, each other package) and
around each step that reads or decides something (STATUS_STEPS, PAINT_STEPS), and in a start,
rehab's and the bare app's alike, around Textual's own steps (TEXTUAL_STEPS: reading the
stylesheets, styling, layout, drawing each widget's lines). Each phase counts its own time only
(a phase inside another is taken out of the outer one), so the figures add up to the CPU spent;
"the rest" is what no phase covers (for status the rules' glue and the words, for a start the
rest of Textual's work: the app's start, composing and mounting the screen, its messages,
turning the frame into what a terminal is sent). The interpreter's own start is not in it: that
is `python -c pass`, measured beside `rehab status` in the main table. A start is timed to the
first frame the app draws, turned into the bytes a terminal would be sent (as
tests/bench/child.py does).

Prints one JSON line: {phase: milliseconds of CPU, ..., "total": ...}.
"""

from __future__ import annotations

import time

CPU0 = time.process_time()  # the interpreter is up; nothing of ours or rehab's imported yet

import builtins  # noqa: E402
import contextlib  # noqa: E402
import functools  # noqa: E402
import gc  # noqa: E402
import importlib.util  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from typing import Any  # noqa: E402

#: This tool's own imports: standard modules rehab imports as well, so they count as such.
OWN_IMPORTS = time.process_time() - CPU0

#: The steps of `rehab status` timed, by what they do (module, class or None, function). The
#: import statements are timed as "imports", wherever they are.
STATUS_STEPS: list[tuple[str, str, str | None, str]] = [
    ("opening the file (its lines' places, the checks)", "store.repository", "Repository", "read"),
    ("the profile and the plan", "store.repository", "Repository", "profile"),
    ("the profile and the plan", "store.repository", "Repository", "active_plan"),
    ("the catalog", "seeds", None, "load_catalog"),
    (
        "the recent records (sessions, check-ins, bouts, walks, stage events)",
        "store.repository",
        "Repository",
        "recent_history",
    ),
    (
        "the walking level (kept fold and live walks)",
        "store.repository",
        "Repository",
        "walk_history_folded",
    ),
    ("the safety records", "store.repository", "Repository", "safety_records"),
    ("the rules (planner.advice.stand)", "planner.advice", None, "stand"),
    ("the words (planner.report.status_text)", "planner.report", None, "status_text"),
]
#: The steps of the app's start before its first frame, as `rehab` runs it (rehab.launch).
PAINT_STEPS: list[tuple[str, str, str | None, str]] = [
    ("opening the file (its lines' places, the checks)", "store.repository", "Repository", "open"),
    ("closing years (every archive's first line read)", "door", None, "close_years"),
    ("the catalog", "seeds", None, "load_catalog"),
    ("where the person stands (door.Door.standing)", "door", "Door", "standing"),
]
#: Textual's own steps to the first frame, timed in rehab's start and the bare app's alike: what
#: rehab's screen costs Textual beyond the bare app's, step by step.
TEXTUAL_STEPS: list[tuple[str, str, str | None, str]] = [
    ("Textual: reading the stylesheets", "textual.css.stylesheet", "Stylesheet", "parse"),
    ("Textual: styling the widgets", "textual.css.stylesheet", "Stylesheet", "apply"),
    ("Textual: laying out the screen", "textual._compositor", "Compositor", "reflow"),
    ("Textual: drawing the widgets' lines", "textual.widget", "Widget", "render_lines"),
]
IMPORTS = "imports"
REST = "the rest"
CODE_CACHE = "the code cache (its file read)"
OURS = {"planner", "seeds", "store", "door", "tui", "rehab"}


def import_group(name: str, importer: str) -> str:
    """The phase an import statement's own time counts in: rehab's code, the standard library,
    or the package it is from (an import inside another counts in its own). `importer`: the
    package of the module importing, for a relative import (`name` is then part of it) and for
    a name that is no module at all (the standard library tries `org.python.core`, Jython's)."""
    top = name.partition(".")[0]
    known = top in OURS or top in sys.stdlib_module_names or top in sys.modules
    if not top or not (known or importlib.util.find_spec(top)):
        top = importer.partition(".")[0]
    if top in OURS:
        return f"{IMPORTS}: rehab's own modules"
    if top in sys.stdlib_module_names:
        return f"{IMPORTS}: the standard library"
    return f"{IMPORTS}: {top}"


class Phases:
    """Each phase's own CPU time: a stack of (name, started, time of the phases inside it)."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {f"{IMPORTS}: the standard library": OWN_IMPORTS}
        self._stack: list[list[Any]] = []

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        entry = [name, time.process_time(), 0.0]
        self._stack.append(entry)
        try:
            yield
        finally:
            self._stack.pop()
            spent = time.process_time() - entry[1]
            self.totals[name] = self.totals.get(name, 0.0) + spent - entry[2]
            if self._stack:
                self._stack[-1][2] += spent

    def timed(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.phase(name):
                return function(*args, **kwargs)

        return wrapper


def main(what: str, path: str | None) -> None:
    phases = Phases()
    original_import = builtins.__import__

    def timed_import(
        name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0
    ) -> Any:
        module = sys.modules.get(name) if level == 0 else None
        if module is not None and all(hasattr(module, each) for each in fromlist or ()):
            # Imported already: a name looked up, as cheap untimed as timed.
            return original_import(name, globals, locals, fromlist, level)
        importer = (globals or {}).get("__package__") or (globals or {}).get("__name__", "")
        with phases.phase(import_group("" if level else name, importer)):
            return original_import(name, globals, locals, fromlist, level)

    # Every import statement from here on is timed, by what it imports.
    builtins.__import__ = timed_import
    ours = what != "paint-bare"
    if ours:  # as rehab.cli.main does before the command
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        gc.disable()
        from rehab import code_cache

        with phases.phase(CODE_CACHE):
            code_cache.install()
    steps = STATUS_STEPS if what == "status" else PAINT_STEPS if ours else []
    if what != "status":
        steps = steps + TEXTUAL_STEPS
    # What the steps live in, imported as rehab would import them, then timed.
    for _, module, _, _ in steps:
        __import__(module)
    for name, module, owner, function in steps:
        holder = sys.modules[module] if owner is None else getattr(sys.modules[module], owner)
        original = getattr(holder, function)
        if isinstance(holder, type) and isinstance(holder.__dict__[function], classmethod):
            setattr(holder, function, classmethod(phases.timed(name, original.__func__)))
        else:
            setattr(holder, function, phases.timed(name, original))
    # Each caller imports these by name from their modules: it finds the timed ones.
    try:
        if what == "status":
            total, totals = status(path), phases.totals
        else:
            total, totals = first_frame(ours, path, phases)
    finally:
        builtins.__import__ = original_import
    if ours:
        code_cache.save()  # as the command does, after its answer is out (not counted)
    order = sorted((n for n in totals if n.startswith(IMPORTS)), key=lambda n: -totals[n])
    order += [n for n in totals if n not in order]  # then the steps, as they came
    figures = {name: round(totals[name] * 1000, 2) for name in order}
    figures[REST] = round((total - sum(totals.values())) * 1000, 2)
    figures["total"] = round(total * 1000, 2)
    print(json.dumps(figures), flush=True)


def status(path: str | None) -> float:
    """`rehab --data PATH status`, its answer thrown away: the CPU spent when it is done."""
    from rehab import cli

    args = cli.parse(["--data", str(path), "status"])
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli.run_parsed(args)
    if code:
        raise SystemExit(f"rehab status failed: {code}")
    return time.process_time() - CPU0


def first_frame(ours: bool, path: str | None, phases: Phases) -> tuple[float, dict[str, float]]:
    """The app started headless at 80×24 (rehab on PATH as `rehab --data PATH` starts it, or
    the bare app): the CPU spent when its first frame was drawn and turned into bytes, and
    the phases' figures then (what the app imports after it, the other places, is left out)."""
    from pathlib import Path

    from textual.app import App

    from tests.bench.child import run

    drawn: list[float] = []
    then: dict[str, float] = {}
    display = App._display

    def timed(app: App[Any], screen: Any, renderable: Any) -> None:
        display(app, screen, renderable)
        if renderable is not None and not drawn and not app._batch_count:
            if hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)  # what a terminal would be sent
            drawn.append(time.process_time() - CPU0)
            then.update(phases.totals)

    async def ready(pilot: Any) -> None:
        await pilot.pause()
        pilot.app.exit()

    App._display = timed  # type: ignore[method-assign]
    run("rehab" if ours else "bare", Path(path) if path else None, ready)
    if not drawn:
        raise SystemExit("the app drew no frame")
    return drawn[0], then


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
