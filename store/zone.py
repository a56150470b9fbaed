"""The person's time zone, for the exports that must write each moment's UTC offset (the FHIR
bundle) or a VTIMEZONE (the calendar). rehab stores naive local times (planner/clock.py); this
says which local time they were.

Where it comes from, first found wins: `--tz` on the command line, the TZ variable when it names
an IANA zone, the zone /etc/localtime points at, /etc/timezone. None when none of them says:
the FHIR export then asks the system's own local-time rules for each moment's offset, and the
calendar keeps floating times (08:00 wherever the calendar is).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class UnknownZone(ValueError):
    """A zone name no time-zone database knows (one line, in the person's words)."""


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone `name` (like Europe/Berlin); `UnknownZone` if there is none."""
    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise ValueError
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UnknownZone(
            f"{name!r} is not a time zone rehab knows: give an IANA name like Europe/Berlin "
            "or America/New_York."
        ) from None


def local_zone(env: Mapping[str, str] = os.environ, etc: Path = Path("/etc")) -> ZoneInfo | None:
    """This computer's zone, or None when nothing names one (see the module's docstring)."""
    names = [env.get("TZ", "").lstrip(":")]
    try:
        target = os.readlink(etc / "localtime")
        _, found, name = target.partition("zoneinfo/")
        names.append(name if found else "")
    except OSError:
        pass
    with contextlib.suppress(OSError):
        names.append((etc / "timezone").read_text(encoding="utf-8").strip())
    for name in names:
        if name:
            try:
                return zone_named(name)
            except UnknownZone:
                continue
    return None
