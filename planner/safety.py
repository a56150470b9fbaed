"""Red flags: the questions that stop the programme and send someone to a doctor (docs/clinical.md
§3).

Sources: NICE NG59, NICE CKS on cauda equina syndrome, NHS pathways; wording is the project's own.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from planner.models import Frozen, Screening, ScreeningContext, ScreeningResult, value

Level = Literal["emergency", "urgent"]


@value
class RedFlag(Frozen):
    """A warning-sign question, how grave a yes is, and whether a doctor's clearance may stand
    in for it (signs of history only)."""

    id: str
    question: str
    level: Level
    #: A sign that describes the past (cancer history, age at onset, steroids, immune
    #: suppression, an old injury): it stays true after a doctor has checked it, so a doctor's
    #: clearance may stand in for a "no" (README, safety rules). Never an emergency sign.
    history: bool = False
    #: For a sign of history a doctor has checked: the question asked from then on, about
    #: anything new since ({day} is the visit). A yes to it is a new sign (docs/clinical.md
    #: §7, clearances in time).
    since: str = ""

    def __post_init__(self) -> None:
        if self.history and self.level == "emergency":
            raise ValueError(f"{self.id}: a same-day sign can never be cleared")
        if self.history != bool(self.since):
            raise ValueError(f"{self.id}: a sign of history asks what is new since a clearance")

    def asked(self, cleared_on: date | None) -> str:
        """The question as it is put: about anything new since a doctor checked it, once one
        has (`cleared_on`, the day of the visit)."""
        if cleared_on is None or not self.since:
            return self.question
        return self.since.format(day=f"{cleared_on:%d %b %Y}")


#: One question per line, answered yes or no. Emergency ones come first: they matter most.
RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        "saddle-numbness",
        "Numbness or tingling between your legs, around your bottom or genitals?",
        "emergency",
    ),
    RedFlag(
        "bladder-bowel",
        "New trouble passing urine, losing control of your bladder or bowels, or not feeling "
        "when your bladder or bowel is full?",
        "emergency",
    ),
    RedFlag(
        "both-legs",
        "Sciatica in both legs, or weakness in both legs that is severe or getting worse?",
        "emergency",
    ),
    RedFlag("sexual", "New problems with sexual function?", "emergency"),
    RedFlag(
        "foot-drop",
        "A foot that drops or catches when you walk (you cannot lift its front)?",
        "emergency",
    ),
    RedFlag("one-leg", "New or spreading numbness, tingling or weakness in one leg?", "urgent"),
    RedFlag(
        "cancer",
        "Have you ever had cancer?",
        "urgent",
        history=True,
        since="Since a doctor checked your cancer history ({day}): a new cancer, or its return?",
    ),
    RedFlag("weight-loss", "Have you lost weight without trying?", "urgent"),
    RedFlag(
        "age",
        "Did this back pain first start before age 20 or after age 50?",
        "urgent",
        history=True,
        since="Since a doctor checked when your back pain began ({day}): a new, different "
        "back pain?",
    ),
    RedFlag("night-pain", "Pain at night that does not ease when you rest?", "urgent"),
    RedFlag(
        "no-better",
        "Has it gone on for over a month without any improvement, unchecked by a doctor?",
        "urgent",
    ),
    RedFlag("fever", "Fever, chills or night sweats?", "urgent"),
    RedFlag(
        "immune",
        "A weakened immune system (from an illness or medicines), or do you inject drugs?",
        "urgent",
        history=True,
        since="Since a doctor checked your immune system ({day}): a new illness or medicine "
        "that weakens it, or injecting drugs?",
    ),
    RedFlag("infection", "A recent bacterial infection?", "urgent"),
    RedFlag(
        "trauma",
        "Did it start after a fall or accident, or a small knock while you have osteoporosis "
        "or take steroids long-term?",
        "urgent",
        history=True,
        since="Since a doctor checked this ({day}): a new fall or accident, or a small knock "
        "while you have osteoporosis or take steroids long-term?",
    ),
    RedFlag("shape", "A visible change in the shape of your spine?", "urgent"),
    RedFlag("worsening", "Is the pain getting steadily worse even when you rest?", "urgent"),
)

RED_FLAG_IDS = frozenset(flag.id for flag in RED_FLAGS)

#: Asked at the end of every session (README, safety rules, docs/clinical.md §3): the same-day
#: signs together, then the one-leg sign on its own, because they call for different answers (today
#: / soon).
SESSION_CHECKS: tuple[RedFlag, ...] = (
    RedFlag(
        "same-day",
        "Since you started: numbness between your legs; a change in bladder or bowel control "
        "or feeling (not feeling when the bladder is full); sciatica or weakness in both legs; "
        "new problems with sexual function; or a foot that drops?",
        "emergency",
    ),
    RedFlag(
        "one-leg",
        "Since you started: new or spreading numbness, tingling or weakness in one leg?",
        "urgent",
    ),
)
SESSION_CHECK_IDS = frozenset(flag.id for flag in SESSION_CHECKS)

#: What an after-session screen saved before the question was split in two: a yes to
#: "any new numbness, weakness, or bladder or bowel change?". Read as see-doctor, never cleared.
LEGACY_SESSION_ANSWER = "after-session-symptoms"

#: Every sign a screening may carry, by id.
SIGNS: dict[str, RedFlag] = {
    **{flag.id: flag for flag in SESSION_CHECKS},
    **{flag.id: flag for flag in RED_FLAGS},
    LEGACY_SESSION_ANSWER: RedFlag(
        LEGACY_SESSION_ANSWER,
        "New numbness, weakness, or bladder or bowel change after a session",
        "urgent",
    ),
}

#: Signs a doctor's clearance may stand in for.
CLEARABLE = frozenset(flag.id for flag in RED_FLAGS if flag.history)

EMERGENCY_ADVICE = (
    "Stop the exercises. These signs can mean a nerve emergency (cauda equina syndrome). "
    "Get medical help today: call your emergency number or go to an emergency department now."
)
SEE_DOCTOR_ADVICE = (
    "Please pause the exercises and see a doctor soon, within the next few days, before you "
    "start again. If you notice numbness between your legs, bladder or bowel changes, or "
    "weakness in both legs, get help the same day."
)

#: One line each, for a headline.
EMERGENCY_HEADLINE = "Get medical help today"
SEE_DOCTOR_HEADLINE = "See a doctor before you go on"


def grade(signs: list[RedFlag]) -> ScreeningResult:
    """Any emergency sign → emergency; any other sign → see-doctor; none → clear."""
    if any(flag.level == "emergency" for flag in signs):
        return "emergency"
    return "see-doctor" if signs else "clear"


def yes_signs(answers: dict[str, bool]) -> list[RedFlag]:
    """The signs answered yes; an answer this program does not know is read as see-doctor."""
    unknown = RedFlag("unknown", "A warning sign this version does not know", "urgent")
    return [SIGNS.get(key, unknown) for key, answer in answers.items() if answer]


def screening_result(answers: dict[str, bool]) -> ScreeningResult:
    """Any emergency sign → emergency; any other red flag → see-doctor; otherwise clear."""
    return grade(yes_signs(answers))


def screen(
    answers: dict[str, bool], now: datetime, context: ScreeningContext = "first-run"
) -> Screening:
    """Build a Screening record from a full set of answers; every red flag must be answered."""
    missing = RED_FLAG_IDS - answers.keys()
    if missing:
        raise ValueError(f"unanswered red-flag questions: {', '.join(sorted(missing))}")
    unknown = answers.keys() - RED_FLAG_IDS
    if unknown:
        raise ValueError(f"unknown red-flag questions: {', '.join(sorted(unknown))}")
    return Screening(
        at=now, answers=dict(answers), result=screening_result(answers), context=context
    )


def after_session_screening(answers: dict[str, bool], now: datetime) -> Screening:
    """The two end-of-session questions, each answered, graded like any screening."""
    if answers.keys() != SESSION_CHECK_IDS:
        raise ValueError("both end-of-session questions must be answered")
    return Screening(
        at=now, answers=dict(answers), result=screening_result(answers), context="after-session"
    )


def headline(result: ScreeningResult) -> str:
    """The stop screen's headline for a screening result (emergency or see a doctor)."""
    return EMERGENCY_HEADLINE if result == "emergency" else SEE_DOCTOR_HEADLINE


def advice(result: ScreeningResult) -> str:
    """What to do about a screening result, in plain words."""
    if result == "emergency":
        return EMERGENCY_ADVICE
    if result == "see-doctor":
        return SEE_DOCTOR_ADVICE
    return "No red flags. You can go on with the programme."
