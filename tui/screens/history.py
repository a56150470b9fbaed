"""History: what happened — sessions, pain over time, adherence, stages, PSFS.

Quick with ten years of records: the store is asked only for the chosen window
(`sessions(since=...)`), and the table gets its rows a page at a time, newest first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowDoesNotExist

from planner.clock import midnight
from planner.days import DaySum
from planner.models import (
    Catalog,
    CheckIn,
    ExerciseEntry,
    PsfsRating,
    Rules,
    Screening,
    Session,
    StageEvent,
)
from planner.progression import STAGE_SETTING_KINDS, flare_reasons, is_flare
from planner.report import short_change
from planner.text import counted, screen_safe
from tui.screens.base import MainScreen
from tui.text import literal
from tui.widgets.commands import Command, PlaceCommands

#: (days back including today, or None for everything; the words for it)
WINDOWS: list[tuple[int | None, str]] = [
    (7, "Last 7 days"),
    (30, "Last 30 days"),
    (90, "Last 90 days"),
    (None, "All"),
]
DEFAULT_WINDOW = 1
PAGE = 200  # rows added to the table at a time
LABEL = 9  # the width of "Sessions " before each summary line
#: Cells the table needs besides the note: six columns, every column's padding, the scrollbar.
TABLE_WITHOUT_NOTE = 11 + 7 + 12 + 5 + 5 + 7 + 7 * 2 + 2
FLARE = "⚑ flare"
OUTCOME_WORDS = {"done": "Done", "partial": "Partly done", "skipped": "Nothing done"}


def day_words(when: date | datetime, today: date) -> str:
    """'5 Aug', with the year when it is not this year's."""
    text = f"{when.day} {when:%b}"
    return text if when.year == today.year else f"{text} {when.year}"


def same_records(a: Sequence[object], b: Sequence[object]) -> bool:
    """Are these the very same records (by identity), so the table need not be rebuilt?"""
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def pain_words(session: Session) -> str:
    """Pain before → after; with leg symptoms the leg's too ("3→2 · leg 6→3")."""
    return short_change(session)


def one_line(text: str, width: int) -> str:
    """User text squeezed onto one line of at most `width` cells, control codes made visible."""
    flat = " ".join(screen_safe(text).split())
    return flat if cell_len(flat) <= width else set_cell_size(flat, width - 1) + "…"


# ---------------------------------------------------------------------------------------------
# What each line says: plain functions of records, so they are easy to read and to test.


SPARK = " ▁▂▃▄▅▆▇█"


