"""`rehab export` (csv, json, md, ics) and `rehab import`: faithful, private, one line per error."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from planner.formats.csv_table import CSV_COLUMNS
from planner.formats.md_report import SECTIONS, md_cell
from planner.models import CheckIn, PsfsItem, PsfsRating, Screening, StageEvent
from planner.plan import build_plan
from planner.report_words import day
from planner.safety import RED_FLAGS
from rehab.cli import run
from rehab.commands import CommandError, write_demo
from store import Repository
from store.storage import parse_tables
from tests.conftest import NOW, FakeClock, make_profile

TRICKY = 'Hurt, "a lot", then eased;\nsecond line, [red]not markup[/red]\n\n# not a heading'
BREAKER = "| # [x](y) <b>bold</b> `code` *star* | end"


def cli(*argv: str, clock=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), clock=clock or FakeClock(), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("rehab: ") and "Traceback" not in err


def mode(path) -> str:
    return oct(path.stat().st_mode & 0o777)


@pytest.fixture
def demo_file(tmp_path):
    path = tmp_path / "demo" / "rehab.json"
    write_demo(path, 42, 7, FakeClock())
    return path


def with_a_session_note(path, note: str):
    """The file at `path` with one morning session today, its note `note`."""
    from planner.models import Session

    with Repository.open(path, clock=FakeClock()) as repo:
        plan = repo.active_plan()
        repo.save(
            Session(
                plan_id=plan.id,
                stage=1,
                slot="morning",
                started_at=NOW,
                pain_before=3,
                pain_after=2,
                note=note,
            )
        )
    return path


def fresh_file(path, *, slots=("morning", "evening")):
    """What the first run leaves behind: a profile, a clear screen, a plan, the start event."""
    clock = FakeClock()
    from seeds import load_catalog

    profile = make_profile(slots=list(slots))
    plan = build_plan(load_catalog(), profile, 1, clock())
    with Repository.open(path, clock=clock) as repo:
        repo.save(
            profile,
            plan,
            Screening(at=clock(), answers={f.id: False for f in RED_FLAGS}, result="clear"),
            StageEvent(at=clock(), to_stage=1, kind="start", reason="Pain 6/10: Calm."),
        )
    return path


def export(path, fmt, *extra, clock=None) -> str:
    code, out, err = cli("export", "--format", fmt, "--data", str(path), *extra, clock=clock)
    assert code == 0, err
    return out


# ---------------------------------------------------------------------------------------------
# JSON and import


def test_json_export_imports_into_a_new_file_and_exports_byte_identical(demo_file, tmp_path):
    first = tmp_path / "out" / "a.json"
    first.parent.mkdir()
    code, out, err = cli(
        "export", "--format", "json", "--out", str(first), "--data", str(demo_file)
    )
    assert code == 0, err
    assert str(first) in out
    assert first.read_text() == export(demo_file, "json")  # the file is what stdout shows
    assert export(demo_file, "json") == export(demo_file, "json")  # deterministic

    target = tmp_path / "new-home" / "rehab.json"
    code, out, err = cli("import", str(first), "--data", str(target))
    assert code == 0, err
    assert mode(target) == "0o600" and mode(target.parent) == "0o700"
    sessions = len(json.loads(first.read_text())["sessions"])
    assert f"{sessions} sessions" in out and "check-ins" in out

    second = tmp_path / "out" / "b.json"
    assert cli("export", "--format", "json", "--out", str(second), "--data", str(target))[0] == 0
    assert second.read_bytes() == first.read_bytes()


def test_json_export_is_the_whole_file_meta_first_keys_sorted(demo_file):
    data = json.loads(export(demo_file, "json"))
    assert list(data)[0] == "meta" and data["meta"]["meta"]["schema_version"] >= 1
    assert list(data)[1:] == sorted(list(data)[1:])
    stored = json.loads(demo_file.read_text())
    assert {k: set(v) for k, v in data.items() if v} == {k: set(v) for k, v in stored.items()}
    session = next(iter(data["sessions"].values()))
    assert list(session) == sorted(session)
    starts = [s["started_at"] for s in data["sessions"].values()]
    assert starts == sorted(starts)  # documents in time order


def test_json_export_written_a_document_at_a_time_is_the_whole_file_dumped(demo_file):
    """The export reads and writes one document at a time (store.export_stream.pieces): its text is
    json.dumps of the whole file built at once, to the byte, odd text and numbers included."""
    from planner.formats.json_file import _indented
    from planner.text import u_escaped
    from seeds import load_catalog
    from store.export_stream import pieces
    from store.schema import ORDER_FIELDS

    with_a_session_note(demo_file, TRICKY + " café \u202e \x7f \u0085 \\ \t end")
    with Repository.read(demo_file, clock=FakeClock()) as repo:
        streamed = "".join(pieces("json", repo, load_catalog(), NOW, None))
        tables = repo.documents()

    def in_order(name):
        table, field = tables[name], ORDER_FIELDS.get(name)
        ids = list(table)  # a stable sort: equal times keep the file's order
        if field is not None:
            ids = sorted(ids, key=lambda i: str(table[i].get(field, "")))
        return {i: sort_keys(table[i]) for i in ids}

    def sort_keys(value):
        if isinstance(value, dict):
            return {k: sort_keys(value[k]) for k in sorted(value)}
        return [sort_keys(v) for v in value] if isinstance(value, list) else value

    whole = {name: in_order(name) for name in sorted(tables, key=lambda n: (n != "meta", n))}
    assert streamed == u_escaped(json.dumps(whole, indent=2, ensure_ascii=False) + "\n")
    assert "café" in streamed and "\\u202e" in streamed  # a bidi control, escaped
    odd = {"a": [1.5, 1e16, -0.0, [], {}, [[]], None, True], "b": {"c": {"d": '\u00e9\n"'}}}
    assert _indented(odd, "\n") == json.dumps(odd, indent=2, ensure_ascii=False)
    assert _indented({1: "x", "y": {}}, "\n") == json.dumps({1: "x", "y": {}}, indent=2)


def test_the_report_reads_the_sessions_once_as_they_come_and_says_the_same(demo_file):
    """The report gathers what it needs of the sessions in one pass (thirty years of them are
    never held): handed them one at a time, oldest first, it says what it says given them all
    in any order, for all history and from a day on."""
    import random

    from planner.formats.md_report import ReportData, markdown_report
    from seeds import load_catalog

    catalog = load_catalog()
    with Repository.read(demo_file, clock=FakeClock()) as repo:
        for since in (None, NOW.date() - timedelta(days=9)):
            day_before = since - timedelta(days=1) if since else None
            shuffled = list(repo.sessions(day_before))
            random.Random(7).shuffle(shuffled)
            records = {
                "profile": repo.profile(),
                "plan": repo.active_plan(),
                "checkins": repo.checkins(since),
                "events": repo.stage_events(),
                "psfs": repo.psfs(),
                "screenings": repo.screenings(),
                "walks": repo.walks(),
                "bouts": repo.bouts(since),
            }
            streamed = ReportData(sessions=repo.each("sessions", day_before), **records)
            whole = ReportData(sessions=shuffled, **records)
            report = markdown_report(catalog, streamed, NOW, since)
            assert report == markdown_report(catalog, whole, NOW, since)
            if since is None:  # flares and notes to gather
                assert "| session (" in report and "notes, newest first" in report


def test_import_over_an_existing_file_backs_it_up_first(demo_file, tmp_path):
    exported = tmp_path / "export.json"
    assert (
        cli("export", "--format", "json", "--out", str(exported), "--data", str(demo_file))[0] == 0
    )
    other = fresh_file(tmp_path / "other" / "rehab.json")
    before = other.read_bytes()
    code, out, err = cli("import", str(exported), "--data", str(other))
    assert code == 0, err
    assert "kept as" in out
    backups = list((other.parent / "backups").iterdir())
    assert any(b.read_bytes() == before for b in backups)
    # Everything imported, and the safety check the replaced file held that the export lacks:
    # safety records are never rolled back, and the line says so.
    assert "Kept 1 newer safety check the file coming in did not have" in out
    ours = parse_tables(before)["screenings"]  # as rehab reads it: no checksums
    expected = json.loads(exported.read_text())
    expected["screenings"] |= ours
    got = json.loads(export(other, "json"))
    assert got["screenings"] == expected["screenings"]
    assert {k: v for k, v in got.items() if k not in ("meta", "screenings")} == {
        k: v for k, v in expected.items() if k not in ("meta", "screenings")
    }


def test_import_into_a_new_file_is_the_export_to_the_byte(demo_file, tmp_path):
    exported = tmp_path / "export.json"
    cli("export", "--format", "json", "--out", str(exported), "--data", str(demo_file))
    new = tmp_path / "new" / "rehab.json"
    code, out, err = cli("import", str(exported), "--data", str(new))
    assert code == 0, err
    assert "safety check" not in out
    assert export(new, "json") == exported.read_text()


def _truncated(text: str) -> str:
    return text[: len(text) // 2]


def _newer(text: str) -> str:
    data = json.loads(text)
    data["meta"]["meta"]["schema_version"] = 99
    return json.dumps(data)


def _pain_42(text: str) -> str:
    data = json.loads(text)
    next(iter(data["sessions"].values()))["pain_before"] = 42
    return json.dumps(data)


def _unknown_field(text: str) -> str:
    data = json.loads(text)
    next(iter(data["checkins"].values()))["mood"] = "grumpy"
    return json.dumps(data)


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        (_truncated, "not valid JSON"),
        (_newer, "newer rehab"),
        (_pain_42, "pain_before"),
        (_unknown_field, "mood"),
        (lambda text: "{}", "no data"),
        (lambda text: "[1, 2]", "not a rehab JSON export"),
    ],
)
def test_a_bad_import_is_refused_in_one_line_and_changes_nothing(demo_file, tmp_path, spoil, says):
    bad = tmp_path / "bad.json"
    bad.write_text(spoil(export(demo_file, "json")))
    before = demo_file.read_bytes()
    listing = sorted(os.listdir(demo_file.parent))
    code, out, err = cli("import", str(bad), "--data", str(demo_file))
    assert code == 1 and out == ""
    assert one_line(err), err
    assert says in err and str(bad) in err and "Nothing was changed" in err
    assert demo_file.read_bytes() == before
    assert sorted(os.listdir(demo_file.parent)) == listing  # no temp files, no backups


def test_import_of_a_missing_file_or_a_folder_is_one_line(tmp_path):
    data = tmp_path / "rehab.json"
    code, _, err = cli("import", str(tmp_path / "nope.json"), "--data", str(data))
    assert code == 1 and one_line(err) and "does not exist" in err
    code, _, err = cli("import", str(tmp_path), "--data", str(data))
    assert code == 1 and one_line(err) and "folder" in err
    assert not data.exists()


def test_import_while_the_planner_is_open_is_refused(demo_file, tmp_path):
    exported = tmp_path / "e.json"
    assert (
        cli("export", "--format", "json", "--out", str(exported), "--data", str(demo_file))[0] == 0
    )
    before = demo_file.read_bytes()
    with Repository.open(demo_file, clock=FakeClock()):
        code, _, err = cli("import", str(exported), "--data", str(demo_file))
    assert code == 1 and one_line(err) and "open in another" in err
    assert demo_file.read_bytes() == before


# ---------------------------------------------------------------------------------------------
# CSV


def _add_tricky_note(path):
    clock = FakeClock()
    with Repository.open(path, clock=clock) as repo:
        session = repo.sessions()[-1]
        repo.save(replace(session, note=TRICKY))
        return session.id


def test_csv_has_one_row_per_entry_and_notes_survive_intact(demo_file):
    session_id = _add_tricky_note(demo_file)
    every = list(csv.DictReader(io.StringIO(export(demo_file, "csv"), newline="")))
    with Repository.open(demo_file, clock=FakeClock(), readonly=True) as repo:
        sessions, walks, bouts = repo.sessions(), repo.walks(), repo.bouts()
    rows = [r for r in every if r["slot"] not in ("walk", "bout")]
    assert len(rows) == sum(max(1, len(s.entries)) for s in sessions)
    # Then a row per walk (issue 16, part 2) and per bout (part 4), oldest first.
    walked = [r for r in every if r["slot"] == "walk"]
    assert walks and [int(r["walk_minutes"]) for r in walked] == [w.minutes for w in walks]
    assert [r["date"] for r in walked] == [w.at.date().isoformat() for w in walks]
    assert len([r for r in every if r["slot"] == "bout"]) == len(bouts)
    assert tuple(rows[0]) == CSV_COLUMNS
    by_session = {}
    for row in rows:
        by_session.setdefault(row["session_id"], []).append(row)
    for s in sessions:
        got = by_session[s.id]
        assert [r["exercise_id"] for r in got] == [e.exercise_id for e in s.entries]
        for r, e in zip(got, s.entries, strict=True):
            assert r["date"] == s.started_at.date().isoformat()
            assert r["slot"] == s.slot and r["stage"] == str(s.stage)
            assert r["sets_done"] == str(e.sets_done) and r["reps_done"] == str(e.reps_done)
            assert r["skipped"] == ("yes" if e.skipped else "no")
            assert r["stopped_because_it_hurt"] == ("yes" if e.stopped_hurt else "no")
            assert r["pain_before"] == str(s.pain_before)
            assert r["pain_after"] == ("" if s.pain_after is None else str(s.pain_after))
            assert r["flare"] in ("yes", "no") and (r["flare"] == "yes") == bool(r["flare_reason"])
    assert {r["session_note"] for r in by_session[session_id]} == {TRICKY}
    assert any(r["flare"] == "yes" for r in rows)  # the demo has flares, with reasons
    assert any(r["stopped_because_it_hurt"] == "yes" or r["skipped"] == "yes" for r in rows)


def test_csv_since_keeps_only_sessions_from_that_day(demo_file):
    since = (NOW - timedelta(days=7)).date()
    rows = list(
        csv.DictReader(
            io.StringIO(export(demo_file, "csv", "--since", since.isoformat()), newline="")
        )
    )
    assert rows and all(r["date"] >= since.isoformat() for r in rows)
    everything = list(csv.DictReader(io.StringIO(export(demo_file, "csv"), newline="")))
    assert len(rows) < len(everything)


def test_csv_of_a_file_without_sessions_is_just_the_header(tmp_path):
    path = fresh_file(tmp_path / "rehab.json")
    assert export(path, "csv") == ",".join(CSV_COLUMNS) + "\r\n"


# ---------------------------------------------------------------------------------------------
# iCalendar


def read_ics(text: str):
    """The calendar read back by the library that wrote it; RFC 5545's line ends and folding."""
    import icalendar

    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    return icalendar.Calendar.from_ical(text)


