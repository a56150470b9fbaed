"""The guided session: one exercise at a time, with get-ready, hold and rest timers.

The timing lives in `planner.runner.SessionRun`; this screen draws it, forwards keys, and ticks
it from the app's clock a few times a second. Tests move the fake clock and call `tick()`.
Beside the steps, the exercise's stick figure moves with the timer (`planner.figure.motion`);
below 80 columns, or where the steps would need scrolling beside it, it is left out and not
drawn.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Header, Input, Label, Static, TextArea

from planner.advice import closed_as_it_stands
from planner.figure import motion
from planner.models import NOTE_MAX, Plan, Rating, Session, SessionChoice, Slot, new_id
from planner.progression import is_flare, reach_moved
from planner.report import session_summary
from planner.runner import PHASE_WORDS, SessionRun
from planner.safety import SESSION_CHECKS
from planner.text import counted
from tui.compat import Footer
from tui.parse import InputProblem, parse_note, parse_pain
from tui.screens.base import FIELD_KEYS, RehabScreen, asks
from tui.screens.modals import ConfirmScreen, PainScreen, Problem
from tui.widgets.answers import AnswerList
from tui.widgets.checklist import CheckList
from tui.widgets.figure import FigureView
from tui.widgets.leg_fields import LegFields
from tui.widgets.text_fields import TextInput, WordsArea, reads_fields

TICK_S = 0.2
#: The figure moves in steps of this much of the way (a redraw only when it changes).
FIGURE_STEPS = 8
#: The narrowest terminal that shows the figure beside the steps.
FIGURE_MIN_WIDTH = 80


def clock_words(seconds: int) -> str:
    """Time left as a person reads it: "45 s" under a minute, "4:57" from one minute up."""
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60}:{seconds % 60:02d}"


BAR_CELLS = 30


def phase_bar(left: float, seconds: int, cells: int = BAR_CELLS) -> str:
    """How much of the phase has gone, as a bar that is full at the last tick before the bell.
    The screen redraws every TICK_S, so the bar runs over the phase less one tick: a bar scaled
    to the whole phase ended a cell or two short, and never showed full."""
    if seconds <= 0:
        return "░" * cells
    span = max(seconds - TICK_S, TICK_S)
    gone = min(max(seconds - left, 0.0) / span, 1.0)
    filled = math.ceil(cells * gone - 1e-9)
    return "█" * filled + "░" * (cells - filled)


class PlayerScreen(RehabScreen):
    """Run one session of the plan."""

    #: The figure's size: small from 80 columns, larger from 100 (app.tcss).
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (FIGURE_MIN_WIDTH, "-medium"),
        (100, "-wide"),
    ]

    BINDINGS = [
        Binding("space", "toggle", "Go/Pause", tooltip="start / pause the timer"),
        Binding("n", "next", "Next", tooltip="next exercise"),
        Binding("b", "back", "Back", tooltip="back to the previous exercise"),
        Binding("s", "skip", "Skip", tooltip="skip this exercise"),
        Binding("h", "hurt", "It hurts", tooltip="it hurts: stop this exercise and mark it"),
        Binding(
            "q,escape",
            "quit_session",
            "Stop",
            key_display="q",
            tooltip="stop the session (what you did is kept)",
        ),
        # Still there, but the footer has no room for it at 80 columns: help lists it.
        Binding("c", "app.checkin", "Check in", show=False),
    ]

    def __init__(
        self, plan: Plan, slot: Slot, before: Rating, chosen: SessionChoice | None = None
    ) -> None:
        super().__init__()
        self.plan = plan
        self.slot = slot
        #: What was chosen at a high pain before it (the lighter session, the stage below's,
        #: or the planned one), kept with the session.
        self.chosen = chosen
        #: Pain before the session: back, and for leg symptoms leg pain and the reach.
        self.before = before
        self.started_at: datetime | None = None
        self.run: SessionRun | None = None
        #: The session's id from the start: kept on disk after each exercise, then replaced by
        #: the end form's save (or by ctrl+q), so it is one record however it ends.
        self.session_id = new_id()
        self.kept_index = 0  # the exercise the record on disk had reached
        #: The exercise the figure's place was worked out for (see `place_figure`).
        self._placed_for: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="player"):
            yield Static(id="where", markup=False)
            yield Static(id="name", markup=False)
            with Horizontal(id="exercise-box"):
                with VerticalScroll(id="steps-box"):
                    yield Static(id="steps", markup=False)
                yield FigureView(None, id="figure")
            yield Static(id="timer", markup=False)
            yield Static(id="counts", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        app = self.app
        self.started_at = app.now()
        profile = app.profile()
        assert profile is not None  # no plan is made before the profile
        items = self.plan.for_slot(self.slot, profile.slots)
        names = {
            p.exercise_id: app.catalog.exercises[p.exercise_id].name
            for p in items
            if p.exercise_id in app.catalog.exercises
        }
        self.run = SessionRun.of(items, names)
        self.set_interval(TICK_S, self.tick)
        self.draw()

    def on_resize(self) -> None:
        """The room changed: whether the figure fits is worked out again."""
        self.place_figure()

    def place_figure(self) -> None:
        """The figure goes beside the steps from 80 columns, unless the steps would then need
        scrolling: the steps and their cautions come first. Worked out for each exercise,
        before the figure is shown, so a figure left out is never drawn."""
        run = self.run
        view = self.query_one("#figure", FigureView)
        self._placed_for = run.index if run is not None else None
        view.display = False
        if self.size.width >= FIGURE_MIN_WIDTH and run is not None:
            self.call_after_refresh(self._show_figure_if_steps_fit)

    def _show_figure_if_steps_fit(self) -> None:
        view = self.query_one("#figure", FigureView)
        box = self.query_one("#steps-box", VerticalScroll)
        width = view.styles.width
        if self.run is None or width is None:
            return
        beside = box.size.width - int(width.value) - view.styles.margin.left
        needed = self.query_one("#steps", Static).get_content_height(box.size, self.size, beside)
        if beside > 0 and needed <= box.size.height:
            view.display = True
            self.draw_figure(self.app.now())

    def on_screen_suspend(self) -> None:
        """Anything over the player (help, a check-in, a question) pauses the timer: no hold
        runs on while the person reads something else. Space goes on."""
        if self.run is not None and self.run.running:
            self.run.toggle(self.app.now())
            self.draw()

    # -- time ----------------------------------------------------------------------------------

    def tick(self) -> None:
        """Advance the runner to the app's clock; ring the bell when a hold ends."""
        if self.run is None:
            return
        events = self.run.tick(self.app.now())
        if "bell" in events:
            self.app.bell()
        if "finished" in events:
            self.finish(completed=True)
            return
        self.save_progress()
        self.draw()

    # -- drawing -------------------------------------------------------------------------------

    def draw(self) -> None:
        run = self.run
        if run is None or run.finished:
            return
        item = run.current
        assert item is not None
        ex = self.app.catalog.exercises.get(item.prescription.exercise_id)
        total = len(run.items)
        self.query_one("#where", Static).update(
            Content(f"{self.slot.capitalize()} session · exercise {run.index + 1} of {total}")
        )
        status = ""
        if item.skipped:
            status = "  (skipped)"
        elif item.stopped_hurt:
            status = "  (stopped: it hurt)"
        elif item.finished:
            status = "  (done)"
        self.query_one("#name", Static).update(
            Content.assemble(
                (item.name, "bold"), status, "\n", ("Dose: ", "dim"), item.dose.label(daily=False)
            )
        )
        lines: list[Content] = []
        if ex is not None:
            lines += [Content(f"{i}. {step}") for i, step in enumerate(ex.steps, 1)]
            for c in ex.cautions:
                lines.append(Content.assemble(("⚠ Caution: ", "bold"), c.text))
        self.query_one("#steps", Static).update(Content("\n").join(lines))
        now = self.app.now()
        timer = self.query_one("#timer", Static)
        if run.phase is None:
            timer.update(Content("Press space to start this exercise · n next · s skip"))
        else:
            word = PHASE_WORDS[run.phase.kind]
            left = int(round(run.left(now) + 0.49))
            paused = "  — paused, press space to go on" if run.paused else ""
            bar = phase_bar(run.left(now), run.phase.seconds)
            timer.update(
                Content.assemble(
                    (f"{word.upper()}  {clock_words(left)}", "bold"), paused, "\n", bar
                )
            )
        dose = item.dose
        parts = []
        if dose.reps is not None:
            parts.append(f"rep {min(item.reps_done + 1, dose.reps)} of {dose.reps}")
        parts.append(f"set {min(item.sets_done + 1, dose.sets)} of {dose.sets}")
        self.query_one("#counts", Static).update(Content(" · ".join(parts)))
        if run.index != self._placed_for:
            self.place_figure()
        self.draw_figure(now)

    def draw_figure(self, now: datetime) -> None:
        """Move the figure to where the timer says: the end pose in a hold, the start pose
        between reps; nothing is drawn while it is left out."""
        view = self.query_one("#figure", FigureView)
        run = self.run
        if not view.display or run is None or run.current is None:
            return
        item = run.current
        figure = self.app.catalog.figures.get(item.prescription.exercise_id)
        if figure is not view.figure:
            view.show(figure)
        dose = item.dose
        holds = dose.hold_s is not None and not (dose.minutes is not None and dose.reps is None)
        phase = run.phase
        kind, seconds = (phase.kind, phase.seconds) if phase is not None else (None, 0)
        t = motion(kind, seconds, run.left(now), holds=holds)
        view.t = round(t * FIGURE_STEPS) / FIGURE_STEPS

    # -- keys ----------------------------------------------------------------------------------

    # Space's action, as in the checklist: it shadows DOMNode.action_toggle(attribute_name).
    def action_toggle(self) -> None:  # type: ignore[override]
        if self.run is not None:
            self.run.toggle(self.app.now())
            self.draw()

    def action_next(self) -> None:
        self._move(lambda run: run.next())

    def action_back(self) -> None:
        self._move(lambda run: run.back())

    def action_skip(self) -> None:
        self._move(lambda run: run.skip())

    def _move(self, step) -> None:
        if self.run is None:
            return
        step(self.run)
        if self.run.finished:
            self.finish(completed=True)
        else:
            self.save_progress()
            self.draw()

    @asks
    async def action_hurt(self) -> None:
        """Stop this exercise at once, ask how much it hurts, and mark it."""
        if self.run is None or self.run.current is None:
            return
        self.run.toggle(self.app.now()) if self.run.running else None
        leg = self.before.leg is not None
        now = await self.app.push_screen_wait(
            PainScreen("Stopped. How much does it hurt now?", leg=leg)
        )
        now = now or self.before
        spread = reach_moved(self.before.reach, now.reach) == "peripheralising"
        self.run.hurt(now.worse, spread_down=spread)
        if spread:
            self.notify(
                "Your leg symptoms spread further down: this exercise is stopped, and it counts "
                "as a flare. Go gently; it will be a step easier next time.",
                severity="warning",
                markup=False,
                timeout=10,
            )
        else:
            self.notify(
                "Exercise stopped and marked. Go gently: skip anything that hurts.", markup=False
            )
        if self.run.finished:
            self.finish(completed=True)
        else:
            self.save_progress()
            self.draw()

    @asks
    async def action_quit_session(self) -> None:
        if self.run is not None and self.run.running:
            self.run.toggle(self.app.now())
        if await self.app.push_screen_wait(
            ConfirmScreen("Stop the session here? What you did so far is kept.", "Stop", "Go on")
        ):
            self.finish(completed=False)
        else:
            self.draw()

    def in_progress(self) -> Session | None:
        """What was done so far, as a session left open (no end time): the next start offers
        to finish it or close it as it stands (planner.advice.left_open)."""
        if self.run is None or self.started_at is None:
            return None
        return Session(
            id=self.session_id,
            plan_id=self.plan.id,
            stage=self.plan.stage,
            slot=self.slot,
            started_at=self.started_at,
            pain_before=self.before.back,
            leg_before=self.before.leg,
            reach_before=self.before.reach,
            entries=self.run.entries(),
            chosen=self.chosen,
        )

    def save_progress(self) -> None:
        """After each exercise (done, skipped, stopped or passed by), save the session on disk,
        so a closed terminal or a crash keeps the exercises done. A refused write says so
        once and the session goes on: the end form saves it all again."""
        if self.run is None or self.run.index == self.kept_index:
            return
        self.kept_index = self.run.index
        session = self.in_progress()
        if session is not None:
            self.app.said(self.app.door.save_session(session))

    def unsaved(self) -> tuple[Session, None] | None:
        """What was done so far, kept if the app is closed now: left open for the next start."""
        session = self.in_progress()
        return None if session is None else (session, None)

    def finish(self, completed: bool) -> None:
        assert self.run is not None and self.started_at is not None
        self.kept_index = -1  # the end form's moment: keep all of it, whatever was kept before
        self.save_progress()
        entries = self.run.entries()
        self.run = None
        self.app.switch_screen(
            EndSessionScreen(
                self.plan,
                self.slot,
                self.before,
                self.started_at,
                entries,
                completed,
                session_id=self.session_id,
                chosen=self.chosen,
            )
        )


