"""Snapshots of the Library at 80×24 and 120×40: the hang highlighted, with its caution and the
reason it is not in the demo person's plan (no pull-up bar)."""

from __future__ import annotations

import pytest

from tests.tui.conftest import LARGE, SMALL
from tests.tui.snapshots import assert_snapshot
from tui.screens.library import LibraryScreen

pytestmark = pytest.mark.slow  # seconds each: Pilot drives the app to each screen

SIZES = [pytest.param(SMALL, id="80x24"), pytest.param(LARGE, id="120x40")]


@pytest.mark.parametrize("size", SIZES)
async def test_library(make_demo_app, request, size):
    app = make_demo_app(days=60)
    async with app.run_test(size=size) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        ids = [ex.id for ex in app.catalog.exercises.values()]
        for _ in range(ids.index("bar-hang")):
            await pilot.press("down")
        await pilot.pause()
        await pilot.pause()
        assert screen.highlighted().id == "bar-hang"
        assert_snapshot(app, f"library-{size[0]}x{size[1]}", request)
