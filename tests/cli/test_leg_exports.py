"""`rehab status`, the Markdown report and the CSV carry back and leg pain apart, and the
reach (issue 16, part 1)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta

from planner.models import CheckIn, Condition, ExerciseEntry
from store import Repository
from tests.cli.test_exports import cli, export, fresh_file
from tests.conftest import NOW, FakeClock
from tests.unit.worlds import session


def leg_file(tmp_path):
    path = fresh_file(tmp_path / "leg" / "rehab.json")
    clock = FakeClock()
    yesterday = NOW.date() - timedelta(days=1)
    centralised = replace(
        session(yesterday, before=3, after=2),
        leg_before=6,
        leg_after=3,
        reach_before="thigh",
        reach_after="buttock",
    )
    entry = replace(centralised.entries[0], stopped_hurt=True, spread_down=True)
    spread = replace(
        session(NOW.date(), before=2, after=3),
        leg_before=3,
        leg_after=5,
        reach_before="buttock",
        reach_after="below-knee",
        entries=[entry],
    )
    with Repository.open(path, clock=clock) as repo:
        profile = repo.profile()
        repo.save(
            replace(profile, conditions=[Condition.SCIATICA], leg_symptoms=True),
            CheckIn(at=NOW - timedelta(days=1, hours=3), pain=3, leg_pain=6, reach="thigh"),
            CheckIn(at=NOW - timedelta(hours=3), pain=2, leg_pain=4, reach="buttock"),
            centralised,
            spread,
        )
    assert isinstance(entry, ExerciseEntry)
    return path


def test_status_shows_back_and_leg_and_the_reach(tmp_path):
    path = leg_file(tmp_path)
    code, out, err = cli("status", "--data", str(path))
    assert code == 0, err
    assert "back 3→2, leg 6→3 (the thigh → the buttock)" in out
    assert "back 2→3, leg 3→5 (the buttock → below the knee)" in out
    assert "FLARE: pain rose 3→5" in out  # the worse of the two: the leg
    assert "\n  leg  " in out and "(latest: the buttock)" in out
    assert "leg average this week 5.0" in out


def test_the_report_has_the_leg_columns_and_the_furthest_reach(tmp_path):
    report = export(leg_file(tmp_path), "md")
    section = report.split("## Pain trend")[1].split("## ")[0]
    assert "| Leg check-in mean | Furthest down the leg |" in section
    assert "below the knee" in section  # the furthest this week


def test_the_csv_carries_leg_pain_reach_and_a_stop_for_spreading(tmp_path):
    rows = list(csv.DictReader(io.StringIO(export(leg_file(tmp_path), "csv"), newline="")))
    first, second = rows
    assert (first["leg_before"], first["leg_after"]) == ("6", "3")
    assert (first["reach_before"], first["reach_after"]) == ("thigh", "buttock")
    assert first["flare"] == "no" and second["flare"] == "yes"
    assert second["stopped_because_it_spread"] == "yes"
    assert second["reach_after"] == "below-knee"


def test_without_leg_symptoms_nothing_changes(tmp_path):
    path = fresh_file(tmp_path / "plain" / "rehab.json")
    with Repository.open(path, clock=FakeClock()) as repo:
        repo.save(CheckIn(at=NOW - timedelta(hours=2), pain=3))
    code, out, _ = cli("status", "--data", str(path))
    assert code == 0 and "leg" not in out.lower()
    report = export(path, "md")
    assert "Leg check-in mean" not in report


def test_a_reach_that_did_not_move_is_said_once():
    from planner.models import Rating
    from planner.report import pain_change

    assert pain_change(Rating(3, 6, "thigh"), Rating(2, 3, "thigh")) == (
        "back 3→2, leg 6→3 (to the thigh)"
    )
    assert pain_change(Rating(1, 0, "none"), Rating(1, 0, "none")) == (
        "back 1→1, leg 0→0 (not down the leg)"
    )
    assert pain_change(Rating(3, 6, "thigh"), None) == "back 3→?, leg 6→?"
