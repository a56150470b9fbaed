"""The clinician's report: Monday weeks in every weekly table, one date style, and the planner's
reasons told about the person, never to them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from planner import report_words as voice
from planner.gate import Gate
from planner.models import CheckIn, Clearance, Condition, Equipment, Screening, StageEvent
from planner.plan import place, why_not
from planner.progression import History, MoveOnCheck, step_back_check
from planner.safety import RED_FLAGS, SIGNS
from planner.stages import start_programme, step_back
from seeds import load_catalog
from store import Repository
from tests.cli.test_exports import demo_file, export  # noqa: F401 (a fixture)
from tests.conftest import NOW, FakeClock, make_profile

WEEKLY_TABLES = ("Pain trend", "Adherence", "Walking")
SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself)\b", re.I)
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
#: Anything that reads as a date, in any style.
ANY_DATE = re.compile(
    rf"\d{{4}}-\d{{2}}-\d{{2}}|\b\d{{1,2}} (?:{MONTHS})\b|\b(?:{MONTHS}) \d{{1,2}}\b"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
)


def section(report: str, title: str) -> str:
    return report.split(f"## {title}\n")[1].split("\n## ")[0]


def first_cells(body: str) -> list[str]:
    """The first cell of every row of the section's table, header and rule left out."""
    rows = [line for line in body.splitlines() if line.startswith("| ")]
    return [row.split(" | ")[0].removeprefix("| ") for row in rows[1:]]


def without_user_text(report: str) -> str:
    """The report less what the person typed (quoted notes, typed reasons) and the catalog's
    exercise names ("Bow, lying on your front" is a name, not a sentence)."""
    kept = [line for line in report.splitlines() if not line.startswith(">")]
    text = "\n".join(re.sub(r"\*\*typed reason:\*\*[^|]*", "", line) for line in kept)
    for ex in load_catalog().exercises.values():
        text = text.replace(ex.name, "")
    return text


def test_the_demo_walks_in_weeks_that_do_not_start_on_monday(demo_file):  # noqa: F811
    """The world the next test needs: walking began on another weekday."""
    with Repository.read(demo_file, clock=FakeClock()) as repo:
        assert repo.profile().walk_since.weekday() != 0


def test_every_weekly_table_starts_its_weeks_on_monday(demo_file):  # noqa: F811
    report = export(demo_file, "md")
    for title in WEEKLY_TABLES:
        weeks = first_cells(section(report, title))
        assert len(weeks) >= 4, title
        for cell in weeks:
            assert re.fullmatch(r"Mon \d{4}-\d{2}-\d{2}", cell), (title, cell)
            assert date.fromisoformat(cell[4:]).weekday() == 0
    # The three tables name the same weeks where they overlap.
    pain, adherence, walking = (set(first_cells(section(report, t))) for t in WEEKLY_TABLES)
    assert walking <= pain and adherence <= pain


def test_the_walking_table_counts_each_monday_week_walks(demo_file):  # noqa: F811
    with Repository.read(demo_file, clock=FakeClock()) as repo:
        walks = repo.walks()
    expected: dict[str, list[int]] = {}
    for w in walks:
        week = voice.day(voice.monday(w.at.date()))
        count, minutes = expected.setdefault(week, [0, 0])
        expected[week] = [count + 1, minutes + w.minutes]
    rows = [
        line.split(" | ")
        for line in section(export(demo_file, "md"), "Walking").splitlines()
        if line.startswith("| Mon ")
    ]
    assert rows
    for row in rows:
        week = row[0].removeprefix("| ")
        assert [int(row[1]), int(row[2])] == expected.get(week, [0, 0]), week


