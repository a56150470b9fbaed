"""Help: every key, and what the planner does with your answers."""

from __future__ import annotations

import importlib
import textwrap

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.places import PLACES
from tui.screens.base import RehabModal

#: How the help writes a key Textual names otherwise.
KEY_NAMES = {"question_mark": "?", "f1": "F1", "escape": "Esc", "enter": "Enter", "slash": "/"}

#: Keys no binding of ours holds (a list's own, a form's), said before a section's bindings.
UNBOUND = {
    "library": [("↑ ↓", "choose an exercise; its steps and sources show beside it")],
    "forms": [("Tab", "next field"), ("Enter", "confirm"), ("Esc", "cancel")],
}


def keys_of(screen: type) -> list[tuple[str, str]]:
    """A screen's (or the app's) own keys as the help lists them: each binding with its help
    line (its tooltip), in the order bound; keys in a row with the same line share it ("s k e
    o"). A binding of an app action is said under Everywhere; one with no line (a place's
    number) is said otherwise."""
    lines: list[tuple[str, str]] = []
    for binding in screen.__dict__.get("BINDINGS", []):
        if not isinstance(binding, Binding) or not binding.tooltip:
            continue
        if binding.action.startswith("app."):
            continue
        keys = "  ".join(KEY_NAMES.get(k, k) for k in binding.key.split(","))
        if lines and lines[-1][1] == binding.tooltip:
            lines[-1] = (f"{lines[-1][0]} {keys}", binding.tooltip)
        else:
            lines.append((keys, binding.tooltip))
    return lines


def help_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every key, by place, from the bindings themselves: the app's, each place's, the
    session's and the forms'."""
    from tui.app import RehabApp
    from tui.screens.player import EndSessionScreen, PlayerScreen

    first, last = PLACES[0], PLACES[-1]
    everywhere = [
        (f"{first.key} … {last.key}", ", ".join(place.label for place in PLACES)),
        *keys_of(RehabApp),
        ("ctrl+p", "command palette: every action by name"),
    ]
    sections = [("Everywhere", everywhere)]
    for place in PLACES:
        module, name = place.screen.split(":")
        screen = getattr(importlib.import_module(module), name)
        sections.append((place.label, [*UNBOUND.get(place.name, []), *keys_of(screen)]))
    sections.append(("Session", keys_of(PlayerScreen)))
    sections.append(("Forms", [*UNBOUND["forms"], *keys_of(EndSessionScreen)]))
    return sections


ABOUT = (
    "How it decides: each stage has numbers you must meet before moving on (days, sessions, "
    "your daily check-ins, no flares). A flare is pain after a session above 5, a rise of 2 or "
    "more, or an exercise stopped because it hurt. Two flares in a week, or a check-in of 7 or "
    "more, suggest going back a stage. Any red-flag answer pauses the plan and sends you to a "
    "doctor. Never push through pain.\n\n"
    "rehab gives general self-care guidance, not a diagnosis."
)


def key_line(key: str, what: str, width: int = 64) -> str:
    """`  key      what`, with long descriptions wrapped under their own column."""
    indent = " " * 11
    return textwrap.fill(what, width=width, initial_indent=f"  {key:<8} ", subsequent_indent=indent)


class HelpScreen(RehabModal[None]):
    """Every key, by place, and how rehab decides, in a few lines."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(Content.assemble(("Keys", "bold")))
            for section, keys in help_sections():
                yield Static(
                    Content.assemble(
                        (section, "bold underline"),
                        "\n",
                        Content("\n").join(Content(key_line(k, what)) for k, what in keys),
                    )
                )
            yield Static(Content(ABOUT))
            yield Static(Content("Esc closes this help."), classes="dim")

    def action_close(self) -> None:
        self.dismiss(None)
