"""History: what happened — sessions, pain over time, adherence, stages, PSFS.

Quick with ten years of records: the store is asked only for the chosen window
(`sessions(since=...)`), and the table gets its rows a page at a time, newest first. What was
read for the window is one value (`Period`) that every line and the chart are drawn from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import var
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowDoesNotExist

from planner.clock import midnight
from planner.models import PsfsRating, Session
from planner.progression import is_flare
from tui.screens.base import MainScreen
from tui.screens.history_words import FLARE, WINDOWS, one_line, pain_words
from tui.widgets.commands import Command, PlaceCommands
from tui.widgets.history import (
    AdherenceLine,
    Period,
    PsfsLine,
    ShownLine,
    StagesLine,
    WalksLine,
)

DEFAULT_WINDOW = 1
PAGE = 60  # rows added to the table at a time: a few screens (DataTable measures each cell)
#: While the window shown is read, the file's older records are read a slice at a time: this
#: long a slice, this long between two (a key pressed meanwhile waits for one slice at most;
#: two years of records at 30 years take about a fifth of a second this way).
READ_AHEAD_SLICE = 0.008
READ_AHEAD_EVERY = 0.004
#: Cells the table needs besides the note: six columns, every column's padding, the scrollbar.
TABLE_WITHOUT_NOTE = 11 + 7 + 12 + 5 + 5 + 7 + 7 * 2 + 2
#: Below this many lines the pain chart is drawn short, so the sessions keep rows of their own.
SHORT_BELOW = 32


def same_records(a: Sequence[object], b: Sequence[object]) -> bool:
    """Are these the very same records (by identity), so the table need not be rebuilt?"""
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


class HistoryCommands(PlaceCommands):
    """History's actions in the command palette (ctrl+p)."""

    def commands(self) -> list[Command]:
        if not isinstance(self.screen, HistoryScreen):
            return []
        items = [
            (f"History: {label.lower()}", f"window('{n}')", f"Show {label.lower()}")
            for n, (_, label) in enumerate(WINDOWS)
        ]
        items += [
            (
                "History: rate activities (PSFS)",
                "psfs",
                "Score the everyday activities your back makes hard",
            ),
            ("History: open the selected session", "open", "Every detail and the note"),
            ("History: show more sessions", "more", f"The next {PAGE} older sessions"),
        ]
        return [(name, self.run_action(action), help_text) for name, action, help_text in items]


class SessionTable(DataTable[Text]):
    """The sessions, a row each: End and Home go to the last and first row (DataTable's own
    send them to the last and first column, which a table of rows has no use for). Reaching
    the last loaded row loads the next page (`HistoryScreen._near_the_end`)."""

    BINDINGS = [
        Binding("end", "scroll_bottom", "Last row", show=False),
        Binding("home", "scroll_top", "First row", show=False),
    ]


