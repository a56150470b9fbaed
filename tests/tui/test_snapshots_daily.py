"""Snapshots of the daily path at 80×24 and 120×40: first run, Today, player mid-hold, end form."""

from __future__ import annotations

import pytest

from tests.tui.conftest import LARGE, SMALL
from tests.tui.flows import answer_all, press_next, type_into
from tests.tui.snapshots import assert_snapshot
from tui.screens.player import EndSessionScreen, PlayerScreen

pytestmark = pytest.mark.slow  # seconds each: Pilot drives the app to each screen

SIZES = [pytest.param(SMALL, id="80x24"), pytest.param(LARGE, id="120x40")]


def name(base: str, size: tuple[int, int]) -> str:
    return f"{base}-{size[0]}x{size[1]}"


@pytest.mark.parametrize("size", SIZES)
async def test_first_run_screens(make_app, request, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert_snapshot(app, name("first-run-disclaimer", size), request)
        await press_next(pilot)
        flags = app.screen.query_one("#flags-list")
        flags.answer("saddle-numbness", False)
        flags.answer("bladder-bowel", False)
        flags.answer("fever", True)  # the rest unanswered: "[ ? ]"
        await pilot.pause()
        assert_snapshot(app, name("first-run-red-flags", size), request)
        flags.answer("fever", False)
        answer_all(flags)
        await press_next(pilot)
        app.screen.query_one("#conditions").select("sciatica")
        await type_into(pilot, "#episode", "30")
        answer_all(app.screen.query_one("#health-list"))
        await press_next(pilot)
        await type_into(pilot, "#pain-now", "4")
        await type_into(pilot, "#leg", "3")  # sciatica: the leg is rated apart
        await type_into(pilot, "#reach", "2")
        await press_next(pilot)
        await press_next(pilot)
        assert_snapshot(app, name("first-run-stage", size), request)


async def _session(pilot, clock, pain="4"):
    await pilot.press("s")
    await pilot.pause()
    await type_into(pilot, "Input", pain)
    await pilot.press("enter")
    await pilot.pause()
    return pilot.app.screen


@pytest.mark.parametrize("size", SIZES)
async def test_today_player_and_end_form(make_onboarded_app, request, clock, size):
    app = make_onboarded_app(pain="6", episode="5")  # stage 1: holds and short moves
    async with app.run_test(size=size) as pilot:
        assert_snapshot(app, name("today", size), request)
        player = await _session(pilot, clock)
        assert isinstance(player, PlayerScreen)
        while player.run.current.dose.hold_s is None:
            await pilot.press("n")
        await pilot.press("space")
        clock.advance(seconds=5)  # get ready (3 s), then 2 s into the hold
        player.tick()
        await pilot.pause()
        assert player.run.phase.kind == "hold"
        assert_snapshot(app, name("player-mid-hold", size), request)
        while isinstance(app.screen, PlayerScreen):
            await pilot.press("space")
            clock.advance(hours=1)
            player.tick()
            await pilot.pause()
        assert isinstance(app.screen, EndSessionScreen)
        await type_into(pilot, "#pain", "3")
        assert_snapshot(app, name("end-of-session", size), request)
