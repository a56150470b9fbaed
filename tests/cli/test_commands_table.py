"""One table of commands (rehab.cli.COMMANDS): the parser, the dispatch and the quick parser all
read it."""

from __future__ import annotations

import pytest

from rehab.cli import COMMANDS, QUICK_COMMANDS, _command, build_parser


def subcommands(parser):
    (commands,) = [a for a in parser._actions if a.dest == "command"]
    return commands.choices


def test_the_parser_has_one_subcommand_per_row_in_the_tables_order():
    assert list(subcommands(build_parser())) == [command.name for command in COMMANDS]


@pytest.mark.parametrize(
    "command", [c for c in COMMANDS if c.run is not None], ids=lambda c: c.name
)
def test_every_command_runs_a_function_that_exists(command):
    assert callable(_command(command.name))


@pytest.mark.parametrize("name", QUICK_COMMANDS)
def test_a_quick_command_takes_no_option_but_data_and_debug(name):
    """`quick_parse` reads these lines without argparse: an option added to one would be
    refused by it (and fall back to argparse) instead of read."""
    parser = subcommands(build_parser())[name]
    assert {a.dest for a in parser._actions} == {"help", "data", "debug"}
