"""The clinician's report in its own voice: one date style, and the planner's reasons told about
the person, not to them.

The app speaks to the person ("Your pain is 6/10 …: start gently with Calm."); the report is read
by a physiotherapist or doctor, so each sentence of the planner that reaches it is worded here,
neutrally and in the third person, from the same numbers. Stage events keep their reasons as
stored text: their known forms are read back here; a reason the person typed stays as typed.
Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from planner.course import PsfsChange, no_improvement, severe_days_running
from planner.direction import Preference
from planner.gate import Gate
from planner.models import Clearance, Rules, Screening, StageEvent
from planner.progression import History
from planner.safety import SIGNS

# ---------------------------------------------------------------------------------------------
# Dates: one style everywhere in the report

#: English day names, whatever the locale (strftime's %a follows it).
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Every date the report prints matches this, and nothing else in it looks like a date.
DATE_PATTERN = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d{2}-\d{2}"


def day(d: date) -> str:
    """A day as the report writes every date: "Mon 2026-12-07"."""
    return f"{_DAY_NAMES[d.weekday()]} {d.isoformat()}"


def moment(at: datetime) -> str:
    """A moment: the day as `day` writes it, then the time ("Mon 2026-12-07 08:45")."""
    return f"{day(at.date())} {at:%H:%M}"


def monday(d: date) -> date:
    """The Monday that starts `d`'s week: every weekly table of the report groups by it."""
    return d - timedelta(days=d.weekday())


# ---------------------------------------------------------------------------------------------
# Warning signs, named for a clinician (the app asks the person a question)

SIGN_WORDS: dict[str, str] = {
    "saddle-numbness": "numbness or tingling in the saddle area (between the legs, around the "
    "bottom or genitals)",
    "bladder-bowel": "new bladder or bowel trouble (passing urine, control, or sensing fullness)",
    "both-legs": "sciatica in both legs, or severe or worsening weakness in both legs",
    "sexual": "new problems with sexual function",
    "foot-drop": "a foot that drops or catches when walking",
    "one-leg": "new or spreading numbness, tingling or weakness in one leg",
    "cancer": "a history of cancer",
    "weight-loss": "weight lost without trying",
    "age": "back pain that first began before age 20 or after age 50",
    "night-pain": "pain at night not eased by rest",
    "no-better": "over a month without improvement, not checked by a doctor",
    "fever": "fever, chills or night sweats",
    "immune": "a weakened immune system (illness or medicines), or injecting drugs",
    "infection": "a recent bacterial infection",
    "trauma": "onset after a fall or accident, or a small knock with osteoporosis or "
    "long-term steroids",
    "shape": "a visible change in the shape of the spine",
    "worsening": "pain getting steadily worse despite rest",
    "same-day": "after a session: a same-day sign (saddle numbness, a bladder or bowel change, "
    "both legs, sexual function, or a foot drop)",
    "after-session-symptoms": "new numbness, weakness, or bladder or bowel change after a session",
    "go-ahead": "the surgeon's or physiotherapist's go-ahead after spinal surgery",
}


def sign(key: str, question: str = "") -> str:
    """A warning sign by its id, as a clinician would name it (the question if it has no name)."""
    if key in SIGN_WORDS:
        return SIGN_WORDS[key]
    return question or (SIGNS[key].question if key in SIGNS else key)


def cleared(clearances: Iterable[Clearance]) -> list[str]:
    """The signs a doctor has checked, with the visit's day and the note typed with it."""
    return [
        f"Checked by a doctor on {day(c.seen_on)}: {sign(c.sign)}"
        + (f" ({c.note})" if c.note else "")
        for c in clearances
    ]


# ---------------------------------------------------------------------------------------------
# The gate: why sessions may not start

_GATE_WORDS = {
    "emergency": "A same-day warning sign is open: no exercise until a doctor has seen the "
    "person and the safety questions are answered again.",
    "no-screen": "The safety questions have not been answered yet.",
    "no-plan": "There is no plan yet.",
    "surgery": "Spinal surgery in the last three months: sessions wait for a dated go-ahead "
    "from the surgeon or physiotherapist.",
    "paused": "The plan is paused until the safety questions are answered again.",
}


def gate(g: Gate, last_screen: datetime | None) -> str:
    """Why sessions may not start (`Gate.why`), in the report's words ("" when they may)."""
    if g.open:
        return ""
    if g.why == "see-doctor":
        after = (
            "a doctor's clearance is recorded or the safety questions are answered again"
            if g.clearable
            else "a doctor has seen the person and the safety questions are answered again"
        )
        return f"A warning sign is open: sessions wait until {after}."
    if g.why == "rescreen-due":
        since = f" (last on {day(last_screen.date())})" if last_screen else ""
        return f"The weekly safety check is overdue{since}: due again before the next session."
    return _GATE_WORDS.get(g.why, g.reason)


