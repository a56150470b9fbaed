"""Today's lines, each drawn from the one `Standing` its screen holds (`data_bind`).

Each line draws its own part of the standing and puts it up only when it changed, so a
check-in redraws the check-in line and leaves the rest as they are."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widgets import Static

from planner.advice import Standing, left_open, next_slot, today_sessions
from planner.course import reach_change
from planner.learn import todays_card
from planner.models import Session, Slot
from planner.plan import session_minutes
from planner.report import short_change
from planner.text import counted
from tui.text import bullet_list, literal
from tui.widgets.line import Line, StandingLine

WELCOME = "Welcome. Let us set up your plan."
MARKS = {"done": "✓", "partial": "◐", "skipped": "○"}
OUTCOMES = {"done": "done", "partial": "partly done", "skipped": "nothing done"}


def planned(standing: Standing) -> bool:
    """Is there a plan to draw (not before the first run)?"""
    return standing.profile is not None and standing.plan is not None


class TodayLine(StandingLine):
    """A line of Today: `draw` gives what it shows for a standing with a plan (None hides
    it); before there is a plan it is empty."""

    def watch_standing(self, standing: Standing | None) -> None:
        if standing is not None:
            self.show(self.draw(standing) if planned(standing) else Content(""))

    def draw(self, standing: Standing) -> Content | None:
        raise NotImplementedError


class StageHeader(TodayLine):
    """The stage and its aim, or a welcome before there is a plan."""

    def watch_standing(self, standing: Standing | None) -> None:
        if standing is None:
            return
        plan = standing.plan
        if not planned(standing) or plan is None:
            self.show(Content(WELCOME))
            return
        stage = self.catalog.stage(plan.stage)
        self.show(
            Content.assemble((f"Stage {stage.number} of 4 · {stage.name}", "bold"), "\n", stage.aim)
        )


class Banner(TodayLine):
    """What waits, most important first (planner.advice.Advice.banner); red while paused."""

    def draw(self, standing: Standing) -> Content | None:
        advice = standing.advice
        lines = advice.banner() if advice is not None else []
        self.set_class(advice is not None and advice.paused, "-paused")
        return Content("\n".join(f"▸ {line}" for line in lines)) if lines else None


class CopyLine(Line):
    """A sync tool's conflict copy beside the file (two computers wrote it between two
    syncs): say so, and that m merges it."""

    #: The copies beside the file, bound to TodayScreen.copies.
    copies: var[tuple[Path, ...]] = var(())

    def watch_copies(self, copies: tuple[Path, ...]) -> None:
        if not copies:
            self.show(None)
            return
        more = f" (and {len(copies) - 1} more)" if len(copies) > 1 else ""
        self.show(
            Content.assemble(
                "A copy from another computer is beside your file",
                more,
                ": ",
                ("m", "bold"),
                " merges it, keeping every record of both.",
            )
        )


class LeftOpen(TodayLine):
    """A session cut off before its end form: say so, and that f finishes it, x closes it."""

    def draw(self, standing: Standing) -> Content | None:
        session = left_open(standing.history.sessions)
        if session is None:
            return None
        done = sum(1 for e in session.entries if e.done)
        return Content.assemble(
            (f"Your {session.slot} session of {session.started_at:%a %d %b, %H:%M}", "bold"),
            f" was cut off with {done} of {counted(len(session.entries), 'exercise')} done, "
            "before you said how it went.\n",
            ("f", "bold"),
            "  finish it: pain now and the two warning-sign questions\n",
            ("x", "bold"),
            "  close it as it stands",
        )


def session_row(slot: Slot, session: Session | None) -> Content:
    """One slot of the day: to do, or how its session went."""
    if session is None:
        return Content(f"  ○ {slot.capitalize():<8} to do")
    finished = sum(1 for e in session.entries if e.done)
    return Content(
        f"  {MARKS[session.outcome]} {slot.capitalize():<8} {OUTCOMES[session.outcome]} · "
        f"{finished}/{counted(len(session.entries), 'exercise')} · pain {short_change(session)}"
    )


class TodaySessions(TodayLine):
    """The day's date and each slot with its session."""

    def draw(self, standing: Standing) -> Content | None:
        assert standing.plan is not None and standing.profile is not None
        now = standing.now
        done = today_sessions(standing.plan, standing.profile, standing.history, now)
        rows = [Content.from_markup(f"[b]Today[/b] · {now:%A %d %B}")]
        rows += [session_row(slot, session) for slot, session in done.items()]
        return Content("\n").join(rows)


class DailyLine(TodayLine):
    """The bouts through the day and the walk, each with the one key that logs it."""

    def draw(self, standing: Standing) -> Content | None:
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
        return Content("\n").join(rows)