def test_calendar_holds_28_days_of_sessions_per_slot(demo_file):
    text = export(demo_file, "ics", "--tz", "Europe/Berlin")
    calendar = read_ics(text)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    every = calendar.walk("VEVENT")
    walks = [e for e in every if "-walk-" in str(e["UID"])]
    events = [e for e in every if e not in walks]
    assert len(events) == 28 * 2  # the demo person has morning and evening slots
    # and a walk at the programme's current length on five days a week: the days this week
    # still needs, then five in each later week (planner.walking.walk_days, tested there)
    walk_days = sorted(walk.decoded("DTSTART").date() for walk in walks)
    assert len(set(walk_days)) == len(walk_days) and 5 * 3 <= len(walks) <= 5 * 3 + 7
    first = min(e.decoded("DTSTART").date() for e in events)  # today
    for n in range(7, 22):  # any seven days after this programme week hold five walks
        window = first + timedelta(days=n)
        assert len([d for d in walk_days if window <= d < window + timedelta(days=7)]) == 5
    for walk in walks:
        minutes = int(re.fullmatch(r"rehab: walk (\d+) min", str(walk["SUMMARY"])).group(1))
        assert walk.decoded("DURATION") == timedelta(minutes=minutes)
        assert walk.decoded("DTSTART").time() == time(12, 30)
        assert [c.name for c in walk.subcomponents] == ["VALARM"]
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    days = set()
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "DURATION", "SUMMARY", "DESCRIPTION"):
            assert required in event, required
        assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
        start = event.decoded("DTSTART")
        assert start.time() in (time(8, 0), time(18, 0))
        assert str(start.tzinfo) == "Europe/Berlin"
        days.add(start.date())
        summary = str(event["SUMMARY"])
        assert re.fullmatch(r"rehab: (morning|evening) session, stage [1-4] \w+", summary)
        assert "\\," in text  # the comma is escaped on the wire
        assert str(event["DESCRIPTION"]).count("\n- ") >= 3  # the exercises, one per line
        assert [c.name for c in event.subcomponents] == ["VALARM"]
    assert days == {NOW.date() + timedelta(days=i) for i in range(28)}
    assert any(line.startswith(" ") for line in text.split("\r\n"))  # long lines were folded
    assert text == export(demo_file, "ics", "--tz", "Europe/Berlin")  # stable: same UIDs


