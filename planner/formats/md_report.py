"""The Markdown export: the clinician's report, which reads as plain text and renders as
Markdown. Pure: records in, text out; user text is neutralised for Markdown and the terminal.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from statistics import mean
from typing import Any

from planner import report_words as voice
from planner.chart import PainChart, PainWeek, StageMark
from planner.clock import midnight
from planner.course import PsfsChange, psfs_change
from planner.direction import SessionSigns, preference_of, signs
from planner.formats import ExportAsk
from planner.formats.shared import Records, from_day, yes_no
from planner.gate import FULL_CONTEXTS, Gate, SafetyRecords, is_alarm, may_start, surgery_wait
from planner.models import (
    CONDITION_LABELS,
    REACH_WORDS,
    REACHES,
    Bout,
    Catalog,
    CheckIn,
    Clearance,
    Condition,
    Equipment,
    Frozen,
    Plan,
    Profile,
    PsfsRating,
    Rules,
    Screening,
    Session,
    StageEvent,
    Walk,
    value,
)
from planner.plan import why_not
from planner.progression import History, first_checkins_by_day, flare_reasons, flares_24h_of
from planner.safety import SIGNS
from planner.text import screen_safe
from planner.walking import is_flare, target_for

SECTIONS = (
    "Summary",
    "Profile",
    "Current stage",
    "Stage timeline",
    "Pain trend",
    "PSFS trend",
    "Adherence",
    "Walking",
    "Flares",
    "Directional preference",
    "Overrides",
    "Recent notes",
    "How rehab decides",
)
NONE_YET = "None yet."
#: The rules behind the numbers above, in plain words (README, "The safety rules").
RULE_WORDS = (
    "- Pain is the worse of back and leg. A flare is pain after a session above 5, a rise of 2 "
    "or more, an exercise stopped because it hurt or spread the leg symptoms, or a walk that "
    "did the same; two flares in a week, or one pain of 7 or more, advise a step back. A single "
    "high pain settles once the check-ins on three later days are back within the stage's limit.",
    "- Moving on needs check-ins on three different days since the stage began (the newest at "
    "most 3 days old, the oldest at most 7), enough days and sessions, and no recent flare.",
    "- Before a session, a pain above 5 offers the lighter session or rest first; 7 or more "
    "offers the stage below's session or rest. The planned session is still possible, chosen "
    "on purpose, and the choice is listed under Flares.",
    "- A warning sign stops sessions. A doctor's clearance covers what was answered before it; "
    "a new yes after it stops them again. After a same-day sign, only an all-clear that says "
    "why it ended (seen by a doctor, or answered by mistake) lets sessions start.",
    "- Pregnancy leaves out exercises lying on the front or long on the back; osteoporosis or "
    "long-term steroids leave out loaded full forward bending; spinal surgery in the last three "
    "months waits for a dated go-ahead given after it.",
    "- When exercises bending one way spread the leg symptoms in two sessions and the other way "
    "eased or kept them, rehab suggests favouring the way that helps (never harder).",
)
DISCLAIMER = (
    "*rehab gives general self-care guidance, not a diagnosis: the numbers below are "
    "the person's own reports.*"
)

_MD_ESCAPED = re.compile(r"([\\`*_\[\]<>|~&#])")
_SCREEN_WORDS = {"clear": "all clear", "see-doctor": "see a doctor", "emergency": "emergency"}


def md_cell(text: str) -> str:
    """User text made safe inside a Markdown table cell or a line: one line, nothing active.

    Every character Markdown could act on is backslash-escaped (`|` cannot end the cell, `[x](y)`
    is no link, `<b>` no HTML, a leading `#` no heading); line breaks become " ↵ ".
    """
    one_line = " ↵ ".join(screen_safe(_unix_lines(text)).splitlines()) if text else ""
    return _MD_ESCAPED.sub(r"\\\1", one_line)


#: What would start a list at the start of a quoted line: escaped there ("- ", "1. ").
_MD_BULLET = re.compile(r"^(\s*)([-+=])")
_MD_NUMBER = re.compile(r"^(\s*\d+)([.)])")


def md_quote(text: str) -> str:
    """User text as a quotation, line by line as typed, with nothing Markdown could act on: no
    heading, list, link, HTML or code starts inside it (each such character backslash-escaped),
    and an empty line stays inside the quote."""
    quoted = []
    for line in screen_safe(_unix_lines(text)).rstrip("\n").split("\n"):
        safe = _MD_ESCAPED.sub(r"\\\1", line)
        safe = _MD_NUMBER.sub(r"\1\\\2", _MD_BULLET.sub(r"\1\\\2", safe))
        quoted.append(f"> {safe}".rstrip() if safe.strip() else ">")
    return "\n".join(quoted)


def _unix_lines(text: str) -> str:
    """Windows and old Mac line breaks as plain newlines, before the rest is made visible."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _when(moment: datetime) -> str:
    return voice.moment(moment)


