"""Which education card Today shows: the one that fits what is happening.

Kaia and selfBACK pair each day's exercise with a short piece of education (docs/clinical.md §5);
the catalog's cards (seeds/data/cards.toml) say in `moments` when each one fits. The moment is
chosen in this order, the first that holds:

1. "paused": the gate has stopped sessions;
2. "see-doctor": a doctor's opinion is advised (planner.course), though sessions go on;
3. "after-flare": a session in the last `card_after_flare_days` days was a flare, or a step back
   is advised;
4. "before-moving-on": every criterion for the next stage holds;
5. "first-days": the programme began less than `card_first_days` days ago;
6. "any" other day.

Among the cards of a moment, the day of the year picks one, so the card changes day by day and
each is seen in turn. The choice is a pure function of the standing: every screen agrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from planner.advice import Standing
from planner.models import CardMoment, Catalog, EducationCard
from planner.progression import is_flare

#: What Today says above the card, by moment.
WHY: dict[CardMoment, str] = {
    "paused": "While you wait to see a doctor",
    "see-doctor": "Before you see a doctor",
    "after-flare": "After a flare",
    "before-moving-on": "Before you move on",
    "first-days": "For your first days",
    "any": "Today's reading",
}


@dataclass(frozen=True)
class TodaysCard:
    """The card Today shows, and the moment it was chosen for."""

    card: EducationCard
    moment: CardMoment

    @property
    def why(self) -> str:
        """The words above the card: why this one today."""
        return WHY[self.moment]


def moment(catalog: Catalog, standing: Standing) -> CardMoment:
    """What is happening, for choosing a card (the order is in the module's docstring)."""
    advice, rules, now = standing.advice, catalog.rules, standing.now
    if advice is None:
        return "first-days"
    if advice.paused:
        return "paused"
    if advice.see_doctor:
        return "see-doctor"
    history = standing.history.until(now)
    recent = history.sessions_since(now - timedelta(days=rules.card_after_flare_days))
    if advice.step_back is not None or any(is_flare(s, rules) for s in recent):
        return "after-flare"
    if advice.recommend_move_on:
        return "before-moving-on"
    started = next((e.at for e in history.events if e.kind == "start"), None)
    if started is not None and now - started < timedelta(days=rules.card_first_days):
        return "first-days"
    return "any"


def todays_card(catalog: Catalog, standing: Standing) -> TodaysCard | None:
    """The card Today shows, or None when the catalog has none for this moment or any day."""
    when = moment(catalog, standing)
    pregnant = standing.profile is not None and bool(standing.profile.pregnant)
    # A card for a pregnant person alone (pregnancy back pain is the midwife's or doctor's to
    # advise on, docs/clinical.md §7) comes first for them; nobody else sees it.
    suits = [c for c in catalog.cards.values() if pregnant or not c.pregnant_only]
    cards = [c for c in suits if when in c.moments]
    if pregnant and any(c.pregnant_only for c in cards):
        cards = [c for c in cards if c.pregnant_only]
    if not cards:
        when = "any"
        cards = [c for c in suits if "any" in c.moments]
    if not cards:
        return None
    day = standing.now.timetuple().tm_yday
    return TodaysCard(cards[day % len(cards)], when)