# ---------------------------------------------------------------------------------------------
# Stage events: their stored reasons, read back

_PAIN = r"Your pain(?P<leg> \(the worse of back and leg\))? is (?P<pain>\d+)/10"
_START_FORMS = (
    (
        re.compile(_PAIN + r" \(5 or more\): start gently with (?P<stage>[^.]+)\.(?P<rest>.*)$"),
        "{pain} at start (5 or more): started gently in {stage}.{rest}",
    ),
    (
        re.compile(
            _PAIN + r", but this episode began (?P<days>\d+) days ago \(under (?P<under>\d+)\): "
            r"the back is still in its acute phase, so start with (?P<stage>[^.]+)\.$"
        ),
        "{pain} at start; the episode began {days} days before (under {under}, still acute): "
        "started in {stage}.",
    ),
    (
        re.compile(
            _PAIN + r" \((?P<band>[^)]+)\) and (?P<when>.+): start with (?P<stage>[^.]+)\.$"
        ),
        "{pain} at start ({band}), {when}: started in {stage}.",
    ),
)
_CHOSE_ABOVE = re.compile(
    r"^Chose stage (?P<to>\d+) over the recommended (?P<rec>\d+): (?P<why>.*)$", re.S
)
_CHOSE_BELOW = re.compile(r"^chose stage (?P<to>\d+), below the recommended (?P<rec>\d+)$")
_ADVANCE = re.compile(r"^Every criterion holds: you may move on to stage (?P<to>\d+)\.$")
_FLARES = re.compile(
    r"^(?P<n>\d+) flares in the last (?P<days>\d+) days \(the limit is (?P<limit>\d+)\): "
    r"go back to (?P<where>.+)\.$"
)
_HIGH = re.compile(
    r"^(?P<what>a check-in|pain before a session) of (?P<pain>\d+)/10 on (?P<d>\d{1,2} \w{3}) "
    r"(?P<t>\d{2}:\d{2}) \((?P<limit>\d+) or more\): go back to (?P<where>.+)\.$"
)
_LOWER_DOSES = "lower doses in stage 1 (and see a doctor if it does not settle)"
_FIXED = {
    "recommended at first run": "Started at the recommended stage.",
    "chosen by you": "Chosen by the person.",
}


def _pain_words(match: re.Match[str]) -> str:
    worse = " (worse of back and leg)" if match.group("leg") else ""
    return f"Pain{worse} {match.group('pain')}/10"


def _start(reason: str) -> str | None:
    """A first-run placement's reason (`planner.plan.place`) told about the person."""
    for form, words in _START_FORMS:
        found = form.match(reason)
        if found:
            parts = {k: v for k, v in found.groupdict().items() if v is not None}
            parts.setdefault("rest", "")
            return words.format(**{**parts, "pain": _pain_words(found)})
    return None


def _where(where: str) -> str:
    if where == _LOWER_DOSES:
        return "lower doses in stage 1 (a doctor advised if it does not settle)"
    return where


def _high_day(text: str, at: datetime) -> date | None:
    """ "12 Dec", said within the week before `at`, as the day it was."""
    for year in (at.year, at.year - 1):
        try:
            found = datetime.strptime(f"{text} {year}", "%d %b %Y").date()
        except ValueError:
            return None
        if found <= at.date():
            return found
    return None


def event_reason(event: StageEvent) -> tuple[str, bool]:
    """A stage event's reason for the report, and whether it is the person's own typed words
    (shown as typed). A reason of a form not known here is shown as stored."""
    reason = event.reason.strip()
    if reason in _FIXED:
        return _FIXED[reason], False
    if _ADVANCE.match(reason):
        return "All move-on criteria met.", False
    placed = _start(reason)
    if placed is not None:
        return placed, False
    chose = _CHOSE_ABOVE.match(reason)
    if chose:
        return (
            f"Stage {chose['to']} chosen over the recommended {chose['rec']}; the person's "
            f"reason: {chose['why']}",
            True,
        )
    below = _CHOSE_BELOW.match(reason)
    if below:
        return f"Stage {below['to']} chosen, below the recommended {below['rec']}.", False
    flares = _FLARES.match(reason)
    if flares:
        return (
            f"{flares['n']} flares in {flares['days']} days (limit {flares['limit']}): stepped "
            f"back to {_where(flares['where'])}.",
            False,
        )
    high = _HIGH.match(reason)
    if high:
        when = _high_day(high["d"], event.at)
        on = f"{day(when)} {high['t']}" if when else high["t"]
        what = "Check-in" if high["what"] == "a check-in" else "Pain before a session"
        return (
            f"{what} {high['pain']}/10 on {on} ({high['limit']} or more): stepped back to "
            f"{_where(high['where'])}.",
            False,
        )
    typed = event.kind in ("override", "step-back") and not reason.startswith("A plan from ")
    return (reason if typed else _LONG_DATE.sub(_restyled, reason)), typed


