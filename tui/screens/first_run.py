"""First run: disclaimer → red flags → condition → pain → set-up → recommended stage → confirm."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import (
    Button,
    Checkbox,
    ContentSwitcher,
    Header,
    Input,
    Label,
    Static,
)

from door import Done, Refused
from planner.gate import Gate
from planner.models import (
    CONDITION_LABELS,
    LEG_CONDITIONS,
    WALK_MAX_MINUTES,
    Condition,
    Equipment,
    Profile,
    Rating,
)
from tui.compat import Footer
from tui.parse import InputProblem, parse_episode_start, parse_pain, parse_whole
from tui.screens.base import FIELD_KEYS, RehabScreen
from tui.screens.doctor import AfterAlarmScreen, DoctorScreen
from tui.screens.modals import Problem
from tui.widgets.answers import AnswerList
from tui.widgets.checklist import CheckList, Tick
from tui.widgets.leg_fields import LegFields
from tui.widgets.text_fields import TextInput, WordsInput, reads_fields

DISCLAIMER = (
    "rehab walks you through a gentle, staged home exercise programme for low back pain "
    "(disc herniation, acute lumbago, sciatica, or back pain with no known cause).\n\n"
    "It gives general self-care guidance, not a diagnosis, and it does not replace a doctor "
    "or physiotherapist. It asks about warning signs first, and it will tell you to stop and "
    "see a doctor if one appears. Never push through pain: stop anything that hurts.\n\n"
    "Your answers stay on this computer, in one private file."
)

STEPS = ["disclaimer", "flags", "about", "pain", "setup", "stage"]
#: What a physiotherapist asks about before exercise (docs/clinical.md §7), each answered.
HEALTH_QUESTIONS = [
    ("pregnant", "Are you pregnant?"),
    ("recent-surgery", "Have you had an operation on your spine in the last three months?"),
    ("osteoporosis", "Osteoporosis (thin bones), or steroid tablets taken for months?"),
]
EQUIPMENT_LABELS = {
    Equipment.MAT: "a mat (or a firm carpet) to lie on",
    Equipment.CHAIR: "a steady chair",
    Equipment.TABLE: "a sturdy table",
    Equipment.PULL_UP_BAR: "a pull-up bar",
    Equipment.WALL_BARS: "wall bars",
    Equipment.FLAT_PATH: "a flat path outdoors for walking",
}


def red_flag_list(app) -> AnswerList:
    """The warning-sign questions as the door puts them now, none answered yet."""
    return AnswerList(app.door.questions(), id="flags-list")


def answers_from(questions: AnswerList) -> dict[str, bool]:
    """Every answer, or InputProblem (with the first unanswered question shown)."""
    if questions.missing:
        raise InputProblem(questions.show_missing())
    return questions.answers


class FirstRunScreen(RehabScreen):
    """Set up the profile and the first plan."""

    BINDINGS = [
        # Not a priority key: it waits its turn behind the keys typed before it.
        Binding("ctrl+n", "next", "Next"),
        Binding("escape", "back", "Back"),
        *FIELD_KEYS,
    ]
    SEALS_ON = frozenset({"enter", "ctrl+n"})  # what sends it on (tui.widgets.text_fields.Seals)

    def __init__(self) -> None:
        super().__init__()
        self.step = 0
        #: The stages the rules offer at the pain given (door.FirstRunOffer).
        self.offered: tuple[int, ...] = ()
        #: Pain at first run: back, and for leg symptoms the leg and how far down it.
        self.pain_now = Rating(0)
        self.episode_start: date | None = None
        self.recommended = 1

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="wizard"):
            yield Static(id="step-title", markup=False)
            with ContentSwitcher(initial="disclaimer", id="steps"):
                with VerticalScroll(id="disclaimer"):
                    yield Static(Content(DISCLAIMER))
                with Vertical(id="flags"):
                    yield Label(
                        "Is any of this true for you now? Answer each: y for yes, n for no."
                    )
                    yield red_flag_list(self.app)
                with VerticalScroll(id="about"):
                    yield Label("What have you been told you have? (space to mark)")
                    yield CheckList(
                        [(c.value, label) for c, label in CONDITION_LABELS.items()], id="conditions"
                    )
                    yield Label("When did this episode begin? A date (YYYY-MM-DD) or days ago:")
                    yield TextInput(id="episode", placeholder="e.g. 2026-11-02 or 10", compact=True)
                    yield Tick("A doctor has told me I have spinal stenosis", id="stenosis")
                    yield Label("Three more, each y or n: what would not suit you is left out.")
                    yield AnswerList(HEALTH_QUESTIONS, id="health-list")
                with Vertical(id="pain"):
                    yield Label("How bad is your back pain right now?")
                    yield Label("0 = no pain · 5 = moderate · 10 = the worst you can imagine")
                    yield TextInput(id="pain-now", placeholder="0–10", compact=True)
                    # Shown for sciatica or a disc herniation: the leg is rated apart (§3b).
                    yield LegFields(id="first-leg")
                with VerticalScroll(id="setup"):
                    yield Label("What do you have at home? (space to mark)")
                    yield CheckList(
                        [
                            (e.value, EQUIPMENT_LABELS.get(e, e.value))
                            for e in Equipment
                            if e is not Equipment.NONE
                        ],
                        selected=[Equipment.MAT.value, Equipment.CHAIR.value],
                        id="equipment",
                    )
                    yield Label("When will you exercise?")
                    yield CheckList(
                        [("morning", "morning"), ("evening", "evening")],
                        selected=["morning"],
                        id="slots",
                    )
                    yield Label("Minutes per session (5–60):")
                    yield TextInput("15", id="minutes", compact=True)
                    yield Label(
                        "Walking: minutes you can walk comfortably now "
                        "(0 if not yet, blank to say later):"
                    )
                    yield TextInput(id="walk-now", placeholder="0–240", compact=True)
                with VerticalScroll(id="stage"):
                    yield Static(id="recommendation", markup=False)
                    yield CheckList(
                        [
                            (str(n), f"{n} · {stage.name}")
                            for n, stage in sorted(self.app.catalog.stages.items())
                        ],
                        single=True,
                        id="stage-choice",
                    )
                    yield Label(
                        "A stage above the recommended one needs a reason:", id="override-label"
                    )
                    yield WordsInput(
                        id="override", placeholder="why you want to start higher", compact=True
                    )
            yield Problem()
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back", compact=True)
                yield Button("I understand · Next", id="next", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.show_step()
        # A warning sign from an earlier first run is kept: start where it left off, on the
        # stop screen, rather than as if nothing had been said.
        gate = self.app.gate()
        if gate.signs:
            self.step = STEPS.index("flags")
            self.show_step()
            self.app.push_screen(DoctorScreen(gate, first_run=True), self._after_doctor)

    def leg_symptoms(self) -> bool:
        """Sciatica or a disc herniation is marked: ratings are back and leg apart."""
        marked = {Condition(v) for v in self.query_one("#conditions", CheckList).selected}
        return bool(LEG_CONDITIONS & marked)

    def show_step(self) -> None:
        name = STEPS[self.step]
        if name == "pain":
            self.query_one("#first-leg", LegFields).display = self.leg_symptoms()
        self.query_one(ContentSwitcher).current = name
        titles = {
            "disclaimer": "Welcome to rehab",
            "flags": "Safety first: warning signs",
            "about": "About your back",
            "pain": "Pain now",
            "setup": "Your set-up",
            "stage": "Where to start",
        }
        self.query_one("#step-title", Static).update(
            Content.assemble(
                (titles[name], "bold"), (f" · step {self.step + 1} of {len(STEPS)}", "dim")
            )
        )
        self.query_one(Problem).say("")
        self.query_one("#back", Button).display = self.step > 0
        self.query_one("#next", Button).label = {
            "disclaimer": "I understand · Next",
            "stage": "Start my plan",
        }.get(name, "Next")
        focus = {
            "flags": "#flags-list",
            "about": "#conditions",
            "pain": "#pain-now",
            "setup": "#equipment",
            "stage": "#stage-choice",
        }.get(name, "#next")
        self.query_one(focus).focus()
        if name == "stage":
            self.update_override()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if self.step > 0:
            self.step -= 1
            self.show_step()

    @on(AnswerList.Finished)
    def answered(self) -> None:
        self.query_one("#next", Button).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#next")
    @work(exclusive=True)
    @reads_fields
    async def action_next(self) -> None:
        name = STEPS[self.step]
        try:
            if name == "flags":
                if not await self.keep_answers():
                    return
            elif self.check_step(name):
                return
        except InputProblem as exc:
            self.query_one(Problem).say(str(exc))
            return
        self.step += 1
        self.show_step()

    async def keep_answers(self) -> bool:
        """Keep the warning-sign answers (through the door, as every screening is kept); True
        to go on. A sign sends the person to the stop screen; an all-clear after a same-day
        sign first asks why it ended."""
        app = self.app
        answers = answers_from(self.query_one("#flags-list", AnswerList))
        gate = await answer_screening(app, answers, "first-run")
        if gate is None:
            raise InputProblem("Nothing was kept yet: your answers are still here.")
        if gate.signs:
            app.push_screen(DoctorScreen(gate, first_run=True), self._after_doctor)
            return False
        return True

    def check_step(self, name: str) -> bool:
        """Validate the step; True when the wizard has ended (finished)."""
        app = self.app
        if name == "about":
            if not self.query_one("#conditions", CheckList).selected:
                raise InputProblem("Please mark at least one (or “cause not known”).")
            self.episode_start = parse_episode_start(
                self.query_one("#episode", Input).value, app.now().date()
            )
            health = self.query_one("#health-list", AnswerList)
            if health.missing:
                raise InputProblem(health.show_missing())
        elif name == "pain":
            back = parse_pain(self.query_one("#pain-now", Input).value)
            leg = self.query_one("#first-leg", LegFields)
            self.pain_now = leg.rating(back) if leg.display else Rating(back)
        elif name == "setup":
            if not self.query_one("#slots", CheckList).selected:
                raise InputProblem("Please choose morning, evening, or both.")
            parse_whole(self.query_one("#minutes", Input).value, 5, 60, "minutes per session")
            self.walk_now()
            offer = app.door.first_run_offer(self.draft_profile(), self.pain_now)
            placement = offer.placement
            self.recommended = placement.stage
            self.offered = offer.stages
            choices = (
                "You may pick a lower stage freely. A higher one is logged as your choice."
                if max(offer.stages) > placement.stage
                else "At this pain only Calm is offered: nothing harder until it settles. "
                "Progress (2) shows when you may move on."
                if placement.stage == 1
                else "You may pick a lower stage. Nothing harder at this pain."
            )
            self.query_one("#recommendation", Static).update(
                Content.assemble(
                    ("Recommended: stage ", "bold"),
                    (f"{placement.stage} · {app.catalog.stage(placement.stage).name}", "bold"),
                    "\n",
                    placement.reason,
                    "\n\n",
                    choices,
                )
            )
            stages = self.query_one("#stage-choice", CheckList)
            stages.show_only([str(n) for n in offer.stages])
            stages.select(str(placement.stage))
        elif name == "stage":
            self.finish()
            return True
        return False

    def draft_profile(self) -> Profile:
        """The profile as the answers so far give it (what placement reads: the conditions
        and when the episode began)."""
        assert self.episode_start is not None
        conditions = [Condition(v) for v in self.query_one("#conditions", CheckList).selected]
        health = self.query_one("#health-list", AnswerList).answers
        return Profile(
            conditions=conditions,
            leg_symptoms=bool(LEG_CONDITIONS & set(conditions)),
            episode_start=self.episode_start,
            disclaimer_accepted_at=self.app.now(),
            pregnant=health["pregnant"],
            recent_surgery=health["recent-surgery"],
            osteoporosis=health["osteoporosis"],
        )

    def _after_doctor(self, outcome: str | None) -> None:
        """Back from the stop screen: a doctor's clearance goes on; otherwise stay here."""
        if outcome == "cleared":
            self.step = STEPS.index("flags") + 1
            self.show_step()
        elif outcome == "again":
            self.query_one("#flags-list", AnswerList).clear_answers()
            self.query_one(Problem).say("")
        else:
            self.query_one(Problem).say(
                "Your answers are kept. Please see a doctor first; "
                "ctrl+q leaves, and rehab comes back to this next time."
            )

    @on(CheckList.Changed, "#stage-choice")
    def update_override(self) -> None:
        higher = self.chosen_stage() > self.recommended
        self.query_one("#override-label").display = higher
        self.query_one("#override").display = higher

    def chosen_stage(self) -> int:
        value = self.query_one("#stage-choice", CheckList).value
        return int(value) if value else self.recommended

    def walk_now(self) -> int | None:
        """The minutes typed for a comfortable walk; None when left blank (asked on Today)."""
        field = self.query_one("#walk-now", Input)
        if not field.value.strip():
            return None
        try:
            return parse_whole(field.value, 0, WALK_MAX_MINUTES, "walking minutes")
        except InputProblem:
            field.focus()
            raise

    def finish(self) -> None:
        app = self.app
        stage = self.chosen_stage()
        reason = self.query_one("#override", Input).value.strip()
        minutes = parse_whole(self.query_one("#minutes", Input).value, 5, 60, "minutes per session")
        equipment = [Equipment.NONE] + [
            Equipment(v) for v in self.query_one("#equipment", CheckList).selected
        ]
        walk = self.walk_now()
        profile = replace(
            self.draft_profile(),
            equipment=equipment,
            slots=[
                s
                for s in ("morning", "evening")
                if s in self.query_one("#slots", CheckList).selected
            ],
            minutes_per_session=minutes,
            stenosis=self.query_one("#stenosis", Checkbox).value,
            walk_comfortable=walk,
            walk_since=app.now().date() if walk is not None else None,
        )
        result = app.door.first_run(profile, self.pain_now, stage, reason)
        if isinstance(result, Refused):
            if result.need == "disk":
                app.said(result)
                raise InputProblem("Not saved yet: see the message, then Next again.")
            raise InputProblem(result.reason)
        app.pop_screen()
        app.refresh_views()


