"""Steps of the first run and a session, shared by the Pilot and snapshot tests."""

from __future__ import annotations

import io

from rich.console import Console
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from tui.screens.first_run import FirstRunScreen
from tui.widgets.answers import AnswerList
from tui.widgets.checklist import CheckList


async def press_next(pilot: Pilot) -> None:
    button = pilot.app.screen.query_one("#next", Button)
    button.active_effect_duration = 0  # no 0.2 s press animation caught in a snapshot
    button.press()
    await pilot.pause()


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Fill a field as if typed: focused, then its text set whole (typing key by key costs a
    Pilot round trip per character; keys typed for real are driven in tests/e2e, in tmux)."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = text
    field.cursor_position = len(text)
    await pilot.pause()


def answer_all(questions: AnswerList, yes: tuple[str, ...] | set[str] = ()) -> None:
    """Answer every question of a safety list: yes to those in `yes`, no to the rest."""
    for key in [*questions.missing]:
        questions.answer(key, key in yes)
    for key in yes:
        questions.answer(key, True)


async def first_run(
    pilot: Pilot,
    *,
    pain: str = "3",
    episode: str = "40",
    flags: tuple[str, ...] = (),
    stop_at: str | None = None,
    condition: str = "nonspecific",
    leg: str = "5",
    reach: str = "2",
    health: tuple[str, ...] = (),
) -> None:
    """Walk the wizard with the given answers; `stop_at` leaves it on that step. The default
    condition has no leg symptoms, so ratings are one number (`condition="sciatica"` asks for
    back and leg apart)."""
    screen = pilot.app.screen
    assert isinstance(screen, FirstRunScreen)
    await press_next(pilot)  # disclaimer
    if stop_at == "flags":
        return
    answer_all(screen.query_one("#flags-list", AnswerList), yes=flags)
    await press_next(pilot)
    if flags:
        return
    screen.query_one("#conditions", CheckList).select(condition)
    await type_into(pilot, "#episode", episode)
    answer_all(screen.query_one("#health-list", AnswerList), yes=health)
    await press_next(pilot)
    await type_into(pilot, "#pain-now", pain)
    if condition in ("sciatica", "ldh"):  # the leg is rated apart (SPEC §3b)
        await type_into(pilot, "#leg", leg)
        await type_into(pilot, "#reach", reach)
    await press_next(pilot)
    if stop_at == "setup":
        return
    await press_next(pilot)  # default equipment (mat, chair), morning, 15 minutes
    if stop_at == "stage":
        return
    await press_next(pilot)  # accept the recommendation


def plain(widget: Static) -> str:
    """What a Static shows, as plain text: its Content as is, or a Rich renderable (a hanging
    indent list) drawn at the widget's width, line ends trimmed."""
    content = widget.content
    if isinstance(content, (str, Content)):
        return str(content)
    console = Console(width=widget.size.width or 80, file=io.StringIO(), color_system=None)
    console.print(content)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines())


def text_of(screen, selector: str) -> str:
    return plain(screen.query_one(selector, Static))
