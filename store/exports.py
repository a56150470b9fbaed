"""Exports rendered from an open repository: the one the app holds, or the one a command opened.

Reading through the caller's repository keeps one store per file (SPEC §4): the app's Data
screen exports without opening the file a second time.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from planner import export
from planner.gate import may_start
from planner.models import Catalog
from planner.version import __version__
from planner.walking import target_for
from store.errors import StoreError
from store.schema import ORDER_FIELDS


class NothingToExport(StoreError):
    """The file has nothing this export could hold (one line, in the person's words)."""


def render(fmt: str, repo, catalog: Catalog, now: datetime, since: date | None) -> str:
    """The export `fmt` of what `repo` holds, as text."""
    if fmt == "json":
        repo.check_all()  # never hand out a file that import would refuse
        tables = repo.documents()
        if "meta" not in tables:
            raise NothingToExport(f"{repo.path} holds no data yet: there is nothing to export.")
        return export.json_text(tables, ORDER_FIELDS)
    if fmt == "csv":
        return export.csv_text(
            repo.sessions(since), catalog.rules, since, repo.walks(since), repo.bouts(since)
        )
    profile, plan = repo.profile(), repo.active_plan()
    if fmt == "md":
        day_before = since - timedelta(days=1) if since else None
        data = export.ReportData(
            profile=profile,
            plan=plan,
            sessions=repo.sessions(day_before),
            checkins=repo.checkins(since),
            events=repo.stage_events(),
            psfs=repo.psfs(),
            screenings=repo.screenings(),
            clearances=repo.clearances(),
            walks=repo.walks(),
            bouts=repo.bouts(since),
        )
        return export.markdown_report(catalog, data, now, since)
    if fmt != "ics":
        raise ValueError(f"unknown export format {fmt!r}")
    if profile is None or plan is None:
        raise NothingToExport(f"{repo.path} has no plan yet: run rehab to set one up first.")
    gate = may_start(plan, repo.safety_records(), now, catalog.rules)
    if gate.stopped:
        raise NothingToExport("No sessions are planned while sessions are stopped. " + gate.reason)
    meta = repo.documents().get("meta", {}).get("meta", {})
    stamp = now.astimezone(UTC).replace(tzinfo=None)
    walks = repo.walks(profile.walk_since) if profile.walk_since is not None else ()
    walk = target_for(catalog, profile, walks, now.date(), plan.stage)
    return export.icalendar(
        catalog, profile, plan, now.date(), stamp, file_key(meta), __version__, walk=walk
    )


def file_key(meta: dict) -> str:
    """A short key for one data file (from when it was created): calendar UIDs stay stable."""
    return hashlib.sha256(str(meta.get("created", "")).encode()).hexdigest()[:12]
