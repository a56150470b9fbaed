"""The walking programme: a daily walk beside the exercise sessions (README, safety rules).

Graded activity (docs/clinical.md §2) and WalkBack (docs/clinical.md §6, Pocovi et al., Lancet
2024): start below tolerance, at 80 % of what the person can walk comfortably now; add 10–20 % a
week while the week's walks caused no flare, up to 30 minutes on 5 days a week; hold the level
after a flared walk, step down after two. Every number is in `Rules` ([rules] in
seeds/data/stages.toml).

Everything here is derived from the profile and the walks (nothing about the level is stored),
so Today, Progress, History, `rehab status`, the report, the CSV and the calendar all agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING

from planner.models import (
    REACH_WORDS,
    REACHES,
    Catalog,
    CheckIn,
    Exercise,
    Frozen,
    Profile,
    Reach,
    Rules,
    Walk,
    frozen,
)

if TYPE_CHECKING:
    from planner.days import DaySum, WalkSum  # which imports this module


#: How many finished weeks a target carries: the chart shows ten, the report half a year. The
#: level itself is folded over every week since the programme began.
WEEKS_KEPT = 52


@frozen
class WalkWeek(Frozen):
    """One finished week of the programme and what it did to the level."""

    start: date
    minutes: int
    walks: int
    flares: int
    level_before: int
    level_after: int
    change: str


@frozen
class WalkTarget(Frozen):
    """Where the walking programme stands today."""

    #: Minutes to walk today (on a walking day), and the goal it grows toward.
    minutes: int
    goal_minutes: int
    goal_days: int
    #: Why the level is what it is: the start, or what last week's walks did.
    reason: str
    #: This programme week (it starts on the day the person said how far they walk).
    week_start: date
    minutes_today: int
    minutes_this_week: int
    #: Days this week whose walks reached the day's minutes.
    days_this_week: int
    #: The finished weeks, oldest first: the last WEEKS_KEPT of them.
    weeks: tuple[WalkWeek, ...] = ()
    #: Walking backwards (article 000) is offered from this stage on; None: not in the catalog.
    backward_from: int | None = None
    backward_ok: bool = False
    #: The longest backward walk: short bouts, the catalog exercise's longest dose.
    backward_max: int | None = None
    #: Nothing walked yet today, and the week's walks are on track without one today: the
    #: calendar (`walk_days`) gives today no walk, and Today says a day off is fine.
    rest_today: bool = False

    @property
    def week_target(self) -> int:
        """The week's minutes to aim at: the day's minutes on the goal days."""
        return self.minutes * self.goal_days

    @property
    def done_today(self) -> bool:
        """Today's walking reached today's minutes."""
        return self.minutes_today >= self.minutes

    def line(self) -> str:
        """'Walk 12 of 16 min today · 2 of 5 days this week', or on a day off 'No walk needed
        today · 4 of 5 days this week'."""
        week = f"{self.days_this_week} of {self.goal_days} days this week"
        if self.rest_today:
            return f"No walk needed today · {week}"
        return f"Walk {self.minutes_today} of {self.minutes} min today · {week}"


