"""A record dated after today (a clock that was wrong, a file from another machine) is shown
in History, never dropped and never a crash (issue 14, item 7; found by `make bench`, whose
clock is a week behind the demo file it opens)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.models import CheckIn
from tests.tui.conftest import SMALL
from tui.screens.history import WINDOWS, HistoryScreen

pytestmark = pytest.mark.slow  # seconds: Pilot drives the app


async def test_history_draws_a_check_in_dated_tomorrow_in_every_window(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        app.repo.record_checkin(CheckIn(at=clock.now + timedelta(days=1, hours=1), pain=9))
        await pilot.press("4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        for window in range(len(WINDOWS)):
            screen.action_window(str(window))
            await pilot.pause()
            legend = str(screen.query_one("#history-legend").render())
            assert "highest 9" in legend, (WINDOWS[window], legend)
            data = screen.query_one("#history-chart").data
            tomorrow = (clock.now + timedelta(days=1)).date()
            last, _ = data.back[-1]
            assert data.end == tomorrow
            assert last <= tomorrow < last + timedelta(days=data.days_per_point)
