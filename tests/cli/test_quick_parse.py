"""`status` and `backup` lines, and the line that opens the app, are read without argparse: same
result, and help and errors still come from the full parser."""

from __future__ import annotations

import pytest

from rehab.cli import build_parser, quick_parse, run

READ_QUICKLY = [
    "",  # the app, on the default file
    "--data x.json",
    "--debug",
    "--data x.json --debug",
    "status",
    "backup",
    "--data /tmp/x.json status",
    "status --data /tmp/x.json",
    "--data=/tmp/x.json status",
    "status --data=/tmp/x.json",
    "--debug status",
    "status --debug",
    "--debug --data x.json status",
    "--data x.json status --debug",
    "--debug backup --data x.json",
    "--data status status",  # a file called `status`
    "--data=a=b.json status",
    "--data ~/back.json status",  # the shell expands ~; argparse and the store take it as is
]

LEFT_TO_ARGPARSE = [
    "--help",
    "-h status",
    "status --help",
    "status -h",
    "status --he",
    "--version",
    "--dat x.json status",  # an abbreviation
    "--dat x.json",
    "--debug --debug",
    "--data",
    "status --data",
    "status --data=",
    "status --data -x.json",
    "status --data=-x.json",
    "--data a.json status --data b.json",
    "--debug status --debug",
    "status status",
    "status backup",
    "status --bogus",
    "status extra",
    "status --",
    "library",
    "library --json",
    "restore",
    "demo --no-launch",
]


@pytest.mark.parametrize("line", READ_QUICKLY)
def test_quick_reading_gives_what_the_full_parser_gives(line):
    argv = line.split()
    quick = quick_parse(argv)
    assert quick is not None
    assert vars(quick) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("line", LEFT_TO_ARGPARSE)
def test_help_errors_and_other_commands_go_to_the_full_parser(line):
    assert quick_parse(line.split()) is None


def test_top_help_still_lists_every_command(capsys):
    with pytest.raises(SystemExit) as stop:
        run(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for command in ("library", "status", "backup", "restore", "demo", "export", "import"):
        assert f"    {command} " in text


@pytest.mark.parametrize("command", ["status", "backup"])
def test_quick_commands_keep_their_own_help(command, capsys):
    with pytest.raises(SystemExit) as stop:
        run([command, "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: rehab {command} [-h] [--data PATH] [--debug]")
    assert f"rehab {command}" in text.split("example")[1]


@pytest.mark.parametrize(
    "argv", [["status", "--bogus"], ["status", "--data"], ["--dat", "x.json", "status", "status"]]
)
def test_quick_commands_keep_their_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        run(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: rehab") and ": error: " in err
