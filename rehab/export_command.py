"""`rehab export`: it imports no textual and takes no lock.

Which formats there are, and what each takes, is `planner.formats`' table; its writers make the
text. This module checks the command line against the table, opens the data file read-only, and
writes the result to stdout or to a private (0600) file.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, tzinfo
from pathlib import Path
from typing import TextIO

from planner.clock import Clock
from planner.text import screen_safe
from rehab.commands import CommandError, usage_error

#: The options of `rehab export` that only some formats take (`ExportFormat.options`), in the
#: order they are checked.
FORMAT_OPTIONS = ("table", "excel", "bundle", "no_chart")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_since(value: str | None) -> date | None:
    """`--since` as a date; a clear one-line error unless it is a real YYYY-MM-DD day."""
    if value is None:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--since needs a date as YYYY-MM-DD, like 2026-11-01; got {value!r}."
        ) from None


def cmd_export(args: argparse.Namespace, out: TextIO, clock: Clock) -> int:
    """`rehab export`: the report, the CSV, the calendar or the whole file, written privately
    (0600); `--since` limits the report and the CSV."""
    from planner.formats import EXPORT_FORMATS, export_format

    chosen = export_format(args.format)
    if args.since is not None and chosen.whole:
        raise usage_error(f"--since does not apply to --format {args.format}: {chosen.whole}.")
    since = parse_since(args.since)
    if args.tz is not None and not chosen.zoned:
        raise usage_error(
            f"--tz does not apply to --format {args.format}: its times are local, as stored."
        )
    zone = export_zone(args.tz)
    for option in FORMAT_OPTIONS:
        given = getattr(args, option, None)
        if given not in (None, False) and option not in chosen.options:
            owner = next(f.name for f in EXPORT_FORMATS if option in f.options)
            flag = "--" + option.replace("_", "-")
            raise usage_error(f"{flag} applies to --format {owner} only.")
    table, excel = getattr(args, "table", None), getattr(args, "excel", False)
    bundle = getattr(args, "bundle", None)

    from store import resolve_data_path
    from store.repository import missing_file_problem

    path = resolve_data_path(args.data)
    target = check_target(args.out, path, args.format)
    if not path.exists():
        raise CommandError(
            missing_file_problem(path) or f"{path} does not exist yet: there is nothing to export."
        )
    # The report's pain chart goes beside it, unless --no-chart (an option of that format only).
    chart = chart_target(target, path) if "no_chart" in chosen.options else None
    if target is not None and chart is not None and not getattr(args, "no_chart", False):
        return _report_and_chart(path, clock, since, target, chart, out)
    with render_export(
        args.format, path, clock, since, zone, table or "sessions", excel, bundle or "collection"
    ) as text:
        if target is None:
            out.writelines(text)
            return 0
        write_private(target, text)
    out.write(screen_safe(f"Exported {args.format} to {target}\n"))
    return 0


def chart_target(report: Path | None, data_path: Path) -> Path | None:
    """Where the report's pain chart goes: `<stem>-pain.svg` beside a report written to a file
    (None when the report goes to stdout or to something that is not a file, like /dev/null)."""
    if report is None or (report.exists() and not report.is_file()):
        return None
    return check_target(report.with_name(f"{report.stem}-pain.svg"), data_path, "svg")


def _report_and_chart(
    path: Path, clock: Clock, since: date | None, target: Path, chart: Path, out: TextIO
) -> int:
    """The report and its pain chart from one read of the file: the chart written first, so
    the report's link to it never points at nothing; both private (0600), each atomically."""
    from planner.chart import pain_svg
    from planner.formats import NothingToExport
    from planner.formats.md_report import report
    from seeds import load_catalog
    from store import Repository

    with Repository.read(path, clock=clock) as repo:
        try:
            text, drawn = report(repo, load_catalog(), clock(), since, chart.name)
        except NothingToExport as refused:
            raise CommandError(str(refused)) from None
    write_private(chart, pain_svg(drawn))
    write_private(target, text)
    out.write(screen_safe(f"Exported md to {target}\n    with its pain chart {chart}\n"))
    return 0


def export_zone(name: str | None) -> tzinfo | None:
    """The zone `--tz` names, or this computer's (None when nothing names one)."""
    from store.zone import UnknownZone, local_zone, zone_named

    if name is None:
        return local_zone()
    try:
        return zone_named(name)
    except UnknownZone as error:
        raise CommandError(f"--tz: {error}") from None


@contextmanager
def render_export(
    fmt: str,
    path: Path,
    clock: Clock,
    since: date | None,
    zone: tzinfo | None = None,
    table: str = "sessions",
    excel: bool = False,
    bundle: str = "collection",
) -> Iterator[Iterator[str]]:
    """The export of the file at `path`, opened read-only for this command, in pieces to write
    as they come (`store.export_stream.pieces`): they read the file as they are made, so write them
    inside the `with`. A refusal is raised on entering it, before anything is written."""
    from planner.formats import NothingToExport
    from seeds import load_catalog
    from store import Repository
    from store.export_stream import pieces

    with Repository.read(path, clock=clock) as repo:
        try:
            texts = pieces(fmt, repo, load_catalog(), clock(), since, zone, table, excel, bundle)
        except NothingToExport as refused:
            raise CommandError(str(refused)) from None
        yield texts


def check_target(out: Path | None, data_path: Path, fmt: str) -> Path | None:
    """Where `--out` writes (None: stdout), or one clear line on why it cannot."""
    if out is None or str(out) == "-":
        return None
    target = Path(os.path.abspath(Path(out).expanduser()))
    if target == data_path or (
        target.exists() and data_path.exists() and os.path.samefile(target, data_path)
    ):
        raise CommandError(f"--out {target} is your data file: choose another file name.")
    if target.is_dir():
        raise CommandError(
            f"--out {target} is a folder: give a file name, like "
            f"{target / ('rehab-export.' + fmt)}."
        )
    if not target.parent.is_dir():
        raise CommandError(f"Cannot write {target}: the folder {target.parent} does not exist.")
    return target


def write_private(target: Path, text: str | Iterable[str]) -> None:
    """Write the export atomically as a 0600 file (a new temp file, then renamed into place),
    whole or in pieces as they come; into /dev/null or a pipe as it is (`write_out`)."""
    from store.atomic import write_out

    texts = [text] if isinstance(text, str) else text
    try:
        write_out(target, (piece.encode("utf-8") for piece in texts))
    except OSError as error:
        raise CommandError(f"Cannot write {target}: {error.strerror or error}.") from None