def test_calendar_keeps_eight_oclock_across_a_change_of_summer_time(tmp_path):
    path = fresh_file(tmp_path / "rehab.json", slots=("morning",))
    spring = FakeClock(datetime(2027, 3, 20, 7, 0))  # Berlin goes to summer time on 28 March
    calendar = read_ics(export(path, "ics", "--tz", "Europe/Berlin", clock=spring))
    starts = [e.decoded("DTSTART") for e in calendar.walk("VEVENT")]
    assert {s.time() for s in starts} == {time(8, 0)}
    assert {s.utcoffset() for s in starts} == {timedelta(hours=1), timedelta(hours=2)}
    assert min(s.astimezone(UTC).hour for s in starts) == 6  # 08:00 CEST is 06:00 UTC
    (zone,) = calendar.walk("VTIMEZONE")
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_calendar_without_a_known_zone_has_floating_times(tmp_path, monkeypatch):
    monkeypatch.setattr("store.zone.local_zone", lambda *a, **k: None)
    path = fresh_file(tmp_path / "rehab.json", slots=("evening",))
    calendar = read_ics(export(path, "ics"))
    events = calendar.walk("VEVENT")
    assert len(events) == 28 and not calendar.walk("VTIMEZONE")
    assert events[0].decoded("DTSTART") == datetime.combine(NOW.date(), time(18, 0))
    assert str(events[0]["SUMMARY"]) == "rehab: evening session, stage 1 Calm"