#: A date as the app writes it in stored reasons ("12 Dec 2026").
_LONG_DATE = re.compile(r"\b(\d{1,2} [A-Z][a-z]{2} \d{4})\b")


def _restyled(found: re.Match[str]) -> str:
    try:
        return day(datetime.strptime(found.group(1), "%d %b %Y").date())
    except ValueError:
        return found.group(1)


# ---------------------------------------------------------------------------------------------
# The rest of what the planner says to the person


#: A stage's aim as the catalog words it for the person, and as the report words it.
AIM_WORDS = {
    "Keep it up: a regular routine of 20–30 minutes that holds on to what you have gained.": (
        "Maintenance: a regular routine of 20–30 minutes that holds on to the gains made."
    ),
}

#: Why an exercise is left out of the plan (`planner.plan.why_not`), for the report.
LEFT_OUT_WORDS = {
    "keeps you lying on your back for minutes, which is avoided in pregnancy": (
        "keeps the person lying on the back for minutes, which is avoided in pregnancy"
    ),
    "not suggested for your condition": "not suggested for the person's conditions",
}


def aim(text: str) -> str:
    """A stage's aim in the report's words."""
    return AIM_WORDS.get(text, text)


def left_out(reason: str) -> str:
    """Why an exercise is left out, in the report's words."""
    return LEFT_OUT_WORDS.get(reason, reason)


def psfs(change: PsfsChange) -> str:
    """The PSFS change since the baseline, for the report (`PsfsChange.words` is the app's)."""
    sign_ = "+" if change.change > 0 else ""
    head = (
        f"PSFS {change.latest.mean:.1f} (baseline {change.baseline.mean:.1f} on "
        f"{day(change.baseline.at.date())}): {sign_}{change.change:.1f}"
    )
    if change.worse:
        return head + " — worse by a meaningful amount"
    if change.meaningful and change.change > 0:
        return head + " — a meaningful improvement"
    if change.meaningful:
        return head + " — one activity changed by a meaningful amount"
    return head + " — not a meaningful change"


def direction(pref: Preference) -> str:
    """The sessions behind a directional preference, with the report's dates."""
    spread = len(pref.spread_days)
    helped = []
    if pref.centralised_days:
        helped.append(f"brought them nearer the spine in {_sessions(pref.centralised_days)}")
    if pref.steady_days:
        helped.append(f"left them where they were in {_sessions(pref.steady_days)}")
    days = ", ".join(day(d) for d in sorted(set(pref.spread_days)))
    return (
        f"Leg symptoms spread further down after exercises {pref.avoid.value} in "
        f"{spread} session{'s' * (spread != 1)} ({days}); "
        f"exercises {pref.favour.value} {' and '.join(helped)}."
    )


def _sessions(days: tuple[date, ...]) -> str:
    return f"{len(days)} session{'s' * (len(days) != 1)}"


def walk_change(before: int, after: int, walks: int, flares: int) -> str:
    """What a finished programme week did to the walking level (`planner.walking.step`'s
    outcome, from its numbers)."""
    if after < before:
        return f"{flares} walks flared: one step down"
    if flares:
        return f"{flares} walk{'s' * (flares != 1)} flared: level held"
    if not walks:
        return "no walk: level held"
    if after == before:
        return "at the goal: level held"
    return "no walk flared: one step up"


def see_doctor(history: History, now: datetime, rules: Rules) -> list[str]:
    """The advice to see a doctor (`planner.course.see_doctor_advice`), as what was advised."""
    lines = []
    programme = next((e.at for e in history.events if e.kind == "start"), None)
    stuck = no_improvement(history.checkins, programme, now, rules)
    if stuck is not None:
        lines.append(
            f"no easing four weeks on (about {stuck.then:g}/10 then, {stuck.now:g}/10 now): "
            "advised to see a doctor or physiotherapist."
        )
    severe = severe_days_running(history, now, rules)
    if severe is not None:
        lines.append(
            f"pain {rules.severe_pain}/10 or more on {rules.severe_days} days running (to "
            f"{day(severe[-1])}): advised to see a doctor soon."
        )
    return lines


def alarm_end(screening: Screening) -> str:
    """Why a same-day sign ended (`planner.gate.alarm_end_words`), with the report's date."""
    if screening.after_emergency == "seen-doctor" and screening.seen_on is not None:
        return f"the same-day warning sign ended: seen by a doctor on {day(screening.seen_on)}"
    if screening.after_emergency == "mistake":
        return "the same-day warning sign ended: the yes was a mistake"
    return ""