class CheckInLine(TodayLine):
    """Today's check-in (or the day's first and latest), or that none is in yet (bold)."""

    def draw(self, standing: Standing) -> Content | None:
        now, history = standing.now, standing.history
        today = [c for c in history.checkins if c.at.date() == now.date()]
        self.set_class(not today, "-due")
        if not today:
            return Content("No check-in yet today: press c to record your pain.")
        first, last = today[0], today[-1]
        if last is first:
            words = f"Today's check-in: {first.rating.words()} at {first.at:%H:%M}."
        else:
            words = (
                f"Latest check-in: {last.rating.words()} at {last.at:%H:%M} "
                f"({len(today)} today). Moving on uses the day's first, "
                f"{first.rating.words()} at {first.at:%H:%M}; any 7 or more counts toward "
                "a step back."
            )
        moved = reach_change(history, now)
        if moved is not None:
            words += "\n" + moved.words()
        return Content(words)


def next_session(standing: Standing) -> tuple[Slot, bool]:
    """The slot the next session is for, and whether every slot of the day is done (it is
    an extra one then)."""
    assert standing.plan is not None and standing.profile is not None
    done = today_sessions(standing.plan, standing.profile, standing.history, standing.now)
    all_done = all(s is not None and s.is_done for s in done.values())
    return next_slot(done, standing.now.hour), all_done


class NextSession(TodayLine):
    """Why no session may start now, or the next session's exercises and doses."""

    def watch_standing(self, standing: Standing | None) -> None:
        if standing is None:
            return
        gate = standing.gate
        if planned(standing) and not gate.open and gate.signs:
            signs = [s.flag.question for s in gate.signs]
            reason = Text.assemble(("No session now. ", "bold"), gate.reason)
            self.show_renderable(
                Group(reason, bullet_list("Open warning signs:", signs)), (gate.reason, *signs)
            )
            return
        super().watch_standing(standing)

    def draw(self, standing: Standing) -> Content | None:
        plan, profile, gate = standing.plan, standing.profile, standing.gate
        assert plan is not None and profile is not None
        if not gate.open:
            return Content.assemble(("No session now. ", "bold"), gate.reason)
        slot, all_done = next_session(standing)
        items = plan.for_slot(slot, profile.slots)
        minutes = session_minutes(plan, slot, profile.slots)
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
            name = self.catalog.name_of(p.exercise_id)
            lines.append(Content(f"  {i}. {name} — {p.dose.label(daily=False)}"))
        return Content("\n").join(lines)


class LastNote(TodayLine):
    """The latest session note, so what was written last time is there to read."""

    def draw(self, standing: Standing) -> Content | None:
        for s in reversed(standing.history.sessions[-20:]):
            if s.note.strip():
                return Content.assemble(
                    (f"Last note ({s.started_at:%d %b}): ", "dim"), literal(s.note)
                )
        return None


class TodayCard(TodayLine):
    """The education card that fits what is happening (planner.learn): its title and first
    paragraph; the whole card and its sources are in Library's Learn list."""

    def draw(self, standing: Standing) -> Content | None:
        today = todays_card(self.catalog, standing)
        if today is None:
            return None
        return Content.assemble(
            (f"{today.why}: {today.card.title}", "bold"),
            "\n",
            today.card.body[0],
            "\n",
            ("All of it, with its sources: Library (5), then l for Learn.", "dim"),
        )


class StartButton(Static, can_focus=True):
    """Starts the next session (or an extra one); hidden while none may start.

    A button in look and in use (Enter or a click presses it; a second press within a moment
    is the same press), drawn as a Static: Textual's Button brings a stylesheet for every
    variant it has (7 KB, two fifths of what a start parses) to style this one line."""

    DEFAULT_CSS = """
    StartButton {
        width: auto;
        min-width: 16;
        height: 1;
        padding: 0 1;
        text-style: bold;
        color: $button-color-foreground;
        background: $primary;
        pointer: pointer;
        &:hover {
            background: $primary-darken-2;
        }
        &:focus {
            text-style: $button-focus-text-style;
            background-tint: $foreground 5%;
        }
        &.-active {
            tint: $background 30%;
        }
    }
    """
    BINDINGS = [Binding("enter", "press", "Start", show=False)]
    #: How long a press shows, and any press within it is the same one.
    PRESS_SHOWN = 0.2

    class Pressed(Message):
        """The person pressed Start."""

    standing: var[Standing | None] = var(None)

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(label, id=id, markup=False)
        self.label = label

    def action_press(self) -> None:
        if self.has_class("-active") or not self.display:
            return
        self.add_class("-active")
        self.set_timer(self.PRESS_SHOWN, partial(self.remove_class, "-active"))
        self.post_message(self.Pressed())

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_press()

    def watch_standing(self, standing: Standing | None) -> None:
        if standing is None:
            return
        self.display = planned(standing) and standing.gate.open
        if self.display:
            slot, all_done = next_session(standing)
            label = f"{'Extra' if all_done else 'Start'} {slot} session (s)"
            if label != self.label:
                self.label = label
                self.update(label)