def test_calendar_text_with_every_kind_of_character_reads_back_intact(tmp_path):
    path = fresh_file(tmp_path / "rehab.json", slots=("evening",))
    with Repository.open(path, clock=FakeClock()) as repo:
        plan = repo.active_plan()
    from planner.formats.ics_calendar import icalendar as write_calendar
    from seeds import load_catalog

    version = 'v1; "odd", \\ back\nslash ' + "é🦴" * 30
    text = write_calendar(load_catalog(), make_profile(), plan, NOW.date(), NOW, "k", version)
    assert version.replace("\n", "") in str(read_ics(text)["PRODID"]).replace("\n", "")


def test_calendar_of_a_paused_plan_or_no_plan_is_refused(tmp_path):
    path = fresh_file(tmp_path / "rehab.json")
    with Repository.open(path, clock=FakeClock()) as repo:
        plan = repo.active_plan()
        repo.save(replace(plan, status="paused", pause_reason="red flag"))
    code, out, err = cli("export", "--format", "ics", "--data", str(path))
    assert code == 1 and out == "" and one_line(err) and "paused" in err
    empty = tmp_path / "empty.json"
    with Repository.open(empty, clock=FakeClock()) as repo:
        repo.save(CheckIn(at=NOW, pain=3))
    code, _, err = cli("export", "--format", "ics", "--data", str(empty))
    assert code == 1 and one_line(err) and "no plan" in err


