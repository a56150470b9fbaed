"""A box that can be ticked says whether it is ticked in its characters, not in colour alone:
Textual's Checkbox draws an X either way (tui.widgets.checklist.Tick)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Checkbox

from tests.tui.conftest import SMALL
from tui.screens.modals import CheckInScreen
from tui.widgets.checklist import Tick


def drawn(box: Checkbox) -> str:
    return box.render().plain.rstrip()


class OneBox(App[None]):
    def compose(self) -> ComposeResult:
        yield Tick("Pain in a leg too", id="box")


async def test_a_tick_draws_its_x_only_when_ticked_and_toggles_as_a_checkbox():
    app = OneBox()
    async with app.run_test() as pilot:
        box = app.query_one(Tick)
        assert "X" not in drawn(box) and drawn(box).endswith("Pain in a leg too")
        box.focus()
        await pilot.press("space")
        assert box.value is True
        assert "X" in drawn(box)
        await pilot.press("enter")
        assert box.value is False
        assert "X" not in drawn(box)
    # Textual's own, for contrast: the same X in both states.
    assert Checkbox("x", value=False).BUTTON_INNER == Checkbox("x", value=True).BUTTON_INNER


@pytest.mark.slow
async def test_the_check_in_s_leg_box_reads_unticked(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        box = app.screen.query_one("#leg-too", Checkbox)
        assert isinstance(box, Tick) and not box.value
        assert "X" not in drawn(box)
