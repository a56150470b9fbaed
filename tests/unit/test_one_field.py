"""One kind of text field: screens and widgets build their fields from tui/widgets/text_fields.py,
whose fields draw what is typed or pasted through `screen_safe`.

Read from the source, so a new screen or widget that builds Textual's bare `Input` (or
`TextArea`, or `MaskedInput`) turns this red before anyone pastes an escape into it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Textual's fields that draw their text as it came, ESC and bidi overrides included.
BARE = {"Input", "MaskedInput", "TextArea"}


def _bare_fields(path: Path) -> list[tuple[int, str]]:
    """Each place one file builds one of Textual's bare fields: `Input(...)` (under any name it
    was imported as from Textual) or `widgets.Input(...)`."""
    tree = ast.parse(path.read_text(), str(path))
    names = {
        alias.asname or alias.name: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual")
        for alias in node.names
        if alias.name in BARE
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in names:
            found.append((node.lineno, f"{names[node.func.id]}("))
        elif isinstance(node.func, ast.Attribute) and node.func.attr in BARE:
            found.append((node.lineno, f"{node.func.attr}("))
    return sorted(found)


def test_no_screen_or_widget_builds_a_bare_textual_field():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for folder in ("tui", "rehab")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, what in _bare_fields(path)
    ]
    assert offenders == [], "build TextInput, WordsInput or WordsArea from text_fields instead"


def test_the_check_finds_a_bare_field_when_there_is_one(tmp_path):
    """The scan above can fail: it finds each way a screen could build one."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import textual.widgets\n"
        "from textual import widgets\n"
        "from textual.widgets import Input, Input as Field, TextArea\n"
        "from textual.widgets import MaskedInput\n"
        "from tui.widgets.text_fields import TextInput, WordsArea\n"
        "def compose(self):\n"
        "    yield Input(id='pain')\n"
        "    yield Field(id='leg')\n"
        "    yield TextArea()\n"
        "    yield MaskedInput(template='99')\n"
        "    yield widgets.Input()\n"
        "    yield textual.widgets.Input()\n"
        "    yield TextInput(id='reach')\n"
        "    yield WordsArea()\n"
        "    self.query_one('#pain', Input).focus()\n"
        "    self.on(Input.Submitted)\n"
    )
    assert [what for _, what in _bare_fields(bad)] == [
        "Input(",
        "Input(",
        "TextArea(",
        "MaskedInput(",
        "Input(",
        "Input(",
    ]


def test_the_fields_screens_build_draw_safely():
    """The names the scan sends people to are the app's safe fields (a rename would leave the
    scan pointing nowhere)."""
    from tui.compat import ShownSafeInput
    from tui.widgets.text_fields import TextInput, WordsInput

    assert issubclass(TextInput, ShownSafeInput) and issubclass(WordsInput, TextInput)
