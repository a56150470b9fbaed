"""History in Pilot: the window filter, a session's detail, PSFS, paging through years."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from textual.widgets import DataTable, Input, Static

from planner.models import CheckIn, ExerciseEntry, PsfsItem, PsfsRating, Session
from planner.stages import start_programme
from store import Repository
from tests.conftest import make_profile
from tests.tui.conftest import SMALL, reopen
from tests.tui.flows import first_run, text_of, type_into
from tui.parse import InputProblem
from tui.screens.history import PAGE, HistoryScreen
from tui.screens.history_words import psfs_line
from tui.screens.modals import Problem, SessionDetailScreen
from tui.screens.psfs import PsfsScreen, read_rating

NASTY = "[ [/ [red]x[/red] \x1b[31mESC\x1b[0m $x \\ end"


def detail_text(screen: SessionDetailScreen) -> str:
    return "\n".join(str(s.render()) for s in screen.query(Static))


async def open_history(pilot) -> HistoryScreen:
    await pilot.press("4")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


def table(screen: HistoryScreen) -> DataTable:
    return screen.query_one(DataTable)


@pytest.mark.slow
async def test_the_window_filter_changes_the_rows_and_says_what_is_shown(make_demo_app, clock):
    app = make_demo_app(days=60)
    async with app.run_test(size=SMALL) as pilot:
        history = await open_history(pilot)
        today = clock().date()
        in_30 = len(app.repo.sessions(since=today - timedelta(days=29)))
        in_7 = len(app.repo.sessions(since=today - timedelta(days=6)))
        everything = len(app.repo.sessions())
        assert in_7 < in_30 < everything
        # The rows come a page at a time (PAGE); scrolling to the last loads the next.
        assert table(history).row_count == min(in_30, PAGE)
        assert f"Last 30 days (23 Oct – 21 Nov) · {in_30} sessions · f to change" in text_of(
            history, "#history-shown"
        )

        await pilot.press("f", "f", "f")  # 90 days, all, then round to 7 days
        await pilot.pause()
        assert table(history).row_count == min(in_7, PAGE)
        assert f"Last 7 days (15 Nov – 21 Nov) · {in_7} sessions" in text_of(
            history, "#history-shown"
        )

        await pilot.press("f", "f", "f")
        await pilot.pause()
        assert table(history).row_count == min(everything, PAGE)
        assert text_of(history, "#history-shown").startswith("All (")
        assert f"· showing {PAGE} of {everything} · m more ·" in text_of(history, "#history-shown")

        # Newest first, and each row says its flare in words.
        dates = [table(history).get_row_at(i)[0].plain for i in range(3)]
        assert dates[0].startswith("Fri 20 Nov")
        await pilot.press("m")  # the next page: here, the rest
        await pilot.pause()
        assert table(history).row_count == everything
        flares = [row for row in range(everything) if table(history).get_row_at(row)[5].plain]
        assert flares and all(table(history).get_row_at(r)[5].plain == "⚑ flare" for r in flares)


@pytest.mark.slow
async def test_enter_opens_a_sessions_detail_and_escape_comes_back(make_demo_app):
    app = make_demo_app(days=60)
    async with app.run_test(size=SMALL) as pilot:
        history = await open_history(pilot)
        row = next(i for i, s in enumerate(history.rows) if s.note)
        session = history.rows[row]
        table(history).move_cursor(row=row)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, SessionDetailScreen)
        shown = detail_text(detail)
        assert session.note in shown
        assert f"{session.slot.capitalize()} session" in shown
        for entry in session.entries:
            assert f"{entry.name} — {entry.prescribed.label()}" in shown
        assert "✓ done" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is history
        assert table(history).cursor_row == row  # back where you were


@pytest.mark.slow
async def test_a_note_full_of_markup_and_escapes_is_shown_literally(
    make_onboarded_app, data_file, clock, catalog
):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        plan = app.plan()
        first = plan.prescriptions[0]
        name = catalog.exercise(first.exercise_id).name
        start = clock() - timedelta(hours=1)
        app.repo.save_session(
            Session(
                plan_id=plan.id,
                stage=plan.stage,
                slot="morning",
                started_at=start,
                ended_at=start + timedelta(minutes=12),
                pain_before=3,
                pain_after=5,
                difficulty="hard",
                note=NASTY,
                completed=False,
                entries=[
                    ExerciseEntry(
                        exercise_id=first.exercise_id,
                        name=name,
                        prescribed=first.dose,
                        stopped_hurt=True,
                        pain_when_stopped=6,
                    )
                ],
            )
        )
        history = await open_history(pilot)
        assert table(history).get_row_at(0)[6].plain.startswith("[ [/ [red]x")
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, SessionDetailScreen)
        shown = detail_text(detail)
        assert "[ [/ [red]x[/red] ␛[31mESC␛[0m $x \\ end" in shown
        assert "\x1b" not in shown
        assert "✗ stopped because it hurt (pain 6/10)" in shown
        assert "an exercise was stopped because it hurt" in shown  # the flare's reason
        assert "\x1b[31m" not in app.export_screenshot()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is history
    with reopen(data_file, clock) as repo:
        assert repo.sessions()[-1].note == NASTY


async def rate(pilot, rows: list[tuple[str, str]]) -> None:
    """Fill the rows (set, not typed key by key: quicker) and press Enter."""
    form = pilot.app.screen
    for n, (activity, score) in enumerate(rows, 1):
        form.query_one(f"#activity-{n}", Input).value = activity
        form.query_one(f"#score-{n}", Input).value = score
    form.query_one("#score-1", Input).focus()
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.slow
async def test_psfs_refuses_bad_input_with_one_line_then_saves_and_shows_the_mean(
    make_onboarded_app, data_file, clock
):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        history = await open_history(pilot)
        assert "none yet — press p" in text_of(history, "#history-psfs")
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PsfsScreen)
        cases = [
            ([("Putting on socks", "4"), ("Gardening", "6")], "Name at least 3 activities"),
            (
                [("Putting on socks", "4"), ("Gardening", "6"), ("Lifting [the] kettle", "11")],
                "must be from 0 to 10; 11 is outside",
            ),
            (
                [("Putting on socks", "4"), ("Gardening", "6"), ("Lifting [the] kettle", "x")],
                "is a whole number from 0 to 10",
            ),
            (
                [
                    ("Putting on socks", "4"),
                    ("Gardening", "6"),
                    ("Lifting [the] kettle", "5"),
                    ("Driving", ""),
                ],
                "give the activity in row 4 a score",
            ),
        ]
        for rows, words in cases:
            await rate(pilot, rows)
            assert app.screen is form
            assert words in str(form.query_one(Problem).render())
            # Nothing typed is lost.
            assert [
                form.query_one(f"#activity-{n}", Input).value for n in range(1, len(rows) + 1)
            ] == [a for a, _ in rows]
        await type_into(pilot, "#score-4", "7")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is history
        assert "5.5 (mean, 0–10, higher is better)" in text_of(history, "#history-psfs")
    with reopen(data_file, clock) as repo:
        [rating] = repo.psfs()
        assert [i.activity for i in rating.items] == [
            "Putting on socks",
            "Gardening",
            "Lifting [the] kettle",
            "Driving",
        ]
        assert [i.score for i in rating.items] == [4, 6, 5, 7]


@pytest.mark.slow
async def test_psfs_prefills_the_last_names_and_escape_keeps_nothing(make_onboarded_app, clock):
    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        previous = PsfsRating(
            at=clock() - timedelta(days=7),
            items=[
                PsfsItem(activity="Socks", score=3),
                PsfsItem(activity="[b]Car[/b]", score=5),
                PsfsItem(activity="Stairs", score=4),
            ],
        )
        app.repo.record_psfs(previous)
        history = await open_history(pilot)
        assert "4.0 (mean" in text_of(history, "#history-psfs")
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        assert [form.query_one(f"#activity-{n}", Input).value for n in (1, 2, 3, 4)] == [
            "Socks",
            "[b]Car[/b]",
            "Stairs",
            "",
        ]
        assert form.query_one("#score-2", Input).placeholder == "was 5"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is history
        assert len(app.repo.psfs()) == 1


def test_psfs_keeps_names_exactly_as_typed_and_ignores_empty_rows():
    now = datetime(2026, 11, 21, 9, 0)
    rating = read_rating(
        [("  Socks ", "3"), ("", ""), ("Car", "10"), ("Stairs", "0"), ("   ", "")], now
    )
    assert [(i.activity, i.score) for i in rating.items] == [
        ("  Socks ", 3),
        ("Car", 10),
        ("Stairs", 0),
    ]
    try:
        read_rating([("Socks", "3"), ("", "4"), ("Car", "1"), ("Stairs", "2")], now)
    except InputProblem as problem:
        assert "Row 2 has a score but no activity" in str(problem)
    else:
        raise AssertionError("a score without an activity was accepted")


@pytest.mark.slow
async def test_all_of_a_long_history_comes_a_page_at_a_time(make_demo_app):
    app = make_demo_app(days=400)
    async with app.run_test(size=SMALL) as pilot:
        history = await open_history(pilot)
        total = len(app.repo.sessions())
        assert total > 4 * PAGE
        await pilot.press("f", "f")  # 90 days, then all
        await pilot.pause()
        assert table(history).row_count == PAGE
        assert f"showing {PAGE} of {total} · m more" in text_of(history, "#history-shown")
        await pilot.press("m")
        await pilot.pause()
        assert table(history).row_count == 2 * PAGE
        # Reaching the last loaded row brings the next page: End goes there (a row, not the
        # last column as in a plain DataTable), Home back to the first.
        await pilot.press("end")
        await pilot.pause()
        assert table(history).row_count == 3 * PAGE
        assert table(history).cursor_row == 2 * PAGE - 1
        assert table(history).cursor_column == 0
        await pilot.press("home")
        await pilot.pause()
        assert table(history).cursor_row == 0
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert table(history).row_count == 4 * PAGE
        while table(history).row_count < total:
            await pilot.press("m")
            await pilot.pause()
        assert f"· {total} sessions ·" in text_of(history, "#history-shown")
        oldest = table(history).get_row_at(total - 1)[0].plain
        assert oldest.endswith("2025")  # the year shows when the table spans years
        assert history.check_action("more", ()) is False


def ten_years(data_file, clock, catalog) -> int:
    """Two sessions and a check-in a day for ten years, saved straight to the store."""
    profile = make_profile()
    start = clock() - timedelta(days=3650)
    change = start_programme(catalog, profile, 2, start, "ten years of history", 2)
    first = change.plan.prescriptions[0]
    entry = ExerciseEntry(
        exercise_id=first.exercise_id,
        name="Pelvic tilt",
        prescribed=first.dose,
        sets_done=first.dose.sets,
    )
    records: list = []
    for days_ago in range(3650, 0, -1):
        day = clock() - timedelta(days=days_ago)
        records.append(CheckIn(at=day.replace(hour=7), pain=days_ago % 7))
        for slot, hour in (("morning", 8), ("evening", 18)):
            records.append(
                Session(
                    plan_id=change.plan.id,
                    stage=2,
                    slot=slot,
                    started_at=day.replace(hour=hour),
                    pain_before=3,
                    pain_after=2,
                    entries=[entry],
                    completed=True,
                )
            )
    with Repository.open(data_file, clock=clock) as repo:
        repo.save(profile, change.plan, change.event, *records)
    return 3650 * 2


@pytest.mark.slow
async def test_ten_years_stay_quick_asking_the_store_only_for_the_window(
    make_app, data_file, clock, catalog
):
    total = ten_years(data_file, clock, catalog)
    app = make_app()
    asked: list[object] = []
    sessions = app.repo.sessions

    def spy(since=None):
        asked.append(since)
        return sessions(since)

    app.repo.sessions = spy
    async with app.run_test(size=SMALL) as pilot:
        history = await open_history(pilot)
        assert asked and None not in asked  # never all ten years for a 30-day view
        assert table(history).row_count == 29 * 2  # the last session was yesterday
        await pilot.press("f", "f")
        await pilot.pause()
        assert table(history).row_count == PAGE
        assert f"showing {PAGE} of {total:,} · m more" in text_of(history, "#history-shown")
        history.table_drawn = ()  # force the whole redraw, table included
        history.refresh_view()
        assert table(history).row_count == PAGE  # a page is built, never all ten years


def test_the_psfs_line_reads_the_window_and_falls_back_to_the_latest(data_file, clock):
    def rating(day: int, score: int) -> PsfsRating:
        return PsfsRating(
            at=datetime(2026, 11, day, 9),
            items=[PsfsItem(activity=name, score=score) for name in ("socks", "sitting", "bags")],
        )

    with Repository.open(data_file, clock=clock) as repo:
        assert psfs_line(repo.psfs(), repo.latest_psfs(), clock().date()).startswith("none yet")
        repo.record_psfs(rating(2, 3))
        repo.record_psfs(rating(16, 6))
        window = repo.psfs(datetime(2026, 11, 10))
        assert [r.mean for r in window] == [6.0]
        assert psfs_line(window, repo.latest_psfs(), clock().date()).startswith("6.0 (mean")
        assert psfs_line(repo.psfs(), repo.latest_psfs(), clock().date()).startswith("3.0 → 6.0")
        later = repo.psfs(datetime(2026, 11, 17))
        assert later == [] and psfs_line(later, repo.latest_psfs(), clock().date()).startswith(
            "latest 6.0 on "
        )


@pytest.mark.slow
async def test_the_chart_says_the_highest_and_latest_of_every_check_in_not_only_the_first(
    make_app, data_file, clock
):
    """The line shows the day's first check-in (the one the rules read); "highest" and "latest"
    must not hide a worse check-in later the same day."""
    from tui.widgets.pain_chart import PainChart

    async with make_app().run_test(size=SMALL) as pilot:
        await first_run(pilot)
        today = clock().replace(hour=8)
        for hours, pain in ((0, 3), (4, 8), (6, 5)):
            pilot.app.repo.record_checkin(CheckIn(at=today + timedelta(hours=hours), pain=pain))
        history = await open_history(pilot)
        assert "check-ins: highest 8, latest 5" in text_of(history, "#history-legend")
        assert history.query_one(PainChart).data.back == ((today.date(), 3.0),)


async def test_a_scrollbar_thumb_is_whole_cells_never_glyphs_that_read_as_chart(make_demo_app):
    """Textual ends a thumb with ▁▂…▇; beside the pain chart they read as stray bars."""
    app = make_demo_app(days=60)
    async with app.run_test(size=SMALL) as pilot:
        bar = table(await open_history(pilot)).vertical_scrollbar
        assert bar.window_size < bar.window_virtual_size  # the table scrolls: a thumb is drawn
        for position in range(0, bar.window_virtual_size, 3):
            bar.position = position
            options = app.console.options.update_dimensions(bar.size.width, bar.size.height)
            drawn = "".join(s.text for s in app.console.render(bar.render(), options))
            assert set(drawn) <= {" ", "\n"}, (position, drawn)


@pytest.mark.slow
async def test_a_full_disk_keeps_the_psfs_form_filled_until_it_can_be_saved(
    make_onboarded_app, data_file, clock, monkeypatch
):
    """Issue 14, item 8: the rating was saved after the form closed, so a full disk lost it."""
    from tests.tui.test_daily_loop import Disk, listen

    app = make_onboarded_app()
    async with app.run_test(size=SMALL) as pilot:
        history = await open_history(pilot)
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PsfsScreen)
        said = listen(app)
        disk = Disk(monkeypatch)
        disk.fill()
        await rate(pilot, [("Putting on socks", "4"), ("Gardening", "6"), ("Sitting", "5")])
        assert app.screen is form and any("No space left on device" in m for m in said)
        assert form.query_one("#score-2", Input).value == "6"  # what was typed is kept
        disk.free()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is history
    with reopen(data_file, clock) as repo:
        assert [i.score for i in repo.psfs()[0].items] == [4, 6, 5]


@pytest.mark.slow
async def test_all_reads_closed_years_as_day_sums_and_opens_their_sessions_when_reached(
    tmp_path, clock, catalog, open_app
):
    """History "All" on a file whose 2024 is in an archive draws exactly what it draws on
    the same records kept in the file, reading the archive's day sums, not its records,
    until the table is scrolled to them."""
    from door import close_years
    from planner.synthetic import generate
    from tui.widgets.pain_chart import PainChart

    made = generate(catalog, 900, clock(), seed=3)
    screens: dict[str, dict[str, object]] = {}
    for name in ("kept", "archived"):
        path = tmp_path / name / "rehab.json"
        path.parent.mkdir()
        with Repository.open(path, clock=clock) as repo:
            repo.save(*made.records())
            if name == "archived":
                assert close_years(repo, catalog).value == [2024]
        app = open_app(path)
        read: list[tuple[str, int]] = []
        if name == "archived":
            year_records = app.repo._year_records

            def spy(table: str, year: int, year_records=year_records, read=read):
                read.append((table, year))
                return year_records(table, year)

            app.repo._year_records = spy
        async with app.run_test(size=(100, 40)) as pilot:
            history = await open_history(pilot)
            await pilot.press("f", "f")  # 90 days, then all
            await pilot.pause()
            assert text_of(history, "#history-shown").startswith("All (")
            drawn = {
                key: text_of(history, key)
                for key in ("#history-shown", "#history-walks", "#history-legend")
            }
            for chart in history.query(PainChart):
                drawn[chart.id] = (chart.data, str(chart.render()))
            assert read == []  # day sums only: no closed year's record was decoded
            while history.loaded < history.total:
                await pilot.press("m")
                await pilot.pause()
            drawn["rows"] = [
                table(history).coordinate_to_cell_key((r, 0)).row_key.value
                for r in range(table(history).row_count)
            ]
            assert len(drawn["rows"]) == len(made.sessions)
            if name == "archived":
                assert ("sessions", 2024) in read  # opened once the table reached 2024
        screens[name] = drawn
    assert screens["archived"] == screens["kept"]


async def test_history_reads_what_all_needs_while_a_shorter_window_is_read(
    tmp_path, clock, demo_files, open_app, monkeypatch
):
    import shutil

    import tui.screens.history as history

    monkeypatch.setattr(history, "READ_AHEAD_EVERY", 1e-4)  # the next slice next turn
    folder = tmp_path / "demo"
    shutil.copytree(demo_files(120, 7, clock), folder, ignore=shutil.ignore_patterns("*.lock"))
    Repository.open(folder / "rehab.json", clock=clock).close()  # checked: opened lazily next
    app = open_app(folder / "rehab.json")
    async with app.run_test(size=SMALL) as pilot:
        rules = app.catalog.rules
        assert not app.repo.read_ahead(rules, 0)  # Today read the last weeks only
        screen = await open_history(pilot)
        assert screen.window != len(history.WINDOWS) - 1
        for _ in range(500):
            if app.repo.read_ahead(rules, 0):  # given no time: only says whether all is read
                break
            await pilot.pause()
        assert app.repo.read_ahead(rules, 0)
        screen.action_window(str(len(history.WINDOWS) - 1))
        await pilot.pause()
        assert screen.total == len(app.repo.sessions()) > 0