# ---------------------------------------------------------------------------------------------
# Markdown


def _headings(report: str) -> list[str]:
    """Lines starting with `#` outside fenced code (a fence closes only with one as long)."""
    fence, found = "", []
    for line in report.splitlines():
        ticks = re.match(r"(`{3,})(.*)", line)
        if not fence:
            if ticks:
                fence = ticks.group(1)
            elif line.startswith("#"):
                found.append(line)
        elif ticks and len(ticks.group(1)) >= len(fence) and not ticks.group(2).strip():
            fence = ""
    return found


def _expected_headings() -> list[str]:
    return [f"# Rehab report — {day(NOW.date())}"] + [f"## {s}" for s in SECTIONS]


def test_report_has_every_section_on_a_demo_file(demo_file):
    report = export(demo_file, "md")
    assert _headings(report) == _expected_headings()
    assert "not a diagnosis" in report.splitlines()[2]
    assert "lumbar disc herniation" in report
    for section in ("Stage timeline", "Pain trend", "PSFS trend", "Adherence", "Flares"):
        body = report.split(f"## {section}\n")[1].split("\n## ")[0]
        assert "None yet." not in body and "| --- |" not in body and "|---|" in body, section


@pytest.mark.parametrize("days", [None, 1])
def test_report_has_every_section_on_a_fresh_file(tmp_path, days):
    path = tmp_path / "rehab.json"
    if days is None:
        fresh_file(path)
    else:
        write_demo(path, days, 7, FakeClock())
    report = export(path, "md")
    assert _headings(report) == _expected_headings()
    assert "None yet." in report


def test_report_on_a_file_with_no_profile_still_has_every_section(tmp_path):
    path = tmp_path / "rehab.json"
    with Repository.open(path, clock=FakeClock()) as repo:
        repo.save(CheckIn(at=NOW, pain=3, note="first"))
    report = export(path, "md")
    assert _headings(report) == _expected_headings()
    assert report.split("## Profile\n\n")[1].startswith("None yet.")


def test_user_text_cannot_break_the_report(demo_file):
    clock = FakeClock()
    with Repository.open(demo_file, clock=clock) as repo:
        session = repo.sessions()[-1]
        repo.save(
            replace(session, note=BREAKER + "\n```\n# heading?\n````"),
            CheckIn(at=NOW - timedelta(hours=1), pain=3, note="## " + BREAKER),
            StageEvent(
                at=NOW - timedelta(minutes=30),
                from_stage=2,
                to_stage=3,
                kind="override",
                reason=BREAKER,
            ),
            PsfsRating(
                at=NOW - timedelta(minutes=20),
                items=[
                    PsfsItem(activity=BREAKER, score=4),
                    PsfsItem(activity="Socks", score=5),
                    PsfsItem(activity="Stairs\nand | more", score=6),
                ],
            ),
        )
    report = export(demo_file, "md")
    assert _headings(report) == _expected_headings()
    # Every table row has as many cells as its header: no stray `|` got through.
    for block in re.findall(r"(?:^\|.*\n)+", report, flags=re.M):
        rows = block.splitlines()
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, block
    overrides = report.split("## Overrides\n")[1].split("\n## ")[0]
    assert md_cell(BREAKER) in overrides and "None yet." not in overrides
    assert "**OVERRIDE**" in report and "**typed reason:**" in report
    # The notes are quoted line by line as typed, with nothing Markdown could act on.
    assert "> " + md_cell(BREAKER) + "\n> \\`\\`\\`\n> \\# heading?\n> \\`\\`\\`\\`" in report
    assert "> \\#\\# " + md_cell(BREAKER) in report
    assert "```" not in report

    markdown_it = pytest.importorskip("markdown_it")
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(report)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [h.lstrip("# ") for h in _expected_headings()]
    inline = [c for t in tokens if t.type == "inline" for c in (t.children or [])]
    assert not [c for c in inline if c.type in ("link_open", "html_inline", "image")]
    assert not [t for t in tokens if t.type == "html_block"]
    for table_start in (i for i, t in enumerate(tokens) if t.type == "table_open"):
        cells: list[int] = []
        for t in tokens[table_start:]:
            if t.type == "tr_open":
                cells.append(0)
            elif t.type in ("th_open", "td_open"):
                cells[-1] += 1
            elif t.type == "table_close":
                break
        assert len(set(cells)) == 1


def test_report_since_limits_the_history_shown(demo_file):
    since = (NOW - timedelta(days=10)).date()
    report = export(demo_file, "md", "--since", since.isoformat())
    assert f"from {day(since)}" in report
    assert _headings(report) == _expected_headings()
    timeline = report.split("## Pain trend\n")[1].split("\n## ")[0]
    weeks = re.findall(r"^\| Mon (\d{4}-\d{2}-\d{2}) \|", timeline, flags=re.M)
    assert weeks and min(weeks) >= (since - timedelta(days=6)).isoformat()


