"""Plain-text reports: what `rehab status` prints. Pure: data in, text out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from planner.advice import Advice, left_open
from planner.bouts import BoutCount
from planner.clock import midnight
from planner.gate import Gate
from planner.models import (
    REACH_SHORT,
    REACH_WORDS,
    Catalog,
    CheckIn,
    Plan,
    Profile,
    Rating,
    Rules,
    Session,
)
from planner.progression import History, flare_reasons, reach_moved
from planner.safety import EMERGENCY_ADVICE, SIGNS
from planner.walking import WalkTarget

SPARK = "▁▂▃▄▅▆▇█"


def _spark(values: dict[date, int], start: date, days: int) -> str:
    cells = []
    for i in range(days):
        p = values.get(start + timedelta(days=i))
        cells.append("·" if p is None else SPARK[min(p * len(SPARK) // 11, len(SPARK) - 1)])
    return "".join(cells)


def pain_trend(history: History, now: datetime, days: int = 14) -> str:
    """The day's first check-in over the last `days` days, and this week against the last;
    back and leg apart, with the latest reach, once leg pain has been rated (README, safety
    rules)."""
    start = midnight(now.date() - timedelta(days=days - 1))
    firsts: dict[date, CheckIn] = {}
    for c in history.checkins_since(start):
        firsts.setdefault(c.at.date(), c)
    if not firsts:
        return "no check-ins in the last two weeks"
    back = {d: c.pain for d, c in firsts.items()}
    leg = {d: c.leg_pain for d, c in firsts.items() if c.leg_pain is not None}
    line = f"{_spark(back, start.date(), days)}  (last {days} days, · = no check-in)"
    if leg:
        line = f"back {line}\n  leg  {_spark(leg, start.date(), days)}"
        reach = next((c.reach for c in reversed(firsts.values()) if c.reach is not None), None)
        if reach is not None:
            line += f"  (latest: {REACH_WORDS[reach]})"
    week_start = now.date() - timedelta(days=6)
    for name, values in (("", back), ("leg ", leg)) if leg else (("", back),):
        this = [p for d, p in values.items() if d >= week_start]
        last = [p for d, p in values.items() if d < week_start]
        what = ("back " if leg and not name else name) + "average"
        if this and last:
            x, y = sum(last) / len(last), sum(this) / len(this)
            word = "lower" if y < x else "higher" if y > x else "the same"
            line += f"\n  {what} this week {y:.1f}, the week before {x:.1f}: {word}"
        elif this:
            line += f"\n  {what} this week {sum(this) / len(this):.1f}"
    return line


def pain_change(before: Rating, after: Rating | None) -> str:
    """ "pain 3→2", or "back 3→2, leg 6→3 (the thigh → the buttock)" with leg symptoms, or
    "(to the thigh)" when the reach did not move."""
    back_after = "?" if after is None else str(after.back)
    if before.leg is None and (after is None or after.leg is None):
        return f"pain {before.back}→{back_after}"
    leg_after = "?" if after is None or after.leg is None else str(after.leg)
    leg_before = "?" if before.leg is None else str(before.leg)
    text = f"back {before.back}→{back_after}, leg {leg_before}→{leg_after}"
    reach_after = None if after is None else after.reach
    if before.reach is not None and reach_after == before.reach:
        text += f" ({REACH_SHORT[before.reach]})"
    elif before.reach is not None and reach_after is not None:
        text += f" ({REACH_WORDS[before.reach]} → {REACH_WORDS[reach_after]})"
    return text


def short_change(s: Session) -> str:
    """Pain before → after in a few characters: "3→2", or "3→2 · leg 6→3" with the leg."""
    after = "?" if s.pain_after is None else str(s.pain_after)
    words = f"{s.pain_before}→{after}"
    if s.leg_before is not None:
        leg_after = "?" if s.leg_after is None else str(s.leg_after)
        words += f" · leg {s.leg_before}→{leg_after}"
    return words


def session_line(s: Session, catalog: Catalog) -> str:
    """One session on one line for `rehab status`: when, stage, exercises done, pain before
    and after (back and leg apart with leg symptoms), and a flare's first reason."""
    flare = (
        "  FLARE: " + flare_reasons(s, catalog.rules)[0] if flare_reasons(s, catalog.rules) else ""
    )
    state = "" if s.is_done else f"  ({s.outcome})"
    done = sum(1 for e in s.entries if e.done)
    return (
        f"{s.started_at:%a %d %b} {s.slot:<8} stage {s.stage}  {done}/{len(s.entries)} done"
        f"  {pain_change(s.before, s.after)}{state}{flare}"
    )


