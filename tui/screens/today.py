"""Today: the home screen — stage, today's sessions, the check-in, what is waiting."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from planner.advice import left_open, next_slot, today_sessions
from planner.course import reach_change
from planner.learn import TodaysCard, todays_card
from planner.models import CheckIn, Session, Walk
from planner.plan import session_minutes
from planner.report import short_change
from planner.text import counted
from store.conflicts import beside
from tui.screens.base import MainScreen
from tui.text import bullet_list, literal


class TodayScreen(MainScreen):
    """Home: what to do today."""

    PLACE = "today"

    BINDINGS = [
        Binding("s", "start", "Start session"),
        # Said on the day's list, beside the bout and the walk they log: the footer keeps its
        # room for the session's keys (f and x for a session cut off).
        Binding("b", "bout", "Bout done", show=False),
        Binding("w", "walk", "Walk", show=False),
        Binding("r", "rescreen", "Re-screen"),
        Binding("d", "clearance", "Doctor checked"),
        Binding("f", "finish_open", "Finish it"),
        Binding("x", "close_open", "Close it"),
        Binding("m", "merge_copy", "Merge the copy"),
    ]

    #: Every open warning sign is one a doctor's clearance may stand in for (shows `d`).
    clearable = False
    #: Sessions wait for the go-ahead after recent spinal surgery (`d` records it).
    go_ahead = False
    #: A session cut off before its end form (planner.advice.left_open): f and x show.
    left: Session | None = None
    #: The plan has exercises done in bouts through the day (shows `b`).
    has_bouts = False
    #: Copies a sync tool left beside the file when two computers wrote it (shows `m`).
    copies: tuple[Path, ...] = ()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clearance":
            return self.clearable or self.go_ahead
        if action == "bout":
            return self.has_bouts
        if action in ("finish_open", "close_open"):
            return self.left is not None
        if action == "merge_copy":
            return bool(self.copies)
        return True

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="today"):
            yield Static(id="stage", markup=False)
            yield Static(id="banner", markup=False)
            yield Static(id="copy", markup=False)
            yield Static(id="left-open", markup=False)
            yield Static(id="sessions", markup=False)
            yield Static(id="daily", markup=False)
            yield Static(id="checkin", markup=False)
            yield Static(id="next", markup=False)
            yield Static(id="last-note", markup=False)
            yield Button("Start session (s)", id="start", variant="primary", compact=True)
            yield Static(id="card", markup=False)

    def refresh_view(self) -> None:
        app = self.app
        self.show_copies(tuple(beside(app.repo.path)))
        standing = app.standing()  # the store is read once per redraw
        profile, plan, advice = standing.profile, standing.plan, standing.advice
        if profile is None or plan is None or advice is None:
            self.query_one("#stage", Static).update("Welcome. Let us set up your plan.")
            for wid in (
                "#banner",
                "#left-open",
                "#sessions",
                "#daily",
                "#checkin",
                "#next",
                "#last-note",
                "#card",
            ):
                self.query_one(wid, Static).update("")
            self.query_one("#start", Button).display = False
            return
        now, history = standing.now, standing.history
        stage = app.catalog.stage(plan.stage)
        self.query_one("#stage", Static).update(
            Content.assemble((f"Stage {stage.number} of 4 · {stage.name}", "bold"), "\n", stage.aim)
        )

        banner = self.query_one("#banner", Static)
        lines = advice.banner()
        banner.update(Content("\n".join(f"▸ {line}" for line in lines)))
        banner.display = bool(lines)
        banner.set_class(advice.paused, "-paused")

        self.show_left_open(left_open(history.sessions))

        done = today_sessions(plan, profile, history, now)
        rows = [Content.from_markup(f"[b]Today[/b] · {now:%A %d %B}")]
        for slot, s in done.items():
            if s is None:
                rows.append(Content(f"  ○ {slot.capitalize():<8} to do"))
            else:
                mark = {"done": "✓", "partial": "◐", "skipped": "○"}[s.outcome]
                word = {"done": "done", "partial": "partly done", "skipped": "nothing done"}[
                    s.outcome
                ]
                finished = sum(1 for e in s.entries if e.done)
                rows.append(
                    Content(
                        f"  {mark} {slot.capitalize():<8} {word} · "
                        f"{finished}/{counted(len(s.entries), 'exercise')} · pain {short_change(s)}"
                    )
                )
        self.query_one("#sessions", Static).update(Content("\n").join(rows))
        self.show_daily(standing)

        today_checkins = [c for c in history.checkins if c.at.date() == now.date()]
        checkin = self.query_one("#checkin", Static)
        if today_checkins:
            first: CheckIn = today_checkins[0]
            last: CheckIn = today_checkins[-1]
            if last is first:
                words = f"Today's check-in: {first.rating.words()} at {first.at:%H:%M}."
            else:
                words = (
                    f"Latest check-in: {last.rating.words()} at {last.at:%H:%M} "
                    f"({len(today_checkins)} today). Moving on uses the day's first, "
                    f"{first.rating.words()} at {first.at:%H:%M}; any 7 or more counts toward "
                    "a step back."
                )
            moved = reach_change(history, now)
            if moved is not None:
                words += "\n" + moved.words()
            checkin.update(Content(words))
            checkin.remove_class("-due")
        else:
            checkin.update(Content("No check-in yet today: press c to record your pain."))
            checkin.add_class("-due")

        self.show_last_note(history)
        self.show_card(todays_card(app.catalog, standing))
        start = self.query_one("#start", Button)
        nxt = self.query_one("#next", Static)
        gate = standing.gate
        if (gate.clearable, gate.why == "surgery") != (self.clearable, self.go_ahead):
            self.clearable, self.go_ahead = gate.clearable, gate.why == "surgery"
            self.refresh_bindings()
        if not gate.open:
            reason = Text.assemble(("No session now. ", "bold"), gate.reason)
            if gate.signs:
                signs = bullet_list("Open warning signs:", [s.flag.question for s in gate.signs])
                nxt.update(Group(reason, signs))
            else:
                nxt.update(reason)
            start.display = False
            return
        slot = next_slot(done, now.hour)
        slots = profile.slots
        items = plan.for_slot(slot, slots)
        minutes = session_minutes(plan, slot, slots)
        all_done = all(s is not None and s.is_done for s in done.values())
        lines = []
        if all_done:
            lines.append(
                Content(
                    "Today's sessions are done. Rest is part of the plan; an "
                    "extra session is up to you."
                )
            )
        head = "Extra" if all_done else "Next"
        lines.append(
            Content.from_markup(
                f"[b]{head}: {slot} session[/b] · {counted(len(items), 'exercise')}, "
                f"about {minutes} min"
            )
        )
        for i, p in enumerate(items, 1):
            name = app.catalog.name_of(p.exercise_id)
            lines.append(Content(f"  {i}. {name} — {p.dose.label(daily=False)}"))
        nxt.update(Content("\n").join(lines))
        start.label = Content(f"{'Extra' if all_done else 'Start'} {slot} session (s)")
        start.display = True

    def show_copies(self, copies: tuple[Path, ...]) -> None:
        """A sync tool's conflict copy beside the file (two computers wrote it between two
        syncs): say so, and offer to merge it."""
        if copies != self.copies:
            self.copies = copies
            self.refresh_bindings()
        widget = self.query_one("#copy", Static)
        widget.display = bool(copies)
        if copies:
            more = f" (and {len(copies) - 1} more)" if len(copies) > 1 else ""
            widget.update(
                Content.assemble(
                    "A copy from another computer is beside your file",
                    more,
                    ": ",
                    ("m", "bold"),
                    " merges it, keeping every record of both.",
                )
            )

    @work
    async def action_merge_copy(self) -> None:
        from tui.screens.modals import ConfirmScreen

        if not self.copies:
            return
        copy = self.copies[0]
        if await self.app.push_screen_wait(
            ConfirmScreen(
                f"Merge {copy.name} into your file? Every record of both is kept, your file is "
                "backed up first, and the copy moves to your backups.",
                "Merge",
                "Not now",
            )
        ):
            self.app.merge_from(copy)

    def show_left_open(self, session: Session | None) -> None:
        """A session cut off before its end form: say so, and offer to finish or close it."""
        widget = self.query_one("#left-open", Static)
        if session is not self.left:
            self.left = session
            self.refresh_bindings()
        widget.display = session is not None
        if session is None:
            return
        done = sum(1 for e in session.entries if e.done)
        widget.update(
            Content.assemble(
                (f"Your {session.slot} session of {session.started_at:%a %d %b, %H:%M}", "bold"),
                f" was cut off with {done} of {counted(len(session.entries), 'exercise')} done, "
                "before "
                "you said how it went.\n",
                ("f", "bold"),
                "  finish it: pain now and the two warning-sign questions\n",
                ("x", "bold"),
                "  close it as it stands",
            )
        )

    def action_finish_open(self) -> None:
        from tui.screens.player import EndSessionScreen

        plan = self.app.plan()
        if self.left is None or plan is None:
            return
        self.app.push_screen(EndSessionScreen.finishing(plan, self.left))

    def action_close_open(self) -> None:
        session = self.left
        if session is None:
            return
        if self.app.said(self.app.door.close_open_session()):
            self.notify(
                f"Your {session.slot} session was closed as it stood ({session.outcome}).",
                markup=False,
            )
            self.refresh_view()

    def show_daily(self, standing) -> None:
        """The bouts through the day and the walk, each with the one key that logs it."""
        if bool(standing.bouts) != self.has_bouts:
            self.has_bouts = bool(standing.bouts)
            self.refresh_bindings()
        rows = []
        for count in standing.bouts:
            mark = "✓" if not count.left else "◐" if count.done else "○"
            rows.append(Content.assemble(f"  {mark} {count.line()}  ", ("b", "bold"), " one done"))
        walk = standing.walk
        if walk is None:
            rows.append(
                Content.assemble(
                    "  ○ Walking: say how long you walk comfortably  ", ("w", "bold"), " set up"
                )
            )
        else:
            if walk.done_today:
                mark = "✓"
            elif walk.minutes_today:
                mark = "◐"
            else:
                mark = "·" if walk.rest_today else "○"
            rows.append(Content.assemble(f"  {mark} {walk.line()}  ", ("w", "bold"), " log a walk"))
        self.query_one("#daily", Static).update(Content("\n").join(rows))

    def action_bout(self) -> None:
        """One key: one bout of the first exercise with bouts left today."""
        result = self.app.door.log_bout()
        if self.app.said(result):
            count = result.value
            self.notify(f"{count.name}: {count.done} of {count.of} today.", markup=False)
            self.refresh_view()

    @work
    async def action_walk(self) -> None:
        """Log a walk; the first time, ask how long the person walks comfortably now."""

        from planner.walking import day_pain_before
        from tui.screens.walk import WalkScreen, ask_comfortable

        app = self.app
        standing = app.standing()
        profile = standing.profile
        if profile is None or standing.plan is None:
            return
        if not standing.gate.open:
            self.notify(standing.gate.reason, severity="warning", markup=False)
            return
        if standing.walk is None:
            if await ask_comfortable(self):
                self.refresh_view()
            return
        now = app.now()
        day_pain = day_pain_before(standing.history.checkins, now)
        kept: Walk | None = None
        while True:
            walk = await app.push_screen_wait(
                WalkScreen(now, standing.walk, profile.leg_symptoms, day_pain, kept=kept)
            )
            if walk is None:
                return
            result = app.door.log_walk(walk)
            if app.said(result):
                break
            if result.need != "disk":
                return  # the rules said no (and why): nothing to try again
            kept = walk  # the disk refused: the same walk comes back, to try again
        self.refresh_view()
        after = result.value
        if after is not None:
            self.notify(after.line() + ".", markup=False)

    def show_card(self, today: TodaysCard | None) -> None:
        """The education card that fits what is happening (planner.learn): its title and first
        paragraph; the whole card and its sources are in Library's Learn list."""
        widget = self.query_one("#card", Static)
        widget.display = today is not None
        if today is None:
            return
        widget.update(
            Content.assemble(
                (f"{today.why}: {today.card.title}", "bold"),
                "\n",
                today.card.body[0],
                "\n",
                ("All of it, with its sources: Library (5), then l for Learn.", "dim"),
            )
        )

    def show_last_note(self, history) -> None:
        """The latest session note, so what you wrote last time is there to read."""
        widget = self.query_one("#last-note", Static)
        for s in reversed(history.sessions[-20:]):
            if s.note.strip():
                widget.update(
                    Content.assemble(
                        (f"Last note ({s.started_at:%d %b}): ", "dim"), literal(s.note)
                    )
                )
                widget.display = True
                return
        widget.display = False

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        self._start()

    @work
    async def _start(self) -> None:
        from tui.screens.modals import PainScreen, SessionChoiceScreen
        from tui.screens.player import PlayerScreen

        app = self.app
        standing = app.standing()
        profile, plan, gate = standing.profile, standing.plan, standing.gate
        if profile is None or plan is None:
            return
        if gate.why == "rescreen-due":
            self.notify("The weekly safety check comes first.", markup=False)
            app.action_rescreen()
            return
        if not gate.open:
            if gate.signs:
                from tui.screens.doctor import DoctorScreen

                await app.push_screen(DoctorScreen(gate))
            else:
                self.notify(gate.reason, severity="warning", markup=False)
            return
        now, history = standing.now, standing.history
        first_today = not any(c.at.date() == now.date() for c in history.checkins)
        question = "Pain right now, before you start?"
        if first_today:
            question += " (This also counts as today's check-in.)"
        before = await app.push_screen_wait(PainScreen(question, leg=profile.leg_symptoms))
        if before is None:
            return
        # Above 5 the pain offers a lighter session or rest first (7 or more: the stage below's);
        # the planned one is a choice too, made on purpose.
        offered = app.door.session_offer(before)
        choice = None
        if offered.choices:
            choice = await app.push_screen_wait(
                SessionChoiceScreen(offered.reason, offered.choices[0], plan.stage)
            )
            if choice is None:
                return
        # The door asks the gate again (time has passed while the pain was asked), closes a
        # session cut off before, and keeps the pain as the day's first check-in.
        result = app.door.start_session(before, choice)
        if not app.said(result):
            return
        start = result.value
        if start is None:  # rest today
            self.refresh_view()
            return
        await app.push_screen(PlayerScreen(start.plan, start.slot, before, start.chosen))

    def action_rescreen(self) -> None:
        self.app.action_rescreen()

    @work
    async def action_clearance(self) -> None:
        from tui.screens.doctor import ask_clearance, ask_go_ahead

        gate = self.app.gate()
        if gate.why == "surgery":
            if await ask_go_ahead(self):
                self.refresh_view()
            return
        ask_clearance(self.app, gate, lambda gate: self.refresh_view())
