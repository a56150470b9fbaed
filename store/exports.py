"""Exports rendered from an open repository: the one the app holds, or the one a command opened.

Reading through the caller's repository keeps one store per file (README, Your data): the app's Data
screen exports without opening the file a second time.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from planner import export
from planner.gate import may_start
from planner.models import Catalog
from planner.text import u_escaped
from planner.version import __version__
from planner.walking import target_for
from store.errors import StoreError
from store.schema import META_TABLE

if TYPE_CHECKING:
    from planner.chart import PainChart
    from planner.fhir import FhirData
    from store.repository import Repository


class NothingToExport(StoreError):
    """The file has nothing this export could hold (one line, in the person's words)."""


def pieces(
    fmt: str,
    repo: Repository,
    catalog: Catalog,
    now: datetime,
    since: date | None,
    zone: tzinfo | None = None,
    table: str = "sessions",
    excel: bool = False,
    bundle: str = "collection",
) -> Iterator[str]:
    """The export `fmt` of what `repo` holds, as text in pieces to write as they come, a few
    hundred kilobytes each: the records are read from `repo` one at a time as the pieces are
    made (`Repository.each`), so ten years of them are never whole in memory (the JSON export
    was 301 MB at its peak). Keep `repo` open until the last piece is written. Whatever
    refuses the export (`NothingToExport`) is raised by this call, before any piece. `zone`
    is the person's time zone (the FHIR bundle's offsets, the calendar's VTIMEZONE); None:
    the system's local time. A CSV holds `table` (`planner.export.CSV_TABLES`); `excel`
    starts it with the byte-order mark Excel on Windows needs to read it as UTF-8."""
    if fmt == "fhir":
        return _fhir(repo, catalog, now, since, zone, bundle)
    if fmt == "json":
        return _json(repo)
    if fmt == "csv":
        rows = _csv(table, repo, catalog, since)
        return itertools.chain(["\ufeff"] if excel else [], rows)
    return iter([_text(fmt, repo, catalog, now, since, zone)])


def _json(repo: Repository) -> Iterator[str]:
    """The whole file as the JSON export (`planner.export.json_pieces`), a document at a time."""
    repo.check_all()  # never hand out a file that import would refuse
    if repo.meta() is None:
        raise NothingToExport(f"{repo.path} holds no data yet: there is nothing to export.")
    names = export.json_table_order([META_TABLE, *repo.counts()])
    return _chunked(export.json_pieces((name, repo.each_document(name)) for name in names))


def _csv(table: str, repo: Repository, catalog: Catalog, since: date | None) -> Iterator[str]:
    """One of the CSV tables, a row at a time."""
    if table == "checkins":
        return export.csv_checkins_pieces(repo.each("checkins", since))
    if table == "walks":
        return export.csv_walks_pieces(repo.each("walks", since), catalog.rules)
    if table == "psfs":
        return export.csv_psfs_pieces(repo.each("psfs", since))
    if table != "sessions":
        raise ValueError(f"unknown CSV table {table!r}")
    return export.csv_sessions_pieces(
        repo.each("sessions", since),
        catalog.rules,
        repo.each("walks", since),
        repo.each("bouts", since),
    )


def _text(
    fmt: str,
    repo: Repository,
    catalog: Catalog,
    now: datetime,
    since: date | None,
    zone: tzinfo | None,
) -> str:
    """The report and the calendar, whole (the report reads the sessions one at a time)."""
    if fmt == "md":
        return report(repo, catalog, now, since)[0]
    profile, plan = repo.profile(), repo.active_plan()
    if fmt != "ics":
        raise ValueError(f"unknown export format {fmt!r}")
    if profile is None or plan is None:
        raise NothingToExport(f"{repo.path} has no plan yet: run rehab to set one up first.")
    gate = may_start(plan, repo.safety_records(), now, catalog.rules)
    if gate.stopped:
        raise NothingToExport("No sessions are planned while sessions are stopped. " + gate.reason)
    stamp = now.astimezone(UTC).replace(tzinfo=None)
    since = profile.walk_since
    earlier, walks = repo.walk_history(catalog.rules, since) if since else ({}, [])
    walk = target_for(catalog, profile, walks, now.date(), plan.stage, earlier)
    return export.icalendar(
        catalog,
        profile,
        plan,
        now.date(),
        stamp,
        file_key(repo),
        __version__,
        walk=walk,
        zone=zone,
    )


def report(
    repo: Repository,
    catalog: Catalog,
    now: datetime,
    since: date | None,
    chart_link: str | None = None,
) -> tuple[str, PainChart]:
    """The Markdown report of what `repo` holds, whole, and what its pain chart draws
    (`planner.chart.pain_svg` makes the SVG): the sessions are read once, as they come. With
    `chart_link`, the report links the chart by that file name under its summary.

    Every other table is read through `Repository.each`, a closed year at a time: the records
    are kept, the archives' years are not (`repo.checkins()` and the like merge every year in
    memory: 82 MB at thirty years, against 9 MB for the check-ins themselves)."""
    day_before = since - timedelta(days=1) if since else None
    data = export.ReportData(
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
    return export.report_with_chart(catalog, data, now, since, chart_link=chart_link)


def file_key(repo: Repository) -> str:
    """A short key for the data file `repo` holds, from when it was created (its meta record,
    as stored): calendar UIDs and the FHIR bundle's addresses stay the same export to export."""
    meta = repo.meta()
    created = meta.created.isoformat() if meta else ""
    return hashlib.sha256(created.encode()).hexdigest()[:12]


def _fhir(
    repo: Repository,
    catalog: Catalog,
    now: datetime,
    since: date | None,
    zone: tzinfo | None,
    kind: str = "collection",
) -> Iterator[str]:
    """The FHIR R4 bundle (planner.fhir) as JSON, its entries encoded as they are made."""
    from planner import fhir

    counts = repo.counts()
    if repo.profile() is None and not counts["checkins"] and not counts["sessions"]:
        raise NothingToExport(f"{repo.path} holds no data yet: there is nothing to export.")
    data = fhir_data(repo, since)
    key = file_key(repo)
    head = fhir.head(now, key, zone, since, kind)
    pieces = _json_array_last(head, "entry", fhir.entries(catalog, data, key, zone, kind))
    # pydantic_core escapes C0 controls only: DEL, C1 and bidi characters are escaped here.
    return _chunked(u_escaped(piece) for piece in pieces)


def fhir_data(repo: Repository, since: date | None) -> FhirData:
    """What the FHIR bundle holds of `repo` (`planner.fhir.FhirData`), from `since` on: the
    records read as the bundle is made, so once, while `repo` is open."""
    from planner import fhir
    from planner.gate import is_alarm

    return fhir.FhirData(
        profile=repo.profile(),
        plan=repo.active_plan(),
        checkins=repo.each("checkins", since),
        sessions=repo.each("sessions", since),
        walks=repo.each("walks", since),
        bouts=repo.each("bouts", since),
        psfs=repo.each("psfs", since),
        screenings=[
            s
            for s in repo.screenings()
            if (since is None or s.at.date() >= since) and (s.after_emergency or is_alarm(s))
        ],
    )


def _json_array_last(
    head: dict[str, Any], name: str, items: Iterator[dict[str, Any]]
) -> Iterator[str]:
    """`{**head, name: [*items]}` as JSON indented by two, the very text pydantic_core gives for
    the whole (the tests hold them equal), with the items encoded one at a time."""
    import pydantic_core  # the C encoder: json's indenting one is pure Python, seconds at ten years

    empty = pydantic_core.to_json({**head, name: []}, indent=2).decode("utf-8")
    yield empty.removesuffix("[]\n}")
    opened = "["
    for item in items:
        text = pydantic_core.to_json(item, indent=2).decode("utf-8")
        yield opened + "\n    " + text.replace("\n", "\n    ")
        opened = ","
    yield "[]\n}\n" if opened == "[" else "\n  ]\n}\n"


def _chunked(texts: Iterator[str], size: int = 256 * 1024) -> Iterator[str]:
    """The same text in pieces of about `size` characters: one write each, not one per entry."""
    batch: list[str] = []
    held = 0
    for text in texts:
        batch.append(text)
        held += len(text)
        if held >= size:
            yield "".join(batch)
            batch, held = [], 0
    if batch:
        yield "".join(batch)