def _stage_label(catalog: Catalog, number: int | None) -> str:
    if number is None:
        return "–"
    stage = catalog.stages.get(number)
    return f"{number} {stage.name}" if stage else str(number)


def _mean(values: Sequence[int]) -> str:
    return f"{mean(values):.1f}" if values else "–"


def _week(day: date) -> date:
    return voice.monday(day)


@value
class ReportData(Frozen):
    """Everything the report reads, as records (any order; the report sorts). The sessions
    may instead come one at a time, oldest first (any iterable that is not a sequence), so
    thirty years of them are read once and never held (`_SessionsSeen`)."""

    profile: Profile | None
    plan: Plan | None
    sessions: Iterable[Session] = ()
    checkins: Sequence[CheckIn] = ()
    events: Sequence[StageEvent] = ()
    psfs: Sequence[PsfsRating] = ()
    screenings: Sequence[Screening] = ()
    clearances: Sequence[Clearance] = ()
    #: Every walk since the programme began (the level is derived from all of them), and bouts.
    walks: Sequence[Walk] = ()
    bouts: Sequence[Bout] = ()

    def safety(self, new_symptoms: Iterable[Session]) -> SafetyRecords:
        """What the gate reads, from the report's records and its sessions that reported new
        symptoms (the gate skips the older ones)."""
        return SafetyRecords(
            tuple(self.screenings),
            tuple(new_symptoms),
            tuple(self.clearances),
            **surgery_wait(self.profile),
        )


class _SessionsSeen:
    """What the report needs of the sessions, gathered in one pass over them (oldest first),
    so thirty years of sessions are never held: a few recent ones whole, the rest as weekly
    sums, the rows they give, and the signs and pains other rules weigh. "The period" is the
    report's: from `since` on."""

    def __init__(
        self,
        catalog: Catalog,
        sessions: Iterable[Session],
        now: datetime,
        since: date | None,
        notes: int,
        flares_from: date | None,
    ) -> None:
        rules, today = catalog.rules, now.date()
        start = midnight(since) if since else None
        # Whole: the last 28 days (the summary) and the days the see-a-doctor advice reads.
        recent_from = today - timedelta(days=max(28, 6 + rules.severe_days))
        pre_from = midnight(flares_from - timedelta(days=1)) if flares_from else None
        #: Every session given (the day before `since` too) that reported new symptoms.
        self.new_symptoms: list[Session] = []
        #: The first session's pre-session pain of each day, for the 24-hour flares.
        self.pre_pain: dict[date, int] = {}
        self.first_day: date | None = None  # of the period's first session
        self.recent: list[Session] = []
        self.flare_rows: list[tuple[datetime, list[str]]] = []
        self.chosen_rows: list[tuple[datetime, list[str]]] = []
        self.signs: list[SessionSigns] = []  # up to `now`, for the directional preference
        self.notes: deque[tuple[datetime, str, str]] = deque(maxlen=notes if notes > 0 else None)
        self.note_count = 0
        self.legged = False
        #: By week: pain before and after, and how far down the leg (the pain trend).
        self.weeks: dict[date, dict[str, list[Any]]] = {}
        #: By week: the (day, slot) of each session done before today (adherence).
        self.done: dict[date, set[tuple[date, str]]] = {}
        for s in sessions:
            if s.new_symptoms:
                self.new_symptoms.append(s)
            if pre_from is not None and s.started_at >= pre_from:
                self.pre_pain.setdefault(s.day, s.worse_before)
            if start is not None and s.started_at < start:
                continue
            self._add(catalog, s, now, recent_from)

    def _add(self, catalog: Catalog, s: Session, now: datetime, recent_from: date) -> None:
        if self.first_day is None:
            self.first_day = s.day
        if s.day >= recent_from:
            self.recent.append(s)
        reasons = flare_reasons(s, catalog.rules)
        if reasons:
            self.flare_rows.append(
                (
                    s.started_at,
                    [
                        _when(s.started_at),
                        f"session ({s.slot}, stage {s.stage})",
                        md_cell("; ".join(reasons)),
                    ],
                )
            )
        if s.chosen is not None:
            self.chosen_rows.append(
                (
                    s.started_at,
                    [
                        _when(s.started_at),
                        "high pain before a session",
                        md_cell(f"pain {s.worse_before} before it: chose {CHOSEN_WORDS[s.chosen]}"),
                    ],
                )
            )
        if s.started_at <= now:
            seen = signs(catalog, s)
            if seen is not None:
                self.signs.append(seen)
        if s.note.strip():
            after = "?" if s.pain_after is None else s.pain_after
            self.notes.append(
                (
                    s.started_at,
                    f"{s.slot} session, stage {s.stage}, pain {s.pain_before}→{after}",
                    s.note,
                )
            )
            self.note_count += 1
        self.legged = self.legged or s.leg_before is not None
        week = self.weeks.setdefault(_week(s.day), {"before": [], "after": [], "reach": []})
        week["before"].append(s.pain_before)
        if s.pain_after is not None:
            week["after"].append(s.pain_after)
        week["reach"] += [r for r in (s.reach_before, s.reach_after) if r is not None]
        if s.is_done and s.day < now.date():
            self.done.setdefault(_week(s.day), set()).add((s.day, s.slot))


