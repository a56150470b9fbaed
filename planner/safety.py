"""Red flags: the questions that stop the programme and send someone to a doctor (CLINICAL §3).

Sources: NICE NG59, NICE CKS on cauda equina syndrome, NHS pathways; wording is the project's own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from planner.models import Frozen, Screening, ScreeningResult, value

Level = Literal["emergency", "urgent"]


@value
class RedFlag(Frozen):
    id: str
    question: str
    level: Level


#: One question per line, answered yes or no. Emergency ones come first: they matter most.
RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("saddle-numbness",
            "Numbness or tingling between your legs, around your bottom or genitals?", "emergency"),
    RedFlag("bladder-bowel",
            "New trouble passing urine, or losing control of your bladder or bowels?", "emergency"),
    RedFlag("both-legs",
            "Sciatica in both legs, or weakness in both legs that is severe or getting worse?",
            "emergency"),
    RedFlag("sexual", "New problems with sexual function?", "emergency"),
    RedFlag("foot-drop",
            "A foot that drops or catches when you walk (you cannot lift its front)?", "emergency"),
    RedFlag("cancer", "Have you ever had cancer?", "urgent"),
    RedFlag("weight-loss", "Have you lost weight without trying?", "urgent"),
    RedFlag("age", "Did this back pain first start before age 20 or after age 50?", "urgent"),
    RedFlag("night-pain", "Pain at night that does not ease when you rest?", "urgent"),
    RedFlag("no-better",
            "Has it gone on for over a month without any improvement, unchecked by a doctor?",
            "urgent"),
    RedFlag("fever", "Fever, chills or night sweats?", "urgent"),
    RedFlag("immune",
            "A weakened immune system (from an illness or medicines), or do you inject drugs?",
            "urgent"),
    RedFlag("infection", "A recent bacterial infection?", "urgent"),
    RedFlag("trauma",
            "Did it start after a fall or accident, or a small knock while you have osteoporosis "
            "or take steroids long-term?", "urgent"),
    RedFlag("shape", "A visible change in the shape of your spine?", "urgent"),
    RedFlag("worsening", "Is the pain getting steadily worse even when you rest?", "urgent"),
)

RED_FLAG_IDS = frozenset(flag.id for flag in RED_FLAGS)

#: Asked at the end of every session; a yes stops the plan as a red flag does.
SESSION_QUESTION = "Any new numbness, weakness, or change in bladder or bowel control?"

EMERGENCY_ADVICE = (
    "Stop the exercises. These signs can mean a nerve emergency (cauda equina syndrome). "
    "Get medical help today: call your emergency number or go to an emergency department now."
)
SEE_DOCTOR_ADVICE = (
    "Please pause the exercises and see a doctor soon, within the next few days, before you "
    "start again. If you notice numbness between your legs, bladder or bowel changes, or "
    "weakness in both legs, get help the same day."
)


def screening_result(answers: dict[str, bool]) -> ScreeningResult:
    """Any emergency sign → emergency; any other red flag → see-doctor; otherwise clear."""
    by_id = {flag.id: flag for flag in RED_FLAGS}
    yes = [by_id[key] for key, answer in answers.items() if answer and key in by_id]
    if any(flag.level == "emergency" for flag in yes):
        return "emergency"
    if yes:
        return "see-doctor"
    return "clear"


def screen(answers: dict[str, bool], now: datetime, context: str = "first-run") -> Screening:
    """Build a Screening record from a full set of answers; every red flag must be answered."""
    missing = RED_FLAG_IDS - answers.keys()
    if missing:
        raise ValueError(f"unanswered red-flag questions: {', '.join(sorted(missing))}")
    unknown = answers.keys() - RED_FLAG_IDS
    if unknown:
        raise ValueError(f"unknown red-flag questions: {', '.join(sorted(unknown))}")
    return Screening(at=now, answers=dict(answers), result=screening_result(answers),
                     context=context)  # type: ignore[arg-type]


def after_session_screening(now: datetime) -> Screening:
    """A yes to the end-of-session question is recorded as a screening that is not clear."""
    return Screening(at=now, answers={"after-session-symptoms": True}, result="see-doctor",
                     context="after-session")


def advice(result: ScreeningResult) -> str:
    if result == "emergency":
        return EMERGENCY_ADVICE
    if result == "see-doctor":
        return SEE_DOCTOR_ADVICE
    return "No red flags. You can go on with the programme."
