"""Every action a screen offers by key can also be found by name in the command palette."""

from __future__ import annotations

import pytest

from tests.tui.conftest import SMALL
from tui.app import screen_commands

pytestmark = pytest.mark.slow  # seconds: Pilot drives the app


async def test_each_place_offers_its_keys_as_commands(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        # As the footer offers them: no criterion holds yet, no dose step, no backup.
        expected = {
            "2": ({"Advance anyway", "Step back"}, {"Advance"}),
            "3": ({"Dose", "Swap", "Reset"}, {"Take step", "Not now"}),
            "6": ({"Back up now", "Export"}, set()),
        }
        for key, (titles, not_now) in expected.items():
            await pilot.press(key)
            await pilot.pause()
            names = {c.title for c in app.get_system_commands(app.screen)}
            assert titles <= names, (key, titles - names)
            assert not not_now & names, (key, not_now & names)
            assert {"Check in", "Go to History", "Help"} <= names
        await pilot.press("3")
        await pilot.pause()
        [reset] = [c for c in screen_commands(app.screen) if c.title == "Reset"]
        await reset.callback()  # runs the same action as the key
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")