def markdown_report(
    catalog: Catalog, data: ReportData, now: datetime, since: date | None = None, notes: int = 10
) -> str:
    """A report for a physiotherapist or doctor: reads as plain text, renders as Markdown.

    Every section in `SECTIONS` is present, saying "None yet." when it has nothing. `since`
    limits sessions, check-ins, stage events and PSFS ratings to that day on; the profile and
    the current stage are always shown as they are now. (Pass the sessions of the day before
    `since` too, and all stage events: they date a 24-hour flare and the programme's start.)
    """
    return report_with_chart(catalog, data, now, since, notes)[0]


def report_with_chart(
    catalog: Catalog,
    data: ReportData,
    now: datetime,
    since: date | None = None,
    notes: int = 10,
    chart_link: str | None = None,
) -> tuple[str, PainChart]:
    """`markdown_report`, and what its pain chart draws (`planner.chart`), from the same one
    pass over the sessions. With `chart_link` (the chart's file name, beside the report), the
    report shows the chart under its summary."""
    checkins = sorted(from_day(data.checkins, since, "at"), key=lambda c: c.at)
    sessions = data.sessions
    if isinstance(sessions, Sequence):
        sessions = sorted(sessions, key=lambda s: s.started_at)
    # A 24-hour flare on the first day shown compares with the day before's sessions.
    flares_from = since or (checkins[0].at.date() if checkins else None)
    seen = _SessionsSeen(catalog, sessions, now, since, notes, flares_from)
    # The history holds the recent sessions only: the sections read the rest from `seen`.
    history = History.of(seen.recent, checkins, from_day(data.events, since, "at"))
    ratings = sorted(from_day(data.psfs, since, "at"), key=lambda r: r.at)
    every_rating = sorted(data.psfs, key=lambda r: r.at)  # the baseline is the first ever
    by_week = _pain_weeks(history, seen)
    today = now.date()
    period = f"from {voice.day(since)} to {voice.day(today)}" if since else "all history"
    lines = [
        f"# Rehab report — {voice.day(today)}",
        "",
        DISCLAIMER,
        "",
        f"Covers {period}. Pain is rated 0 (none) to 10 (worst imaginable); "
        "a change of 2 or more is meaningful.",
        "",
    ]
    parts = {
        "Summary": _summary_section(catalog, data, history, seen, now),
        "Profile": _profile_section(data.profile),
        "Current stage": _current_section(catalog, data, seen, now),
        "Stage timeline": _timeline_section(catalog, history.events),
        "Pain trend": _pain_section(history, seen, by_week),
        "PSFS trend": _psfs_section(ratings, psfs_change(every_rating, catalog.rules)),
        "Adherence": _adherence_section(data, seen, today, since),
        "Walking": _walking_section(catalog, data, now, since),
        "Flares": _flares_section(catalog.rules, history, seen, flares_from),
        "Directional preference": _direction_section(catalog, data, seen),
        "Overrides": _overrides_section(catalog, history.events),
        "Recent notes": _notes_section(history, seen, notes),
        "How rehab decides": list(RULE_WORDS),
    }
    for title in SECTIONS:
        body = parts[title] or [NONE_YET]
        lines += [f"## {title}", "", *body, ""]
        if title == "Summary" and chart_link is not None:
            from urllib.parse import quote  # a file name as a link: spaces and brackets escaped

            lines += [f"![Back and leg pain by Monday week]({quote(chart_link)})", ""]
    text = "\n".join(lines).rstrip("\n") + "\n"
    return text, _pain_chart(catalog, history, by_week)


#: The summary a clinician reads first stays within one screen.
SUMMARY_LINES = 15


