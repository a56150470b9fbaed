"""The exercise figures on screen: Library draws the start and end poses above the steps; the
player moves its figure with the timer (the end pose in a hold, the start again when a rep is
over), stops with it, and leaves it out below 80 columns without drawing it."""

from __future__ import annotations

import pytest

import tui.widgets.figure as figure_widget
from planner.figure import draw
from tests.tui.conftest import LARGE, SMALL
from tests.tui.flows import first_run, type_into
from tui.screens.library import LibraryScreen
from tui.screens.player import PlayerScreen
from tui.widgets.figure import FigureView

pytestmark = pytest.mark.slow  # seconds each: Pilot drives the app


def inked(lines: list[str]) -> bool:
    """Whether a drawing has any dot above its floor line."""
    return any(ch != "\u2800" for line in lines[:-1] for ch in line)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_library_draws_the_start_and_the_end_pose_above_the_steps(make_demo_app, size):
    app = make_demo_app(days=60)
    async with app.run_test(size=size) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen.show_exercise("bridge")
        await pilot.pause()
        await pilot.pause()
        assert screen.highlighted().id == "bridge"
        start, end = screen.query("#detail FigureView").results(FigureView)
        bridge = app.catalog.figures["bridge"]
        assert start.figure is bridge and end.figure is bridge
        assert (start.t, end.t) == (0.0, 1.0)
        assert inked(start.lines()) and inked(end.lines())
        assert start.lines() != end.lines()
        width, height = start.content_size
        assert start.lines() == draw(bridge, 0.0, width, height).lines()
        assert end.lines() == draw(bridge, 1.0, width, height).lines()
        assert width >= 16 and height >= 6, "room enough to read the figure"
        steps_heading = next(
            w for w in screen.query("#detail .heading") if "Steps" in str(w.render())
        )
        assert steps_heading.region.y < start.region.y, "the figures are under the heading"


async def _player_at_a_hold(pilot, clock) -> PlayerScreen:
    """A session started from Today, on its first exercise whose reps are holds."""
    await first_run(pilot, pain="6", episode="5")  # stage 1: holds and short moves
    await pilot.press("s")
    await pilot.pause()
    await type_into(pilot, "Input", "4")
    await pilot.press("enter")
    await pilot.pause()
    player = pilot.app.screen
    assert isinstance(player, PlayerScreen)
    while player.run.current.dose.hold_s is None:
        await pilot.press("n")
    return player


async def test_the_players_figure_holds_the_end_pose_and_comes_back_between_reps(make_app, clock):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        player = await _player_at_a_hold(pilot, clock)
        view = player.query_one("#figure", FigureView)
        item = player.run.current
        figure = app.catalog.figures[item.prescription.exercise_id]
        assert view.display and view.figure is figure and view.t == 0.0
        assert player.query_one("#steps-box").max_scroll_y == 0, "the steps fit beside it"
        start_lines = view.lines()
        assert start_lines == draw(figure, 0.0, *view.content_size).lines()

        await pilot.press("space")
        clock.advance(seconds=5)  # get ready (3 s), then 2 s into the hold
        player.tick()
        await pilot.pause()
        assert player.run.phase.kind == "hold"
        assert view.t == 1.0
        assert view.lines() == draw(figure, 1.0, *view.content_size).lines() != start_lines

        hold = item.dose.hold_s
        clock.advance(seconds=hold - 2 + 1.5)  # the hold is over: 1.5 s into the relax
        player.tick()
        await pilot.pause()
        assert player.run.phase.kind == "relax" and item.total_reps == 1
        assert view.t == 0.0
        assert view.lines() == start_lines

        clock.advance(seconds=1.5)  # the next hold begins: out to the end pose again
        player.tick()
        await pilot.pause()
        assert player.run.phase.kind == "hold" and view.t == 1.0


async def test_the_figure_stops_when_the_timer_is_paused(make_app, clock):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        player = await _player_at_a_hold(pilot, clock)
        view = player.query_one("#figure", FigureView)
        await pilot.press("space")
        clock.advance(seconds=5 + player.run.current.dose.hold_s - 2)  # the hold just ended
        player.tick()
        clock.advance(seconds=0.5)  # halfway back to the start
        player.tick()
        await pilot.pause()
        moving = view.t
        assert 0.0 < moving < 1.0
        await pilot.press("space")  # pause
        clock.advance(seconds=30)
        player.tick()
        await pilot.pause()
        assert player.run.paused and view.t == moving


async def test_below_80_columns_the_figure_is_left_out_and_never_drawn(
    make_app, clock, monkeypatch
):
    drawn: list[float] = []

    def counting_draw(figure, t=0.0, cols=30, rows=10):
        drawn.append(t)
        return draw(figure, t, cols, rows)

    monkeypatch.setattr(figure_widget, "draw", counting_draw)
    app = make_app()
    async with app.run_test(size=(79, 24)) as pilot:
        player = await _player_at_a_hold(pilot, clock)
        view = player.query_one("#figure", FigureView)
        await pilot.press("space")
        clock.advance(seconds=5)
        player.tick()
        await pilot.pause()
        assert player.run.phase.kind == "hold"
        assert not view.display
        assert view.figure is None and view.t == 0.0, "nothing worked out for a hidden figure"
        assert drawn == []
        steps = player.query_one("#steps-box")
        assert steps.region.width >= 75 - 4, "the steps have the whole width"

        await pilot.resize_terminal(100, 30)  # wider again: the figure comes back, drawn
        await pilot.pause()
        await pilot.pause()
        assert view.display and view.t == 1.0 and drawn


async def test_where_the_steps_would_need_scrolling_the_figure_gives_way(
    make_app, clock, monkeypatch
):
    """At 80×20 this exercise's steps and cautions do not fit beside the figure: the steps
    keep the whole width, and the figure is not drawn."""
    drawn: list[float] = []

    def counting_draw(figure, t=0.0, cols=30, rows=10):
        drawn.append(t)
        return draw(figure, t, cols, rows)

    monkeypatch.setattr(figure_widget, "draw", counting_draw)
    app = make_app()
    async with app.run_test(size=(80, 20)) as pilot:
        player = await _player_at_a_hold(pilot, clock)
        await pilot.pause()
        await pilot.pause()
        drawn.clear()
        view = player.query_one("#figure", FigureView)
        assert not view.display
        assert player.query_one("#steps-box").region.width >= 80 - 4
        await pilot.press("space")
        clock.advance(seconds=5)
        player.tick()
        await pilot.pause()
        assert player.run.phase.kind == "hold" and not view.display and drawn == []
