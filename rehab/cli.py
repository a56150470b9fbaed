"""The `rehab` command line. Only the full-screen interface imports textual, and only when run."""

from __future__ import annotations

import gc
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, NoReturn

from planner.clock import Clock
from planner.text import screen_safe
from rehab import __version__, code_cache
from rehab.commands import CommandError

if TYPE_CHECKING:
    import argparse


EPILOG = """\
examples:
  rehab                          open the planner on your data file
  rehab --data ~/back.json       use another data file (or set REHAB_DATA)
  rehab status                   where you stand, in plain text
  rehab library --json           the exercise catalog as JSON
  rehab export --format md --out report.md
                                 a report for your physiotherapist
  rehab import ~/rehab-export.json
                                 replace your data with a JSON export
  rehab backup                   copy your data file to its backups folder now
  rehab restore                  put the newest backup back (or name one)
  rehab demo --no-launch --days 60 --data /tmp/demo.json
                                 make a file with 60 days of made-up history

rehab gives general self-care guidance, not a diagnosis.
"""


def local_now() -> datetime:
    """The one place the real clock is read; everything below takes `now` as an argument."""
    return datetime.now().replace(microsecond=0)


def common_options() -> argparse.ArgumentParser:
    """--data and --debug after a command's name (`rehab status --data X`), as before it."""
    import argparse

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data",
        metavar="PATH",
        type=Path,
        default=argparse.SUPPRESS,
        help="data file to use (or set REHAB_DATA)",
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on errors"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, for the commands the quick parser does not answer: one
    subparser per row of `COMMANDS`, each given its options by its own `add_arguments`."""
    import argparse  # here, not above: the quick commands never need it (see quick_parse)

    parser = argparse.ArgumentParser(
        prog="rehab",
        description="A calm terminal planner for a staged low-back-pain exercise programme.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"rehab {__version__}")
    parser.add_argument(
        "--data",
        metavar="PATH",
        type=Path,
        help="data file to use (default: your user data folder; or REHAB_DATA)",
    )
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    common = common_options()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        if command.run is None:  # `help`: `parse` turns `rehab help X` into `rehab X --help`
            one = sub.add_parser(command.name, help=command.help)
        else:
            one = sub.add_parser(
                command.name,
                parents=[common],
                help=command.help,
                description=command.description,
                epilog=command.epilog,
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
        if command.add_arguments is not None:
            command.add_arguments(one)
    return parser


# ---------------------------------------------------------------------------------------------
# Each command's own options


def library_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable JSON")


def restore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("backup", nargs="?", type=Path, metavar="BACKUP")


def demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--days", type=int, default=42, help="days of history (default 42)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--no-launch", action="store_true", help="only write the file")


def export_arguments(parser: argparse.ArgumentParser) -> None:
    from planner.formats import NAMES

    # The formats, each with what it is, from their table (planner.formats).
    parser.description = (parser.description or "") + formats_listed()
    parser.add_argument("--format", required=True, choices=NAMES, help=formats_named())
    parser.add_argument(
        "--out",
        metavar="PATH",
        type=Path,
        help="file to write (created 0600; replaced if it exists); "
        "default or -: print to the terminal",
    )
    from planner.formats import EXPORT_FORMATS

    # Which formats an option applies to is said from their table, never by name here.
    since = [f.name for f in EXPORT_FORMATS if not f.whole]
    parser.add_argument(
        "--since",
        metavar="DATE",
        help=f"{listed(since)} only: sessions, check-ins and events from DATE (YYYY-MM-DD) on"
        + "".join(f". Not for {f.name}: {f.whole}" for f in EXPORT_FORMATS if f.whole),
    )
    parser.add_argument(
        "--table",
        choices=("sessions", "checkins", "walks", "psfs"),
        help=f"{taking('table')} only: one row per exercise done (sessions, the default), per "
        "daily check-in, per walk, or per activity of a PSFS rating",
    )
    parser.add_argument(
        "--excel",
        action="store_true",
        help=f"{taking('excel')} only: start with the byte-order mark Excel on Windows needs "
        "to read UTF-8",
    )
    parser.add_argument(
        "--bundle",
        choices=("collection", "transaction"),
        help=f"{taking('bundle')} only: a collection to read (the default), or a transaction "
        "a FHIR server ingests (the Patient created only if none has this file's identifier; "
        "every other resource put at its own id)",
    )
    parser.add_argument(
        "--no-chart",
        action="store_true",
        help=f"{taking('no_chart')} with --out only: leave out the pain chart, the SVG "
        "otherwise written beside the report as <name>-pain.svg and linked under its summary",
    )
    parser.add_argument(
        "--tz",
        metavar="ZONE",
        help=f"{listed([f.name for f in EXPORT_FORMATS if f.zoned])} only: your time zone, "
        "like Europe/Berlin (default: this computer's, from TZ or /etc/localtime). Every time "
        "written carries the UTC offset in force then, summer time included",
    )


def listed(names: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def taking(option: str) -> str:
    """The formats whose row in the table takes `option` (argparse's name), listed."""
    from planner.formats import EXPORT_FORMATS

    return listed([f.name for f in EXPORT_FORMATS if option in f.options])


def formats_listed() -> str:
    """Each export format and what it is, as `rehab export --help` lists them."""
    from planner.formats import EXPORT_FORMATS

    return "\n".join(
        f"  {f.name:<4}  " + f.help.replace("\n", "\n        ") for f in EXPORT_FORMATS
    )


def formats_named() -> str:
    """`--format`'s help: each name, with the kind of file after it where the name does not
    say it ("csv, json, md (Markdown), …")."""
    from planner.formats import EXPORT_FORMATS

    named = [f"{f.name} ({f.kind})" if f.kind else f.name for f in EXPORT_FORMATS]
    return ", ".join(named[:-1]) + " or " + named[-1]


def plan_arguments(parser: argparse.ArgumentParser) -> None:
    common = common_options()
    actions = parser.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    plan_out = actions.add_parser(
        "export", parents=[common], help="write the plan in force as a TOML file"
    )
    plan_out.add_argument(
        "--out",
        metavar="PATH",
        type=Path,
        help="file to write (created 0600; replaced if it exists); "
        "default or -: print to the terminal",
    )
    plan_in = actions.add_parser(
        "import", parents=[common], help="make a physiotherapist's plan file the plan in force"
    )
    plan_in.add_argument("path", type=Path, metavar="FILE", help="the plan file (TOML)")


def import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, metavar="PATH", help="the JSON file to import")


