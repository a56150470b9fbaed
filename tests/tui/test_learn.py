"""Education cards people see (issue 16, part 5): one on Today that fits the moment, and every
card with its sources in Library's Learn list."""

from __future__ import annotations

import pytest

from planner.learn import todays_card
from tests.tui.conftest import SMALL
from tests.tui.flows import plain, text_of
from tui.screens.learn import LearnScreen
from tui.screens.library import LibraryScreen

pytestmark = pytest.mark.slow  # seconds each: Pilot drives the app


async def test_today_shows_the_card_for_the_first_days(make_onboarded_app):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        expected = todays_card(app.catalog, app.standing())
        assert expected is not None and expected.moment == "first-days"
        shown = text_of(app.screen, "#card")
        assert f"For your first days: {expected.card.title}" in shown
        assert expected.card.body[0][:40] in " ".join(shown.split())
        assert "Library (5), then l for Learn" in shown


async def test_learn_lists_every_card_with_its_sources(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("l")
        await pilot.pause()
        learn = app.screen
        assert isinstance(learn, LearnScreen)
        cards = [" ".join(plain(w).split()) for w in learn.query(".card")]
        assert len(cards) == len(app.catalog.cards)
        for text, card in zip(cards, app.catalog.cards.values(), strict=True):
            assert text.startswith(card.title) and "Sources: " in text
        assert "Exercises for spinal pain (article 002)" in cards[0]
        assert any("NICE NG59" in text for text in cards)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
