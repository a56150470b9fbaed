"""Exports streamed from an open repository: the one the app holds, or the one a command opened.

Reading through the caller's repository keeps one store per file (README, Your data): the app's Data
screen exports without opening the file a second time. Which formats there are, and the writer of
each, is `planner.formats`' table; this module only hands a writer the repository and gathers its
text into pieces the size of one write.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, tzinfo

from planner.formats import ExportAsk, writer
from planner.models import Catalog
from store.repository import Repository


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
    refuses the export (`planner.formats.NothingToExport`) is raised by this call, before any
    piece. `zone` is the person's time zone (the FHIR bundle's offsets, the calendar's
    VTIMEZONE); None: the system's local time. A CSV holds `table`
    (`planner.formats.csv_table.CSV_TABLES`); `excel` starts it with the byte-order mark Excel
    on Windows needs to read it as UTF-8."""
    ask = ExportAsk(catalog, now, since, zone, table, excel, bundle)
    return chunked(writer(fmt)(repo, ask))


def chunked(texts: Iterator[str], size: int = 256 * 1024) -> Iterator[str]:
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