class RescreenScreen(RehabScreen):
    """The red-flag questions again: weekly, or to lift a pause once a doctor has seen you."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        *FIELD_KEYS,
    ]
    SEALS_ON = frozenset({"ctrl+s"})  # what sends it on (tui.widgets.text_fields.Seals)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="wizard"):
            yield Static(Content.assemble(("Safety check: warning signs", "bold")))
            yield Label("Is any of this true for you now? y for yes, n for no; then ctrl+s.")
            yield red_flag_list(self.app)
            yield Problem()
            with Horizontal(classes="buttons"):
                yield Button("Save answers (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.app.pop_screen()

    def on_mount(self) -> None:
        self.query_one(AnswerList).focus()

    @on(AnswerList.Finished)
    def answered(self) -> None:
        self.query_one("#save", Button).focus()

    @on(Button.Pressed, "#save")
    @work(exclusive=True)
    @reads_fields
    async def action_save(self) -> None:
        app = self.app
        try:
            answers = answers_from(self.query_one(AnswerList))
        except InputProblem as problem:
            self.query_one(Problem).say(str(problem))
            return
        gate = await answer_screening(app, answers, "re-screen")
        if gate is None:
            self.query_one(Problem).say("Nothing was kept yet: your answers are still here.")
            return
        if gate.signs:
            app.switch_screen(DoctorScreen(gate))
            return
        app.notify(
            "All clear. Thank you."
            if not gate.cleared
            else "All clear, with what your doctor checked. Thank you.",
            markup=False,
        )
        app.pop_screen()
        app.refresh_views()


async def answer_screening(app, answers: dict[str, bool], context) -> Gate | None:
    """Keep a full screening through the door; after a same-day sign an all-clear must say why
    it ended, asked here with the safe answer first (stay stopped). The gate as it then stands,
    or None when nothing was kept (said why)."""
    result = app.door.answer_screening(answers, context)
    if isinstance(result, Refused) and result.need == "after-emergency":
        alarm = app.door.alarm()
        why = await app.push_screen_wait(AfterAlarmScreen(alarm.at if alarm else app.now()))
        if why is None:
            app.notify(
                "Nothing changed: sessions stay stopped until a doctor has seen you.",
                severity="warning",
                markup=False,
                timeout=10,
            )
            return None
        result = app.door.answer_screening(answers, context, *why)
    if not app.said(result):
        return None
    assert isinstance(result, Done)
    return result.value
