"""Where `rehab status`'s CPU time goes, phase by phase, in one fresh process (`make bench`).

    python -m tests.bench.phases FILE

Runs the command as `rehab --data FILE status` does (rehab.cli: the plugin switch, the paused
collector, the code cache, then the command), with a CPU timer around each import statement
(by what it imports: rehab's modules, the standard library, each other package) and
around each step of `cmd_status` that reads or decides something. Each phase counts its
own time only (a phase inside another is taken out of the outer one), so the figures add up to
the command's CPU; "the rest" is what no phase covers (the rules, the words, Python's calls
between them). The interpreter's own start is not in it: that is `python -c pass`, measured
beside `rehab status` in the main table.

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
STEPS: list[tuple[str, str, str | None, str]] = [
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


def main(path: str) -> None:
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
    # As rehab.cli.main does before the command.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    gc.disable()
    from rehab import code_cache

    with phases.phase(CODE_CACHE):
        code_cache.install()
    from rehab import cli

    # What the steps live in, imported as the command would import them, then timed.
    for _, module, _, _ in STEPS:
        __import__(module)
    for name, module, owner, function in STEPS:
        holder = sys.modules[module] if owner is None else getattr(sys.modules[module], owner)
        original = getattr(holder, function)
        if isinstance(holder, type) and isinstance(holder.__dict__[function], classmethod):
            setattr(holder, function, classmethod(phases.timed(name, original.__func__)))
        else:
            setattr(holder, function, phases.timed(name, original))
    # `cmd_status` imports these by name from their modules: it finds the timed ones.
    try:
        args = cli.parse(["--data", path, "status"])
        with contextlib.redirect_stdout(io.StringIO()):
            code = cli.run_parsed(args)
    finally:
        builtins.__import__ = original_import
    total = time.process_time() - CPU0
    if code:
        raise SystemExit(f"rehab status failed: {code}")
    code_cache.save()  # as the command does, after its answer is out (not counted)
    totals = phases.totals
    order = sorted((n for n in totals if n.startswith(IMPORTS)), key=lambda n: -totals[n])
    order += [n for n in totals if n not in order]  # then the steps, as they came
    figures = {name: round(totals[name] * 1000, 2) for name in order}
    figures[REST] = round((total - sum(phases.totals.values())) * 1000, 2)
    figures["total"] = round(total * 1000, 2)
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