def test_report_since_keeps_a_24_hour_flare_on_its_first_day(demo_file):
    rows = re.findall(
        r"^\| \w{3} (\d{4}-\d{2}-\d{2}) \| 24-hour \|.*$", export(demo_file, "md"), flags=re.M
    )
    assert rows, "the demo history has 24-hour flares"
    report = export(demo_file, "md", "--since", rows[-1])
    flares = report.split("## Flares\n")[1].split("\n## ")[0]
    assert f"| {day(date.fromisoformat(rows[-1]))} | 24-hour |" in flares


# ---------------------------------------------------------------------------------------------
# Files, read-only use and errors


@pytest.mark.parametrize("fmt", ["csv", "json", "md", "ics", "fhir"])
def test_exported_files_are_private(demo_file, tmp_path, fmt):
    target = tmp_path / f"export.{fmt}"
    target.write_text("old")
    target.chmod(0o644)
    code, _, err = cli("export", "--format", fmt, "--out", str(target), "--data", str(demo_file))
    assert code == 0, err
    assert mode(target) == "0o600"
    assert target.read_text() != "old"


def test_export_works_while_the_planner_holds_the_lock(demo_file):
    with Repository.open(demo_file, clock=FakeClock()):
        for fmt in ("csv", "json", "md", "ics"):
            assert cli("export", "--format", fmt, "--data", str(demo_file))[0] == 0


def test_out_into_a_missing_folder_or_onto_a_folder_is_one_line(demo_file, tmp_path):
    missing = tmp_path / "no-such-dir" / "x.md"
    code, out, err = cli(
        "export", "--format", "md", "--out", str(missing), "--data", str(demo_file)
    )
    assert code == 1 and out == "" and one_line(err) and "does not exist" in err
    assert not missing.parent.exists()
    code, out, err = cli(
        "export", "--format", "md", "--out", str(tmp_path), "--data", str(demo_file)
    )
    assert code == 1 and one_line(err) and "folder" in err


def test_out_onto_the_data_file_is_refused(demo_file):
    before = demo_file.read_bytes()
    code, _, err = cli(
        "export", "--format", "csv", "--out", str(demo_file), "--data", str(demo_file)
    )
    assert code == 1 and one_line(err) and "data file" in err
    assert demo_file.read_bytes() == before


@pytest.mark.parametrize("fmt", ["json", "md", "csv"])
def test_out_onto_a_named_pipe_writes_into_it_and_leaves_it_a_pipe(demo_file, tmp_path, fmt):
    """`--out /dev/null` or a pipe: renaming a new file over it would replace the device (as
    root, /dev/null itself); the export is written into it instead."""
    import stat

    from tests.conftest import PipeReader

    pipe = tmp_path / "pipe"
    reader = PipeReader(pipe)
    code, _, err = cli("export", "--format", fmt, "--out", str(pipe), "--data", str(demo_file))
    got = reader.join()
    assert code == 0, err
    assert stat.S_ISFIFO(pipe.stat().st_mode), "the pipe was replaced by a file"
    assert got == export(demo_file, fmt).encode("utf-8")


def test_out_into_an_unwritable_folder_is_one_line(demo_file, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o000)
    try:
        code, _, err = cli(
            "export", "--format", "md", "--out", str(locked / "r.md"), "--data", str(demo_file)
        )
    finally:
        locked.chmod(0o700)
    if os.geteuid() != 0:  # root may write anywhere; the folder cases above cover root too
        assert code == 1 and one_line(err) and "Cannot write" in err
    else:
        assert code in (0, 1) and (code == 0 or one_line(err))


def test_export_of_a_missing_or_damaged_data_file_is_one_line(tmp_path):
    missing = tmp_path / "nothing.json"
    code, _, err = cli("export", "--format", "csv", "--data", str(missing))
    assert code == 1 and one_line(err) and "does not exist" in err
    assert not missing.exists()
    damaged = tmp_path / "damaged.json"
    damaged.write_bytes(b"{trunc")
    for fmt in ("csv", "json", "md"):
        code, _, err = cli("export", "--format", fmt, "--data", str(damaged))
        assert code == 1 and one_line(err) and "damaged" in err
    assert damaged.read_bytes() == b"{trunc"


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "2026-1-5", "21/11/2026", ""])
def test_a_bad_since_date_is_one_line(demo_file, bad):
    code, out, err = cli("export", "--format", "csv", "--since", bad, "--data", str(demo_file))
    assert code == 1 and out == "" and one_line(err) and "YYYY-MM-DD" in err


@pytest.mark.parametrize("fmt", ["json", "ics"])
def test_since_with_json_or_ics_is_a_usage_error(demo_file, fmt):
    code, out, err = cli(
        "export", "--format", fmt, "--since", "2026-11-01", "--data", str(demo_file)
    )
    assert code == 2 and out == "" and one_line(err) and "--since does not apply" in err


