"""A sync tool's conflict copy beside the file: Today says so, and m merges it (Enter: not now)."""

from __future__ import annotations

import shutil

import pytest

from planner.models import CheckIn
from store import Repository
from tests.tui.conftest import SMALL
from tests.tui.flows import text_of
from tui.screens.data import DataScreen, MergeScreen
from tui.screens.modals import ConfirmScreen

COPY = "rehab.sync-conflict-20261206-081500-ABCDEFG.json"


def conflict_copy(app, clock, pain: int):
    """The file as another computer wrote it: this one's, with a check-in of its own."""
    path = app.repo.path
    other = path.parent / "elsewhere" / "rehab.json"
    other.parent.mkdir()
    shutil.copy(path, other)
    with Repository.open(other, clock=clock) as repo:
        repo.record_checkin(CheckIn(at=clock(), pain=pain, note="on the laptop"))
    copy = path.parent / COPY
    shutil.copy(other, copy)
    return copy


@pytest.mark.slow
async def test_today_offers_the_copy_enter_keeps_it_and_y_merges_it(make_demo_app, clock):
    app = make_demo_app()
    async with app.run_test(size=SMALL) as pilot:
        copy = conflict_copy(app, clock, 6)
        app.refresh_views()
        await pilot.pause()
        assert "A copy from another computer is beside your file" in text_of(app.screen, "#copy")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # out of habit: the safe answer, nothing merged
        await pilot.pause()
        assert copy.exists() and not any(c.note == "on the laptop" for c in app.repo.checkins())
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert any(c.note == "on the laptop" for c in app.repo.checkins())
        assert not copy.exists()
        assert list((copy.parent / "backups").glob(f"merged-*{COPY}"))
        assert not app.screen.query_one("#copy").display
        assert not app.screen.check_action("merge_copy", ())


async def test_data_merges_a_file_named_and_suggests_the_copy(make_demo_app, clock):
    app = make_demo_app()
    async with app.run_test(size=SMALL) as pilot:
        copy = conflict_copy(app, clock, 4)
        await pilot.press("6")
        await pilot.pause()
        assert isinstance(app.screen, DataScreen)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MergeScreen)
        assert app.screen.query_one("#merge-path").value == str(copy)
        await pilot.press("enter")
        await pilot.pause()
        assert any(c.note == "on the laptop" for c in app.repo.checkins())