def session_summary(session: Session, rules: Rules) -> str:
    """What just happened, in plain words, for the moment a session is saved (README, safety rules).
    Pain is the worse of back and leg; the reach moving up is named as the good sign it is."""
    reasons = flare_reasons(session, rules)
    before, after = session.worse_before, session.worse_after
    moved = reach_moved(session.reach_before, session.reach_after)
    if reasons:
        if after is not None and after > before:
            what = f"Your pain rose from {before} to {after}"
        elif after is not None and after > rules.flare_pain_after_above:
            what = f"Your pain after the session was {after}/10"
        elif moved == "peripheralising":
            what = "Your leg symptoms reach further down the leg than before the session"
        elif any(e.spread_down for e in session.entries):
            what = "An exercise was stopped as the leg symptoms spread further down"
        else:
            what = "An exercise hurt and was stopped"
        return (
            f"Saved. {what}. That counts as a flare: rest from these exercises today. If it "
            "happens twice in a week, rehab will suggest going back a stage."
        )
    good = (
        "Your leg symptoms moved up toward your back: a good sign (centralising). "
        if moved == "centralising"
        else ""
    )
    if session.outcome == "done":
        return f"Session saved. {good}Well done."
    if session.outcome == "partial":
        return (
            f"Saved as partly done ({round(100 * session.done_share)} % of the work). {good}It "
            "does not count toward moving on; every bit still helps."
        )
    return f"Saved: nothing was done this time. {good}That is all right; try again when you can."


def gate_lines(gate: Gate) -> list[str]:
    """Whether a session may start, for `status` and the report: nothing when it may."""
    if gate.open:
        return []
    head = {
        "emergency": "STOP — GET MEDICAL HELP TODAY",
        "see-doctor": "SESSIONS STOPPED",
        "paused": "PAUSED",
    }.get(gate.why, "BEFORE THE NEXT SESSION")
    lines = [f"{head}: {gate.reason}"]
    if gate.why == "emergency":
        lines.append(EMERGENCY_ADVICE)
    lines.extend(f"  • {sign.flag.question}" for sign in gate.signs)
    return lines


def cleared_lines(gate: Gate) -> list[str]:
    """The signs a doctor has checked, with the visit's date."""
    return [
        f"Checked by a doctor on {c.seen_on:%d %b %Y}: {SIGNS[c.sign].question}"
        + (f" ({c.note})" if c.note else "")
        for c in gate.cleared
    ]


def walk_lines(walk: WalkTarget | None, bouts: Sequence[BoutCount]) -> list[str]:
    """The day's bouts and the walking programme, for `rehab status` (with a blank line after)."""
    lines = [f"Bouts: {c.line()}" for c in bouts]
    if walk is None:
        lines.append("Walking: not set up yet (w on Today asks how long you walk comfortably).")
    else:
        lines.append(
            f"{walk.line()} · {walk.minutes_this_week} of {walk.week_target} min this week"
        )
        lines.append(f"  {walk.reason}")
    return [*lines, ""]


def status_text(
    catalog: Catalog,
    profile: Profile,
    plan: Plan,
    history: History,
    advice: Advice,
    now: datetime,
    recent: int = 5,
    walk: WalkTarget | None = None,
    bouts: Sequence[BoutCount] = (),
) -> str:
    """What `rehab status` prints: the stage, the gate, each criterion for moving on, any step
    back, doctor advice or dose suggestion, the bouts and the walk, the last sessions and the
    pain trend."""
    stage = catalog.stage(plan.stage)
    lines = [f"Stage {stage.number} of 4 — {stage.name}: {stage.aim}"]
    lines.extend(gate_lines(advice.gate))
    lines.extend(cleared_lines(advice.gate))
    lines.append("")
    check = advice.move_on
    if check.to_stage is None:
        lines.append("This is the last stage: keep the routine going.")
    else:
        lines.append(f"Moving on to stage {check.to_stage} needs all of these:")
        for c in check.criteria:
            lines.append(f"  {'✓' if c.ok else '✗'} {c.label}: {c.detail}")
        lines.append("  → ready to move on" if advice.recommend_move_on else "  → not yet")
    if advice.step_back is not None:
        lines.append(f"Step back suggested: {advice.step_back.reason}")
    elif advice.settled:
        lines.append(f"No step back: {advice.settled}")
    lines.extend(advice.see_doctor)
    for d in advice.doses:
        lines.append(f"Dose suggestion: {d.reason} ({d.current.label()} → {d.proposed.label()})")
    lines.append("")
    lines.extend(walk_lines(walk, bouts))
    lines.append("Last sessions:")
    last = history.sessions[-recent:]
    lines.extend(f"  {session_line(s, catalog)}" for s in reversed(last))
    if not last:
        lines.append("  none yet")
    cut = left_open(history.sessions)
    if cut is not None:
        lines.append(
            f"  The {cut.slot} session of {cut.started_at:%a %d %b} was cut off before its "
            "questions: open rehab to finish or close it."
        )
    lines.append("")
    lines.append("Pain (the day's first check-in): " + pain_trend(history, now))
    return "\n".join(lines) + "\n"