def _summary_section(
    catalog: Catalog, data: ReportData, history: History, seen: _SessionsSeen, now: datetime
) -> list[str]:
    """At most `SUMMARY_LINES` lines: where the person stands, how the pain moved, what they
    did, and what needs the clinician's eye. The sections below hold the details."""
    plan = data.plan
    if plan is None:
        return []
    stage = catalog.stages.get(plan.stage)
    since = history.stage_started_at(plan.stage) or plan.created_at
    lines = [f"- Stage {plan.stage} of 4, {stage.name if stage else '?'}, since {_when(since)}."]
    firsts = list(first_checkins_by_day(history.checkins).values())
    if len(firsts) >= 2:
        start, last = firsts[0], firsts[-1]
        lines.append(
            f"- Back pain {start.pain}/10 at the start ({_when(start.at)}), {last.pain}/10 now"
            f"{_change(start.pain, last.pain)}."
        )
        if start.leg_pain is not None and last.leg_pain is not None:
            reach = ""
            if start.reach is not None and last.reach is not None:
                moved = REACHES.index(last.reach) - REACHES.index(start.reach)
                how = "nearer the spine" if moved < 0 else "further down" if moved else "the same"
                reach = (
                    f"; symptoms reached {REACH_WORDS[start.reach]}, now "
                    f"{REACH_WORDS[last.reach]} ({how})"
                )
            lines.append(
                f"- Leg pain {start.leg_pain}/10 at the start, {last.leg_pain}/10 now"
                f"{_change(start.leg_pain, last.leg_pain)}{reach}."
            )
    today = now.date()
    month = [s for s in history.sessions if today - timedelta(days=28) <= s.day < today]
    began = _programme_began(history.events, seen.first_day) or today
    days = (today - max(began, today - timedelta(days=28))).days
    if data.profile is not None and days > 0:
        planned = days * len(data.profile.slots)
        done = len({(s.day, s.slot) for s in month if s.is_done})
        lines.append(
            f"- Sessions done in the last {days} days: {done} of {planned} planned "
            f"({round(100 * done / planned)} %)."
        )
    walked = [w for w in data.walks if today - timedelta(days=28) <= w.at.date() < today]
    if walked:
        weekly = sum(w.minutes for w in walked) * 7 / max(days, 7)
        lines.append(f"- Walking: about {weekly:.0f} minutes a week lately.")
    eye = _needs_an_eye(catalog, data, history, seen, now)
    if eye:
        lines += ["", "For the clinician's attention:", *eye]
    return lines[:SUMMARY_LINES]


def _programme_began(events: Sequence[StageEvent], first_session: date | None) -> date | None:
    """The day the programme began: its first stage event, or failing that its first session
    (the day of the first session, if any)."""
    starts = [e.at.date() for e in events] + ([first_session] if first_session else [])
    return min(starts) if starts else None


def _change(start: int, now: int) -> str:
    """A pain's change, marked when it is the 2 points that matter."""
    if now == start:
        return ", no change"
    better = now < start
    return f" ({'down' if better else 'up'} {abs(now - start)}" + (
        ", a change that matters)" if abs(now - start) >= 2 else ")"
    )


def _gate_words(data: ReportData, gate: Gate, now: datetime) -> str:
    """Why sessions may not start, in the report's words."""
    full = [s.at for s in data.screenings if s.context in FULL_CONTEXTS and s.at <= now]
    return voice.gate(gate, max(full) if full else None)


def _needs_an_eye(
    catalog: Catalog, data: ReportData, history: History, seen: _SessionsSeen, now: datetime
) -> list[str]:
    """The few things a clinician should not miss, one short line each."""
    out = []
    gate = may_start(data.plan, data.safety(seen.new_symptoms), now, catalog.rules)
    if gate.stopped:
        out.append(f"- Sessions stopped: {md_cell(_gate_words(data, gate, now))}")
    if gate.cleared:
        out.append(f"- {len(gate.cleared)} warning sign(s) a doctor cleared (Current stage).")
    if seen.flare_rows:
        out.append(f"- {len(seen.flare_rows)} session(s) flared in this period (see Flares).")
    overrides = [e for e in history.events if e.kind == "override"]
    if overrides:
        out.append(f"- {len(overrides)} stage choice(s) above the advice (Overrides).")
    for line in voice.see_doctor(history, now, catalog.rules)[:2]:
        out.append(f"- Advised to see a doctor: {md_cell(line)}")
    profile = data.profile
    if profile is not None:
        said = [
            words
            for yes, words in (
                (profile.pregnant, "pregnant"),
                (profile.recent_surgery, "spinal surgery in the last 3 months"),
                (profile.osteoporosis, "osteoporosis or long-term steroids"),
                (profile.stenosis, "spinal stenosis"),
            )
            if yes
        ]
        if said:
            out.append("- Reported: " + "; ".join(said) + ".")
    if data.plan is not None and data.plan.source is not None:
        name = data.plan.source.clinician
        by = f" ({md_cell(name)})" if name else ""
        out.append(f"- The plan in force was written by their physiotherapist{by}.")
    return out


def _profile_section(profile: Profile | None) -> list[str]:
    if profile is None:
        return []
    equipment = [e.value for e in profile.equipment if e is not Equipment.NONE]
    return [
        "- Conditions: " + "; ".join(CONDITION_LABELS[c] for c in profile.conditions),
        f"- Episode began: {voice.day(profile.episode_start)}",
        f"- Spinal stenosis reported: {yes_no(profile.stenosis)}",
        f"- Pregnant: {_asked(profile.pregnant)}",
        f"- Spinal surgery in the last three months: {_asked(profile.recent_surgery)}",
        f"- Osteoporosis or long-term steroids: {_asked(profile.osteoporosis)}",
        "- Equipment: " + (", ".join(equipment) if equipment else "none"),
        "- Sessions: "
        + " and ".join(profile.slots)
        + f", {profile.minutes_per_session} minutes each",
    ]