class EndSessionScreen(RehabScreen):
    """Pain now, easy/ok/hard, the symptoms question, a note. Then saved."""

    # Not a priority key: a save sees every key typed before it.
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", tooltip="save the end-of-session form"),
        *FIELD_KEYS,
    ]
    SEALS_ON = frozenset({"ctrl+s"})  # what sends it on (tui.widgets.text_fields.Seals)

    def __init__(
        self,
        plan: Plan,
        slot: Slot,
        before: Rating,
        started_at: datetime,
        entries,
        completed: bool,
        session_id: str | None = None,
        ended_at: datetime | None = None,
        chosen: SessionChoice | None = None,
    ) -> None:
        super().__init__()
        self.plan_id, self.stage = plan.id, plan.stage
        self.chosen = chosen
        self.slot = slot
        self.before = before
        self.started_at = started_at
        self.entries = entries
        self.completed = completed
        #: The record this form closes (the one kept while the session ran), or a new one.
        self.session_id = session_id or new_id()
        #: When it ended, if not now: a session left open and finished at a later start.
        self.ended_at = ended_at

    @classmethod
    def finishing(cls, plan: Plan, session: Session) -> EndSessionScreen:
        """The end form for a session left open, to be finished now: it keeps its own plan
        and stage, and ends as it stood (`closed_as_it_stands`)."""
        form = cls(
            plan,
            session.slot,
            session.before,
            session.started_at,
            session.entries,
            session.completed,
            session_id=session.id,
            ended_at=closed_as_it_stands(session).ended_at,
            chosen=session.chosen,
        )
        form.plan_id, form.stage = session.plan_id, session.stage  # as it was done
        return form

    def session(self, **answers) -> Session:
        """The session as it stands, with whatever the form has been given so far."""
        return Session(
            id=self.session_id,
            plan_id=self.plan_id,
            stage=self.stage,
            slot=self.slot,
            started_at=self.started_at,
            ended_at=self.ended_at or self.app.now(),
            pain_before=self.before.back,
            leg_before=self.before.leg,
            reach_before=self.before.reach,
            entries=self.entries,
            completed=self.completed,
            chosen=self.chosen,
            **answers,
        )

    def compose(self) -> ComposeResult:
        done = sum(1 for e in self.entries if e.done)
        outcome = self.session().outcome
        yield Header()
        with VerticalScroll(id="end"):
            head = {
                "done": "Session done",
                "partial": "Session partly done",
                "skipped": "Nothing done this time",
            }[outcome]
            yield Static(
                Content.assemble(
                    (head, "bold"), f" · {done} of {counted(len(self.entries), 'exercise')} done"
                ),
                markup=False,
            )
            with Horizontal(classes="field"):
                yield Label("Back pain, 0–10:" if self.leg else "Pain now, 0–10:")
                yield TextInput(id="pain", placeholder="0–10", compact=True)
            if self.leg:
                yield LegFields(inline=True)
            # Safety first: the warning-sign questions come before anything else is asked.
            # Said on the list's own border: the same-day question names every sign (five
            # lines at 80 columns), and the note below must stay in sight.
            checks = AnswerList([(f.id, f.question) for f in SESSION_CHECKS], id="symptoms")
            checks.border_title = "Warning signs: answer each, y or n"
            yield checks
            yield Label("How did it feel?", classes="question")
            yield CheckList(
                [("easy", "easy"), ("ok", "ok"), ("hard", "hard")],
                selected=["ok"],
                single=True,
                id="difficulty",
            )
            yield Label(
                "Note (optional, as long as you like):", classes="question", id="note-label"
            )
            yield WordsArea(id="note", soft_wrap=True, show_line_numbers=False, compact=True)
            yield Problem()
            yield Button("Save session (ctrl+s)", id="save", variant="primary", compact=True)
        yield Footer()

    @property
    def leg(self) -> bool:
        """Back and leg apart: asked before the session, so asked after it too."""
        return self.before.leg is not None

    def after(self, back: int) -> Rating:
        """The rating after the session, from the back's pain and the leg fields (if shown)."""
        return self.query_one(LegFields).rating(back) if self.leg else Rating(back)

    def on_mount(self) -> None:
        self.query_one("#pain", Input).focus()

    @on(AnswerList.Finished)
    def answered(self) -> None:
        self.query_one("#difficulty", CheckList).focus()

    def unsaved(self) -> tuple[Session, dict[str, bool] | None]:
        """The form as it stands, to keep if the app is closed now: what can be read of it
        (a pain that does not parse is left out; the warning signs only if both answered)."""
        pain: int | None
        after: Rating | None
        try:
            pain = back = parse_pain(self.query_one("#pain", Input).value)
            after = self.after(back)
        except InputProblem:
            pain, after = None, None
        checks = self.query_one("#symptoms", AnswerList)
        symptoms = None if checks.missing else checks.answers
        session = self.session(
            pain_after=pain,
            leg_after=after.leg if after else None,
            reach_after=after.reach if after else None,
            difficulty=self.query_one("#difficulty", CheckList).value,
            new_symptoms=None if symptoms is None else any(symptoms.values()),
            # ctrl+q must never fail: a note past the limit keeps its first NOTE_MAX characters.
            note=self.query_one("#note", TextArea).text[:NOTE_MAX],
        )
        if pain is None or symptoms is None:
            # Not answered: left open, so the next start asks pain now and the warning signs.
            session = replace(session, ended_at=None)
        return (session, symptoms)

    @on(Button.Pressed, "#save")
    @reads_fields
    def action_save(self) -> None:
        try:
            pain = parse_pain(self.query_one("#pain", Input).value)
        except InputProblem as exc:
            self.query_one(Problem).say(str(exc))
            self.query_one("#pain", Input).focus()
            return
        try:
            after = self.after(pain)
        except InputProblem as exc:
            self.query_one(Problem).say(str(exc))
            return
        checks = self.query_one("#symptoms", AnswerList)
        if checks.missing:
            # Said twice: under the form, and where it is seen at any size.
            message = checks.show_missing()
            self.query_one(Problem).say(message)
            self.notify(message, severity="warning", markup=False)
            return
        try:
            note = parse_note(self.query_one("#note", TextArea).text)
        except InputProblem as exc:
            self.query_one(Problem).say(str(exc))
            self.query_one("#note", TextArea).focus()
            return
        difficulty = self.query_one("#difficulty", CheckList).value or "ok"
        symptoms = checks.answers
        app = self.app
        session = self.session(
            pain_after=pain,
            leg_after=after.leg,
            reach_after=after.reach,
            difficulty=difficulty,
            new_symptoms=any(symptoms.values()),
            note=note,
        )
        gate = app.settled(app.door.finish_session(session, symptoms))
        if gate is None:
            self.query_one(Problem).say("Not saved yet: see the message, then ctrl+s again.")
            return
        if gate.signs:
            return
        app.notify(
            session_summary(session, app.catalog.rules),
            markup=False,
            timeout=10,
            severity="warning" if is_flare(session, app.catalog.rules) else "information",
        )
        app.pop_screen()
        app.refresh_views()