def test_a_bad_format_name_is_a_usage_error(demo_file, capsys):
    with pytest.raises(SystemExit) as stop:
        cli("export", "--format", "pdf", "--data", str(demo_file))
    assert stop.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        cli("export", "--data", str(demo_file))  # --format is required
    assert stop.value.code == 2


def test_debug_shows_the_real_error(demo_file):
    with pytest.raises(CommandError):
        cli("--debug", "export", "--format", "csv", "--since", "nope", "--data", str(demo_file))


@pytest.mark.parametrize("command", ["export", "import"])
def test_help_explains_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as stop:
        cli(command, "--help")
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert f"rehab {command} " in text.split("example")[1]
    if command == "export":
        assert "json" in text and "--since" in text and "not for json" in text.lower()


@pytest.mark.slow
def test_export_and_the_pure_module_never_import_textual_or_tinydb(demo_file):
    code = (
        "import sys, io; from rehab.cli import run; "
        f"rc = run(['export', '--format', 'md', '--data', {str(demo_file)!r}], "
        "out=io.StringIO()); assert rc == 0; "
        "print(any(m.startswith('textual') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    pure = (
        "import sys, planner.formats.csv_table, planner.formats.json_file, "
        "planner.formats.md_report, planner.formats.ics_calendar, planner.formats.fhir_bundle; "
        "print(any(m.startswith(('textual', 'tinydb')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", pure], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_calendar_days_follow_the_clock(tmp_path):
    path = fresh_file(tmp_path / "rehab.json", slots=("morning",))
    later = FakeClock(NOW + timedelta(days=3))
    calendar = read_ics(export(path, "ics", clock=later))
    starts = sorted(e.decoded("DTSTART").replace(tzinfo=None) for e in calendar.walk("VEVENT"))
    assert starts[0] == datetime(2026, 11, 24, 8, 0)
    assert starts[-1] == datetime(2026, 11, 24, 8, 0) + timedelta(days=27)


# ---------------------------------------------------------------------------------------------
# The gate in every output (issue 12): a sign open in the records stops sessions everywhere,
# whatever the plan's own status says.


def _with_records(path, *records):
    with Repository.open(path, clock=FakeClock()) as repo:
        repo.save(*records)
    return path


def test_status_calendar_and_report_tell_the_truth_about_an_open_sign(tmp_path):
    from planner.models import Clearance

    path = fresh_file(tmp_path / "rehab.json")
    sign = Screening(
        at=NOW + timedelta(minutes=1),
        context="re-screen",
        result="emergency",
        answers={f.id: False for f in RED_FLAGS} | {"saddle-numbness": True},
    )
    _with_records(path, sign)
    with Repository.open(path, clock=FakeClock(), readonly=True) as repo:
        assert repo.active_plan().status == "active"  # as a crash or an import leaves it
    clock = FakeClock()
    clock.advance(minutes=5)
    code, out, err = cli("status", "--data", str(path), clock=clock)
    assert code == 0 and "STOP — GET MEDICAL HELP TODAY" in out
    assert "between your legs" in out and "ready to move on" not in out
    code, out, err = cli("export", "--format", "ics", "--data", str(path), clock=clock)
    assert code == 1 and out == "" and one_line(err) and "stopped" in err
    report = export(path, "md", clock=clock)
    assert "**Sessions stopped**" in report and "Open warning sign (same day)" in report

    # A sign of history a doctor has checked: reported, and no longer stopping sessions.
    clock.advance(minutes=5)
    history = Screening(
        at=clock(),
        context="re-screen",
        result="see-doctor",
        answers={f.id: False for f in RED_FLAGS} | {"cancer": True},
        after_emergency="seen-doctor",  # the same-day sign before it ended: a doctor saw them
        seen_on=clock().date(),
    )
    _with_records(
        path,
        history,
        Clearance(at=clock(), sign="cancer", seen_on=NOW.date(), note="GP | oncology: fine"),
    )
    code, out, _ = cli("status", "--data", str(path), clock=clock)
    assert "STOP" not in out and "Checked by a doctor on" in out and "GP | oncology" in out
    report = export(path, "md", clock=clock)
    assert "Sessions stopped" not in report
    assert "Checked by a doctor on" in report and "GP \\| oncology: fine" in report
    assert export(path, "ics", clock=clock).startswith("BEGIN:VCALENDAR")


def test_an_overdue_rescreen_is_said_but_does_not_cancel_the_calendar(tmp_path):
    path = fresh_file(tmp_path / "rehab.json")
    clock = FakeClock()
    clock.advance(days=9)
    code, out, _ = cli("status", "--data", str(path), clock=clock)
    assert code == 0 and "safety check was 9 days ago" in out
    assert export(path, "ics", clock=clock).startswith("BEGIN:VCALENDAR")


