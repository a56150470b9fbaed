"""The places' lines (tui/widgets/today.py, progress.py, history.py): each is drawn from the one
value its screen binds to it, here a host app's, from standings the real planner gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from textual.app import App, ComposeResult
from textual.reactive import var
from textual.widget import Widget

from planner.advice import Standing, stand
from planner.clock import midnight
from planner.days import day_sums
from planner.gate import SafetyRecords
from planner.models import CheckIn, StageEvent
from planner.plan import build_plan
from planner.progression import History
from planner.safety import RED_FLAGS, screen
from tests.conftest import NOW, make_profile
from tests.tui.conftest import SMALL
from tests.tui.flows import plain
from tests.unit.worlds import world
from tui.widgets.history import (
    AdherenceLine,
    Period,
    PsfsLine,
    ShownLine,
    StagesLine,
    WalksLine,
)
from tui.widgets.progress import (
    ActivitiesLine,
    Criteria,
    Ladder,
    StageHistory,
    StepBackLine,
    WalkingLine,
)
from tui.widgets.today import (
    Banner,
    CheckInLine,
    NextSession,
    StageHeader,
    StartButton,
    TodayCard,
    TodaySessions,
)

NO = {flag.id: False for flag in RED_FLAGS}
CLEAR = SafetyRecords(screenings=(screen(NO, NOW - timedelta(days=1), "weekly"),))
FEVER = SafetyRecords(
    screenings=(screen(NO | {"fever": True}, NOW - timedelta(hours=2), "weekly"),)
)


class Host(App[None]):
    """Holds the values a screen would and binds each line to the one it takes."""

    standing: var[Standing | None] = var(None, always_update=True)
    period: var[Period | None] = var(None, always_update=True)
    loaded: var[int] = var(0)

    def __init__(self, *lines: Widget) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        for line in self.lines:
            names = [n for n in ("standing", "period", "loaded") if hasattr(type(line), n)]
            yield line.data_bind(**{n: getattr(Host, n) for n in names})


def standing_of(catalog, history: History, safety=CLEAR, now=NOW) -> Standing:
    profile = make_profile()
    stage = history.events[-1].to_stage
    plan = build_plan(catalog, profile, stage, now - timedelta(days=20), None)
    return stand(catalog, profile, plan, history, safety, None, now)


def counted_updates(widget) -> list[object]:
    """Every `update` the widget gets from now on."""
    seen: list[object] = []
    update = widget.update

    def counting(*args, **kwargs):
        seen.append(args)
        update(*args, **kwargs)

    widget.update = counting
    return seen


async def test_today_lines_draw_the_stage_the_sessions_and_the_check_in_of_the_standing(catalog):
    history = world(2, days=20, sessions=8, checkins=[2, 3, 4], pain=3)
    standing = standing_of(catalog, history)
    header, sessions, checkin = StageHeader(catalog), TodaySessions(catalog), CheckInLine(catalog)
    nxt, start = NextSession(catalog), StartButton("Start")
    app = Host(header, sessions, checkin, nxt, start, TodayCard(catalog))
    async with app.run_test(size=SMALL) as pilot:
        app.standing = standing
        await pilot.pause()
        stage = catalog.stage(2)
        assert plain(header) == f"Stage 2 of 4 · {stage.name}\n{stage.aim}"
        assert plain(sessions).startswith("Today · Saturday 21 November")
        assert "○ Morning  to do" in plain(sessions)
        assert plain(checkin) == "Today's check-in: pain 4/10 at 07:00."
        assert not checkin.has_class("-due")
        assert plain(nxt).startswith("Next: morning session ·")
        assert start.display and str(start.label) == "Start morning session (s)"


async def test_a_check_in_redraws_the_check_in_line_and_leaves_the_stage_as_it_was(catalog):
    history = world(2, days=20, sessions=8, checkins=[2, 3], pain=3)
    moved = NOW - timedelta(days=1)  # no check-in yet today
    history = History.of(
        history.sessions, [c for c in history.checkins if c.at < moved], [*history.events]
    )
    header, checkin = StageHeader(catalog), CheckInLine(catalog)
    app = Host(header, checkin)
    async with app.run_test(size=SMALL) as pilot:
        app.standing = standing_of(catalog, history)
        await pilot.pause()
        assert plain(checkin) == "No check-in yet today: press c to record your pain."
        assert checkin.has_class("-due")
        header_updates, checkin_updates = counted_updates(header), counted_updates(checkin)
        later = History.of(
            history.sessions,
            [*history.checkins, CheckIn(at=NOW - timedelta(hours=1), pain=5)],
            list(history.events),
        )
        app.standing = standing_of(catalog, later)
        await pilot.pause()
        assert plain(checkin) == "Today's check-in: pain 5/10 at 11:00."
        assert not checkin.has_class("-due")
        assert len(checkin_updates) == 1 and header_updates == []


async def test_today_with_a_warning_sign_says_why_no_session_and_hides_start(catalog):
    standing = standing_of(catalog, world(1, days=10, sessions=4, checkins=[2], pain=2), FEVER)
    banner, nxt, start = Banner(catalog), NextSession(catalog), StartButton("Start")
    app = Host(banner, nxt, start)
    async with app.run_test(size=SMALL) as pilot:
        app.standing = standing
        await pilot.pause()
        assert banner.display and banner.has_class("-paused")
        assert "a warning sign is open" in plain(banner)
        assert plain(nxt).startswith("No session now.")
        assert "Open warning signs:" in plain(nxt)
        assert not start.display


async def test_before_a_plan_today_welcomes_and_offers_no_session(catalog):
    standing = replace(
        standing_of(catalog, world(1, days=3, sessions=0, checkins=[], pain=2)),
        plan=None,
        advice=None,
    )
    header, start = StageHeader(catalog), StartButton("Start")
    app = Host(header, start)
    async with app.run_test(size=SMALL) as pilot:
        app.standing = standing
        await pilot.pause()
        assert plain(header) == "Welcome. Let us set up your plan."
        assert not start.display


async def test_progress_lines_draw_the_ladder_criteria_step_back_walking_and_events(catalog):
    history = world(1, days=12, sessions=10, checkins=[2, 2, 2], pain=2)
    ladder, criteria, back = Ladder(catalog), Criteria(catalog), StepBackLine(catalog)
    walking, events, activities = WalkingLine(catalog), StageHistory(catalog), ActivitiesLine()
    app = Host(ladder, criteria, back, walking, events, activities)
    async with app.run_test(size=(100, 40)) as pilot:
        app.standing = standing_of(catalog, history)
        await pilot.pause()
        assert f"▶ 1 {catalog.stage(1).name}" in plain(ladder)
        assert "you are here · since 09 Nov (12 days)" in plain(ladder)
        assert plain(criteria).startswith(f"Moving on to 2 {catalog.stage(2).name} needs")
        assert plain(back).startswith("No step back advised")
        assert plain(walking).startswith("Walking: not set up yet.")
        assert "09 Nov 2026 start 1" in plain(events)
        assert plain(activities).startswith("Activities (PSFS): rate them weekly")


async def test_the_stage_history_is_redrawn_only_when_an_event_is_added(catalog):
    history = world(1, days=12, sessions=10, checkins=[2, 2, 2], pain=2)
    events = StageHistory(catalog)
    app = Host(events)
    async with app.run_test(size=(100, 30)) as pilot:
        app.standing = standing_of(catalog, history)
        await pilot.pause()
        updates = counted_updates(events)
        app.standing = standing_of(catalog, history, now=NOW + timedelta(minutes=5))
        await pilot.pause()
        assert updates == []
        moved = StageEvent(at=NOW, from_stage=1, to_stage=2, kind="advance", reason="ready")
        ahead = History.of(history.sessions, history.checkins, [*history.events, moved])
        app.standing = standing_of(catalog, ahead, now=NOW + timedelta(minutes=5))
        await pilot.pause()
        assert len(updates) == 1 and "21 Nov 2026 moved on 1→2 ready" in plain(events)


def period_of(catalog, history: History, width: int = 80) -> Period:
    today = NOW.date()
    return Period(
        window=1,
        today=today,
        since=midnight(today - timedelta(days=29)),
        width=width,
        days=day_sums(history.sessions, history.checkins, [], catalog.rules),
        recent=history.sessions,
        slots=2,
        events=history.events,
        alarms_ended=[],
        psfs=[],
        latest_psfs=None,
        walk_goal=catalog.rules.walk_goal_minutes,
    )


async def test_history_lines_draw_the_period_read_for_the_window(catalog):
    history = world(1, days=50, sessions=9, checkins=[2, 3, 4], pain=3)
    shown, adherence, stages = ShownLine(), AdherenceLine(catalog), StagesLine(catalog)
    psfs, walks = PsfsLine(catalog), WalksLine(catalog)
    app = Host(shown, adherence, stages, psfs, walks)
    async with app.run_test(size=SMALL) as pilot:
        app.period = period_of(catalog, history)
        app.loaded = 9
        await pilot.pause()
        assert plain(shown) == "Last 30 days (23 Oct – 21 Nov) · 9 sessions · f to change"
        assert plain(adherence) == (
            "Sessions done this week 9/14 · the 3 weeks before 0/14, 0/14, 0/14"
        )
        assert plain(stages) == (
            f"Stages   1 {catalog.stage(1).name} since 2 Oct (no change in this period)"
        )
        assert plain(psfs).startswith("PSFS     none yet — press p")
        assert plain(walks).startswith("Walks    none in this period")
        app.loaded = 4
        await pilot.pause()
        assert "showing 4 of 9 · m more" in plain(shown)


async def test_the_pain_panel_charts_the_period_s_check_ins_and_says_the_highest(catalog):
    from tui.widgets.pain_chart import PainChart, PainPanel

    history = world(1, days=50, sessions=4, checkins=[2, 6, 4], pain=3)
    panel = PainPanel(catalog)
    app = Host(panel)
    async with app.run_test(size=(100, 30)) as pilot:
        app.period = period_of(catalog, history, width=100)
        await pilot.pause()
        data = panel.query_one(PainChart).data
        assert data is not None and [v for _, v in data.back] == [2, 6, 4]
        assert "check-ins: highest 6, latest 4" in plain(panel.caption)