def merge_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        type=Path,
        metavar="FILE",
        help="the other computer's file, a conflict copy or an export",
    )


def schema_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "what",
        choices=("export", "plan"),
        help="export: the JSON export's; plan: the plan file's (what `#:schema` names)",
    )


def completion_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=("bash", "zsh", "fish"), metavar="SHELL")


def help_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("topic", nargs="?", metavar="COMMAND")


# ---------------------------------------------------------------------------------------------
# The commands


@dataclass(frozen=True)
class Command:
    """One `rehab` command: how `rehab --help` lists it, its own help, its options, and the
    function that runs it."""

    name: str
    #: Its line in `rehab --help`.
    help: str
    #: `function(args, out, clock) -> exit code` as "module:function", imported only when the
    #: command runs, so a short command pays for no other's imports. None: `help`, which
    #: `parse` answers.
    run: str | None
    description: str | None = None
    epilog: str | None = None
    #: Adds the command's own options to its parser (--data and --debug it takes anyway).
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None
    #: Its line is read without argparse (`quick_parse`): it takes only --data and --debug.
    quick: bool = False
    #: It only reads and prints: the process ends without the interpreter's teardown.
    read_only: bool = False


#: Every command, in the order `rehab --help` lists them.
COMMANDS: tuple[Command, ...] = (
    Command(
        "library",
        "list the exercise catalog",
        "rehab.cli:cmd_library",
        "List every exercise in the catalog with its stage, kind, "
        "default dose and source articles.",
        "example:\n  rehab library --json > catalog.json",
        library_arguments,
    ),
    Command(
        "status",
        "where you stand: stage, move-on criteria, recent sessions",
        "rehab.commands:cmd_status",
        "Print your stage and its aim, each move-on criterion with its "
        "numbers, the last sessions and the pain trend. Needs no lock, "
        "so it works while the planner is open.",
        "example:\n  rehab status --data ~/back.json",
        quick=True,
        read_only=True,
    ),
    Command(
        "backup",
        "copy the data file to its backups folder now",
        "rehab.commands:cmd_backup",
        "Copy the data file to backups/ beside it (the newest 14 are kept).",
        "example:\n  rehab backup",
        quick=True,
    ),
    Command(
        "restore",
        "put a backup back in place",
        "rehab.commands:cmd_restore",
        "Validate a backup, keep a copy of the current file, then "
        "put the backup in its place. With no BACKUP, the newest. Answers to the "
        "warning-sign questions and doctor's clearances the backup lacks are kept: a "
        "restore never ends a warning sign.",
        "examples:\n  rehab restore\n"
        "  rehab restore ~/.local/share/rehab-planner/backups/"
        "rehab-2026-11-20.json",
        restore_arguments,
    ),
    Command(
        "demo",
        "fill a file with realistic made-up history",
        "rehab.commands:cmd_demo",
        "Make a new data file holding N days of plausible use, "
        "driven by the real planner, then open it. Refuses to "
        "touch an existing file.",
        "example:\n  rehab demo --days 90 --no-launch --data /tmp/d.json",
        demo_arguments,
    ),
    Command(
        "export",
        "your history as CSV, JSON, FHIR, a Markdown report or a calendar",
        "rehab.export_command:cmd_export",
        # export_arguments adds each format, from their table.
        "Write your data in one of the formats below, to the terminal "
        "or to a private (0600)\nfile with --out. Needs no lock, so "
        "it works while the planner is open.\n\n",
        "examples:\n"
        "  rehab export --format md --out ~/back-report.md\n"
        "  rehab export --format csv --since 2026-11-01 > sessions.csv\n"
        "  rehab export --format json --out ~/rehab-export.json\n"
        "  rehab export --format ics --out ~/rehab.ics\n"
        "  rehab export --format fhir --tz Europe/Berlin --out ~/rehab-fhir.json",
        export_arguments,
    ),
    Command(
        "plan",
        "the plan as a file a physiotherapist can edit, and loading it back",
        "rehab.plans:cmd_plan",
        "Hand your plan to a physiotherapist and load the one they send back.\n\n"
        "  export  write the plan in force as a small TOML file: the stage and\n"
        "          each exercise by its catalog id, with its dose and time of day\n"
        "  import  check a plan file against the catalog and each exercise's\n"
        "          limits, back up, then make it the plan in force, marked as\n"
        "          from your physiotherapist. Refused, with nothing changed,\n"
        "          while a warning sign is open or when the file has a problem",
        "examples:\n"
        "  rehab plan export --out ~/my-plan.toml\n"
        "  rehab plan import ~/plan-from-my-physio.toml",
        plan_arguments,
    ),
    Command(
        "import",
        "replace your data file with a JSON export",
        "rehab.file_commands:cmd_import",
        "Replace the data file with a JSON export made by "
        "`rehab export --format json`\n(or a backup). The whole "
        "file is checked first: a truncated or invalid file, or\n"
        "one from a newer rehab, is refused and nothing changes. "
        "The current file is\nbacked up before it is replaced "
        "(rehab restore puts it back). A data file that\ndoes not "
        "exist yet is created. Safety records the export lacks are kept.",
        "example:\n  rehab import ~/rehab-export.json --data ~/back.json",
        import_arguments,
    ),
    Command(
        "merge",
        "merge another computer's copy of your data file into yours",
        "rehab.file_commands:cmd_merge",
        "Merge another computer's data file, a sync tool's conflict copy of it\n"
        "(rehab.sync-conflict-…, rehab (conflicted copy …)) or a JSON export into your data\n"
        "file: every record of either is kept, matched by its id; where the two hold different\n"
        "versions of one record, the one written last is kept and the other goes to a backup\n"
        "named in the output. Every safety answer of either counts. The current file is backed\n"
        "up first; a conflict copy beside it moves into backups/ once merged. A damaged or\n"
        "newer file is refused and nothing changes.",
        "examples:\n  rehab merge ~/Sync/rehab.sync-conflict-20261206-081500-ABCDEFG.json\n"
        "  rehab merge /media/usb/rehab.json --data ~/back.json",
        merge_arguments,
    ),
    Command(
        "schema",
        "print the JSON Schema of a file rehab writes",
        "rehab.cli:cmd_schema",
        "Print a JSON Schema: of the whole-file JSON export (export; Draft "
        "2020-12, generated from the models rehab checks every record with, as "
        "docs/rehab-export.schema.json), or of the plan file a physiotherapist edits (plan; "
        "draft-07, as docs/rehab-plan.schema.json), which an exported plan names on its "
        "first line for editors that read it.",
        "examples:\n  rehab schema export > rehab-export.schema.json\n"
        "  rehab schema plan > rehab-plan.schema.json",
        schema_arguments,
    ),
    Command(
        "completion",
        "print shell completion for bash, zsh or fish",
        "rehab.cli:cmd_completion",
        "Print a completion script for your shell, generated from rehab's own "
        "command line, so Tab completes commands and options.",
        "examples:\n"
        "  rehab completion bash > ~/.local/share/bash-completion/completions/rehab\n"
        "  rehab completion zsh > ~/.zfunc/_rehab\n"
        "  rehab completion fish > ~/.config/fish/completions/rehab.fish",
        completion_arguments,
    ),
    # Listed with the others; `parse` turns `rehab help X` into `rehab X --help`.
    Command("help", "show the help of rehab, or of one command", None, None, None, help_arguments),
)

