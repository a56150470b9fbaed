"""Save the README's screenshots (docs/*.svg) from a demo history: python scripts/screenshots.py"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path

from rehab.commands import write_demo
from seeds import load_catalog
from store import Repository
from tui.app import RehabApp

DOCS = Path(__file__).resolve().parents[1] / "docs"
NOW = datetime(2026, 11, 21, 12, 0)


def clock() -> datetime:
    return NOW


async def shoot() -> None:
    path = Path(tempfile.mkdtemp(prefix="rehab-shots-")) / "rehab.json"
    write_demo(path, 60, 7, clock)
    with Repository.open(path, clock=clock) as repo:
        app = RehabApp(repo, load_catalog(), clock, data_path=path)
        async with app.run_test(size=(100, 30)) as pilot:
            for key, name in (("1", "today"), ("4", "history"), ("2", "progress")):
                await pilot.press(key)
                await pilot.pause()
                (DOCS / f"{name}.svg").write_text(app.export_screenshot(title="rehab"))


if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    asyncio.run(shoot())
    print(f"saved screenshots in {DOCS}")
