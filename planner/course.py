"""How the episode is going over weeks: when to advise a doctor, and what the PSFS says.

These are advice, never a block (README, safety rules, "Acute phase"): the gate (`planner.gate`)
alone decides whether a session may start. The thresholds are data ([rules] in
seeds/data/stages.toml), with their sources in docs/clinical.md:

- No improvement after four weeks is a reason to see a doctor (docs/clinical.md §3 and §6). "No
  improvement" is a fall of less than the minimal important change of the 0–10 scale, 2 points
  (Ostelo et al. 2008, docs/clinical.md §2), between the week four weeks ago and the last days — and
  only while it still hurts (a pain that stays at 1/10 is no reason to worry).
- Pain of 8 or more on three days running (README, safety rules).
- The PSFS change since the first rating: 2 points of the mean, or 3 on one activity, is a
  meaningful change (docs/clinical.md §4); a fall of 2 or more (mean) is flagged for the clinician.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from planner.models import REACH_WORDS, CheckIn, PsfsRating, Reach, Rules, Session
from planner.progression import History, first_checkins_by_day, reach_moved


def daily_worst(history: History, since: date) -> dict[date, int]:
    """The highest pain rated on each day from `since` on, the worse of back and leg
    (docs/clinical.md §6): check-ins, and the pain before and after each session. A day with no
    rating has no entry."""
    worst: dict[date, int] = {}

    def rate(day: date, pain: int | None) -> None:
        if pain is not None and day >= since:
            worst[day] = max(worst.get(day, pain), pain)

    for c in history.checkins:
        rate(c.at.date(), c.worse_pain)
    for s in history.sessions:
        rate(s.day, s.worse_before)
        rate(s.day, s.worse_after)
    return worst


def latest_pain(history: History) -> int | None:
    """The pain last rated, the worse of back and leg: the latest check-in or pain before a
    session (None before any)."""
    return latest_rated(history.checkins, history.sessions)


def latest_rated(checkins: Sequence[CheckIn], sessions: Sequence[Session]) -> int | None:
    """`latest_pain` of check-ins and sessions each in time order."""
    rated = [(c.at, c.worse_pain) for c in checkins[-1:]]
    rated += [(s.started_at, s.worse_before) for s in sessions[-1:]]
    return max(rated)[1] if rated else None


@dataclass(frozen=True)
class ReachChange:
    """How far down the leg the symptoms reach today against the last day it was rated."""

    moved: str  # "centralising" or "peripheralising"
    since: date
    then: Reach
    now: Reach

    def words(self) -> str:
        """One line for Today: a good sign, or go gently."""
        if self.moved == "centralising":
            return (
                f"Your leg symptoms reach less far than on {self.since:%a %d %b} "
                f"({REACH_WORDS[self.then]} → {REACH_WORDS[self.now]}): a good sign."
            )
        return (
            f"Your leg symptoms reach further down than on {self.since:%a %d %b} "
            f"({REACH_WORDS[self.then]} → {REACH_WORDS[self.now]}): go gently, and stop any "
            "exercise that spreads them."
        )


def reach_change(history: History, now: datetime) -> ReachChange | None:
    """Today's latest rated reach against the last earlier day's (check-ins), over days: the
    centralising or peripheralising a day-to-day view shows (README, safety rules); None when it
    did not move or was not rated on both days."""
    rated = [(c.at, c.reach) for c in history.until(now).checkins if c.reach is not None]
    today = now.date()
    now_reach = next((r for at, r in reversed(rated) if at.date() == today), None)
    before = next(((at, r) for at, r in reversed(rated) if at.date() < today), None)
    if now_reach is None or before is None:
        return None
    moved = reach_moved(before[1], now_reach)
    if moved is None:
        return None
    return ReachChange(moved, before[0].date(), before[1], now_reach)


def severe_days_running(history: History, now: datetime, rules: Rules) -> list[date] | None:
    """The latest run of `severe_days` days in a row, within the last week, each with a pain of
    `severe_pain` or more; None when there is none."""
    today = now.date()
    since = today - timedelta(days=6 + rules.severe_days)
    worst = daily_worst(history.until(now), since)
    run: list[date] = []
    found: list[date] | None = None
    for offset in range((today - since).days + 1):
        day = since + timedelta(days=offset)
        run = [*run, day] if worst.get(day, -1) >= rules.severe_pain else []
        if len(run) >= rules.severe_days:
            found = run[-rules.severe_days :]
    if found is None or (today - found[-1]).days > 6:
        return None
    return found


def _mean(values: Iterable[int]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


@dataclass(frozen=True)
class NoImprovement:
    """Pain then (the week four weeks ago) and now (the last days), both daily means."""

    then: float
    now: float


def no_improvement(
    checkins: Iterable[CheckIn], started: datetime | None, now: datetime, rules: Rules
) -> NoImprovement | None:
    """Four weeks on (from `started`, the programme's start), the day's first check-in (the
    worse of back and leg) has not come down by the minimal important change and still hurts;
    None otherwise, or when there are too few check-ins to say."""
    if started is None or now - started < timedelta(days=rules.no_improvement_days):
        return None
    days = first_checkins_by_day([c for c in checkins if c.at <= now])
    today = now.date()
    back = today - timedelta(days=rules.no_improvement_days)
    then = _mean(c.worse_pain for d, c in days.items() if back - timedelta(days=6) <= d <= back)
    recent = _mean(c.worse_pain for d, c in days.items() if today - timedelta(days=6) <= d <= today)
    if then is None or recent is None:
        return None
    if recent < rules.no_improvement_floor or then - recent >= rules.improvement_points:
        return None
    return NoImprovement(round(then, 1), round(recent, 1))


def see_doctor_advice(history: History, now: datetime, rules: Rules) -> list[str]:
    """Lines of advice to see a doctor (not a block: sessions go on as the gate allows)."""
    lines = []
    programme = next((e.at for e in history.events if e.kind == "start"), None)
    stuck = no_improvement(history.checkins, programme, now, rules)
    if stuck is not None:
        lines.append(
            f"Four weeks on, your pain has not eased (about {stuck.then:g}/10 then, "
            f"{stuck.now:g}/10 now). Please see a doctor or physiotherapist about it."
        )
    severe = severe_days_running(history, now, rules)
    if severe is not None:
        lines.append(
            f"Your pain was {rules.severe_pain}/10 or more on {rules.severe_days} days running "
            f"(to {severe[-1]:%a %d %b}). Please see a doctor about it soon."
        )
    return lines


# -- PSFS ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PsfsChange:
    """The latest PSFS rating against the first (the baseline). Higher scores are better."""

    baseline: PsfsRating
    latest: PsfsRating
    #: latest mean − baseline mean.
    change: float
    #: 2 points of the mean, or 3 on one activity named in both (docs/clinical.md §4).
    meaningful: bool
    #: The mean fell by the meaningful change or more: flagged for the clinician.
    worse: bool

    def words(self) -> str:
        """One line: the change and whether it matters."""
        sign = "+" if self.change > 0 else ""
        head = (
            f"PSFS {self.latest.mean:.1f} (was {self.baseline.mean:.1f} on "
            f"{self.baseline.at:%d %b %Y}): {sign}{self.change:.1f}"
        )
        if self.worse:
            return head + " — worse by a meaningful amount; tell your clinician"
        if self.meaningful and self.change > 0:
            return head + " — a meaningful improvement"
        if self.meaningful:
            return head + " — one activity changed by a meaningful amount"
        return head + " — not yet a meaningful change (2 points of the mean, or 3 on one activity)"


def psfs_change(ratings: list[PsfsRating], rules: Rules) -> PsfsChange | None:
    """The change from the first rating to the latest (oldest first); None with fewer than two."""
    if len(ratings) < 2:
        return None
    first, last = ratings[0], ratings[-1]
    change = round(last.mean - first.mean, 2)
    before = {item.activity.casefold(): item.score for item in first.items}
    one = any(
        abs(item.score - before[item.activity.casefold()]) >= rules.psfs_change_one
        for item in last.items
        if item.activity.casefold() in before
    )
    meaningful = abs(change) >= rules.psfs_change_mean or one
    return PsfsChange(first, last, change, meaningful, change <= -rules.psfs_change_mean)