def _asked(answer: bool | None) -> str:
    return "not asked" if answer is None else yes_no(answer)


def _current_section(
    catalog: Catalog, data: ReportData, seen: _SessionsSeen, now: datetime
) -> list[str]:
    plan = data.plan
    if plan is None:
        return []
    stage = catalog.stages.get(plan.stage)
    lines = [
        f"Stage {plan.stage} of 4 — {stage.name if stage else '?'}. "
        f"Aim: {voice.aim(stage.aim) if stage else '?'}",
        "",
    ]
    gate = may_start(plan, data.safety(seen.new_symptoms), now, catalog.rules)
    if not gate.open:
        head = "Sessions stopped" if gate.stopped else "Before the next session"
        lines += [f"**{head}**: {md_cell(_gate_words(data, gate, now))}", ""]
        lines += [
            f"- Open warning sign ({'same day' if s.flag.level == 'emergency' else 'soon'})"
            f": {md_cell(voice.sign(s.flag.id, s.flag.question))}"
            for s in gate.signs
        ]
        lines += [""] if gate.signs else []
    if gate.cleared:
        lines += [f"- {md_cell(line)}" for line in voice.cleared(gate.cleared)]
        lines.append("")
    screenings = sorted(data.screenings, key=lambda s: s.at)
    if screenings:
        last = screenings[-1]
        lines += [
            f"Latest red-flag screen: {_when(last.at)}, "
            f"{_SCREEN_WORDS.get(last.result, last.result)}.",
            "",
        ]
    alarms = _alarm_lines(screenings)
    if alarms:
        lines += ["Same-day warning signs (patient-reported), and how each ended:", ""]
        lines += alarms + [""]
    if plan.source is not None:
        who = f" ({md_cell(plan.source.clinician)})" if plan.source.clinician else ""
        lines += [
            f"**From their physiotherapist**{who}, loaded {_when(plan.source.imported_at)}. "
            "Dose steps stay within their doses.",
            "",
        ]
        if plan.source.note:
            lines += ["Their note:", "", md_quote(plan.source.note), ""]
    lines.append("Current exercises:")
    lines.append("")
    for p in plan.prescriptions:
        where = "" if p.slot == "any" else f" ({p.slot} only)"
        lines.append(f"- {md_cell(catalog.name_of(p.exercise_id))}: {p.dose.label()}{where}")
    if not plan.prescriptions:
        lines.append("- none")
    left_out = _left_out(catalog, data.profile, plan)
    if left_out:
        lines += ["", "Left out for this person (rehab would not choose them):", ""]
        lines += [f"- {md_cell(line)}" for line in left_out]
    return lines


def _left_out(catalog: Catalog, profile: Profile | None, plan: Plan) -> list[str]:
    """The stage's exercises a health answer (stenosis, pregnancy, osteoporosis) leaves out,
    and why; one the plan holds anyway (a physiotherapist's choice) says so."""
    if profile is None:
        return []
    held = {p.exercise_id for p in plan.prescriptions}
    health = replace(profile, equipment=list(Equipment), conditions=list(Condition))
    lines = []
    for ex in catalog.for_stage(plan.stage):
        reason = why_not(ex, health)
        if reason is not None:
            whose = ": their physiotherapist's choice" if plan.source else ""
            kept = f" (in the plan all the same{whose})" if ex.id in held else ""
            lines.append(f"{ex.name}: {voice.left_out(reason)}{kept}")
    return lines


def _direction_section(catalog: Catalog, data: ReportData, seen: _SessionsSeen) -> list[str]:
    """Which way of bending eased or spread the leg symptoms over the report's sessions."""
    if data.profile is None or not data.profile.leg_symptoms:
        return []
    pref = preference_of(seen.signs)
    if pref is None:
        return [
            "No direction stood out: no exercises bending one way spread the leg symptoms in "
            "two sessions while the other way eased or kept them."
        ]
    lines = [md_cell(voice.direction(pref)), ""]
    held = [
        p.exercise_id
        for p in (data.plan.prescriptions if data.plan else [])
        if catalog.exercise(p.exercise_id).direction is pref.avoid
    ]
    if held:
        names = ", ".join(catalog.name_of(e) for e in held)
        lines.append(
            md_cell(
                f"The plan still holds exercises {pref.avoid.value}: {names}. "
                f"rehab suggests favouring {pref.favour.value}."
            )
        )
    else:
        lines.append(md_cell(f"The plan in force holds no exercise {pref.avoid.value}."))
    return lines


