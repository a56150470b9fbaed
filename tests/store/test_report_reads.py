"""The Markdown report reads every table a closed year at a time (`Repository.each`), so the
archives are never held whole, and says to the byte what it said given every record at once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.formats.md_report import ReportData, report, report_with_chart
from store import Repository
from tests.store.test_archive import END, archived_copy, archived_once, history  # noqa: F401

pytestmark = pytest.mark.slow  # seconds: a long history written and read


def test_the_report_read_a_year_at_a_time_says_the_same_to_the_byte(
    tmp_path,
    catalog,
    archived_copy,  # noqa: F811 (a fixture)
):
    path, clock = archived_copy
    with Repository.read(path, clock=clock) as repo:
        assert repo.archive_years(), "the world this needs: closed years in archives"
        for since in (None, date(2024, 8, 1), END.date() - timedelta(days=20)):
            day_before = since - timedelta(days=1) if since else None
            whole = ReportData(
                profile=repo.profile(),
                plan=repo.active_plan(),
                sessions=repo.sessions(day_before),
                checkins=repo.checkins(since),
                events=repo.stage_events(),
                psfs=repo.psfs(),
                screenings=repo.screenings(),
                clearances=repo.clearances(),
                walks=repo.walks(),
                bouts=repo.bouts(since),
            )
            text, chart = report(repo, catalog, END, since, "r-pain.svg")
            assert (text, chart) == report_with_chart(
                catalog, whole, END, since, chart_link="r-pain.svg"
            )
            assert chart.weeks
            if since is None:  # the bouts, from the archived years too
                assert "Bouts through the day: 6 on 6 days" in text
