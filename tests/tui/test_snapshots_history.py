"""Snapshots of History at 80×24 and 120×40 on a fixed 60-day history, its detail and PSFS."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from tests.tui.conftest import LARGE, SMALL
from tests.tui.snapshots import assert_snapshot
from tui.screens.modals import SessionDetailScreen
from tui.screens.psfs import PsfsScreen

SIZES = [pytest.param(SMALL, id="80x24"), pytest.param(LARGE, id="120x40")]


def name(base: str, size: tuple[int, int]) -> str:
    return f"{base}-{size[0]}x{size[1]}"


@pytest.mark.parametrize("size", SIZES)
async def test_history(make_demo_app, request, size):
    app = make_demo_app(days=60)
    async with app.run_test(size=size) as pilot:
        await pilot.press("4")
        await pilot.pause()
        assert_snapshot(app, name("history", size), request)


async def test_history_session_detail(make_demo_app, request):
    app = make_demo_app(days=60)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("4")
        await pilot.pause()
        screen = app.screen
        row = next(i for i, s in enumerate(screen.rows) if s.note)
        screen.query_one(DataTable).move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionDetailScreen)
        assert_snapshot(app, name("history-detail", SMALL), request)


@pytest.mark.slow
async def test_history_psfs(make_demo_app, request):
    app = make_demo_app(days=60)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PsfsScreen)
        assert_snapshot(app, name("history-psfs", SMALL), request)