def _alarm_lines(screenings: Sequence[Screening]) -> list[str]:
    """Every same-day warning sign answered yes, and every all-clear that said why one ended
    (a doctor's visit, or a yes given by mistake), oldest first."""
    lines = []
    for s in screenings:
        if is_alarm(s):
            signs = [
                voice.sign(key)
                for key, yes in s.answers.items()
                if yes and key in SIGNS and SIGNS[key].level == "emergency"
            ]
            what = "; ".join(signs) or "a same-day sign (answers not recorded)"
            lines.append(f"- {_when(s.at)}: answered yes: {md_cell(what)}")
        ended = voice.alarm_end(s)
        if ended:
            lines.append(f"- {_when(s.at)}: {_SCREEN_WORDS.get(s.result, s.result)}; {ended}")
    return lines


def _timeline_section(catalog: Catalog, events: Sequence[StageEvent]) -> list[str]:
    if not events:
        return []
    rows = []
    for e in events:
        override = e.kind == "override"
        kind = "**OVERRIDE**" if override else e.kind
        said, typed = voice.event_reason(e)
        reason = md_cell(said) or "–"
        if typed:
            reason = f"**typed reason:** {reason}"
        rows.append(
            [
                _when(e.at),
                kind,
                f"{_stage_label(catalog, e.from_stage)} → {_stage_label(catalog, e.to_stage)}",
                reason,
            ]
        )
    return _table(["Date", "Event", "From → to", "Reason"], rows)


def _pain_weeks(history: History, seen: _SessionsSeen) -> dict[date, dict[str, list[Any]]]:
    """By Monday week: the day's first check-ins (back "in", and "leg"), pain before and after
    sessions, and how far down the leg the symptoms reached: the pain table and the chart."""
    firsts = first_checkins_by_day(history.checkins)
    by_week: dict[date, dict[str, list[Any]]] = {}

    def week_of(day: date) -> dict[str, list[Any]]:
        return by_week.setdefault(
            _week(day), {"in": [], "before": [], "after": [], "leg": [], "reach": []}
        )

    for day, c in firsts.items():
        w = week_of(day)
        w["in"].append(c.pain)
        if c.leg_pain is not None:
            w["leg"].append(c.leg_pain)
    for c in history.checkins:
        if c.reach is not None:
            week_of(c.at.date())["reach"].append(c.reach)
    # The sessions' sums; each mean and the furthest reach are the same in any order.
    for start, sums in seen.weeks.items():
        w = week_of(start)
        for name in ("before", "after", "reach"):
            w[name] += sums[name]
    return by_week


def _pain_chart(
    catalog: Catalog, history: History, by_week: dict[date, dict[str, list[Any]]]
) -> PainChart:
    """What the chart draws: the pain table's check-in means (to its one decimal), each stage
    change on its Monday week, and the first check-in's back pain."""
    weeks = tuple(
        PainWeek(
            week,
            float(_mean(w["in"])) if w["in"] else None,
            float(_mean(w["leg"])) if w["leg"] else None,
        )
        for week, w in sorted(by_week.items())
    )
    marks = tuple(
        StageMark(_week(e.at.date()), f"→{e.to_stage}")
        for e in history.events
        if e.to_stage != e.from_stage
    )
    firsts = first_checkins_by_day(history.checkins)
    start = next(iter(firsts.values())).pain if firsts else None
    return PainChart(weeks, marks, start)


def _pain_section(
    history: History, seen: _SessionsSeen, by_week: dict[date, dict[str, list[Any]]]
) -> list[str]:
    """Weekly means of the day's first check-in and of pain before and after sessions; with
    leg symptoms, the leg's check-in mean and the furthest the symptoms reached (README, safety
    rules)."""
    firsts = first_checkins_by_day(history.checkins)
    legged = any(c.leg_pain is not None for c in firsts.values()) or seen.legged
    if not by_week:
        return []
    head = ["Week of", "Check-in mean", "Days", "Before session", "After session", "Sessions"]
    if legged:
        head = [*head[:2], "Leg check-in mean", "Furthest down the leg", *head[2:]]
    rows = []
    previous: date | None = None
    for week in sorted(by_week):
        # A gap shows as a gap: one empty week as its row, a longer one as one line (a record
        # dated years away, by a wrong clock, must not make a table of ten thousand weeks).
        gap = 0 if previous is None else (week - previous).days // 7 - 1
        if gap == 1:  # the empty week is the one before this
            row = [voice.day(week - timedelta(days=7)), "–", "0", "–", "–", "0"]
            rows.append([*row[:2], "–", "–", *row[2:]] if legged else row)
        elif gap > 1:
            rows.append([f"{gap:,} weeks with no record"] + [""] * (len(head) - 1))
        w = by_week[week]
        row = [
            voice.day(week),
            _mean(w["in"]),
            str(len(w["in"])),
            _mean(w["before"]),
            _mean(w["after"]),
            str(len(w["before"])),
        ]
        if legged:
            furthest = max(w["reach"], key=REACHES.index) if w["reach"] else None
            reach = "–" if furthest is None else REACH_WORDS[furthest]
            row = [*row[:2], _mean(w["leg"]), reach, *row[2:]]
        rows.append(row)
        previous = week
    words = "Weekly means: the day's first check-in, and pain before and after sessions."
    if legged:
        words = (
            "Weekly means: the day's first check-in (back, and leg apart), and back pain before "
            "and after sessions; how far down the leg the symptoms reached at most."
        )
    return [words, "", *_table(head, rows)]


