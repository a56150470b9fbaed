"""History's words: how each line, row and detail of History says what the records hold.

Plain functions of records, so they are easy to read and to test; the screen and its widgets
(tui.widgets.history) put them up."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from rich.cells import cell_len, set_cell_size
from textual.content import Content

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
from planner.progression import STAGE_SETTING_KINDS, flare_reasons
from planner.report import short_change
from planner.text import counted, screen_safe
from tui.text import literal

#: (days back including today, or None for everything; the words for it)
WINDOWS: list[tuple[int | None, str]] = [
    (7, "Last 7 days"),
    (30, "Last 30 days"),
    (90, "Last 90 days"),
    (None, "All"),
]
LABEL = 9  # the width of "Sessions " before each summary line
FLARE = "⚑ flare"
OUTCOME_WORDS = {"done": "Done", "partial": "Partly done", "skipped": "Nothing done"}


def day_words(when: date | datetime, today: date) -> str:
    """'5 Aug', with the year when it is not this year's."""
    text = f"{when.day} {when:%b}"
    return text if when.year == today.year else f"{text} {when.year}"


def pain_words(session: Session) -> str:
    """Pain before → after; with leg symptoms the leg's too ("3→2 · leg 6→3")."""
    return short_change(session)


def one_line(text: str, width: int) -> str:
    """User text squeezed onto one line of at most `width` cells, control codes made visible."""
    flat = " ".join(screen_safe(text).split())
    return flat if cell_len(flat) <= width else set_cell_size(flat, width - 1) + "…"


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


def checkin_line(c: CheckIn, first: bool) -> Content:
    """One check-in: when, the pain, its note; the day's first is marked (the rules use it)."""
    mark = "●" if first else " "
    return Content.assemble(
        f"{mark} {c.at:%a %d %b %Y %H:%M}  pain {c.pain:>2}/10  ",
        literal(" ".join(c.note.split())) if c.note else ("", ""),
    )
