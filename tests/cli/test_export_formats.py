"""One table of export formats (planner.formats): the command, the Data screen and the store all
read it, so a format added there is offered everywhere and spelled nowhere else."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
from pathlib import Path

import pytest

import planner.formats as export_formats
from planner.formats import EXPORT_FORMATS, NAMES, ExportFormat
from rehab.cli import build_parser, run
from rehab.commands import write_demo
from tests.conftest import FakeClock

ROOT = Path(__file__).resolve().parents[2]

#: The modules that choose, check, list or stream a format by its name: none names one itself.
READERS = (
    "rehab/cli.py",
    "rehab/export_command.py",
    "tui/screens/data.py",
    "store/export_stream.py",
)


def export_choices(parser) -> tuple[str, ...]:
    """What `rehab export --format` accepts, as the parser has it."""
    (commands,) = [a for a in parser._actions if a.dest == "command"]
    (fmt,) = [a for a in commands.choices["export"]._actions if a.dest == "format"]
    return tuple(fmt.choices)


def test_the_command_the_data_screen_and_the_table_offer_the_same_formats():
    from tui.screens.data import endings, format_choices

    assert export_choices(build_parser()) == NAMES
    offered = [name for name, _ in format_choices()]
    assert sorted(offered) == sorted(NAMES) and offered[0] == export_formats.SUGGESTED
    assert set(endings()) == set(NAMES)
    assert export_formats.SUGGESTED in NAMES
    assert len(set(NAMES)) == len(NAMES)
    assert len({f.ending for f in EXPORT_FORMATS}) == len(NAMES)  # a file's ending names one


def test_every_format_names_a_writer_that_exists():
    for row in EXPORT_FORMATS:
        assert callable(export_formats.writer(row.name)), row.writer


def test_no_format_name_is_spelled_outside_the_table():
    spelled = []
    for name in READERS:
        tree = ast.parse((ROOT / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in NAMES:
                spelled.append(f"{name}:{node.lineno} {node.value!r}")
    assert spelled == []


def test_the_table_is_read_without_importing_a_writer_or_its_library():
    code = (
        "import sys; import planner.formats, rehab.cli; rehab.cli.build_parser(); "
        "print(' '.join(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = out.stdout.split()
    writers = {row.writer.split(":")[0] for row in EXPORT_FORMATS}
    assert writers.isdisjoint(modules)
    assert {"icalendar", "pygal", "csv", "pydantic_core"}.isdisjoint(modules)


def counted(repo, ask) -> list[str]:
    """A made-up format's writer: how many sessions the file holds."""
    return [f"{repo.counts()['sessions']} sessions\n"]


def test_a_format_added_to_the_table_is_offered_and_written_everywhere(monkeypatch, tmp_path):
    """Adding a format is a row and a writer: the command's choices and help, its checks, the
    Data screen's list and the store's stream all follow."""
    from tui.screens.data import endings, format_choices

    row = ExportFormat(
        "count",
        "how many sessions (text)",
        "how many sessions the file holds",
        "text",
        "count.txt",
        "a count is always of the whole file",
        False,
        f"{__name__}:counted",
    )
    monkeypatch.setattr(export_formats, "EXPORT_FORMATS", (*EXPORT_FORMATS, row))
    monkeypatch.setattr(export_formats, "NAMES", (*NAMES, "count"))
    path = tmp_path / "rehab.json"
    write_demo(path, 10, 1, FakeClock())

    assert export_choices(build_parser())[-1] == "count"
    assert ("count", "how many sessions (text)") in format_choices()
    assert endings()["count"] == "count.txt"

    def cli(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = run(list(argv), clock=FakeClock(), out=out, err=err)
        return code, out.getvalue(), err.getvalue()

    code, out, err = cli("export", "--format", "count", "--data", str(path))
    assert (code, err) == (0, "") and out.endswith(" sessions\n") and out[0].isdigit()
    (commands,) = [a for a in build_parser()._actions if a.dest == "command"]
    shown = " ".join(commands.choices["export"].format_help().split())
    assert "count how many sessions the file holds" in shown and "or count (text)" in shown
    # Which formats an option applies to comes from the table too: --since names it as not for it.
    assert "Not for count: a count is always of the whole file" in shown
    code, _, err = cli("export", "--format", "count", "--since", "2026-11-01", "--data", str(path))
    assert code == 2 and "a count is always of the whole file" in err
    code, _, err = cli("export", "--format", "count", "--bundle", "transaction", "--data", "x")
    assert code == 2 and "--bundle applies to --format fhir only." in err


@pytest.mark.parametrize("fmt", NAMES)
def test_the_options_a_format_takes_are_options_of_the_command(fmt):
    row = export_formats.export_format(fmt)
    (commands,) = [a for a in build_parser()._actions if a.dest == "command"]
    dests = {a.dest for a in commands.choices["export"]._actions}
    assert set(row.options) <= dests
