"""Outside text on the screen: a note, a clinician's name, a file name never reaches the
terminal raw. Controls show as pictures, bidi and line-separator characters as U+FFFD, and what
is stored stays exactly as it came."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from textual.widgets import Static

from planner.models import PlanSource, Session
from tests.tui.conftest import SMALL, reopen
from tests.tui.flows import first_run
from tests.tui.test_history import detail_text, open_history, table

pytestmark = pytest.mark.slow  # seconds each: Pilot drives the app

#: What must never be drawn: C0 controls but newline, DEL, C1, the bidi and separator characters.
RAW = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
#: Shows as "Felt better today" reversed in part, on two lines, and retitles the terminal.
NOTE = "Felt \u202eyadot\u202c better\u2028then \u2066worse\u2069 \x1b]0;owned\x07"


async def test_a_note_with_bidi_and_a_line_separator_shows_neutralised_in_history(
    make_onboarded_app, data_file, clock
):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        plan = app.plan()
        start = clock() - timedelta(hours=1)
        app.repo.save_session(
            Session(
                plan_id=plan.id,
                stage=plan.stage,
                slot="morning",
                started_at=start,
                ended_at=start + timedelta(minutes=12),
                pain_before=3,
                pain_after=2,
                note=NOTE,
            )
        )
        history = await open_history(pilot)
        cell = table(history).get_row_at(0)[6].plain
        assert cell.startswith("Felt \ufffdyadot\ufffd") and not RAW.search(cell)  # cut to fit
        await pilot.press("enter")
        await pilot.pause()
        shown = detail_text(app.screen)
        assert "Felt \ufffdyadot\ufffd better\ufffdthen \ufffdworse\ufffd ␛]0;owned␇" in shown
        assert not RAW.search(shown.replace("\n", ""))
    with reopen(data_file, clock) as repo:
        assert repo.sessions()[-1].note == NOTE


async def test_a_clinicians_name_and_note_show_neutralised_on_plan_and_in_its_question(
    make_onboarded_app, clock
):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        plan = app.repo.active_plan()
        source = PlanSource(
            imported_at=clock(),
            clinician="Dr \u202eleahciM",
            note="Walk \u202edaily\u2028\x1b[31m",
            doses={p.exercise_id: p.dose for p in plan.prescriptions},
        )
        app.repo.save_plan(replace(plan, id="physio", source=source))
        await pilot.press("3")
        await pilot.pause()
        shown = str(app.screen.query_one("#plan-source", Static).render())
        assert "From your physiotherapist (Dr \ufffdleahciM)" in shown
        assert "Their note: Walk \ufffddaily\ufffd␛[31m" in shown
        assert not RAW.search(shown.replace("\n", ""))
        await pilot.press("r")  # reset: the question names whose plan would go
        await pilot.pause()
        question = str(app.screen.query_one(".dialog-title", Static).render())
        assert "(Dr \ufffdleahciM)" in question and not RAW.search(question.replace("\n", ""))
        await pilot.press("escape")


async def test_a_toast_quoting_a_file_name_shows_it_neutralised(make_app):
    app = make_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        app.notify("Exported to /tmp/report\u202efdp.exe\x1b]0;x\x07", markup=False)
        await pilot.pause()
        [toast] = app.screen.query("Toast")
        shown = str(toast.render())
        assert "report\ufffdfdp.exe␛]0;x␇" in shown and not RAW.search(shown)


async def test_data_shows_the_files_own_name_neutralised(tmp_path, open_app):
    """The data file's path may come from anywhere: REHAB_DATA, a synced folder's name."""
    app = open_app(tmp_path / "from \u202enosaj" / "rehab.json")
    async with app.run_test(size=SMALL) as pilot:
        await first_run(pilot)
        await pilot.press("6")
        await pilot.pause()
        shown = str(app.screen.query_one("#file", Static).render())
        assert "from \ufffdnosaj" in shown and not RAW.search(shown.replace("\n", ""))