@pytest.mark.parametrize(
    "note",
    # A leading carriage return shows as ␍ (tests/cli/test_outside_text.py), so starts nothing.
    ['=HYPERLINK("http://x","click")', "+1+1", "-2+3", "@SUM(A1)", "\tindented"],
)
def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(tmp_path, note):

    path = with_a_session_note(fresh_file(tmp_path / "rehab.json"), note)
    [row] = list(csv.DictReader(io.StringIO(export(path, "csv"), newline="")))
    assert row["session_note"] == "'" + note  # shown as text, and nothing else changed
    assert row["date"] == NOW.date().isoformat()  # plain values stay as they are


@pytest.mark.parametrize(
    "moment, why",
    [
        ("2026-11-26T08:00:00+05:00", "time zone"),
        ("2026-11-26T08:00:00Z", "time zone"),
        ("9999-12-31T23:00:00", "the year 9999"),
        ("0001-01-01T00:00:00", "the year 1 "),
    ],
)
def test_an_import_with_a_time_rehab_does_not_keep_is_refused_naming_the_record(
    tmp_path, moment, why
):
    """Issue 14: a time zone broke status, the report and the app's start for good; the years
    1 and 9999 broke the report (a day before or a week after does not exist)."""
    source = fresh_file(tmp_path / "src" / "rehab.json")
    tables = json.loads(export(source, "json"))
    tables["checkins"] = {"c-tz": {"id": "c-tz", "at": moment, "pain": 3, "note": ""}}
    sent = tmp_path / "sent.json"
    sent.write_text(json.dumps(tables))
    target = tmp_path / "mine" / "rehab.json"
    code, out, err = cli("import", str(sent), "--data", str(target))
    assert code == 1 and one_line(err), err
    assert "checkins document 'c-tz'" in err and why in err
    assert not target.exists()  # nothing changed


# ---------------------------------------------------------------------------------------------
# CSV tables


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_each_csv_table_reads_back_with_the_stdlib(demo_file):
    with Repository.open(demo_file, clock=FakeClock(), readonly=True) as repo:
        checkins, walks, psfs = repo.checkins(), repo.walks(), repo.psfs()
    rows = csv_rows(export(demo_file, "csv", "--table", "checkins"))
    assert [int(r["pain"]) for r in rows] == [c.pain for c in checkins]
    rows = csv_rows(export(demo_file, "csv", "--table", "walks"))
    assert [int(r["minutes"]) for r in rows] == [w.minutes for w in walks]
    rows = csv_rows(export(demo_file, "csv", "--table", "psfs"))
    assert len(rows) == sum(len(r.items) for r in psfs) and rows
    assert {int(r["score"]) for r in rows} <= set(range(11))


def test_the_sessions_csv_gives_the_prescribed_dose_as_numbers(demo_file):
    rows = [r for r in csv_rows(export(demo_file, "csv")) if r["session_id"] and r["exercise_id"]]
    assert rows
    with Repository.open(demo_file, clock=FakeClock(), readonly=True) as repo:
        entries = [e for s in repo.sessions() for e in s.entries]
    assert len(rows) == len(entries)
    for row, entry in zip(rows, entries, strict=True):
        assert int(row["prescribed_sets"]) == entry.prescribed.sets
        assert row["prescribed_reps"] == str(entry.prescribed.reps or "")
        assert row["prescribed_hold_s"] == str(entry.prescribed.hold_s or "")
        assert int(row["prescribed_per_day"]) == entry.prescribed.per_day


def test_excel_gets_its_byte_order_mark_and_other_formats_refuse_csv_options(demo_file):
    text = export(demo_file, "csv", "--table", "checkins", "--excel")
    assert text.startswith("\ufeffdate,time,pain")
    assert not export(demo_file, "csv").startswith("\ufeff")
    for extra in (["--table", "checkins"], ["--excel"]):
        code, out, err = cli("export", "--format", "md", "--data", str(demo_file), *extra)
        assert code == 2 and "applies to --format csv only" in err and err.count("\n") == 1


def test_the_report_starts_with_a_summary_a_clinician_reads_on_one_screen(tmp_path):
    from tests.cli.test_leg_exports import leg_file

    report = export(leg_file(tmp_path), "md")
    sections = re.findall(r"^## (.+)$", report, flags=re.M)
    assert sections[0] == "Summary"
    summary = report.split("## Summary\n")[1].split("\n## ")[0].strip("\n").splitlines()
    assert 3 <= len(summary) <= 15
    said = "\n".join(summary)
    assert said.startswith("- Stage ")
    assert "Back pain" in said and "Leg pain" in said and "Sessions done in the last" in said


@pytest.mark.parametrize(
    "start, now, words",
    [
        (6, 3, " (down 3, a change that matters)"),
        (4, 3, " (down 1)"),
        (3, 5, " (up 2, a change that matters)"),
        (4, 4, ", no change"),
    ],
)
def test_the_summary_marks_the_change_that_matters(start, now, words):
    from planner.formats.md_report import _change

    assert _change(start, now) == words