#: Each command by its name.
COMMAND_NAMED = {command.name: command for command in COMMANDS}

# Commands whose own parser takes only --data and --debug; `quick_parse` reads their lines.
QUICK_COMMANDS = tuple(command.name for command in COMMANDS if command.quick)


def quick_parse(argv: Sequence[str]) -> SimpleNamespace | None:
    """Read `rehab [--data PATH] [--debug] [status|backup [--data PATH] [--debug]]` without
    argparse, which is slow to import and to build the full parser for; the same
    namespace `build_parser().parse_args(argv)` gives. The line with no command opens the app,
    whose start should not pay for them either. None for any other line (help, an
    abbreviation, a repeated option, an odd value): the full parser reads those, errors and all.
    """
    command, data, debug = None, None, False
    words = iter(argv)
    for word in words:
        if word == "--debug" and not debug:
            debug = True
        elif data is None and (word == "--data" or word.startswith("--data=")):
            value = next(words, "") if word == "--data" else word.partition("=")[2]
            if not value or value.startswith("-"):
                return None
            data = Path(value)
        elif word in QUICK_COMMANDS and command is None:
            command = word
        else:
            return None
    return SimpleNamespace(data=data, debug=debug, command=command)


# ---------------------------------------------------------------------------------------------
# Commands


