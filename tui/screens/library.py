"""Library: every exercise of the catalog, filtered by stage, kind, equipment and condition.

The highlighted exercise is shown in full beside the list: steps (under a drawing of its start
and end poses), dose and bounds, cautions, neighbours, the evidence note and the source
articles. Catalog text is never read as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from planner.models import (
    CONDITION_LABELS,
    Catalog,
    Condition,
    Equipment,
    Exercise,
    Kind,
    Profile,
)
from planner.plan import why_not
from tui.screens.base import MainScreen
from tui.widgets.commands import Command, PlaceCommands
from tui.widgets.figure import FigureView
from tui.widgets.text_fields import WordsInput

StageChoice = int | str | None  # 1–4, "any", or None for all stages

STAGES: list[StageChoice] = [None, 1, 2, 3, 4, "any"]
KINDS: list[Kind | None] = [None, *Kind]
EQUIPMENT: list[Equipment | None] = [None, *Equipment]
CONDITIONS: list[Condition | None] = [None, *Condition]
CHOICES: dict[str, Sequence[object]] = {
    "stage": STAGES,
    "kind": KINDS,
    "equipment": EQUIPMENT,
    "condition": CONDITIONS,
}

EMPTY = "no exercise matches these filters — press x to clear"
CLEAR = "x clears the filters"
PROJECT_DOSE = "dose: the project's choice (the article gives none)"
#: The filter bar, in order: each filter's key and its name (a field of Filters).
FILTER_BAR = [("s", "stage"), ("k", "kind"), ("e", "equipment"), ("o", "condition")]
#: In the footer the four filter keys share one label; the filter bar names each one.
FILTER_KEYS = Binding.Group("Filters")
#: The filter keys' words in the help, said once for the four (a tooltip is a help line).
CYCLE = "cycle the stage / kind / equipment / condition filter"
BACKWARDS = "the same filter, backwards"
NAME_WIDTH = 40  # the longest name (29) with " (optional)"; a wide row is name, stage, kind


@dataclass(frozen=True)
class Filters:
    """What the list shows: None in a field means "all"."""

    stage: StageChoice = None
    kind: Kind | None = None
    equipment: Equipment | None = None
    condition: Condition | None = None
    #: Typed words: each must appear in the name, an alias, the kind, the position or a step.
    text: str = ""

    @property
    def active(self) -> bool:
        return self != Filters()

    def admits(self, ex: Exercise) -> bool:
        """Stage is matched exactly: "any" finds the exercises that fit every stage."""
        return (
            (self.stage is None or ex.stage == self.stage)
            and (self.kind is None or ex.kind is self.kind)
            and (self.equipment is None or self.equipment in ex.equipment)
            and (self.condition is None or self.condition in ex.conditions)
            and all(word in searchable(ex) for word in self.text.lower().split())
        )

    def cycled(self, name: str, step: int = 1) -> Filters:
        """These filters with one of them moved to its next (or previous) value."""
        choices = CHOICES[name]
        index = choices.index(getattr(self, name))
        return self.with_value(name, choices[(index + step) % len(choices)])

    def with_value(self, name: str, value: object) -> Filters:
        """These filters with the one named showing only `value` (one of its `CHOICES`)."""
        change: dict[str, Any] = {name: value}  # a field named at run time
        return replace(self, **change)


def searchable(ex: Exercise) -> str:
    """What search looks in, lower case: name, aliases, kind, position and the steps (where
    the body parts are named: hips, knees, hamstrings, …)."""
    return " ".join([ex.name, *ex.aliases, ex.kind.value, ex.position.value, *ex.steps]).lower()


def stage_words(stage: StageChoice, catalog: Catalog) -> str:
    """The stage filter's value in words."""
    if stage is None:
        return "all"
    if stage == "any":
        return "any (fits every stage)"
    return f"{stage} · {catalog.stage(int(stage)).name}"


def equipment_words(item: Equipment) -> str:
    """An equipment filter's value in words."""
    return "none needed" if item is Equipment.NONE else item.value


def filter_words(filters: Filters, catalog: Catalog) -> dict[str, str]:
    """Each filter's current value in words, for the filter bar."""
    return {
        "stage": stage_words(filters.stage, catalog),
        "kind": "all" if filters.kind is None else filters.kind.value,
        "equipment": "all" if filters.equipment is None else equipment_words(filters.equipment),
        "condition": "all" if filters.condition is None else CONDITION_LABELS[filters.condition],
    }