def spread(k: int, n: int) -> list[int]:
    """Which of `n` days (0…n-1) hold `k` walks, spread as evenly as whole days allow, the first
    day always one of them: 5 of 7 is days 0, 1, 2, 4, 5 (rest on 3 and 6)."""
    k = max(0, min(k, n))
    return [i for i in range(n) if -(-(i + 1) * k // n) > -(-i * k // n)]


def walk_days(target: WalkTarget, today: date, days: int) -> list[date]:
    """The days from `today` (for `days` days) on which the plan puts a walk: the goal's days
    a week, not every day (README, safety rules, "up to 30 minutes on 5 days a week").

    This programme week gets only the walks it still needs (the goal less the days already
    walked in full), spread over its days left, today among them unless today's walk is done.
    Each later programme week gets the goal's days, spread by `spread`. What the calendar asks.
    """
    week_end = target.week_start + timedelta(days=7)
    first = today + timedelta(days=1) if target.done_today else today
    left = [first + timedelta(days=i) for i in range((week_end - first).days)]
    needed = target.goal_days - target.days_this_week
    chosen = [left[i] for i in spread(needed, len(left))]
    pattern = spread(target.goal_days, 7)
    start = week_end
    last = today + timedelta(days=days)
    while start < last:
        chosen += [start + timedelta(days=i) for i in pattern]
        start += timedelta(days=7)
    return [d for d in chosen if today <= d < last]


def start_minutes(comfortable: int, rules: Rules) -> int:
    """The first level: the start share of what the person walks comfortably, at least one
    minute, at most the goal."""
    return max(1, min(rules.walk_goal_minutes, round(comfortable * rules.walk_start_pct / 100)))


def step_up(level: int, rules: Rules) -> int:
    """One week's step: the step share more, at least a minute, never past the goal."""
    return min(
        rules.walk_goal_minutes, max(level + 1, round(level * (1 + rules.walk_step_pct / 100)))
    )


def step_down(level: int, rules: Rules) -> int:
    """Back one step: at least a minute less, never below one minute."""
    return max(1, min(level - 1, round(level / (1 + rules.walk_step_pct / 100))))


def walk_flare_reasons(walk: Walk, rules: Rules) -> list[str]:
    """Why a walk counts as a flare, in words; empty when it does not. The session rule
    (`planner.progression.flare_reasons`, README, safety rules) read for a walk: pain after
    above the flare line, or up by the flare rise on the day's check-in before it
    (`Walk.day_pain`); and leg symptoms reaching further down the leg than last rated before
    it (`Walk.day_reach`). The session rule's thresholds, read from the same `Rules`."""
    reasons = []
    after = walk.worse_after
    if after > rules.flare_pain_after_above:
        reasons.append(f"pain after the walk {after} (above {rules.flare_pain_after_above})")
    elif walk.day_pain is not None and after >= walk.day_pain + rules.flare_rise:
        reasons.append(
            f"pain rose {walk.day_pain}→{after} from the day's check-in "
            f"(+{rules.flare_rise} or more)"
        )
    was, now = walk.day_reach, walk.reach_after
    if was is not None and now is not None and REACHES.index(now) > REACHES.index(was):
        reasons.append(
            f"the leg symptoms spread further down ({REACH_WORDS[was]} → {REACH_WORDS[now]})"
        )
    return reasons


def walk_flare_words(walk: Walk, rules: Rules) -> str | None:
    """What a walk that flared means, in plain words, for the moment it is saved; None when
    it did not flare."""
    reasons = walk_flare_reasons(walk, rules)
    if not reasons:
        return None
    return (
        f"That walk counts as a flare: {'; '.join(reasons)}. Go gently. One flared walk in a "
        "week holds your walking level, two step it down; two flares of any kind in a week and "
        "rehab suggests going back a stage."
    )


def is_flare(walk: Walk, rules: Rules) -> bool:
    """A walk caused a flare (see `walk_flare_reasons`)."""
    return bool(walk_flare_reasons(walk, rules))


def reach_before(checkins: Sequence[CheckIn], when: datetime) -> Reach | None:
    """How far down the leg the symptoms reached as last rated before `when` (the latest
    check-in that rated it: that day's, or an earlier day's when the person has not checked
    in yet), or None. A walk logged then keeps it as `day_reach`: symptoms that end a walk
    further down the leg than last said make it a flare, checked in first that day or not,
    as Today reads a check-in's reach against the last earlier day's."""
    for c in reversed(checkins):
        if c.at <= when and c.reach is not None:
            return c.reach
    return None


def day_pain_before(checkins: Sequence[CheckIn], when: datetime) -> int | None:
    """The worse pain of the latest check-in on `when`'s day before it (what a walk logged
    then keeps as `day_pain`), or None."""
    for c in reversed(checkins):
        if c.at <= when:
            return c.worse_pain if c.at.date() == when.date() else None
    return None


def fold_week(level: int, week: Sequence[Walk], rules: Rules) -> tuple[int, int, str]:
    """One finished programme week folded onto the level it started at: the level after it,
    how many of its walks flared, and why the level moved or held. `walking` folds every week
    since the start the same way (`step`); a caller that keeps the level can fold just the
    week that ended."""
    flares = sum(is_flare(w, rules) for w in week)
    level, change = step(level, len(week), flares, rules)
    return level, flares, change


def _week(start: date, minutes: int, walks: int, flares: int, level: int, rules: Rules) -> WalkWeek:
    """A finished week begun at `level`, with what it did to the level (`step`)."""
    after, change = step(level, walks, flares, rules)
    return WalkWeek(
        start=start,
        minutes=minutes,
        walks=walks,
        flares=flares,
        level_before=level,
        level_after=after,
        change=change,
    )


def step(level: int, walks: int, flares: int, rules: Rules) -> tuple[int, str]:
    """What a finished week of `walks` walks, `flares` of them flared, does to the level."""
    if flares >= rules.walk_step_down_flares:
        return step_down(level, rules), f"{flares} walks flared that week: one step down"
    if flares:
        return level, "a walk flared that week: holding the level"
    if not walks:
        return level, "no walk that week: holding the level"
    if level >= rules.walk_goal_minutes:
        return level, "at the goal: keep it up"
    return step_up(level, rules), "no walk flared that week: a step up"


@frozen
class Folded(Frozen):
    """The programme's finished weeks before `until` (a programme week's first day), folded:
    where `walking` can go on from instead of folding every week since the start again. Made by
    `fold` from the same profile, walks and day sums `walking` is given, it gives the very same
    target (tests/unit/test_walking_fold.py holds it so)."""

    since: date
    comfortable: int
    until: date
    level: int
    weeks: tuple[WalkWeek, ...]  # the last WEEKS_KEPT


def fold(
    profile: Profile,
    walks: Sequence[Walk],
    rules: Rules,
    until: date,
    earlier: Mapping[date, DaySum | WalkSum] | None = None,
) -> Folded | None:
    """Every programme week that ended on or before `until` (rounded down to a week's start),
    folded; None without a walking programme. A caller that keeps it (the door, while the
    closed years it read do not change) hands it to `walking`, which folds only the weeks after."""
    if not profile.walk_comfortable or profile.walk_since is None:
        return None
    since = profile.walk_since
    until = since + timedelta(days=7 * max(0, (until - since).days // 7))
    level, weeks, _, _ = _fold_weeks(
        start_minutes(profile.walk_comfortable, rules),
        since,
        until,
        _in_order(walks, since, until - timedelta(days=1)),
        _summed(earlier, since, until - timedelta(days=1)),
        rules,
    )
    return Folded(
        since=since,
        comfortable=profile.walk_comfortable,
        until=until,
        level=level,
        weeks=tuple(weeks[-WEEKS_KEPT:]),
    )


def folded_to_document(folded: Folded) -> dict[str, object]:
    """A fold as an archive keeps it (`store.archive`): its weeks as numbers alone; what each
    did to the level, and why, is `step`'s to say again when read."""
    return {
        "since": folded.since.isoformat(),
        "comfortable": folded.comfortable,
        "until": folded.until.isoformat(),
        "level": folded.level,
        "weeks": [
            [w.start.isoformat(), w.minutes, w.walks, w.flares, w.level_before]
            for w in folded.weeks
        ],
    }


def folded_from_document(document: object, rules: Rules) -> Folded:
    """`folded_to_document`'s output read back; ValueError naming what is wrong."""
    if not isinstance(document, dict):
        raise ValueError("its walking level is not an object")
    try:
        since = date.fromisoformat(document["since"])
        until = date.fromisoformat(document["until"])
        comfortable, level = document["comfortable"], document["level"]
        rows = document["weeks"]
        if type(comfortable) is not int or type(level) is not int or type(rows) is not list:
            raise TypeError
        weeks = []
        for start, minutes, walks, flares, before in rows:
            if not all(type(n) is int for n in (minutes, walks, flares, before)):
                raise TypeError
            weeks.append(_week(date.fromisoformat(start), minutes, walks, flares, before, rules))
    except (KeyError, TypeError, ValueError):
        raise ValueError("its walking level is not as rehab writes it") from None
    return Folded(
        since=since, comfortable=comfortable, until=until, level=level, weeks=tuple(weeks)
    )


def _in_order(walks: Sequence[Walk], since: date, last: date) -> list[Walk]:
    return sorted((w for w in walks if since <= w.at.date() <= last), key=lambda w: w.at)


def _summed(
    earlier: Mapping[date, DaySum | WalkSum] | None, since: date, last: date
) -> list[tuple[date, DaySum | WalkSum]]:
    # Thirty years are some 7,000 days with a walk: filtered, then put in order by day alone.
    summed = [(d, r) for d, r in (earlier or {}).items() if since <= d <= last and r.walks]
    summed.sort(key=itemgetter(0))
    return summed


def _fold_weeks(
    level: int,
    start: date,
    until: date,
    walks: Sequence[Walk],
    summed: Sequence[tuple[date, DaySum | WalkSum]],
    rules: Rules,
) -> tuple[int, list[WalkWeek], int, int]:
    """Fold the weeks from `start` until `until` (both a week's first day): the level after,
    the weeks, and how many of `walks` and `summed` (in order, none before `start`) they took."""
    weeks: list[WalkWeek] = []
    i = j = 0
    while start < until:
        end = start + timedelta(days=7)
        week: list[Walk] = []
        while i < len(walks) and walks[i].at.date() < end:
            week.append(walks[i])
            i += 1
        flares = sum(is_flare(w, rules) for w in week)
        count, minutes = len(week), sum(w.minutes for w in week)
        while j < len(summed) and summed[j][0] < end:
            row = summed[j][1]
            count, minutes, flares = (
                count + row.walks,
                minutes + row.walk_minutes,
                flares + row.walk_flares,
            )
            j += 1
        finished = _week(start, minutes, count, flares, level, rules)
        weeks.append(finished)
        level = finished.level_after
        start = end
    return level, weeks, i, j


def walking(
    profile: Profile,
    walks: Sequence[Walk],
    rules: Rules,
    today: date,
    stage: int,
    backward: Exercise | None = None,
    earlier: Mapping[date, DaySum | WalkSum] | None = None,
    folded: Folded | None = None,
) -> WalkTarget | None:
    """Today's walking target and the week so far; None while the person has not said how far
    they walk comfortably (or said they cannot walk comfortably yet).

    `earlier`: the day sums (`planner.days`) of days whose walks are not in `walks` (a closed
    year, kept in an archive): their walks count as if given, so the level is the same.
    `folded`: the weeks before its `until` already folded (`fold`) from these same walks and
    sums; used when it is of this programme and ends before this week."""
    if not profile.walk_comfortable or profile.walk_since is None:
        return None
    since = profile.walk_since
    this_week = since + timedelta(days=7 * ((today - since).days // 7))
    level = start_minutes(profile.walk_comfortable, rules)
    reason = (
        f"Started at {level} min: {rules.walk_start_pct} % of the {profile.walk_comfortable} min "
        "you said you walk comfortably."
    )
    start, done = since, []
    if (
        folded is not None
        and (folded.since, folded.comfortable) == (since, profile.walk_comfortable)
        and folded.until <= this_week
    ):
        start, level, done = folded.until, folded.level, list(folded.weeks)
    walks = _in_order(walks, start, today)
    level, weeks, i, _ = _fold_weeks(
        level, start, this_week, walks, _summed(earlier, start, today), rules
    )
    weeks = (done + weeks)[-WEEKS_KEPT:]
    if weeks:  # said once, of the last finished week (thirty years are 1,560 of them)
        last = weeks[-1]
        reason = f"{level} min: {last.change} (week of {last.start:%d %b})."
    per_day = minutes_by_day(walks[i:])  # this week's
    backward_from = backward.stage if backward and isinstance(backward.stage, int) else None
    target = WalkTarget(
        minutes=level,
        goal_minutes=rules.walk_goal_minutes,
        goal_days=rules.walk_goal_days,
        reason=reason,
        week_start=this_week,
        minutes_today=per_day.get(today, 0),
        minutes_this_week=sum(per_day.values()),
        days_this_week=sum(1 for m in per_day.values() if m >= level),
        weeks=tuple(weeks),
        backward_from=backward_from,
        backward_ok=backward_from is not None and stage >= backward_from,
        backward_max=backward.bounds.minutes[1] if backward and backward.bounds.minutes else None,
    )
    if target.minutes_today == 0 and walk_days(target, today, 1) == []:
        target = replace(target, rest_today=True)
    return target


def target_for(
    catalog: Catalog,
    profile: Profile,
    walks: Sequence[Walk],
    today: date,
    stage: int,
    earlier: Mapping[date, DaySum | WalkSum] | None = None,
    folded: Folded | None = None,
) -> WalkTarget | None:
    """`walking` with the catalog's rules and its backward-walking exercise: what Today,
    `rehab status`, the report and the calendar all ask."""
    rules = catalog.rules
    backward = catalog.exercises.get(rules.backward_walk_exercise)
    return walking(profile, walks, rules, today, stage, backward, earlier, folded)


def minutes_by_day(walks: Sequence[Walk]) -> dict[date, int]:
    """Minutes walked on each day (History, the CSV and the report)."""
    out: dict[date, int] = {}
    for w in walks:
        out[w.at.date()] = out.get(w.at.date(), 0) + w.minutes
    return out


def check_walk(minutes: int, backward: bool, target: WalkTarget | None) -> str | None:
    """Why a walk as entered cannot be logged (one line), or None: backward walks stay short
    and are offered from the catalog's stage (article 000)."""
    if backward:
        if target is None or not target.backward_ok:
            stage = target.backward_from if target else None
            where = f" from stage {stage}" if stage else ""
            return f"Walking backwards is offered{where}: log this walk as forwards."
        if target.backward_max is not None and minutes > target.backward_max:
            return (
                f"Backward walks stay short: at most {target.backward_max} min on flat, "
                "familiar ground (article 000)."
            )
    return None
