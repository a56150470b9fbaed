"""Textual's full CSS refresh (it re-parses every stylesheet) is skipped when a place first
appears and cut to a restyle at start: each test proves the screen looks exactly as it would
after a full refresh, with and without a theme change."""

from __future__ import annotations

import pytest
from textual.color import Color

from tests.tui.conftest import SMALL
from tests.tui.flows import first_run
from tui.places import PLACES
from tui.screens.today import TodayScreen


async def as_after_a_full_refresh(pilot) -> str:
    """The screen now; fails if a full re-parse and re-style would change any cell of it."""
    app = pilot.app
    await pilot.pause()
    before = app.export_screenshot()
    app.refresh_css(animate=False)
    await pilot.pause()
    assert app.export_screenshot() == before, f"{type(app.screen).__name__} was not fully styled"
    return before


def background(app) -> Color:
    return Color.parse(app.theme_variables["background"])


@pytest.mark.slow
async def test_today_after_the_first_run_is_fully_styled(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot)
        assert isinstance(app.screen, TodayScreen)
        await as_after_a_full_refresh(pilot)


@pytest.mark.slow
async def test_every_place_first_shown_is_fully_styled_and_so_is_today_on_return(make_demo_app):
    app = make_demo_app(days=60)
    async with app.run_test(size=SMALL) as pilot:
        await as_after_a_full_refresh(pilot)
        for place in [*PLACES[1:], PLACES[0]]:
            await pilot.press(place.key)
            await as_after_a_full_refresh(pilot)
            assert app.current_mode == place.name


@pytest.mark.slow
async def test_a_place_first_shown_after_a_theme_change_wears_the_new_theme(make_demo_app):
    app = make_demo_app(days=60)
    async with app.run_test(size=SMALL) as pilot:
        dark = background(app)
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.press("4")
        await as_after_a_full_refresh(pilot)
        assert app.screen.styles.background == background(app) != dark
        await pilot.press("1")  # Today was away when the theme changed
        await as_after_a_full_refresh(pilot)
        assert app.screen.styles.background == background(app)


@pytest.mark.slow
async def test_a_place_opened_while_a_theme_change_is_pending_wears_the_new_theme(make_demo_app):
    app = make_demo_app(days=60)
    async with app.run_test(size=SMALL) as pilot:
        dark = background(app)
        app.theme = "textual-light"  # Textual restyles on its next turn: not yet
        app.action_go("history")
        await as_after_a_full_refresh(pilot)
        assert app.screen.styles.background == background(app) != dark


async def test_a_theme_chosen_before_the_start_is_the_one_today_wears(make_demo_app):
    app = make_demo_app(days=60)
    dark = background(app)
    app.theme = "textual-light"
    async with app.run_test(size=SMALL) as pilot:
        await as_after_a_full_refresh(pilot)
        assert app.screen.styles.background == background(app) != dark