def bounds_words(ex: Exercise) -> str:
    """The dose bounds that apply to this exercise: 'sets 1–3 · reps 5–15 · hold 5–20 s'."""
    parts = []
    for name, label, unit in (
        ("sets", "sets", ""),
        ("reps", "reps", ""),
        ("hold_s", "hold", " s"),
        ("minutes", "time", " min"),
    ):
        bound = getattr(ex.bounds, name)
        if bound is None or (name != "sets" and getattr(ex.dose, name) is None):
            continue
        low, high = bound
        parts.append(f"{label} {low}{unit}" if low == high else f"{label} {low}–{high}{unit}")
    return " · ".join(parts)


def row(label: str, value: str | Content, classes: str = "") -> Horizontal:
    """A label and its value side by side: the value wraps under itself, not under the label."""
    return Horizontal(
        Static(Content(label), classes="label"),
        Static(Content(value) if isinstance(value, str) else value, classes="value"),
        classes=f"row {classes}".strip(),
    )


def heading(text: str) -> Static:
    """A heading in the detail pane."""
    return Static(Content.styled(text, "bold underline"), classes="heading")


def detail_widgets(ex: Exercise, catalog: Catalog, reason: str | None) -> Iterator[Widget]:
    """Everything the catalog knows about one exercise, in reading order; safety first."""
    title = Content.styled(ex.name, "bold")
    if ex.optional:
        title += Content(" (optional)")
    yield Static(title, classes="title")
    if ex.aliases:
        yield Static(Content("Also called: " + ", ".join(ex.aliases)), classes="aliases")
    if reason:
        yield Static(
            Content.assemble(("Not in your plan: ", "bold"), reason), classes="not-in-plan"
        )

    yield row("Kind", ex.kind.value, "first")
    yield row("Stage", stage_words(ex.stage, catalog))
    yield row("Position", ex.position.value)
    yield row("Equipment", ", ".join(equipment_words(e) for e in ex.equipment))
    yield row("Suits", "\n".join(CONDITION_LABELS[c] for c in ex.conditions))
    for caution in ex.cautions:
        yield row("⚠ Caution:", caution.text, "caution")

    yield heading("Steps")
    figure = catalog.figures.get(ex.id)
    if figure is not None:
        yield Horizontal(
            FigureView(figure, 0.0, classes="start"),
            Static(Content("→"), classes="arrow"),
            FigureView(figure, 1.0, classes="end"),
            classes="figures",
        )
    for number, step in enumerate(ex.steps, 1):
        yield row(f"{number}.", step, "step")

    yield heading("Dose")
    yield row("Default", ex.dose.label())
    if ex.dose.when != "any":
        yield row("Best", f"in the {ex.dose.when}")
    yield row("Bounds", bounds_words(ex))
    if ex.dose_is_project_default:
        yield Static(Content(PROJECT_DOSE), classes="note")

    if ex.easier or ex.harder:
        yield heading("Neighbours")
        for label, other in (("Easier", ex.easier), ("Harder", ex.harder)):
            if other:
                neighbour = catalog.exercises.get(other)
                yield row(label, neighbour.name if neighbour else other)

    if ex.evidence:
        yield heading("Evidence")
        yield Static(Content(ex.evidence), classes="para")

    yield heading("Sources")
    for source in ex.sources:
        article, about = catalog.source(source)
        yield Static(
            Content.assemble(
                (article, "bold"),
                *(("\n", about.capitalize()) if about else ()),
                "\n",
                (f"article {source}", "dim"),
            ),
            classes="source",
        )


class LibraryCommands(PlaceCommands):
    """The Library's actions in the command palette, and any exercise by name or alias."""

    DISCOVER = len(FILTER_BAR) + 1  # the filters and "clear"; exercises appear when typed

    def commands(self) -> list[Command]:
        screen = self.screen
        if not isinstance(screen, LibraryScreen):
            return []
        items: list[Command] = [
            (
                f"Library: next {name} filter",
                partial(screen.action_cycle, name),
                f"Cycle the {name} filter (key {key})",
            )
            for key, name in FILTER_BAR
        ]
        items.append(
            ("Library: clear the filters", screen.action_clear, "Show every exercise again (key x)")
        )
        for _, name in FILTER_BAR:
            for value in CHOICES[name][1:]:
                words = filter_words(Filters().with_value(name, value), screen.catalog)[name]
                items.append(
                    (
                        f"Library: only {name} {words}",
                        partial(screen.set_filter, name, value),
                        f"Show the exercises whose {name} is {words}",
                    )
                )
        for ex in screen.catalog.exercises.values():
            also = f" ({', '.join(ex.aliases)})" if ex.aliases else ""
            items.append(
                (
                    f"Show exercise: {ex.name}{also}",
                    partial(screen.show_exercise, ex.id),
                    f"stage {ex.stage} · {ex.kind.value}",
                )
            )
        return items