class HistoryScreen(MainScreen):
    """Sessions, pain over time, adherence, stages and PSFS, for a window you choose."""

    PLACE = "history"
    CSS_PATH = "history.tcss"
    COMMANDS = {HistoryCommands}
    BINDINGS = [
        # A priority binding so the footer shows it over the table's own (hidden) Enter.
        Binding("enter", "open", "Details", priority=True, tooltip="open the selected session"),
        Binding("f", "next_window", "Filter", tooltip="show the last 7 / 30 / 90 days / all"),
        Binding("m", "more", "More", tooltip=f"{PAGE} more sessions (long lists)"),
        Binding("p", "psfs", "Rate activities", tooltip="rate the activities you find hard (PSFS)"),
        Binding(
            "i", "checkins", "Check-ins", tooltip="every check-in of the window, with its note"
        ),
    ]

    #: Which of WINDOWS is shown: setting it redraws the screen (watch_window).
    window: var[int] = var(DEFAULT_WINDOW, init=False)
    #: What was read for the window shown: every line and the chart are bound to it.
    period: var[Period | None] = var(None, always_update=True, init=False)
    #: How many of the window's sessions are in the table (m loads more).
    loaded: var[int] = var(0, init=False)
    #: The sessions, a row each (made in compose_body).
    table: DataTable[Text]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Session] = []  # the window's sessions read so far, newest first
        self.fetched: list[Session] = []  # the file's, as the store handed them out
        self.older: list[int] = []  # closed years whose sessions join `rows` when reached
        self.drawn_width = 0
        self.table_drawn: tuple[object, ...] = ()

    @property
    def total(self) -> int:
        """The window's sessions, those of closed years included."""
        return self.period.total if self.period is not None else 0

    @on(events.Mount)
    def _begin_reading_ahead(self) -> None:
        # Runs before MainScreen.on_mount, which draws the window: reading begins after that.
        self.call_after_refresh(self._read_ahead)

    def _read_ahead(self) -> None:
        """Read the records the longer windows need while the person reads this one, so "All"
        draws from records already read (two years of them in the file at most; a closed
        year's are its archive's day sums). Stops when all are read."""
        if not self.app.repo.read_ahead(self.app.catalog.rules, READ_AHEAD_SLICE):
            self.set_timer(READ_AHEAD_EVERY, self._read_ahead)

    def compose_body(self) -> ComposeResult:
        # The chart's module (and plotext) is imported when History is first opened.
        from tui.widgets.pain_chart import PainPanel

        catalog = self.app.catalog
        bound = HistoryScreen.period
        with Vertical(id="history"):
            yield ShownLine(id="history-shown").data_bind(bound, HistoryScreen.loaded)
            yield AdherenceLine(catalog, id="history-adherence").data_bind(bound)
            yield StagesLine(catalog, id="history-stages").data_bind(bound)
            yield PsfsLine(catalog, id="history-psfs").data_bind(bound)
            yield WalksLine(catalog, id="history-walks").data_bind(bound)
            yield PainPanel(catalog).data_bind(bound)
            table: DataTable[Text] = SessionTable(
                id="history-table", cursor_type="row", zebra_stripes=True
            )
            self.table = table
            for label, key in (
                ("Date", "date"),
                ("Slot", "slot"),
                ("Stage", "stage"),
                ("Done", "done"),
                ("Pain", "pain"),
                ("Flare", "flare"),
                ("Note", "note"),
            ):
                # Text, not a string: a string label is read as markup, and the first markup
                # read imports Rich's emoji table, which History never needs.
                table.add_column(Text(label), key=key)
            yield table
            self.empty = Static(
                Content(
                    "No sessions in this period. Press f for a longer one, or 1 for "
                    "Today to start a session."
                ),
                id="history-empty",
                markup=False,
            )
            yield self.empty

    # -- reading -------------------------------------------------------------------------------

    def since(self) -> datetime | None:
        days = WINDOWS[self.window][0]
        return None if days is None else midnight(self.app.now().date() - timedelta(days=days - 1))

    def on_resize(self) -> None:
        if self.app.size.width != self.drawn_width:
            self.refresh_view()  # the lines and the note column fit the new width
        self._fit_charts()

    def _fit_charts(self) -> None:
        """A short chart on a short terminal (80×24 would otherwise leave the sessions' table
        no row), a taller one otherwise."""
        self.query_one("#history").set_class(self.app.size.height < SHORT_BELOW, "-short")

    def read_period(self) -> Period:
        """What the window shows, read from the store once. Every chart and line is drawn from
        the window's day sums (planner.days): for "All" a closed year's come from its archive."""
        app, repo = self.app, self.app.repo
        today = app.now().date()
        since = self.since()
        rules = app.catalog.rules
        profile = app.profile()
        return Period(
            window=self.window,
            today=today,
            since=since,
            width=app.size.width,
            days=repo.day_sums(rules, since.date() if since is not None else None),
            recent=repo.sessions(since=midnight(today - timedelta(days=27))),
            slots=len(profile.slots) if profile else 1,
            events=repo.stage_events(),
            alarms_ended=repo.alarms_ended(),
            psfs=repo.psfs_on_demand(since),
            latest_psfs=repo.latest_psfs(),
            walk_goal=rules.walk_goal_minutes,
        )

    def refresh_view(self) -> None:
        period = self.read_period()
        self.drawn_width = period.width
        self._read_rows(period)
        self.period = period
        self.refresh_bindings()  # m shows while the table has more to load
        table = self.table
        table.display = bool(self.rows)
        self.empty.display = not self.rows
        if self.rows and self.focused is None:
            table.focus()  # the first session arrived while the table was hidden
        self._fit_charts()

    def _read_rows(self, period: Period) -> None:
        """The window's sessions for the table; a closed year's join them as the table is
        scrolled to them (`_add_rows`)."""
        repo, since = self.app.repo, period.since
        live_since = repo.live_since()
        reach_back = live_since is not None and (since is None or since < live_since)
        sessions = repo.sessions(since=live_since if reach_back else since)  # cached: a slice
        drawn = (period.window, period.width, period.today)
        # The store hands out its cached records and replaces them when saved: the same
        # objects mean nothing changed, so coming back from a session's detail costs nothing.
        if drawn != self.table_drawn or not same_records(sessions, self.fetched):
            self.fetched = sessions
            self.rows = sessions[::-1]
            self.older = [
                y for y in repo.archive_years() if reach_back and (since is None or y >= since.year)
            ]
            self._fill_table()
            self.table_drawn = drawn

    # -- the table -----------------------------------------------------------------------------

    def _fill_table(self) -> None:
        """Rebuild the rows: as many loaded as before, the cursor on the same session."""
        table = self.table
        current = self._current_id()
        want = max(PAGE, self.loaded)
        table.clear()
        self.loaded = 0
        self._add_rows(min(want, len(self.rows)))
        if current is not None:
            try:
                table.move_cursor(row=table.get_row_index(current), animate=False)
            except RowDoesNotExist:  # the row left the window: start at the top
                table.move_cursor(row=0, animate=False)

    def _add_rows(self, count: int) -> None:
        table = self.table
        today = self.app.now().date()
        while len(self.rows) < self.loaded + count and self.older:
            # The next closed year back, read from its archive only now it is reached.
            year = self.older.pop()
            since = self.since()
            self.rows += [
                s
                for s in reversed(self.app.repo.sessions_of_year(year))
                if since is None or s.started_at >= since
            ]
        batch = self.rows[self.loaded : self.loaded + count]
        if not batch:
            return
        # The year only when the table reaches into another year, so the column stays even.
        with_year = self.rows[-1].day.year != today.year or bool(self.older)
        rules = self.app.catalog.rules
        # The note gets what the other columns leave (Enter shows all of it).
        note_width = max(8, self.app.size.width - 2 - TABLE_WITHOUT_NOTE)
        for s in batch:
            day = (
                f"{s.day.day} {s.day:%b %Y}" if with_year else f"{s.day:%a} {s.day.day} {s.day:%b}"
            )
            done = sum(1 for e in s.entries if e.done)
            stage = self.app.catalog.stages.get(s.stage)
            table.add_row(
                Text(day),
                Text(s.slot),
                Text(f"{s.stage} {stage.name if stage else ''}"),
                Text(f"{done}/{len(s.entries)}"),
                Text(pain_words(s)),
                Text(FLARE if is_flare(s, rules) else ""),
                Text(one_line(s.note, note_width)),
                key=s.id,
            )
        self.loaded += len(batch)

    def _current_id(self) -> str | None:
        table = self.table
        if table.row_count == 0:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return key.value

    @on(DataTable.RowHighlighted)
    def _near_the_end(self, event: DataTable.RowHighlighted) -> None:
        """Reaching the last loaded row loads the next page, so scrolling just goes on."""
        if event.cursor_row >= event.data_table.row_count - 1 and self.loaded < self.total:
            self.action_more()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._open(event.row_key.value)

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "more":
            return self.loaded < self.total
        if action == "open":
            return bool(self.rows) or None
        return True

    def action_more(self) -> None:
        if self.loaded < self.total:
            self._add_rows(PAGE)
            self.refresh_bindings()

    def action_next_window(self) -> None:
        self.action_window(str((self.window + 1) % len(WINDOWS)))

    def action_window(self, index: str) -> None:
        self.window = int(index)

    def watch_window(self) -> None:
        self.loaded = 0
        self.refresh_view()
        table = self.table
        table.move_cursor(row=0, animate=False)
        table.scroll_home(animate=False)

    def action_open(self) -> None:
        self._open(self._current_id())

    def _open(self, session_id: str | None) -> None:
        session = self.app.repo.session(session_id) if session_id else None
        if session is not None:
            from tui.screens.modals import SessionDetailScreen

            self.app.push_screen(SessionDetailScreen(session))

    def action_checkins(self) -> None:
        """Every check-in of the window, newest first, with its note."""
        from tui.screens.modals import CheckInsScreen

        checkins = self.app.repo.checkins(since=self.since())
        self.app.push_screen(CheckInsScreen(checkins[::-1], WINDOWS[self.window][1]))

    def action_psfs(self) -> None:
        from tui.screens.psfs import PsfsScreen

        ratings = self.app.repo.psfs()
        self.app.push_screen(
            PsfsScreen(
                self.app.now(),
                ratings[-1] if ratings else None,
                save=lambda rating: self.app.said(self.app.door.rate_activities(rating)),
            ),
            self._rated,
        )

    def _rated(self, rating: PsfsRating | None) -> None:
        if rating is None:
            return
        self.notify(f"Activities rated: mean {rating.mean:.1f} of 10.", markup=False)
        self.refresh_view()
