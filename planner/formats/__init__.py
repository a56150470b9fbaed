"""The export formats, one row each: the one table `rehab export`, the Data screen and the store
read. Adding a format is a row here and its writer module, nothing else.

Each writer is named as "module:function", imported only when its format is written, so a start
never pays for a writer's library (icalendar, pygal, the FHIR encoder): see `writer`.

A writer is `function(repo, ask) -> Iterator[str]`: it reads the records it needs from `repo`
(the open store, read only, records handed out one at a time) and gives the text in pieces.
Whatever refuses the export (`NothingToExport`) it raises before the first piece.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from planner.models import Catalog


class ExportFormat(NamedTuple):
    """One export format, as every layer names and describes it."""

    name: str
    #: What it is, in a few words, as the Data screen lists it.
    about: str
    #: What it is, as `rehab export --help` lists it (lines after the first are indented).
    help: str
    #: The kind of file, said after its name in `--format`'s help ("" when the name says it).
    kind: str
    #: The file name's ending, without the dot.
    ending: str
    #: Why `--since` does not apply to it ("" when it does).
    whole: str
    #: Whether `--tz` applies: its times carry a zone.
    zoned: bool
    #: The writer, as "module:function" (imported when the format is written).
    writer: str
    #: The command-line options only this format takes (argparse's names).
    options: tuple[str, ...] = ()


#: In the order `rehab export --format` lists them.
EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat(
        "csv",
        "one row per exercise done, for a spreadsheet (CSV)",
        "one row per exercise done: prescribed against done,\npain before and after, flares, notes",
        "",
        "csv",
        "",
        False,
        "planner.formats.csv_table:pieces",
        ("table", "excel"),
    ),
    ExportFormat(
        "json",
        "everything, to move to another computer (JSON)",
        "the whole data file, for rehab import on another machine",
        "",
        "json",
        "the JSON export is always the whole file, so that rehab import can restore it",
        False,
        "planner.formats.json_file:pieces",
    ),
    ExportFormat(
        "md",
        "a report for your physiotherapist (Markdown)",
        "a report for your physiotherapist or doctor",
        "Markdown",
        "md",
        "",
        False,
        "planner.formats.md_report:pieces",
        ("no_chart",),
    ),
    ExportFormat(
        "ics",
        "the next 4 weeks' sessions and walks (iCalendar)",
        "your planned sessions for the next 28 days, for any\ncalendar to remind you",
        "iCalendar",
        "ics",
        "the calendar always holds the next 28 days",
        True,
        "planner.formats.ics_calendar:pieces",
    ),
    ExportFormat(
        "fhir",
        "for a clinic's records system (FHIR R4 JSON)",
        "a FHIR R4 JSON bundle a clinical system can import:\n"
        "conditions, the plan, every pain rating, sessions, walks",
        "FHIR R4 JSON",
        # A FHIR bundle is JSON, named so that it is not taken for a backup.
        "fhir.json",
        "",
        True,
        "planner.formats.fhir_bundle:pieces",
        ("bundle",),
    ),
)

#: The format the Data screen's dialog starts on: the report, what most people export.
SUGGESTED = "md"

#: Every format's name, in the table's order.
NAMES: tuple[str, ...] = tuple(f.name for f in EXPORT_FORMATS)


def export_format(name: str) -> ExportFormat:
    """The format called `name` (ValueError for a name no row has)."""
    for row in EXPORT_FORMATS:
        if row.name == name:
            return row
    raise ValueError(f"unknown export format {name!r}")


class NothingToExport(Exception):
    """The file has nothing this export could hold (one line, in the person's words)."""


@dataclass(frozen=True)
class ExportAsk:
    """What an export was asked for: when, from which day, in which zone, and the options
    some formats take (a CSV's `table` and Excel mark, a FHIR bundle's kind, the report's
    link to its chart)."""

    catalog: Catalog
    now: datetime
    since: date | None = None
    #: The person's time zone (the FHIR offsets, the calendar's VTIMEZONE); None: local time.
    zone: tzinfo | None = None
    table: str = "sessions"
    excel: bool = False
    bundle: str = "collection"
    chart_link: str | None = None


Writer = Callable[[Any, ExportAsk], Iterator[str]]


def writer(name: str) -> Writer:
    """The function that writes the format `name`, its module imported now."""
    module, function = export_format(name).writer.split(":")
    made: Writer = getattr(importlib.import_module(module), function)
    return made