def rich_world(path) -> None:
    """A demo file with every kind of stage event the planner writes, an alarm a doctor ended,
    a sign open now, and three days of severe pain."""
    catalog = load_catalog()
    clock = FakeClock()
    profile = make_profile()
    history = History.of(
        [],
        [CheckIn(at=NOW - timedelta(days=2), pain=8)],
        [StageEvent(at=NOW - timedelta(days=10), to_stage=2, kind="start")],
    )
    high = step_back_check(catalog, 2, history, NOW, NOW - timedelta(days=10))
    assert high is not None
    reasons = [
        place(6, NOW.date() - timedelta(days=30), NOW.date(), catalog).reason,
        place(4, NOW.date() - timedelta(days=3), NOW.date(), catalog).reason,
        place(4, NOW.date() - timedelta(days=20), NOW.date(), catalog, leg=True).reason,
        place(2, NOW.date() - timedelta(days=90), NOW.date(), catalog).reason,
        MoveOnCheck(1, 2, ()).reason(),
        high.reason,
    ]
    events = [
        StageEvent(at=NOW - timedelta(hours=i + 1), to_stage=1, kind="start", reason=r)
        for i, r in enumerate(reasons)
    ]
    events.append(start_programme(catalog, profile, 3, NOW - timedelta(days=8), "felt ok", 2).event)
    plan = start_programme(catalog, profile, 2, NOW, "x", 2).plan
    events.append(step_back(catalog, profile, plan, NOW - timedelta(days=7)).event)
    answers = {f.id: False for f in RED_FLAGS}
    with Repository.open(path, clock=clock) as repo:
        repo.save(
            *events,
            Screening(
                at=NOW - timedelta(days=5),
                answers={**answers, "saddle-numbness": True},
                result="emergency",
                context="weekly",
            ),
            Screening(
                at=NOW - timedelta(days=4),
                answers=answers,
                result="clear",
                context="weekly",
                after_emergency="seen-doctor",
                seen_on=date(2026, 11, 17),
            ),
            *(CheckIn(at=NOW - timedelta(days=d, hours=2), pain=9) for d in range(3)),
            Screening(
                at=NOW - timedelta(hours=1),
                answers={**answers, "night-pain": True},
                result="see-doctor",
                context="weekly",
            ),
        )


def test_the_report_writes_every_date_one_way(demo_file):  # noqa: F811
    rich_world(demo_file)
    report = export(demo_file, "md")
    text = without_user_text(report)
    styled = re.findall(voice.DATE_PATTERN, text)
    assert len(styled) > 50
    # Once the dates in the report's style are taken out, nothing else reads as a date.
    assert ANY_DATE.findall(re.sub(voice.DATE_PATTERN, "", text)) == []
    # And each is the right weekday for its date.
    for found in styled:
        name, iso = found.split()
        assert voice.day(date.fromisoformat(iso)) == found


def test_the_reports_reasons_speak_of_the_person_not_to_them(demo_file):  # noqa: F811
    rich_world(demo_file)
    report = export(demo_file, "md")
    # The reasons were there to be reworded, and were.
    for said in (
        "Pain 6/10 at start (5 or more): started gently in",
        "Pain (worse of back and leg) 4/10 at start (3–4)",
        "All move-on criteria met.",
        "stepped back to stage 1.",
        "Check-in 8/10 on Thu 2026-11-19",
        "Chosen by the person.",
        "Stage 3 chosen over the recommended 2; the person's reason: felt ok",
        "Sessions stopped: A warning sign is open: sessions wait until a doctor has seen",
        "pain at night not eased by rest",
        "seen by a doctor on Tue 2026-11-17",
        "Advised to see a doctor: pain 8/10 or more on 3 days running",
        "For the clinician's attention:",
    ):
        assert said in report, said
    found = SECOND_PERSON.findall(without_user_text(report))
    assert found == [], [line for line in report.splitlines() if SECOND_PERSON.search(line)]


@pytest.mark.parametrize(
    "why", ["emergency", "see-doctor", "no-screen", "no-plan", "surgery", "paused", "rescreen-due"]
)
def test_every_closed_gate_is_worded_for_the_clinician(why):
    words = voice.gate(Gate(False, why, "Your words for the person."), NOW)
    assert words and not SECOND_PERSON.search(words)


def test_every_sign_aim_and_left_out_reason_is_worded_for_the_clinician():
    catalog = load_catalog()
    for key in SIGNS:
        assert not SECOND_PERSON.search(voice.sign(key)), key
    seen = Clearance(at=NOW, sign="cancer", seen_on=date(2026, 11, 14), note="Dr A")
    assert voice.cleared([seen]) == [
        "Checked by a doctor on Sat 2026-11-14: a history of cancer (Dr A)"
    ]
    for stage in catalog.stages.values():
        assert not SECOND_PERSON.search(voice.aim(stage.aim)), stage.number
    everyone = [
        make_profile(
            equipment=[Equipment.NONE],
            conditions=[Condition.SCIATICA],
            stenosis=True,
            pregnant=True,
            osteoporosis=True,
        ),
        make_profile(pregnant=True),
    ]
    reasons = {why_not(ex, p) for ex in catalog.exercises.values() for p in everyone} - {None}
    assert len(reasons) >= 4
    for reason in reasons:
        assert not SECOND_PERSON.search(voice.left_out(reason)), reason
