"""Closed years in archives beside the data file (store/archive.py): nothing read differently,
nothing lost, and the day sums stored in an archive equal to those made from every record."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from door import close_years
from door.files import import_file
from planner.days import day_sums, rules_digest
from planner.formats.json_file import json_text
from planner.models import Bout, Record, Walk
from planner.synthetic import generate
from planner.walking import fold, target_for
from store import DataFileError, Repository, StoreError
from store import archive as archives
from store.schema import ORDER_FIELDS
from store.storage import parse_tables
from tests.conftest import FakeClock

#: About two years and a half of use ending in spring: 2024 is closed, 2025 and 2026 stay.
END = datetime(2026, 3, 10, 12, 0)


@pytest.fixture(scope="module")
def history(catalog):
    made = generate(catalog, 780, END, seed=11)
    plan_id = next(iter(made.plans))
    # Bouts move too: a few in each year.
    made.bouts = [
        Bout(at=datetime(y, m, 3, 9, 0), exercise_id="pelvic-tilt", plan_id=plan_id)
        for y in (2024, 2025, 2026)
        for m in (1, 2)
    ]
    return made


def write(path: Path, records: list[Record], clock: FakeClock) -> None:
    with Repository.open(path, clock=clock) as repo:
        repo.save(*records)


def everything(repo: Repository) -> dict[str, list]:
    return {
        "sessions": repo.sessions(),
        "checkins": repo.checkins(),
        "walks": repo.walks(),
        "bouts": repo.bouts(),
    }


def ids(tables: dict[str, list]) -> dict[str, list[str]]:
    return {name: [r.id for r in records] for name, records in tables.items()}


def exported(repo: Repository) -> str:
    """The JSON export, as `rehab export` writes it (streamed); the same as the whole file's
    documents put in order at once."""
    from seeds import load_catalog
    from store.export_stream import pieces

    text = "".join(pieces("json", repo, load_catalog(), END, None))
    assert text == json_text(repo.documents(), ORDER_FIELDS)
    return text


def exports_of(repo: Repository, catalog) -> dict[str, str]:
    """Every export that reads the archived tables, as the command writes it."""
    from store.export_stream import pieces

    out = {
        f"csv-{table}": "".join(pieces("csv", repo, catalog, END, None, table=table))
        for table in ("sessions", "checkins", "walks")
    }
    out["md"] = "".join(pieces("md", repo, catalog, END, None))
    out["md-since"] = "".join(pieces("md", repo, catalog, END, date(2024, 8, 1)))
    fhir = "".join(pieces("fhir", repo, catalog, END, None))
    stamp = fhir.index('"timestamp"')
    out["fhir"] = fhir[:stamp] + fhir[fhir.index("\n", stamp) :]  # the moment of export
    return out


def archived(tmp_path: Path, catalog, history) -> tuple[Path, FakeClock]:
    """The history written and its closed years moved, as the app leaves it."""
    clock = FakeClock(END)
    path = tmp_path / "rehab.json"
    write(path, history.records(), clock)
    with Repository.open(path, clock=clock) as repo:
        close_years(repo, catalog)
    return path, clock


@pytest.fixture(scope="module")
def archived_once(tmp_path_factory, catalog, history) -> Path:
    """`archived` of this module's history, made once for the module (seconds of writing and
    moving), copied for each test by `archived_copy`."""
    folder = tmp_path_factory.mktemp("archived")
    archived(folder, catalog, history)
    return folder


@pytest.fixture
def archived_copy(tmp_path, archived_once) -> tuple[Path, FakeClock]:
    """This test's own copy of `archived_once` in tmp_path (the file, its archive, the archive's
    kept copy; not the lock), and a clock at the moment it was written."""
    shutil.copytree(
        archived_once, tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.lock")
    )
    return tmp_path / "rehab.json", FakeClock(END)


def assert_only_open_years_in(path: Path, first: str) -> None:
    live = parse_tables(path.read_bytes())
    for name in archives.ARCHIVED:
        field = ORDER_FIELDS[name]
        assert all(d[field] >= first for d in live.get(name, {}).values()), name


def walking_of(catalog, repo: Repository, today: date, *, archived: bool):
    profile = repo.profile()
    since = profile.walk_since
    stage = repo.active_plan().stage
    if archived:
        earlier, walks = repo.walk_history(catalog.rules, since)
        target = target_for(catalog, profile, walks, today, stage, earlier)
        # And read as Today and `rehab status` read it: through the level kept at the newest
        # archive's end, when there is one that stands for every walk before it.
        earlier, walks, folded = repo.walk_history_folded(catalog.rules, profile, today)
        assert target_for(catalog, profile, walks, today, stage, earlier, folded) == target
    else:
        target = target_for(catalog, profile, repo.walks(since), today, stage)
    return dataclasses.asdict(target)


@pytest.mark.slow
def test_closed_years_move_out_and_read_the_same(tmp_path, catalog, history):
    clock = FakeClock(END)
    path = tmp_path / "rehab.json"
    write(path, history.records(), clock)
    with Repository.open(path, clock=clock) as repo:
        before, text, counts = everything(repo), exported(repo), repo.counts()
        others = exports_of(repo, catalog)
        sums = repo.day_sums(catalog.rules)
        walking = walking_of(catalog, repo, END.date(), archived=False)
        assert close_years(repo, catalog).value == [2024]
        assert ids(everything(repo)) == ids(before)
        assert exported(repo) == text
        assert repo.counts() == counts
        assert repo.day_sums(catalog.rules) == sums
    with Repository.open(path, clock=clock) as repo:
        assert repo.archive_years() == [2024]
        assert repo.live_since() == datetime(2025, 1, 1)
        # The file itself holds nothing of 2024 any more; the archive holds all of it.
        assert_only_open_years_in(path, "2025")
        assert ids(everything(repo)) == ids(before)
        assert exported(repo) == text
        assert exports_of(repo, catalog) == others
        assert repo.counts() == counts
        assert repo.day_sums(catalog.rules) == sums
        assert walking_of(catalog, repo, END.date(), archived=True) == walking
        old = before["sessions"][0]
        assert repo.session(old.id).started_at == old.started_at
    archive = archives.path_for(path, 2024)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert archive.parent.stat().st_mode & 0o777 == 0o700
    assert archives.kept_copy(path, 2024).read_bytes() == archive.read_bytes()


@pytest.mark.slow
def test_the_stored_sums_are_the_records_sums(tmp_path, catalog, archived_copy):
    """What an archive stores is what `day_sums` makes of its own records, field by field."""
    path, clock = archived_copy
    stored = archives.Archive(path, 2024)
    tables = stored.tables()
    with Repository.open(path, clock=clock) as repo:
        mine = day_sums(
            [s for s in repo.sessions() if s.id in tables["sessions"]],
            [c for c in repo.checkins() if c.id in tables["checkins"]],
            [w for w in repo.walks() if w.id in tables["walks"]],
            catalog.rules,
        )
    from planner.days import rules_digest

    assert stored.sums(rules_digest(catalog.rules)) == mine
    assert mine and all(day.year == 2024 for day in mine)


@pytest.mark.slow
def test_a_move_cut_short_is_read_once_and_finished(tmp_path, catalog, history, monkeypatch):
    """A crash after the archive is written and before the file is: the records are in both
    places, read once; the next writer finishes the move."""
    clock = FakeClock(END)
    path = tmp_path / "rehab.json"
    write(path, history.records(), clock)
    with Repository.open(path, clock=clock) as repo:
        before, text = ids(everything(repo)), exported(repo)
        others = exports_of(repo, catalog)
        sums = repo.day_sums(catalog.rules)
        walking = walking_of(catalog, repo, END.date(), archived=False)

    def crash(self, keys):
        raise OSError(28, "No space left on device")

    from store.storage import PrivateStorage

    with monkeypatch.context() as patch:
        patch.setattr(PrivateStorage, "drop", crash)
        with Repository.open(path, clock=clock) as repo:
            refused = close_years(repo, catalog)
            assert "No space left" in refused.reason
    assert archives.path_for(path, 2024).exists()
    with Repository.open(path, clock=clock, readonly=True) as repo:
        assert ids(everything(repo)) == before
        assert exported(repo) == text
        assert exports_of(repo, catalog) == others
        assert repo.day_sums(catalog.rules) == sums
        assert repo.day_sums(catalog.rules, date(2024, 6, 1)) == {
            d: r for d, r in sums.items() if d >= date(2024, 6, 1)
        }
        assert walking_of(catalog, repo, END.date(), archived=True) == walking
        counts = repo.counts()
    with Repository.open(path, clock=clock) as repo:
        assert counts == repo.counts()
        assert close_years(repo, catalog).value == [2024]
        assert ids(everything(repo)) == before
    assert_only_open_years_in(path, "2025")


def test_a_late_record_of_a_closed_year_joins_its_archive(tmp_path, catalog, history):
    clock = FakeClock(END)
    path = tmp_path / "rehab.json"
    write(path, history.records(), clock)
    plan_id = next(iter(history.plans))
    late = Bout(at=datetime(2024, 7, 1, 8, 0), exercise_id="pelvic-tilt", plan_id=plan_id)
    with Repository.open(path, clock=clock) as repo:
        close_years(repo, catalog)
        repo.save(late)
        assert late.id in [b.id for b in repo.bouts()]
        assert close_years(repo, catalog).value == [2024]
    assert late.id in archives.Archive(path, 2024).tables()["bouts"]
    with Repository.open(path, clock=clock) as repo:
        assert [b.id for b in repo.bouts()].count(late.id) == 1


def kept_fold(repo: Repository, catalog, today: date, *, used: bool):
    """The walking level the newest archive keeps, as `walk_history_folded` hands it out,
    checked: used (and equal to the one every walk gives at that archive's end) or put aside
    (None), as `used` says; and the target read through it is the full reading's either way.
    Returns the one every walk gives."""
    profile = repo.profile()
    _, _, kept = repo.walk_history_folded(catalog.rules, profile, today)
    bound = date(repo.archive_years()[-1] + 1, 1, 1)
    every = fold(profile, repo.walks(profile.walk_since), catalog.rules, bound)
    assert kept == (every if used else None)
    walking_of(catalog, repo, today, archived=True)
    return every


@pytest.mark.slow
def test_the_walking_level_kept_at_a_year_s_end_stands_only_for_the_walks_it_was_folded_from(
    tmp_path, catalog, history, monkeypatch
):
    """The newest archive keeps the walking level at its year's end, so a start folds only
    this year's weeks. It is used only while it is what every walk gives: a late walk of a
    closed year, an earlier archive written again, the programme started again, each puts it
    aside (the level read the long way is the same) until the next writer folds it again."""
    now = datetime(2027, 2, 1, 12, 0)
    clock = FakeClock(now)
    path = tmp_path / "rehab.json"
    write(path, history.records(), clock)
    today = now.date()
    with Repository.open(path, clock=clock) as repo:
        assert close_years(repo, catalog).value == [2024, 2025]
        kept_fold(repo, catalog, today, used=True)

        # Three flared walks at the end of 2024, logged late: in the file until moved.
        flared = [
            Walk(at=datetime(2024, 12, day, 17, 0), minutes=20, pain_after=9)
            for day in (29, 30, 31)
        ]
        repo.save(*flared)
        kept_fold(repo, catalog, today, used=False)

        # 2024's archive takes them; a crash before 2025's level is folded again leaves it
        # folded from the 2024 that was: it names that archive's walks, so it is put aside.
        with monkeypatch.context() as patch:
            patch.setattr(Repository, "_keep_fold", lambda self, rules, digest: False)
            assert close_years(repo, catalog).value == [2024]
        every = kept_fold(repo, catalog, today, used=False)
        stale = archives.Archive(path, 2025).fold_document(rules_digest(catalog.rules))
        assert stale is not None
        # (the late walks change the level: a test that used the stale one would see it)
        assert (stale["level"], stale["weeks"]) != (
            every.level,
            [
                [w.start.isoformat(), w.minutes, w.walks, w.flares, w.level_before]
                for w in every.weeks
            ],
        )

        # The next writer folds it again, and it is used.
        assert close_years(repo, catalog).value == [2025]
        kept_fold(repo, catalog, today, used=True)

        # The programme started again: the kept level was of the other one.
        profile = repo.profile()
        repo.save(dataclasses.replace(profile, walk_comfortable=profile.walk_comfortable + 10))
        kept_fold(repo, catalog, today, used=False)
        assert close_years(repo, catalog).value == [2025]
        kept_fold(repo, catalog, today, used=True)
        assert close_years(repo, catalog).value == []  # folded once, kept


@pytest.mark.slow
def test_time_passing_closes_the_next_year(tmp_path, catalog, archived_copy):
    path, clock = archived_copy
    with Repository.open(path, clock=clock) as repo:
        before = ids(everything(repo))
    clock.now = datetime(2027, 1, 1, 0, 0)  # 2025 ended twelve months ago now
    with Repository.open(path, clock=clock) as repo:
        assert close_years(repo, catalog).value == [2025]
        assert repo.archive_years() == [2024, 2025]
        assert ids(everything(repo)) == before


@pytest.mark.slow
def test_a_damaged_archive_is_named_and_refused(tmp_path, catalog, archived_copy):
    path, clock = archived_copy
    archive = archives.path_for(path, 2024)
    data = archive.read_bytes()
    at = data.index(b'"note"') if b'"note"' in data else data.index(b'"slot"')
    archive.write_bytes(data[:at] + data[at : at + 8].upper() + data[at + 8 :])
    with Repository.open(path, clock=clock) as repo:
        repo.sessions(datetime(2025, 6, 1))  # the file's own records read as ever
        with pytest.raises(DataFileError) as refused:
            repo.sessions()
    message = str(refused.value)
    assert str(archive) in message and "checksum" in message
    assert str(archives.kept_copy(path, 2024)) in message
    # Its head: the sums the walking level reads at every start.
    head = data.index(b"\n", data.index(b"day_sums")) + 10
    archive.write_bytes(data[:head] + b"X" + data[head + 1 :])
    with (
        Repository.open(path, clock=clock) as repo,
        pytest.raises(DataFileError, match="rehab-2024.json is damaged"),
    ):
        repo.walk_history(catalog.rules, repo.profile().walk_since)


@pytest.mark.parametrize("layout", ["as written", "another schema", "keys reordered"])
def test_what_made_an_archive_is_read_from_its_first_line_as_decoding_it_says(
    archived_copy, layout
):
    """`made_by` (asked of every archive at every start) reads the rules and the schema from
    the start of the walks' line once its checksum holds, without decoding the year's days;
    it says what decoding the whole line says, and a line laid out otherwise is decoded."""
    from store.layout import line

    path, _ = archived_copy
    archive = archives.path_for(path, 2024)
    lines = archive.read_bytes().split(b"\n")
    walks = json.loads(b"{" + lines[archives.WALKS_LINE].removesuffix(b",") + b"}")["walks"]
    walks.pop("_crc32")
    if layout == "another schema":
        walks["schema"] = 3
    elif layout == "keys reordered":
        walks = {"schema": walks["schema"], **walks}
    lines[archives.WALKS_LINE] = line("walks", walks) + b","
    archive.write_bytes(b"\n".join(lines))
    decoded = archives.Archive(path, 2024)
    decoded._walks_line()  # decoded whole: `made_by` reads the decoded line
    quick = archives.Archive(path, 2024)
    assert quick.made_by() == decoded.made_by() == (walks["rules"], walks["schema"])
    assert (("walks-line", "") in quick._decoded) == (layout == "keys reordered")


@pytest.mark.slow
def test_sums_made_by_other_rules_are_made_again(tmp_path, catalog, archived_copy):
    path, clock = archived_copy
    stricter = dataclasses.replace(catalog.rules, flare_pain_after_above=1)
    with Repository.open(path, clock=clock) as repo:
        everyone = day_sums(repo.sessions(), repo.checkins(), repo.walks(), stricter)
        assert repo.day_sums(stricter) == everyone
        assert repo.day_sums(stricter) != repo.day_sums(catalog.rules)
        assert repo.close_years(stricter) == [2024]  # the head made again
    with Repository.open(path, clock=clock) as repo:
        from planner.days import rules_digest

        assert archives.Archive(path, 2024).head()["rules"] == rules_digest(stricter)
        assert repo.day_sums(stricter) == everyone


@pytest.mark.slow
def test_an_import_keeps_the_replaced_years_aside_and_splits_its_own(
    tmp_path, catalog, archived_copy
):
    path, clock = archived_copy
    with Repository.open(path, clock=clock) as repo:
        text = exported(repo)
    incoming = json.loads(text)
    generate_other = generate(catalog, 900, END, seed=5)
    write(tmp_path / "mine.json", generate_other.records(), clock)
    with Repository.open(tmp_path / "mine.json", clock=clock) as repo:
        close_years(repo, catalog)
    # Import the first file's export over the second: its 2023–2024 go aside, kept.
    done = import_file(
        tmp_path / "mine.json", incoming, tmp_path / "x.json", clock=clock, catalog=catalog
    )
    assert any("closed years of the file it replaced" in line for line in done.said)
    aside = [p for p in (tmp_path / "backups").iterdir() if "archive-before-import" in p.name]
    assert len(aside) == 1 and sorted(os.listdir(aside[0])) == ["mine-2023.json", "mine-2024.json"]
    with Repository.open(tmp_path / "mine.json", clock=clock) as repo:
        assert repo.archive_years() == [2024]  # split again, from what came in
        # (the replaced file's screenings are carried over, as every import does)
        mine = json.loads(exported(repo))
        for name in archives.ARCHIVED:
            assert mine[name] == incoming[name], name


# ---------------------------------------------------------------------------------------------
# The property: whatever is kept and whenever it is read, the sums and the walking level read
# through the archives equal those made from every record.


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    keep=st.integers(min_value=1, max_value=6),
    offset=st.integers(min_value=0, max_value=5),
    days_on=st.integers(min_value=0, max_value=700),
    since_days=st.one_of(st.none(), st.integers(min_value=0, max_value=1100)),
)
def test_archived_sums_equal_a_full_recomputation(
    tmp_path_factory, catalog, history, keep, offset, days_on, since_days
):
    """Any subset of a history, closed at any later day: `Repository.day_sums` (archives'
    stored rows and the file's records) equals `day_sums` of every record, from any day on;
    and the walking level read through `walk_history` equals the one from every walk."""
    path = tmp_path_factory.mktemp("archive") / "rehab.json"
    records = history.records()
    kept = [
        r
        for n, r in enumerate(records)
        if not isinstance(r, type(history.sessions[0]) | type(history.checkins[0]))
        or n % keep != offset % keep
    ]
    now = END + timedelta(days=days_on)
    clock = FakeClock(now)
    write(path, kept, clock)
    since = None if since_days is None else date(2023, 12, 1) + timedelta(days=since_days)
    with Repository.open(path, clock=clock) as repo:
        full = repo.day_sums(catalog.rules, since)
        walking = walking_of(catalog, repo, now.date(), archived=False)
        moved = close_years(repo, catalog).value
        assert moved == list(range(2023 if moved and moved[0] == 2023 else 2024, now.year - 1))
    with Repository.open(path, clock=clock, readonly=True) as repo:
        every = {name: getattr(repo, name)() for name in ("sessions", "checkins", "walks")}
        assert repo.day_sums(catalog.rules, since) == full
        recomputed = day_sums(every["sessions"], every["checkins"], every["walks"], catalog.rules)
        if since is not None:
            recomputed = {d: r for d, r in recomputed.items() if d >= since}
        assert full == recomputed
        assert walking_of(catalog, repo, now.date(), archived=True) == walking


@pytest.mark.slow
def test_the_app_refuses_a_damaged_archive_in_one_line_before_any_screen(
    tmp_path, catalog, archived_copy
):
    """A bit flipped in an archive's head: `rehab` names the archive and its copy, and no
    screen opens (as for a damaged data file); `status` says the same."""
    import io

    from rehab.cli import run

    path, clock = archived_copy
    archive = archives.path_for(path, 2024)
    data = archive.read_bytes()
    at = data.index(b'"rules"')  # the walks' line, the first the walking level reads
    archive.write_bytes(data[:at] + b'"rulez"' + data[at + 7 :])
    for argv in (["--data", str(path)], ["status", "--data", str(path)]):
        err = io.StringIO()
        assert run(argv, clock=clock, out=io.StringIO(), err=err) == 1
        said = err.getvalue()
        assert said.count("\n") == 1 and str(archive) in said and "checksum" in said, said
        assert str(archives.kept_copy(path, 2024)) in said


@pytest.mark.slow
def test_an_archive_of_an_older_schema_is_read_migrated_and_written_again(
    tmp_path, catalog, archived_copy, monkeypatch
):
    """A rehab with a new migration reads a closed year as it reads the file: migrated (here a
    made-up step that drops every session's note), and its next close_years writes it again in
    the new schema. One from a newer rehab is refused as a newer file is."""
    import io

    from rehab.cli import run
    from store import migrations

    path, clock = archived_copy
    old = migrations.current_version()
    with Repository.open(path, clock=clock) as repo:
        assert any(s.note for s in repo.sessions_of_year(2024))

    def drop_notes(tables):
        for document in tables.get("sessions", {}).values():
            document.pop("note", None)
        return tables

    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, drop_notes])
        assert archives.Archive(path, 2024).schema() == old
        with Repository.open(path, clock=clock) as repo:
            assert not any(s.note for s in repo.sessions_of_year(2024))
            assert close_years(repo, catalog).value == [2024]
        assert archives.Archive(path, 2024).schema() == old + 1
        with Repository.open(path, clock=clock) as repo:
            assert not any(s.note for s in repo.sessions_of_year(2024))
            assert close_years(repo, catalog).value == []
    # Back to this rehab: the file and the archive are now from a newer one; each refused.
    err = io.StringIO()
    assert run(["--data", str(path)], clock=clock, out=io.StringIO(), err=err) == 1
    assert "was written by a newer rehab" in err.getvalue()
    with pytest.raises(StoreError, match=r"rehab-2024\.json was written by a newer rehab"):
        archives.Archive(path, 2024).tables()
