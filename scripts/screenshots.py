"""Save the README's screenshots (docs/*.svg) from a demo history: python scripts/screenshots.py

Each shot checks that the place it meant to draw is the one on screen, and stops with an error
if not: a README picture is never of the wrong screen."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from textual.widgets import Input

from rehab.commands import write_demo
from seeds import load_catalog
from store import Repository
from tui.app import RehabApp
from tui.screens.history import HistoryScreen
from tui.screens.modals import PainScreen
from tui.screens.player import PlayerScreen
from tui.screens.progress import ProgressScreen
from tui.screens.today import TodayScreen

DOCS = Path(__file__).resolve().parents[1] / "docs"
NOW = datetime(2026, 11, 21, 8, 0)


class Clock:
    """The demo's clock, moved by hand (the player's timer reads it)."""

    now = NOW

    def __call__(self) -> datetime:
        return self.now


def save(app: RehabApp, name: str, expected: type) -> None:
    if not isinstance(app.screen, expected):
        raise SystemExit(f"{name}: expected {expected.__name__}, found {type(app.screen).__name__}")
    (DOCS / f"{name}.svg").write_text(app.export_screenshot(title="rehab"))


async def shoot() -> None:
    clock = Clock()
    path = Path(tempfile.mkdtemp(prefix="rehab-shots-")) / "rehab.json"
    write_demo(path, 60, 7, clock)
    with Repository.open(path, clock=clock) as repo:
        app = RehabApp(repo, load_catalog(), clock, data_path=path)
        async with app.run_test(size=(100, 30)) as pilot:
            for key, name, place in (
                ("1", "today", TodayScreen),
                ("4", "history", HistoryScreen),
                ("2", "progress", ProgressScreen),
            ):
                await pilot.press(key)
                await pilot.pause()
                save(app, name, place)
            # The player, its figure at the end pose of a hold.
            await pilot.press("1")
            await pilot.press("s")
            await pilot.pause()
            if not isinstance(app.screen, PainScreen):
                raise SystemExit(f"player: no pain question, found {type(app.screen).__name__}")
            for field, value in zip(app.screen.query(Input), ("2", "1", "1"), strict=False):
                field.value = value
            await pilot.press("enter")
            await pilot.pause()
            player = app.screen
            if not isinstance(player, PlayerScreen):
                raise SystemExit(f"player: not started, found {type(player).__name__}")
            while player.run.current.dose.hold_s is None:
                await pilot.press("n")
                await pilot.pause()
            await pilot.press("space")
            for _ in range(25):  # the get-ready count, then into the first hold
                clock.now += timedelta(seconds=0.2)
                await pilot.pause(0.01)
                if player.run.phase.kind == "hold":
                    break
            await pilot.pause()
            save(app, "player", PlayerScreen)


if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    asyncio.run(shoot())
    print(f"saved screenshots in {DOCS}")