def _psfs_section(ratings: Sequence[PsfsRating], change: PsfsChange | None) -> list[str]:
    """The ratings of the period, and the change since the first rating ever (the baseline),
    with the meaningful change marked and a meaningful fall flagged (docs/clinical.md §4)."""
    if not ratings:
        return []
    rows = [
        [
            voice.day(r.at.date()),
            f"{r.mean:.1f}",
            "; ".join(f"{md_cell(i.activity)}: {i.score}" for i in r.items),
        ]
        for r in ratings
    ]
    lines = [
        "Patient-Specific Functional Scale: each activity 0 (unable) to 10 (able as before); "
        "the score is the mean.",
        "",
        *_table(["Date", "Mean", "Activities"], rows),
    ]
    if change is not None:
        flag = "**Flag for the clinician:** " if change.worse else ""
        lines += ["", f"{flag}Since the baseline: {md_cell(voice.psfs(change))}."]
    return lines


def _adherence_section(
    data: ReportData, seen: _SessionsSeen, today: date, since: date | None
) -> list[str]:
    profile = data.profile
    if profile is None:
        return []
    began = _programme_began(data.events, seen.first_day)
    if began is None:
        return []
    first = max(began, since) if since else began
    slots = len(profile.slots)
    done = {week: {d for d in days if d[0] >= first} for week, days in seen.done.items()}
    rows = []
    week = _week(first)
    while week < today:
        days = sum(1 for i in range(7) if first <= week + timedelta(days=i) < today)
        planned = days * slots
        if planned:
            n = len(done.get(week, ()))
            rows.append([voice.day(week), str(n), str(planned), f"{round(100 * n / planned)} %"])
        week += timedelta(days=7)
    if not rows:
        return []
    return [
        f"Completed sessions against planned ones ({slots} a day, days before today).",
        "",
        *_table(["Week of", "Done", "Planned", "Adherence"], rows),
    ]