def cmd_library(args: argparse.Namespace, out, clock: Clock) -> int:
    """`rehab library`: the catalog as a table, or with `--json` every exercise (with its steps,
    cautions and doses), every reading card and the sources, for scripts and clinicians."""
    from planner.codec import dump
    from seeds import load_catalog

    catalog = load_catalog()
    exercises = sorted(
        catalog.exercises.values(), key=lambda e: (0 if e.stage == "any" else e.stage, e.id)
    )
    if args.json:
        # An object, so each part can grow: every exercise with how to do it and its
        # cautions, every education card, and the articles both cite.
        document = {
            "exercises": [
                {
                    "id": e.id,
                    "name": e.name,
                    "aliases": e.aliases,
                    "stage": e.stage,
                    "kind": e.kind.value,
                    "position": e.position,
                    "equipment": [q.value for q in e.equipment],
                    "steps": e.steps,
                    "cautions": [{"about": c.about.value, "text": c.text} for c in e.cautions],
                    "dose": dump(e.dose),
                    "dose_label": e.dose.label(),
                    "bounds": dump(e.bounds),
                    "sources": e.sources,
                    "optional": e.optional,
                }
                for e in exercises
            ],
            "cards": [
                {"id": c.id, "title": c.title, "body": c.body, "sources": c.sources}
                for c in catalog.cards.values()
            ],
            "sources": catalog.sources,
        }
        out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return 0
    out.write(f"{'stage':<6}{'exercise':<38}{'kind':<14}dose\n")
    for e in exercises:
        name = e.name + (" (optional)" if e.optional else "")
        out.write(f"{e.stage!s:<6}{name[:37]:<38}{e.kind.value:<14}{e.dose.label()}\n")
        out.write(f"{'':<6}  id {e.id} · from {', '.join(s.split('_')[0] for s in e.sources)}\n")
    out.write(
        f"\n{len(exercises)} exercises. Sources: "
        + "; ".join(f"{k.split('_')[0]} {v}" for k, v in catalog.sources.items())
        + "\n"
    )
    return 0


def cmd_schema(args: argparse.Namespace, out, clock: Clock) -> int:
    """`rehab schema export|plan`: the JSON Schema of the whole-file export or the plan file."""
    if args.what == "plan":
        from planner.plan_file import json_schema
        from seeds import load_catalog

        schema = json_schema(load_catalog())
    else:
        from store.json_schema import export_schema

        schema = export_schema()
    out.write(json.dumps(schema, indent=2, sort_keys=True) + "\n")
    return 0


