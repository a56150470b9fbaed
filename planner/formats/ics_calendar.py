"""The iCalendar export (RFC 5545): the planned sessions and walks of the next weeks, written by
the `icalendar` library, imported only when a calendar is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from planner.formats import ExportAsk, NothingToExport
from planner.formats.shared import Records, file_key
from planner.gate import may_start
from planner.models import Catalog, Plan, Profile
from planner.plan import session_minutes
from planner.text import screen_safe
from planner.version import __version__
from planner.walking import WalkTarget, target_for, walk_days

SLOT_TIMES: dict[str, time] = {"morning": time(8, 0), "evening": time(18, 0)}
#: The day's walk, between the sessions.
WALK_TIME = time(12, 30)
CALENDAR_DAYS = 28


def icalendar(
    catalog: Catalog,
    profile: Profile,
    plan: Plan,
    today: date,
    dtstamp_utc: datetime,
    file_key: str,
    version: str,
    days: int = CALENDAR_DAYS,
    walk: WalkTarget | None = None,
    zone: tzinfo | None = None,
) -> str:
    """The planned sessions from `today` for `days` days, one VEVENT per slot per day, and with
    `walk` a walk at its current length on the goal's days a week (`walking.walk_days`). Each
    event reminds at its start (VALARM).

    Morning is 08:00 and evening 18:00 in `zone` (an IANA zone): the calendar carries a VTIMEZONE
    for it, so 08:00 stays 08:00 across a change to or from summer time in every calendar app.
    With no zone, times are floating (08:00 wherever the calendar is). A UID is the day, the slot
    and `file_key` (one per data file), so exporting again updates events instead of duplicating
    them. Escaping, folding and line ends are the library's.
    """
    import icalendar as ical

    stage = catalog.stages.get(plan.stage)
    stage_name = stage.name if stage else ""
    calendar = ical.Calendar()
    calendar.add("prodid", f"-//rehab-planner//rehab {screen_safe(version)}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "rehab sessions")
    stamp = dtstamp_utc.replace(tzinfo=UTC)

    def event(uid: str, start: datetime, minutes: int, summary: str, description: str) -> None:
        item = ical.Event()
        item.add("uid", f"{uid}-{file_key}@rehab-planner")
        item.add("dtstamp", stamp)
        item.add("dtstart", start if zone is None else start.replace(tzinfo=zone))
        item.add("duration", timedelta(minutes=minutes))
        item.add("summary", screen_safe(summary))
        item.add("description", screen_safe(description))
        alarm = ical.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", screen_safe(summary))
        alarm.add("trigger", timedelta(0))
        item.add_component(alarm)
        calendar.add_component(item)

    slots = sorted(profile.slots, key=lambda s: SLOT_TIMES[s])
    walking_days = set(walk_days(walk, today, days)) if walk is not None else set()
    for offset in range(days):
        day = today + timedelta(days=offset)
        for slot in slots:
            items = plan.for_slot(slot, profile.slots)
            if not items:
                continue
            minutes = session_minutes(plan, slot, profile.slots)
            summary = f"rehab: {slot} session, stage {plan.stage} {stage_name}".rstrip()
            description = "\n".join(
                [
                    f"Stage {plan.stage} {stage_name}: {stage.aim if stage else ''}".rstrip(": "),
                    f"About {minutes} min:",
                    *(
                        f"- {catalog.name_of(p.exercise_id)}: {p.dose.label(daily=False)}"
                        for p in items
                    ),
                    "Stop an exercise that hurts more than usual. General self-care guidance, "
                    "not a diagnosis.",
                ]
            )
            start = datetime.combine(day, SLOT_TIMES[slot])
            event(f"{day:%Y%m%d}-{slot}", start, minutes, summary, description)
        if walk is not None and day in walking_days:
            description = (
                f"The walking programme: {walk.minutes} min at an easy pace, on "
                f"{walk.goal_days} days a week (today's length; it grows each week that goes "
                "well). Log it on Today with w."
            )
            start = datetime.combine(day, WALK_TIME)
            event(
                f"{day:%Y%m%d}-walk",
                start,
                walk.minutes,
                f"rehab: walk {walk.minutes} min",
                description,
            )
    if zone is not None:
        # The zone's rules for a year from today, whatever the calendar app shows around them.
        calendar.add_missing_timezones(
            first_date=today - timedelta(days=1), last_date=today + timedelta(days=max(days, 366))
        )
    text: str = calendar.to_ical().decode("utf-8")
    return text


def pieces(repo: Records, ask: ExportAsk) -> Iterator[str]:
    """The calendar of the plan `repo` holds, whole; refused with no plan, or while sessions
    are stopped."""
    catalog, now = ask.catalog, ask.now
    profile, plan = repo.profile(), repo.active_plan()
    if profile is None or plan is None:
        raise NothingToExport(f"{repo.path} has no plan yet: run rehab to set one up first.")
    gate = may_start(plan, repo.safety_records(), now, catalog.rules)
    if gate.stopped:
        raise NothingToExport("No sessions are planned while sessions are stopped. " + gate.reason)
    stamp = now.astimezone(UTC).replace(tzinfo=None)
    since = profile.walk_since
    earlier, walks = repo.walk_history(catalog.rules, since) if since else ({}, [])
    walk = target_for(catalog, profile, walks, now.date(), plan.stage, earlier)
    text = icalendar(
        catalog,
        profile,
        plan,
        now.date(),
        stamp,
        file_key(repo),
        __version__,
        walk=walk,
        zone=ask.zone,
    )
    return iter([text])
