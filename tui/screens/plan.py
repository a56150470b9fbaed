"""Plan: the current prescriptions; change a dose, swap an exercise, take or leave a dose step."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, DataTable, Input, Label, Static

from door import HEALTH_FIELDS, HEALTH_WORDS, Done, Result
from planner.models import Dose, Exercise, PlanSource, Profile, Slot, is_bouts
from planner.plan_file import replaces_theirs
from planner.text import counted, screen_safe
from tui.parse import InputProblem, parse_whole
from tui.screens.base import MainScreen, RehabModal, asks
from tui.screens.modals import AskScreen, ConfirmScreen
from tui.widgets.answers import AnswerList
from tui.widgets.checklist import CheckList
from tui.widgets.text_fields import TextInput

FIELDS = [
    ("sets", "Sets"),
    ("reps", "Reps per set"),
    ("hold_s", "Hold, seconds"),
    ("minutes", "Minutes"),
]


def bounds_text(ex: Exercise) -> str:
    """The dose limits of an exercise in words ('sets 1–3 · reps 5–15'): a change must stay
    inside them."""
    parts = []
    for name, label in FIELDS:
        bound = getattr(ex.bounds, name)
        if bound is not None and getattr(ex.dose, name) is not None:
            parts.append(f"{label.split(',')[0].lower()} {bound[0]}–{bound[1]}")
    return ", ".join(parts)


class DoseScreen(AskScreen[Dose | None]):
    """Change one dose; every number must sit inside the exercise's bounds."""

    OK = "Save"

    def __init__(self, exercise: Exercise, dose: Dose) -> None:
        super().__init__(f"Dose: {exercise.name}")
        self.exercise = exercise
        self.dose = dose
        self.names = [
            (n, label)
            for n, label in FIELDS
            if getattr(dose, n) is not None and getattr(exercise.bounds, n)
        ]

    def fields(self) -> ComposeResult:
        for name, label in self.names:
            low, high = getattr(self.exercise.bounds, name)
            with Horizontal(classes="row"):
                yield Label(f"{label} ({low}–{high}):")
                yield TextInput(str(getattr(self.dose, name)), id=name, compact=True)

    def read(self) -> Dose:
        changes: dict[str, Any] = {}  # the dose's fields named in `names`: replace's keywords
        for name, label in self.names:
            low, high = getattr(self.exercise.bounds, name)
            changes[name] = parse_whole(
                self.query_one(f"#{name}", Input).value, low, high, label.lower()
            )
        return replace(self.dose, **changes)


