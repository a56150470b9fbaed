"""The layers, read from the source: which of the project's packages each one may import, that
the core never imports the screen's libraries, and that only tui/compat.py names a library's
private parts (docs/architecture.md).

Every import counts: `import x`, `from x import y`, relative imports, imports inside functions,
and `importlib.import_module("x")` with a written-out name. The fresh-interpreter tests
(test_import_hygiene.py) check what is imported at run time; this one checks every line,
including those no test runs.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("planner", "seeds", "store", "door", "tui", "rehab")

#: The project's packages each package must not import. Nothing but the command line itself
#: imports `rehab` (tests and scripts may import anything).
FORBIDDEN = {
    "planner": {"seeds", "store", "door", "tui", "rehab"},
    "seeds": {"store", "door", "tui", "rehab"},
    "store": {"door", "tui", "rehab"},
    "door": {"tui", "rehab"},
    "tui": {"rehab"},
    "rehab": set(),
}
#: The screen's libraries: below the interface, no layer imports them.
SCREEN = {"textual", "textual_plotext", "plotext"}
NO_SCREEN = ("planner", "seeds", "store", "door")
#: The rules and the catalog know nothing of how records are stored.
NO_DATABASE = ("planner", "seeds")
#: The one file that may name a library's private modules, names and attributes.
COMPAT = Path("tui/compat.py")
#: Public names that start with an underscore (namedtuple's methods, os._exit).
PUBLIC_UNDERSCORED = {"_asdict", "_fields", "_field_defaults", "_make", "_replace", "_exit"}


def _package_of(path: Path, root: Path) -> list[str]:
    """The dotted package a file's relative imports start from, as parts."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return parts[:-1]  # a module's package, or for an __init__.py the package it begins


def imports(path: Path, root: Path) -> Iterator[tuple[int, str, list[str]]]:
    """(line, absolute module, names taken from it) for every import in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                package = _package_of(path, root)
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([module] if module else [])])
            yield node.lineno, module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = getattr(func, "attr", None) or getattr(func, "id", None)
            first = node.args[0]
            if (
                name in ("import_module", "__import__")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                yield node.lineno, first.value, []


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _sources(root: Path) -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            yield package, path


def _defined_here(root: Path) -> set[str]:
    """Every name the project itself defines or assigns (functions, classes, variables,
    arguments, attributes set), tui/compat.py's own left out: a private attribute read
    anywhere else that none of these is, is a library's."""
    defined: set[str] = set()
    for _, path in _sources(root):
        if path.relative_to(root) == COMPAT:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                defined.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                defined.add(node.attr)
            elif isinstance(node, ast.arg):
                defined.add(node.arg)
    return defined


def offences(root: Path) -> list[str]:
    """Every import or name that breaks a layering rule under `root`, as "file:line what"."""
    found: list[str] = []
    defined = _defined_here(root)
    for package, path in _sources(root):
        where = path.relative_to(root)
        in_compat = where == COMPAT
        for line, module, names in imports(path, root):
            top = module.split(".")[0]
            if top in FORBIDDEN[package]:
                found.append(f"{where}:{line} {package} imports {module}")
            screen = package in NO_SCREEN and top in SCREEN
            if screen or (package in NO_DATABASE and top == "tinydb"):
                found.append(f"{where}:{line} {package} imports {module}")
            if top in PACKAGES or in_compat:
                continue
            if any(_private(part) for part in module.split(".")):
                found.append(f"{where}:{line} private module {module}")
            found += [f"{where}:{line} private name {module}.{n}" for n in names if _private(n)]
        if in_compat:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and _private(node.attr)
                and node.attr not in defined
                and node.attr not in PUBLIC_UNDERSCORED
            ):
                found.append(f"{where}:{node.lineno} a library's private .{node.attr}")
    return found


@pytest.mark.slow
def test_every_layer_imports_only_what_it_may_and_only_compat_names_private_parts():
    assert offences(ROOT) == []


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_check_finds_each_kind_of_forbidden_import(tmp_path):
    """The scan can fail: a tree with one of each wrong import is caught at each line, and the
    same imports where they are allowed are not."""
    _write(
        tmp_path,
        {
            **{f"{p}/__init__.py": "" for p in PACKAGES},
            "planner/a.py": """\
                import store.repository
                from seeds import load_catalog
                def later():
                    from door import Door
            """,
            "seeds/b.py": "from planner.models import Rules\nimport tui.app\nimport tinydb\n",
            "store/c.py": """\
                from ..rehab import cli
                import importlib
                importlib.import_module("door")
            """,
            "store/deep/d.py": "from ...tui import compat\n",
            "door/e.py": "import textual\nfrom store import Repository\n",
            "tui/f.py": """\
                from textual._context import active_message_pump
                from textual.widgets import _footer
                def draw(plt):
                    plt._set_size(1, 2)
                    plt._mine()
                class Mine:
                    def _mine(self):
                        self._own = 1
                        return self._own, plt._asdict()
                import rehab.cli
            """,
            "tui/compat.py": "from textual._context import x\ndef f(a):\n    a._css = 1\n",
            "rehab/g.py": "import tui.app\nfrom door import Door\nfrom . import h\n",
        },
    )
    assert offences(tmp_path) == [
        "planner/a.py:1 planner imports store.repository",
        "planner/a.py:2 planner imports seeds",
        "planner/a.py:4 planner imports door",
        "seeds/b.py:2 seeds imports tui.app",
        "seeds/b.py:3 seeds imports tinydb",
        "store/c.py:1 store imports rehab",
        "store/c.py:3 store imports door",
        "store/deep/d.py:1 store imports tui",
        "door/e.py:1 door imports textual",
        "tui/f.py:1 private module textual._context",
        "tui/f.py:2 private name textual.widgets._footer",
        "tui/f.py:10 tui imports rehab.cli",
        "tui/f.py:4 a library's private ._set_size",
    ]