def cmd_completion(args: argparse.Namespace, out, clock: Clock) -> int:
    """`rehab completion SHELL`: the completion script, made from the parser itself."""
    import shtab

    out.write(shtab.complete(build_parser(), shell=args.shell))
    return 0


def _command(name: str) -> Callable[..., int]:
    """The function that runs one command, importing only its own module: a short command
    should not pay for the others' imports (exports brings hashlib, csv and more)."""
    run = COMMAND_NAMED[name].run
    assert run is not None, name  # `help` is answered by `parse`
    module, function = run.split(":")
    return getattr(importlib.import_module(module), function)


def run(argv: Sequence[str] | None = None, *, clock: Clock = local_now, out=None, err=None) -> int:
    """Parse and run one command; returns the exit code. Tests call this with their own clock."""
    return run_parsed(parse(argv), clock=clock, out=out, err=err)


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace | SimpleNamespace:
    """The command line (default `sys.argv[1:]`) read; exits 2 on usage errors, as argparse
    does."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["help"]:
        argv = [*argv[1:2], "--help"]  # `rehab help status` is `rehab status --help`
    return quick_parse(argv) or build_parser().parse_args(argv)


def run_parsed(
    args: argparse.Namespace | SimpleNamespace, *, clock: Clock = local_now, out=None, err=None
) -> int:
    """Run the command `parse` read; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    command = args.command or "tui"
    try:
        if command == "tui":
            from rehab.launch import launch  # textual is imported only here

            return launch(args, clock)
        return _command(command)(args, out, clock)
    except KeyboardInterrupt:
        err.write("rehab: interrupted\n")
        return 130
    except BrokenPipeError:
        # `rehab status | head`: the reader has what it wanted. End quietly, as `git log` does.
        quiet_closed_pipe()
        return 0
    except Exception as exc:
        code = exc.exit_code if isinstance(exc, CommandError) else 1
        if args.debug and code != 2:  # wrong words are not a crash to trace
            raise
        lines = getattr(exc, "lines", None)  # one line per problem (a plan file's)
        err.write("".join(f"rehab: {one_line(line)}\n" for line in lines or [exc]))
        return code


def quiet_closed_pipe() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush on exit finds no closed pipe
    to complain about (the recipe in Python's signal documentation)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (a test's buffer)
        pass
    finally:
        os.close(devnull)


def one_line(exc: BaseException | str) -> str:
    """An error as one line: its words with the whitespace folded, or its type's name. Its
    words may quote a file's (a key, a name, a path): made safe before they are printed."""
    text = " ".join(screen_safe(str(exc)).split()) or type(exc).__name__
    return text


# Commands that only read and print, leaving no file open and nothing registered to run at
# exit: they skip the interpreter's teardown, which frees every module and record one by one.
READ_ONLY_COMMANDS = tuple(command.name for command in COMMANDS if command.read_only)


#: Said on a system rehab does not run on, instead of a traceback from the POSIX lock.
UNSUPPORTED = (
    "rehab runs on Linux and macOS: its data file's lock needs a POSIX system "
    "(on Windows, use WSL)."
)


def supported(platform: str) -> bool:
    """Whether rehab runs on `platform` (`sys.platform`): the lock (fcntl) needs POSIX."""
    return platform != "win32"


def main() -> None:
    """The `rehab` command: parse, run, and turn any error into one line and an exit code."""
    # rehab uses no pydantic plugins; looking for them scans every installed package.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # A command lasts a moment and leaves no cycles worth collecting: the collector would only
    # re-walk what the imports just built. Off until the app, which runs for hours, starts.
    gc.disable()
    if not supported(sys.platform):
        sys.stderr.write(UNSUPPORTED + "\n")
        sys.exit(1)
    # Before the models are imported: their dataclasses' methods compiled once, not at every
    # start (rehab/code_cache.py).
    code_cache.install()
    args = parse()
    try:
        code = run_parsed(args)
    finally:
        # Exit without a last collection that frees every object imported: the OS takes it all.
        gc.freeze()
        code_cache.save()
    if args.command in READ_ONLY_COMMANDS:
        exit_at_once(code)
    sys.exit(code)


def exit_at_once(code: int) -> NoReturn:
    """Flush what was printed, then end the process without the interpreter's teardown."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        quiet_closed_pipe()
    except Exception:
        sys.exit(code)
    os._exit(code)