def walks_line(days: Mapping[date, DaySum], today: date, room: int, goal: int) -> str:
    """Minutes walked per day: the totals, then the last days as bars (a full bar is the
    programme's goal, `goal` minutes, or more; a blank is a day without a walk)."""
    per_day = {day: r.walk_minutes for day, r in days.items() if r.walks}
    walks = sum(days[day].walks for day in per_day)
    if not walks:
        return "none in this period (w on Today logs one)"
    total = sum(per_day.values())
    head = f"{walks:,} walks, {total:,} min on {len(per_day):,} days · "
    days_shown = max(0, min(28, room - len(head) - 1))
    bars = "".join(
        SPARK[min(8, -(-per_day.get(today - timedelta(days=d), 0) * 8 // goal))]
        for d in range(days_shown - 1, -1, -1)
    )
    return head + bars


def adherence_line(sessions: Sequence[Session], slots: int, today: date) -> str:
    """Done of planned for the last four 7-day weeks (this week = the 7 days ending today)."""
    planned = slots * 7
    done: dict[int, set[tuple[date, str]]] = defaultdict(set)
    for s in sessions:
        if s.is_done:
            week = (today - s.day).days // 7
            if 0 <= week < 4:
                done[week].add((s.day, s.slot))
    weeks = [f"{len(done[w])}/{planned}" for w in range(4)]
    return f"done this week {weeks[0]} · the 3 weeks before {', '.join(weeks[1:])}"


def event_words(event: StageEvent, catalog: Catalog, today: date) -> Content:
    """A stage event in a few words for the Stages line: when, and what changed."""
    when = day_words(event.at, today)
    stage = f"{event.to_stage} {catalog.stage(event.to_stage).name}"
    if event.kind == "pause":
        return Content(f"{when} paused")
    if event.kind == "resume":
        return Content(f"{when} resumed")
    if event.kind == "override":
        return Content.assemble(f"{when} {stage} (override: ", literal(event.reason), ")")
    if event.kind == "health":
        return Content(f"{when} health answers changed")
    verb = {"start": "start", "advance": "advance", "step-back": "step back"}[event.kind]
    return Content(f"{when} {verb} {stage}")


def alarm_words(screening: Screening, today: date) -> str:
    """An all-clear that ended a same-day sign, in a few words for the Stages line."""
    if screening.after_emergency == "seen-doctor" and screening.seen_on is not None:
        return f"seen by a doctor {day_words(screening.seen_on, today)}"
    return "the yes was a mistake"


def timeline_line(
    events: Sequence[StageEvent],
    since: datetime | None,
    catalog: Catalog,
    today: date,
    room: int = 200,
    alarms_ended: Sequence[Screening] = (),
) -> Content:
    """The stage changes in the window, from the one in force when it began; as many of the
    latest as fit in `room` cells (at least one), after "…" when earlier ones are left out.
    An all-clear that ended a same-day warning sign says why, beside the resume it allowed
    (or on its own, when there was no plan to resume)."""
    if not events and not alarms_ended:
        return Content("no stage yet")
    inside = [e for e in events if since is None or e.at >= since]
    before = [
        e for e in events if since is not None and e.at < since and e.kind in STAGE_SETTING_KINDS
    ]
    shown = ([before[-1]] if before else []) + inside
    ended = [a for a in alarms_ended if since is None or a.at >= since]
    if not inside and not ended:
        last = shown[-1]
        return Content(
            f"{last.to_stage} {catalog.stage(last.to_stage).name} since "
            f"{day_words(last.at, today)} (no change in this period)"
        )
    # (when, words, the first of all): an alarm's end joins the resume of the same moment.
    by_moment = {a.at: a for a in ended}
    items: list[tuple[datetime, Content, bool]] = []
    for e in shown:
        words = event_words(e, catalog, today)
        alarm = by_moment.pop(e.at, None) if e.kind == "resume" else None
        if alarm is not None:
            words = words + Content(f" ({alarm_words(alarm, today)})")
        items.append((e.at, words, e is events[0]))
    for alarm in by_moment.values():
        words = Content(f"{day_words(alarm.at, today)} alarm ended ({alarm_words(alarm, today)})")
        first = alarm is alarms_ended[0] and (not events or alarm.at < events[0].at)
        items.append((alarm.at, words, first))
    items.sort(key=lambda item: item[0])
    line = items[-1][1]
    for count in range(1, len(items) + 1):
        lead = Content("") if items[-count][2] else Content("… ")
        candidate = lead + Content(" → ").join(words for _, words, _ in items[-count:])
        if count > 1 and candidate.cell_length > room:
            break
        line = candidate
    return line


def psfs_line(
    inside: Sequence[PsfsRating], latest: PsfsRating | None, today: date, room: int = 200
) -> str:
    """Mean per rating over the window (`inside`, oldest first), as many of the latest as fit
    in `room` cells; the `latest` rating of all when none falls inside."""
    if latest is None:
        return "none yet — press p to rate the activities you find hard"
    if not inside:
        return (
            f"latest {latest.mean:.1f} on {day_words(latest.at, today)} · "
            "0–10, higher is better · p to rate"
        )
    tail = " (mean, 0–10, higher is better) · p to rate"
    line = ""
    for count in range(1, len(inside) + 1):
        lead = "… " if count < len(inside) else ""
        candidate = lead + " → ".join(f"{r.mean:.1f}" for r in inside[-count:]) + tail
        if count > 1 and len(candidate) > room:
            break
        line = candidate
    return line


#: Below this many lines the pain chart is drawn short, so the sessions keep rows of their own.
SHORT_BELOW = 32


# ---------------------------------------------------------------------------------------------


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


class HistoryScreen(MainScreen):
    """Sessions, pain over time, adherence, stages and PSFS, for a window you choose."""

    PLACE = "history"
    CSS_PATH = "history.tcss"
    COMMANDS = {HistoryCommands}
    BINDINGS = [
        # A priority binding so the footer shows it over the table's own (hidden) Enter.
        Binding("enter", "open", "Details", priority=True),
        Binding("f", "next_window", "Filter"),
        Binding("m", "more", "More"),
        Binding("p", "psfs", "Rate activities"),
        Binding("i", "checkins", "Check-ins"),
    ]

    #: Which of WINDOWS is shown: setting it redraws the screen (watch_window).
    window: var[int] = var(DEFAULT_WINDOW, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Session] = []  # the window's sessions read so far, newest first
        self.fetched: list[Session] = []  # the file's, as the store handed them out
        self.older: list[int] = []  # closed years whose sessions join `rows` when reached
        self.total = 0  # the window's sessions, those of closed years included
        self.first_day: date | None = None
        self.loaded = 0  # how many of them are in the table
        self.drawn_width = 0
        self.table_drawn: tuple[object, ...] = ()

    def compose_body(self) -> ComposeResult:
        with Vertical(id="history"):
            yield Static(id="history-shown", markup=False)
            yield Static(id="history-adherence", markup=False, classes="history-line")
            yield Static(id="history-stages", markup=False, classes="history-line")
            yield Static(id="history-psfs", markup=False, classes="history-line")
            yield Static(id="history-walks", markup=False, classes="history-line")
            # The chart's module (and plotext) is imported when History is first opened.
            from tui.widgets.pain_chart import PainChart

            yield PainChart(id="history-chart")
            yield Static(id="history-legend", markup=False)
            table: DataTable = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
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
            yield Static(
                Content(
                    "No sessions in this period. Press f for a longer one, or 1 for "
                    "Today to start a session."
                ),
                id="history-empty",
                markup=False,
            )

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

    def refresh_view(self) -> None:
        app = self.app
        self.drawn_width = app.size.width
        room = self.drawn_width - 2 - LABEL
        today = app.now().date()
        since = self.since()
        rules = app.catalog.rules
        # Every chart and line is drawn from the window's day sums (planner.days): for "All"
        # a closed year's come from its archive, and its sessions join the table as it is
        # scrolled to them (`_add_rows`).
        days = app.repo.day_sums(rules, since.date() if since is not None else None)
        live_since = app.repo.live_since()
        reach_back = live_since is not None and (since is None or since < live_since)
        first_read = live_since if reach_back else since
        sessions = app.repo.sessions(since=first_read)  # a slice of what is cached
        self.total = sum(r.sessions for r in days.values())
        drawn = (self.window, self.drawn_width, today)
        # The store hands out its cached records and replaces them when saved: the same
        # objects mean nothing changed, so coming back from a session's detail costs nothing.
        if drawn != self.table_drawn or not same_records(sessions, self.fetched):
            self.fetched = sessions
            self.rows = sessions[::-1]
            self.older = [
                y
                for y in app.repo.archive_years()
                if reach_back and (since is None or y >= since.year)
            ]
            self.first_day = next(iter(days), today)
            self._fill_table()
            self.table_drawn = drawn
        self._say_shown(today)
        table = self.query_one(DataTable)
        table.display = bool(self.rows)
        self.query_one("#history-empty").display = not self.rows
        if self.rows and self.focused is None:
            table.focus()  # the first session arrived while the table was hidden

        profile = app.profile()
        slots = len(profile.slots) if profile else 1
        recent = app.repo.sessions(since=midnight(today - timedelta(days=27)))
        self._line("#history-adherence", "Sessions", Content(adherence_line(recent, slots, today)))
        self._line(
            "#history-stages",
            "Stages",
            timeline_line(
                app.repo.stage_events(),
                since,
                app.catalog,
                today,
                room,
                [s for s in app.repo.screenings() if s.after_emergency],
            ),
        )
        self._line(
            "#history-psfs",
            "PSFS",
            Content(psfs_line(app.repo.psfs(since), app.repo.latest_psfs(), today, room)),
        )
        self._line(
            "#history-walks",
            "Walks",
            Content(walks_line(days, today, room, rules.walk_goal_minutes)),
        )

        # "All" begins with the first record; a window with its first day. A record dated
        # after today (a clock that was wrong) is shown where it falls, never dropped and
        # never a crash: the chart then runs on to its day.
        from tui.widgets.pain_chart import (
            GUTTER,
            PainChart,
            legend,
            pain_chart_data,
            stage_spans,
        )

        held = [day for day, r in days.items() if r.sessions or r.checkins]
        first = held[0] if held else today
        start = first if since is None else since.date()
        last = max([today, *held[-1:]])
        names = {n: stage.name for n, stage in app.catalog.stages.items()}
        data = pain_chart_data(
            days,
            start,
            last,
            stage_spans(app.repo.stage_events(), start, last, names),
            columns=self.drawn_width - 2 - GUTTER,
        )
        self.query_one("#history-chart", PainChart).update(data)
        rated = [r for r in days.values() if r.checkins]
        self.query_one("#history-legend", Static).update(
            Content(
                legend(
                    data,
                    self.drawn_width - 2,
                    highest=max((r.pain_high for r in rated), default=None),  # type: ignore[type-var]
                    latest=rated[-1].pain_last if rated else None,
                )
            )
        )
        self._fit_charts()

    def _line(self, selector: str, label: str, text: Content) -> None:
        self.query_one(selector, Static).update(
            Content.assemble((f"{label:<{LABEL}}", "bold"), text)
        )

    def _say_shown(self, today: date) -> None:
        days, label = WINDOWS[self.window]
        total = self.total
        start = today - timedelta(days=days - 1) if days is not None else self.first_day or today
        span = f"{label} ({day_words(start, today)} – {day_words(today, today)})"
        if total == 0:
            count = "no sessions"
        elif self.loaded < total:
            count = f"showing {self.loaded:,} of {total:,} · m more"
        else:
            count = f"{total:,} session{'s' if total != 1 else ''}"
        self.query_one("#history-shown", Static).update(
            Content.assemble((span, "bold"), f" · {count} · f to change")
        )
        self.refresh_bindings()

    # -- the table -----------------------------------------------------------------------------

    def _fill_table(self) -> None:
        """Rebuild the rows: as many loaded as before, the cursor on the same session."""
        table = self.query_one(DataTable)
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
        table = self.query_one(DataTable)
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
        table = self.query_one(DataTable)
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
            self._say_shown(self.app.now().date())

    def action_next_window(self) -> None:
        self.action_window(str((self.window + 1) % len(WINDOWS)))

    def action_window(self, index: str) -> None:
        self.window = int(index)

    def watch_window(self) -> None:
        self.loaded = 0
        self.refresh_view()
        table = self.query_one(DataTable)
        table.move_cursor(row=0, animate=False)
        table.scroll_home(animate=False)

    def action_open(self) -> None:
        self._open(self._current_id())

    def _open(self, session_id: str | None) -> None:
        session = self.app.repo.session(session_id) if session_id else None
        if session is not None:
            self.app.push_screen(SessionDetailScreen(session))

    def action_checkins(self) -> None:
        """Every check-in of the window, newest first, with its note."""
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


# ---------------------------------------------------------------------------------------------


def entry_words(entry: ExerciseEntry) -> str:
    """What happened to one exercise, in words: the mark says it without colour too."""
    dose = entry.prescribed
    if entry.skipped:
        return "– skipped"
    if entry.stopped_hurt:
        pain = "" if entry.pain_when_stopped is None else f" (pain {entry.pain_when_stopped}/10)"
        return f"✗ stopped because it hurt{pain} after {entry.sets_done} of {dose.sets} sets"
    parts = [f"{entry.sets_done} of {dose.sets} set{'s' if dose.sets != 1 else ''}"]
    if entry.reps_done:
        parts.append(f"{entry.reps_done} reps")
    if dose.hold_s and entry.hold_s_done:
        parts.append(f"hold {entry.hold_s_done} s")
    if dose.minutes and entry.seconds_done:
        parts.append(f"{round(entry.seconds_done / 60)} min")
    if entry.done:
        return "✓ done: " + ", ".join(parts)
    if entry.fraction == 0:
        return "○ not done"
    if dose.reps is not None:  # "4 of 8 reps": how far it got, over every set
        parts[0] = f"{entry.reps_done} of {dose.sets * dose.reps} reps"
        parts = [p for p in parts if not p.endswith(" reps") or p is parts[0]]
    return "◐ partly done: " + ", ".join(parts)


def session_detail(session: Session, catalog: Catalog, rules: Rules) -> list[Content]:
    """Every fact of a session, one block per item; user text literal."""
    s = session
    stage = catalog.stages.get(s.stage)
    when = f"{s.started_at:%A} {s.started_at.day} {s.started_at:%B %Y}, {s.started_at:%H:%M}"
    if s.ended_at is not None:
        minutes = max(0, round((s.ended_at - s.started_at).total_seconds() / 60))
        when += f"–{s.ended_at:%H:%M} ({minutes} min)"
    after = "not given" if s.pain_after is None else f"{s.pain_after}/10"
    done = sum(1 for e in s.entries if e.done)
    symptoms = {None: "not asked", False: "no", True: "YES — the plan was paused"}[s.new_symptoms]
    blocks = [
        Content.assemble((f"{s.slot.capitalize()} session", "bold"), f" · {when}"),
        Content("\n").join(
            [
                Content(f"Stage {s.stage}" + (f" · {stage.name}" if stage else "")),
                Content(
                    f"{OUTCOME_WORDS[s.outcome]} · {done} of "
                    f"{counted(len(s.entries), 'exercise')} done"
                    f" ({round(100 * s.done_share)} % of the work)"
                ),
                Content(
                    f"Pain before {s.pain_before}/10 → after {after} · felt: "
                    f"{s.difficulty or 'not said'}"
                ),
                Content(f"New numbness, weakness, bladder or bowel change: {symptoms}"),
            ]
        ),
    ]
    reasons = flare_reasons(s, rules)
    if reasons:
        blocks.append(Content.assemble((FLARE, "bold"), ": " + "; ".join(reasons)))
    else:
        blocks.append(Content("No flare."))
    blocks.append(
        Content.assemble(("Note", "bold"), "\n", literal(s.note) if s.note else Content("no note"))
    )
    lines = [Content.assemble(("Exercises", "bold"))]
    for n, e in enumerate(s.entries, 1):
        lines.append(Content.assemble(f"{n}. ", literal(e.name), f" — {e.prescribed.label()}"))
        lines.append(Content(f"   {entry_words(e)}"))
    if not s.entries:
        lines.append(Content("none recorded"))
    blocks.append(Content("\n").join(lines))
    return blocks


class SessionDetailScreen(ModalScreen[None]):
    """One session in full; scroll with the arrows, Esc closes."""

    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        app = self.app
        with Vertical(classes="dialog", id="session-detail"):
            with VerticalScroll(id="session-detail-body"):
                for block in session_detail(self.session, app.catalog, app.catalog.rules):
                    yield Static(block, markup=False, classes="detail-block")
            yield Static(Content("↑↓ scroll · Esc closes"), classes="dim", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


def checkin_line(c: CheckIn, first: bool) -> Content:
    """One check-in: when, the pain, its note; the day's first is marked (the rules use it)."""
    mark = "●" if first else " "
    return Content.assemble(
        f"{mark} {c.at:%a %d %b %Y %H:%M}  pain {c.pain:>2}/10  ",
        literal(" ".join(c.note.split())) if c.note else ("", ""),
    )


class CheckInsScreen(ModalScreen[None]):
    """The window's check-ins with their notes; ● marks each day's first, which the rules use."""

    BINDINGS = [Binding("escape,q,i", "close", "Close")]

    def __init__(self, checkins: list[CheckIn], window: str) -> None:
        super().__init__()
        self.checkins = checkins  # newest first
        self.window = window

    def compose(self) -> ComposeResult:
        firsts = {c.at.date(): c for c in reversed(self.checkins)}
        lines = [checkin_line(c, firsts[c.at.date()] is c) for c in self.checkins]
        with Vertical(classes="dialog", id="session-detail"):
            yield Static(
                Content.assemble(
                    (f"Check-ins · {self.window}", "bold"), f" · {len(self.checkins)}"
                ),
                markup=False,
            )
            with VerticalScroll(id="session-detail-body"):
                yield Static(
                    Content("\n").join(lines)
                    if lines
                    else Content("No check-ins in this period (c records one)."),
                    markup=False,
                )
            yield Static(
                Content("● the day's first: the one the rules use · Esc closes"),
                classes="dim",
                markup=False,
            )

    def action_close(self) -> None:
        self.dismiss(None)
