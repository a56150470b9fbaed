"""Progress's walking chart (tui.widgets.walk_chart): a bar per programme week with the minutes
walked in it, against the week's aim, and this week's bar equal to the words above it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.tui.conftest import LARGE
from tests.tui.flows import text_of
from tui.screens.progress import ProgressScreen
from tui.widgets.walk_chart import WEEKS, WalkChart

pytestmark = pytest.mark.slow  # seconds each: Pilot drives the app


async def test_the_bars_are_the_minutes_walked_each_week_against_the_weeks_aim(make_demo_app):
    app = make_demo_app(days=120)
    walks = app.repo.walks()
    since = app.profile().walk_since
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        chart = screen.query_one("#walk-chart", WalkChart)
        weeks = chart.data.weeks
        walk = app.standing().walk
        words = text_of(screen, "#walking")
    assert len(weeks) == WEEKS
    # Counted apart: each programme week runs seven days from the day walking was set up.
    for start, minutes, _aim in weeks:
        assert (start - since).days % 7 == 0
        end = start + timedelta(days=7)
        assert minutes == sum(w.minutes for w in walks if start <= w.at.date() < end)
    # The aim of a week is the day's minutes it began with, on the goal days: the level the
    # week before ended at; this week's is the one the Walking line says.
    levels = [aim / walk.goal_days for _, _, aim in weeks]
    assert levels == [w.level_after for w in walk.weeks[-WEEKS:]]
    start, minutes, aim = weeks[-1]
    assert start == walk.week_start
    assert f"{minutes} of {aim} min" in words


async def test_progress_without_walking_set_up_shows_no_walking_chart(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert "Walking: not set up yet" in text_of(app.screen, "#walking")
        assert not app.screen.query_one("#walk-chart").display