class LibraryScreen(MainScreen):
    """All exercises, four filters, and the full detail of the highlighted one."""

    PLACE = "library"
    CSS_PATH = "library.tcss"
    COMMANDS: ClassVar[set] = {LibraryCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    BINDINGS = [
        Binding("s", "cycle('stage')", "Stage", group=FILTER_KEYS, tooltip=CYCLE),
        Binding("k", "cycle('kind')", "Kind", group=FILTER_KEYS, tooltip=CYCLE),
        Binding("e", "cycle('equipment')", "Equipment", group=FILTER_KEYS, tooltip=CYCLE),
        Binding("o", "cycle('condition')", "Condition", group=FILTER_KEYS, tooltip=CYCLE),
        Binding("S", "cycle('stage', -1)", "Stage back", show=False, tooltip=BACKWARDS),
        Binding("K", "cycle('kind', -1)", "Kind back", show=False, tooltip=BACKWARDS),
        Binding("E", "cycle('equipment', -1)", "Equipment back", show=False, tooltip=BACKWARDS),
        Binding("O", "cycle('condition', -1)", "Condition back", show=False, tooltip=BACKWARDS),
        # Said on the count line while a filter is on, not in the footer: a filter key then
        # leaves the footer as it is (rebuilding it was most of the key's time).
        Binding("x", "clear", "Clear", show=False, tooltip="clear the filters"),
        # A priority key, so the box has the focus before the keys typed after it are handed
        # on ("/hip" typed fast searched nothing); none while the box has it: "/" is typed.
        Binding("slash", "search", "Search", tooltip="search by name", priority=True),
        Binding(
            "l", "learn", "Learn", tooltip="Learn: every reading card in full, with its sources"
        ),
        Binding(
            "tab", "focus_detail", "Detail", tooltip="read the highlighted exercise (Enter too)"
        ),
        Binding("tab,escape", "focus_list", "List", tooltip="from the exercise, back to the list"),
    ]

    #: The list has the keys at first: s, k, e, o filter; / goes to the search box.
    AUTO_FOCUS = "#exercises"

    #: What the list admits: setting it (even to an equal value) redraws the list.
    filters: var[Filters] = var(Filters, init=False, always_update=True)

    def __init__(self) -> None:
        super().__init__()
        self._wide: bool | None = None
        self._shown: tuple[str | None, str | None] | None = None
        #: The exercise the user last moved to: it comes back when a filter shows it again.
        self._chosen: str | None = None
        #: The exercise the list highlighted by itself after a filter change.
        self._picked: str | None = None
        self._search = WordsInput(
            id="search",
            compact=True,
            placeholder="/ search: a name, an alias or a body part (hip, knee…)",
        )
        self._detail = VerticalScroll(id="detail")

    def compose_body(self) -> ComposeResult:
        yield self._search
        yield Static(id="filters", markup=False)
        yield Static(id="count", markup=False)
        with Horizontal(id="library"):
            with Vertical(id="list-pane"):
                yield Static(id="list-head", markup=False)
                yield OptionList(id="exercises")
            yield self._detail

    # -- what is shown -------------------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        return self.app.catalog

    def matches(self) -> list[Exercise]:
        return [ex for ex in self.catalog.exercises.values() if self.filters.admits(ex)]

    def highlighted(self) -> Exercise | None:
        options = self.query_one("#exercises", OptionList)
        if options.highlighted is None or options.option_count == 0:
            return None
        option_id = options.get_option_at_index(options.highlighted).id
        return self.catalog.exercises.get(option_id or "")

    def refresh_view(self) -> None:
        self._shown = None  # the profile may have changed: redraw the detail too
        self.show_list()

    def on_resize(self) -> None:
        wide = self.size.width >= 100
        if wide != self._wide:
            self._wide = wide
            self.show_list()

    def watch_filters(self) -> None:
        self.show_list()

    def show_list(self) -> None:
        """Redraw the filter bar, the count and the list; keep the highlighted exercise if shown."""
        words = filter_words(self.filters, self.catalog)
        parts: list[Content] = []
        for key, name in FILTER_BAR:
            parts.append(
                Content.assemble(
                    (key, "bold reverse"), f" {name.capitalize()}: ", (words[name], "bold")
                )
            )
        self.query_one("#filters", Static).update(Content("   ").join(parts))

        found = self.matches()
        total = len(self.catalog.exercises)
        count = Content(f"{len(found)} of {total} exercises")
        if not found:
            count += Content(f" · {EMPTY}")
        elif self.filters.active:  # its key drawn as the filter bar draws the others
            key, rest = CLEAR.split(" ", 1)
            count += Content.assemble(" · ", (key, "bold reverse"), f" {rest}")
        self.query_one("#count", Static).update(count)

        wide = self._wide if self._wide is not None else self.size.width >= 100
        head = self.query_one("#list-head", Static)
        head.update(Content.styled(f"{'Exercise':<{NAME_WIDTH}} {'Stage':<5} Kind", "bold"))
        head.display = wide and bool(found)

        options = self.query_one("#exercises", OptionList)
        options.clear_options()
        options.add_options(Option(self.prompt(ex, wide), id=ex.id) for ex in found)
        options.display = bool(found)
        if found:
            ids = [ex.id for ex in found]
            index = ids.index(self._chosen) if self._chosen in ids else 0
            self._picked = ids[index]
            options.highlighted = index
        self.refresh_bindings()
        self.call_later(self.show_detail)

    @staticmethod
    def prompt(ex: Exercise, wide: bool) -> Content:
        """One line at 120 columns (name, stage, kind); two lines when the list is narrow."""
        optional = " (optional)" if ex.optional else ""
        if wide:
            name = ex.name + optional
            return Content(f"{name:<{NAME_WIDTH}} {ex.stage!s:<5} {ex.kind.value}")
        return Content.assemble(
            ex.name, "\n", (f"  stage {ex.stage} · {ex.kind.value}{optional}", "dim")
        )

    @on(OptionList.OptionHighlighted, "#exercises")
    async def show_detail(self) -> None:
        """Rebuild the detail pane for the highlighted exercise (once per exercise and profile)."""
        ex = self.highlighted()
        if ex is not None and ex.id != self._picked:
            self._chosen, self._picked = ex.id, None  # the user moved: remember their choice
        profile: Profile | None = self.app.profile()
        reason = why_not(ex, profile) if ex is not None and profile is not None else None
        key = (ex.id if ex else None, reason)
        if key == self._shown:
            return
        self._shown = key
        detail = self.query_one("#detail", VerticalScroll)
        widgets: Iterable[Widget]
        if ex is None:
            widgets = [
                Static(
                    Content("Nothing to show: change a filter, or press x to clear them all."),
                    classes="para",
                )
            ]
        else:
            widgets = list(detail_widgets(ex, self.catalog, reason))
        async with detail.batch():
            await detail.remove_children()
            await detail.mount_all(widgets)
        detail.scroll_home(animate=False)

    def detail_text(self) -> str:
        """The detail pane as plain text, in reading order: label and value on one line."""
        return "\n".join(self._detail_lines())

    def _detail_lines(self) -> Iterator[str]:
        for child in self.query_one("#detail").children:
            if child.has_class("row"):
                label, value = child.query(Static)
                yield f"{label.render()} {value.render()}"
            elif isinstance(child, Static):
                yield str(child.render())

    # -- actions -------------------------------------------------------------------------------

    def show_exercise(self, exercise_id: str) -> None:
        """Highlight one exercise; the filters are cleared if they hide it."""
        self._chosen = exercise_id
        admitted = self.filters.admits(self.catalog.exercise(exercise_id))
        self.filters = self.filters if admitted else Filters()

    def set_filter(self, name: str, value: object) -> None:
        self.filters = self.filters.with_value(name, value)

    def action_cycle(self, name: str, step: int = 1) -> None:
        self.filters = self.filters.cycled(name, step)

    def action_clear(self) -> None:
        self.query_one("#search", Input).value = ""
        self.filters = Filters()

    def action_learn(self) -> None:
        """Every education card in full, with its sources."""
        from tui.screens.learn import LearnScreen

        self.app.push_screen(LearnScreen(self.catalog))

    def action_search(self) -> None:
        self.set_focus(self._search)  # at once: Widget.focus waits for the keys queued behind

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        if event.value != self.filters.text:
            self.filters = replace(self.filters, text=event.value)

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.action_focus_list()

    def action_focus_detail(self) -> None:
        self.query_one("#detail").focus()

    def action_focus_list(self) -> None:
        self.query_one("#exercises").focus()

    @on(OptionList.OptionSelected, "#exercises")
    def read_detail(self) -> None:
        """Enter on an exercise moves to its detail, to scroll it at 80×24."""
        self.action_focus_detail()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear":
            return self.filters.active
        if action == "search":
            return not self._search.has_focus
        if action not in ("focus_detail", "focus_list"):
            return True
        # Asked for every key of the footer at every change: the two widgets are held, not
        # looked up in the whole screen each time.
        searching = self._search.has_focus
        if action == "focus_detail":
            return not self._detail.has_focus_within and not searching
        return self._detail.has_focus_within or searching