def _walking_section(
    catalog: Catalog, data: ReportData, now: datetime, since: date | None
) -> list[str]:
    """The walking programme (README, safety rules): where it stands, and each Monday week in
    the period with its minutes, walks and flared walks, and what the programme week that ended
    in it did to the level (the programme's weeks run from the day walking began)."""
    if data.profile is None:
        return []
    rules, today = catalog.rules, now.date()
    stage = data.plan.stage if data.plan else 1
    target = target_for(catalog, data.profile, data.walks, today, stage)
    began = data.profile.walk_since
    if target is None or began is None:
        return ["Not set up (the person has not said how long they walk comfortably)."]
    if target.weeks:
        last = target.weeks[-1]
        change = voice.walk_change(last.level_before, last.level_after, last.walks, last.flares)
        why = f"set on {voice.day(last.start + timedelta(days=7))}: {change}"
    else:
        comfortable = data.profile.walk_comfortable or 0
        why = f"the start, {rules.walk_start_pct} % of the {comfortable} min walked comfortably"
    walks = [w for w in data.walks if began <= w.at.date() <= today]
    by_week: dict[date, list[Walk]] = {}
    for w in walks:
        by_week.setdefault(_week(w.at.date()), []).append(w)
    this_week = by_week.get(_week(today), [])
    per_day: dict[date, int] = {}
    for w in this_week:
        per_day[w.at.date()] = per_day.get(w.at.date(), 0) + w.minutes
    at_level = sum(1 for m in per_day.values() if m >= target.minutes)
    lines = [
        f"Current level: {target.minutes} min on {target.goal_days} days a week, toward "
        f"{target.goal_minutes} min ({why}).",
        f"This week so far (from {voice.day(_week(today))}): {sum(per_day.values())} of "
        f"{target.week_target} min, on {at_level} of {target.goal_days} days at the level.",
    ]
    bouts = sorted(from_day(data.bouts, since, "at"), key=lambda b: b.at)
    if bouts:
        days = len({b.at.date() for b in bouts})
        lines.append(f"Bouts through the day: {len(bouts)} on {days} days.")
    # Each programme week, by the Monday week its last day falls in.
    levels = {_week(w.start + timedelta(days=6)): w for w in target.weeks}
    first = _week(max(began, since) if since else began)
    mondays = [first + timedelta(days=7 * i) for i in range((_week(today) - first).days // 7 + 1)]
    rows = []
    for week in mondays[-26:]:
        held = by_week.get(week, [])
        level, why = "–", "–"
        programme = levels.get(week)
        if programme is not None:
            set_on = voice.day(programme.start + timedelta(days=7))
            level = f"{programme.level_before} → {programme.level_after} min ({set_on})"
            why = voice.walk_change(
                programme.level_before, programme.level_after, programme.walks, programme.flares
            )
        rows.append(
            [
                voice.day(week),
                str(len(held)),
                str(sum(w.minutes for w in held)),
                str(sum(is_flare(w, rules) for w in held)),
                level,
                why,
            ]
        )
    if rows:
        weekday = voice.WEEKDAYS[began.weekday()]
        lines += [
            "",
            "Weeks run Monday to Sunday. The level is set at the end of each programme week "
            f"(seven days from when walking began, so on {weekday}s), shown in the week it "
            "was set.",
            "",
            *_table(["Week of", "Walks", "Minutes", "Flared walks", "Level", "Why"], rows),
        ]
    return lines


def _flares_section(
    rules: Rules, history: History, seen: _SessionsSeen, first: date | None
) -> list[str]:
    """Flared sessions, 24-hour flares from `first` on, and each choice at a high pain."""
    found = list(seen.flare_rows)
    if first is not None:
        for f in flares_24h_of(seen.pre_pain, history.checkins, rules, first):
            found.append(
                (
                    midnight(f.day),
                    [
                        voice.day(f.day),
                        "24-hour",
                        md_cell(
                            f"first check-in {f.after}, the day before's pre-session pain "
                            f"{f.before} (+{rules.flare_24h_rise} or more)"
                        ),
                    ],
                )
            )
    found += seen.chosen_rows
    if not found:
        return []
    found.sort(key=lambda x: x[0])
    return _table(["Date", "Kind", "Reason"], [row for _, row in found])


#: What was chosen at a high pain before a session, for the report.
CHOSEN_WORDS = {
    "lighter": "the lighter session offered",
    "lower-stage": "the stage below's session offered",
    "planned": "the planned session anyway (a lighter one was offered first)",
}


def _overrides_section(catalog: Catalog, events: Sequence[StageEvent]) -> list[str]:
    rows = [
        [
            _when(e.at),
            f"{_stage_label(catalog, e.from_stage)} → {_stage_label(catalog, e.to_stage)}",
            md_cell(voice.event_reason(e)[0]) or "–",
        ]
        for e in events
        if e.kind == "override"
    ]
    if not rows:
        return []
    return [
        "Stage choices made against the planner's advice, with the reason typed.",
        "",
        *_table(["Date", "From → to", "Typed reason"], rows),
    ]


def _notes_section(history: History, seen: _SessionsSeen, count: int) -> list[str]:
    # The last `count` session notes are all that can be among the last `count` of all notes.
    found: list[tuple[datetime, str, str]] = list(seen.notes)
    for c in history.checkins:
        if c.note.strip():
            found.append((c.at, f"check-in, pain {c.pain}", c.note))
    total = seen.note_count + len(found) - len(seen.notes)
    found.sort(key=lambda x: x[0])
    lines: list[str] = []
    if found:
        lines += [f"The last {min(count, total)} notes, newest first, exactly as typed.", ""]
    for at, label, note in reversed(found[-count:]):
        lines += [f"**{_when(at)}** · {label}", "", md_quote(note), ""]
    return lines[:-1] if lines else lines


def pieces(repo: Records, ask: ExportAsk) -> Iterator[str]:
    """The report of what `repo` holds, whole (`report`)."""
    return iter([report(repo, ask.catalog, ask.now, ask.since, ask.chart_link)[0]])


def report(
    repo: Records,
    catalog: Catalog,
    now: datetime,
    since: date | None,
    chart_link: str | None = None,
) -> tuple[str, PainChart]:
    """The Markdown report of what `repo` holds, whole, and what its pain chart draws
    (`planner.chart.pain_svg` makes the SVG): the sessions are read once, as they come. With
    `chart_link`, the report links the chart by that file name under its summary.

    Every other table is read through `repo.each`, a closed year at a time: the records are
    kept, the archives' years are not (`repo.checkins()` and the like merge every year in
    memory: 82 MB at thirty years, against 9 MB for the check-ins themselves)."""
    day_before = since - timedelta(days=1) if since else None
    data = ReportData(
        profile=repo.profile(),
        plan=repo.active_plan(),
        sessions=repo.each("sessions", day_before),  # read once, oldest first
        checkins=list(repo.each("checkins", since)),
        events=list(repo.each("stage_events")),
        psfs=list(repo.each("psfs")),
        screenings=list(repo.each("screenings")),
        clearances=repo.clearances(),
        walks=list(repo.each("walks")),
        bouts=list(repo.each("bouts", since)),
    )
    return report_with_chart(catalog, data, now, since, chart_link=chart_link)