class SwapScreen(RehabModal[str | None]):
    """Pick what to do instead: the easier or harder neighbour, or another of the stage."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, exercise: Exercise, options: list[tuple[Exercise, str]], why_none: str = ""
    ) -> None:
        super().__init__()
        self.exercise = exercise
        self.options = options
        self.why_none = why_none or "Nothing else of this stage suits your set-up."

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Content.styled(f"Swap {self.exercise.name} for…", "bold"), classes="dialog-title"
            )
            if not self.options:
                yield Static(Content(self.why_none))
            else:
                yield CheckList(
                    [(e.id, f"{e.name} ({why})") for e, why in self.options],
                    single=True,
                    id="swap-choice",
                )
            with Horizontal(classes="buttons"):
                yield Button("Swap", id="swap", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    @on(Button.Pressed, "#swap")
    def choose(self) -> None:
        chosen = self.query(CheckList)
        value = chosen.first().value if chosen else None
        if value is None:
            return
        self.dismiss(value)

    @on(CheckList.Changed)
    def changed(self) -> None:
        self.query_one("#swap", Button).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class HealthScreen(AskScreen[dict[str, bool] | None]):
    """The three questions a physiotherapist asks, answered afresh: what was said before is
    shown above them, never pre-selected (y or n each)."""

    OK = "Save"

    def __init__(self, profile: Profile) -> None:
        super().__init__("Your health answers")
        self.profile = profile

    def fields(self) -> ComposeResult:
        from tui.screens.first_run import HEALTH_QUESTIONS

        def said(name: str) -> str:
            answer = getattr(self.profile, name)
            return "not asked" if answer is None else ("yes" if answer else "no")

        before = "; ".join(f"{HEALTH_WORDS[n]} {said(n)}" for n in HEALTH_FIELDS.values())
        yield Static(Content(f"Before: {before}."), classes="dim")
        yield Static(Content("Answer each again, y or n: what would not suit you is left out."))
        yield AnswerList(HEALTH_QUESTIONS, id="health-list")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(AnswerList).focus()

    @on(AnswerList.Finished)
    def all_answered(self) -> None:
        self.action_answer()

    def read(self) -> dict[str, bool]:
        answers = self.query_one(AnswerList)
        if answers.missing:
            raise InputProblem(answers.show_missing())
        return answers.answers


#: What y and x do, said once for both in the help (each binding's tooltip is its help line).
DOSE_STEP = "take / leave the suggested dose step"


class PlanScreen(MainScreen):
    """Plan: the exercises, their doses and slots; change a dose, swap, take a suggested step."""

    PLACE = "plan"
    CSS_PATH = "plan.tcss"
    BINDINGS = [
        Binding(
            "e", "edit", "Dose", tooltip="change the selected exercise's dose, within its limits"
        ),
        Binding(
            "w",
            "swap",
            "Swap",
            tooltip="swap it for an easier, harder or other exercise of the stage",
        ),
        Binding("y", "accept", "Take step", tooltip=DOSE_STEP),
        Binding("x", "decline", "Not now", tooltip=DOSE_STEP),
        Binding("r", "reset", "Reset", tooltip="reset to the stage's default plan"),
        Binding(
            "k",
            "walking",
            "Walking",
            show=False,  # said in the help line below
            tooltip="how long you walk comfortably now (restarts the walking programme)",
        ),
        Binding(
            "h",
            "health",
            "Health",
            show=False,  # said in the help line below
            tooltip="answer the health questions again (pregnancy, surgery, osteoporosis)",
        ),
        Binding(
            "f",
            "favour",
            "Favour",
            show=False,  # said on the line that suggests it
            tooltip="favour the way of bending that eases your leg, when Plan suggests it",
        ),
        Binding("c", "app.checkin", "Check in", show=False),  # no room in this footer
    ]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="plan-body"):
            yield Static(id="plan-title", markup=False)
            yield Static(id="plan-source", markup=False)
            yield DataTable(id="prescriptions", cursor_type="row", zebra_stripes=True)
            yield Static(id="limits", markup=False)
            yield Static(id="suggestions", markup=False)
            yield Static(
                Content(
                    "e change the dose · w swap the exercise · r back to the stage's default plan"
                    " · k how long you walk comfortably (restarts the walking programme)"
                    " · h your health answers (pregnancy, surgery, osteoporosis)"
                ),
                id="plan-help",
                classes="dim",
            )

    async def on_mount(self) -> None:  # Textual runs MainScreen's too, after this one
        table = self.query_one(DataTable)
        table.add_columns("#", "Exercise", "Dose", "When")

    def refresh_view(self) -> None:
        app = self.app
        standing = app.standing()  # the store is read once per redraw
        plan, advice = standing.plan, standing.advice
        if plan is None:
            return
        stage = app.catalog.stage(plan.stage)
        self.query_one("#plan-title", Static).update(
            Content.assemble(
                (f"Your plan · stage {plan.stage} {stage.name}", "bold"),
                f" · {counted(len(plan.prescriptions), 'exercise')}",
            )
        )
        source = self.query_one("#plan-source", Static)
        source.display = plan.source is not None
        if plan.source is not None:
            source.update(source_line(plan.source))
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        slots: list[Slot] = standing.profile.slots if standing.profile else ["morning"]
        for i, p in enumerate(plan.prescriptions, 1):
            ex = app.catalog.exercise(p.exercise_id)
            when = "in bouts" if is_bouts(p, slots) else p.slot
            table.add_row(
                Text(str(i)), Text(ex.name), Text(p.dose.label()), Text(when), key=p.exercise_id
            )
        if plan.prescriptions:
            table.move_cursor(row=min(row, len(plan.prescriptions) - 1))
        doses = advice.doses if advice else []
        self.offer(accept=bool(doses), decline=bool(doses))  # y and x: only for a dose step
        box = self.query_one("#suggestions", Static)
        if doses:
            lines = [Content.styled("Suggested dose steps (y take the first · x not now):", "bold")]
            for d in doses:
                arrow = "▲ up" if d.direction == "up" else "▼ down"
                name = app.catalog.exercise(d.exercise_id).name
                lines.append(
                    Content(f" {arrow}  {name}: {d.current.label()} → {d.proposed.label()}")
                )
        elif advice is not None and advice.step_back is not None:
            lines = []  # the step back is what is advised, said below: never "no step" beside it
        else:
            lines = [
                Content(
                    "No dose step suggested right now. After two easy sessions at a "
                    "dose, a step up is offered here"
                    + (", up to your physiotherapist's dose." if plan.source else ".")
                )
            ]
        if standing.favour is not None:
            lines.append(
                Content.assemble(
                    ("Your leg: ", "bold"),
                    standing.favour.preference.numbers(),
                    "\n",
                    ("f ", "bold"),
                    standing.favour.words(app.catalog),
                )
            )
        if advice is not None and advice.held_back:
            # Said here, so no one wonders why no step up or harder swap is offered.
            where = " Progress (2) takes the step back with b." if advice.step_back else ""
            lines.append(
                Content.assemble(("Nothing gets harder now. ", "bold"), advice.held_back, where)
            )
        box.update(Content("\n").join(lines))

    @on(DataTable.RowHighlighted)
    def show_limits(self) -> None:
        ex_id = self.selected()
        if ex_id is None:
            return
        ex = self.app.catalog.exercise(ex_id)
        self.query_one("#limits", Static).update(
            Content.assemble(("Limits: ", "bold"), f"{ex.name}: {bounds_text(ex)}")
        )

    # -- helpers -------------------------------------------------------------------------------

    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def done(self, result: Result[object], message: str | None = None) -> None:
        """Say how a change went (the door's refusal, or `message`), then redraw."""
        self.app.said(result, done=message)
        self.refresh_view()

    # -- actions -------------------------------------------------------------------------------

    @asks
    async def action_edit(self) -> None:
        app = self.app
        ex_id = self.selected()
        plan = app.plan()
        if ex_id is None or plan is None:
            return
        current = next(p.dose for p in plan.prescriptions if p.exercise_id == ex_id)
        dose = await app.push_screen_wait(DoseScreen(app.catalog.exercise(ex_id), current))
        if dose is None or dose == current:
            return
        self.done(app.door.change_dose(ex_id, dose))

    @asks
    async def action_swap(self) -> None:
        app = self.app
        ex_id = self.selected()
        if ex_id is None:
            return
        # Only what the rules allow now: never harder while held back, and in the acute phase
        # only its gentle movements (door.Door.swap_options).
        options = app.door.swap_options(ex_id)
        why_none = "" if options else app.door.why_no_swap()
        new_id = await app.push_screen_wait(
            SwapScreen(app.catalog.exercise(ex_id), options, why_none)
        )
        if new_id is None:
            return
        self.done(app.door.swap(ex_id, new_id))

    @asks
    async def action_walking(self) -> None:
        """How long the person walks comfortably now: the walking programme starts again from
        it today (planner.walking)."""
        from tui.screens.walk import ask_comfortable

        await ask_comfortable(self)

    def action_accept(self) -> None:
        result = self.app.door.take_dose_step()
        message = None
        if isinstance(result, Done):
            step = result.value
            message = f"{self.app.catalog.name_of(step.exercise_id)}: {step.proposed.label()}."
        self.done(result, message)

    def action_decline(self) -> None:
        result = self.app.door.decline_dose_step()
        message = None
        if isinstance(result, Done):
            message = (
                "Kept as it is; not suggested again at this dose."
                if result.value.direction == "up"
                else "Kept as it is. If it hurts again, a step down is offered again."
            )
        self.done(result, message)

    @asks
    async def action_health(self) -> None:
        """Answer the three health questions again: kept in the timeline, the plan fitted."""
        app = self.app
        profile = app.profile()
        if profile is None:
            return
        answers = await app.push_screen_wait(HealthScreen(profile))
        if answers is not None:
            self.done(app.door.change_health(answers))

    @asks
    async def action_favour(self) -> None:
        """Favour the direction that eases the leg symptoms (planner.direction), once asked."""
        app = self.app
        leaning = app.standing().favour
        if leaning is None:
            app.notify("Your sessions do not point to a direction to favour.", markup=False)
            return
        if await app.push_screen_wait(
            ConfirmScreen(
                leaning.preference.numbers() + " " + leaning.words(app.catalog),
                f"Favour {leaning.preference.favour.value}",
                "Keep this plan",
            )
        ):
            self.done(app.door.favour_direction())

    @asks
    async def action_reset(self) -> None:
        app = self.app
        if await app.push_screen_wait(
            ConfirmScreen(
                "Put the plan back to this stage's default exercises and doses?"
                + replaces_theirs(app.plan()),
                "Reset",
                "Keep this plan",
            )
        ):
            self.done(app.door.reset_plan())


def source_line(source: PlanSource) -> Content:
    """Who wrote a physiotherapist's plan and the start of their note (two lines at most)."""
    head = Content.assemble(
        (screen_safe(f"From {source.who}"), "bold"), f" · loaded {source.imported_at:%d %b %Y}"
    )
    note = " ".join(screen_safe(source.note).split())
    if not note:
        return head
    if len(note) > 150:
        note = note[:149].rstrip() + "…"
    return Content.assemble(head, "\n", ("Their note: ", "italic"), note)
