"""The plain-text commands: status, backup, restore, demo. None of them imports textual."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from planner.clock import Clock
from planner.text import screen_safe

if TYPE_CHECKING:  # for annotations only: the quick commands never import argparse
    import argparse

    from door import Done, Result

T = TypeVar("T")


class CommandError(Exception):
    """A problem the person can act on; its text is the one line printed. `exit_code` 2 is
    for wrong words on the command line (as argparse exits), 1 for everything else."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def usage_error(message: str) -> CommandError:
    """Wrong words on the command line: printed as one line, exit 2."""
    return CommandError(message, exit_code=2)


def done(result: Result[T]) -> T:
    """What the door made, or its refusal as the one line the command prints (exit 1)."""
    return accepted(result).value


def accepted(result: Result[T]) -> Done[T]:
    """The door's Done (what it made and what it said), or its refusal as the one line the
    command prints (exit 1)."""
    from door import Refused

    if isinstance(result, Refused):
        raise CommandError(result.reason)
    return result


def sessions_stopped(path: Path, clock: Clock) -> str:
    """One line when the file as now written stops sessions (an open warning sign, a pause):
    after a restore or an import, the person hears it at once."""
    from planner.gate import may_start
    from seeds import load_catalog
    from store import Repository

    with Repository.read(path, clock=clock) as repo:
        plan = repo.active_plan()
        if plan is None:
            return ""
        gate = may_start(plan, repo.safety_records(), clock(), load_catalog().rules)
    return f"Sessions are stopped. {gate.reason}\n" if gate.stopped else ""


def cmd_status(args: argparse.Namespace, out: TextIO, clock: Clock) -> int:
    """`rehab status`: where the person stands, in plain text; reads only, so it works while the
    app has the file open."""
    from planner.advice import stand
    from planner.report import status_text
    from seeds import load_catalog
    from store import Repository, resolve_data_path
    from store.repository import missing_file_problem

    path = resolve_data_path(args.data)
    if not path.exists():
        raise CommandError(
            missing_file_problem(path)
            or f"{path} does not exist yet: run rehab to set up your plan."
        )
    now = clock()
    # Checked whole, as every command reads the file: one verdict on a damaged one.
    with Repository.read(path, clock=clock) as repo:
        profile, plan = repo.profile(), repo.active_plan()
        if profile is None or plan is None:
            out.write(screen_safe(f"{path}: no plan yet. Run rehab to set one up.\n"))
            return 0
        catalog = load_catalog()
        history = repo.recent_history(catalog, plan.stage, now)
        earlier, walks, folded = repo.walk_history_folded(catalog.rules, profile, now.date())
        standing = stand(
            catalog,
            profile,
            plan,
            history,
            repo.safety_records(),
            repo.latest_psfs(),
            now,
            walks,
            earlier,
            folded,
        )
        assert standing.advice is not None  # there is a profile and a plan
        text = status_text(
            catalog,
            profile,
            plan,
            history,
            standing.advice,
            now,
            walk=standing.walk,
            bouts=standing.bouts,
        )
        out.write(screen_safe(text))  # it quotes notes and reasons the person typed
    out.write(screen_safe(copies_line(path)))
    return 0


def copies_line(path: Path) -> str:
    """One line when a sync tool left a conflict copy of the file beside it, with the command
    that merges it; "" when none."""
    from store.conflicts import beside

    copies = beside(path)
    if not copies:
        return ""
    import shlex

    more = f" (and {len(copies) - 1} more)" if len(copies) > 1 else ""
    return (
        f"A copy from another computer is beside your file{more}: "
        f"rehab merge {shlex.quote(str(copies[0]))} merges it.\n"
    )


def cmd_backup(args: argparse.Namespace, out: TextIO, clock: Clock) -> int:
    """`rehab backup`: copy the data file into `backups/` now."""
    from door.files import backup_file
    from store import resolve_data_path
    from store.repository import missing_file_problem

    path = resolve_data_path(args.data)
    if not path.exists():
        raise CommandError(
            missing_file_problem(path) or f"{path} does not exist: nothing to back up."
        )
    made = done(backup_file(path, clock=clock))
    out.write(screen_safe(f"Backed up {path}\n      to {made}\n"))
    return 0


def cmd_restore(args: argparse.Namespace, out: TextIO, clock: Clock) -> int:
    """`rehab restore [PATH]`: put a backup back (the newest made, unless one is named); the
    file it replaces is kept as a backup first."""
    from door.files import restore_file
    from seeds import load_catalog
    from store import list_backups, resolve_data_path

    path = resolve_data_path(args.data)
    chosen = args.backup
    if chosen is None:
        found = list_backups(path)
        if not found:
            raise CommandError(f"No backups of {path} were found in {path.parent / 'backups'}.")
        chosen = found[0].path
    chosen = Path(chosen)
    if not chosen.is_file():
        raise CommandError(f"No backup file at {chosen}.")
    # Every safety record the backup lacks is carried into the restored file (door.files).
    kept = done(restore_file(path, chosen, clock=clock, catalog=load_catalog()))
    out.write(screen_safe(f"Restored {path}\n    from {chosen}\n"))
    out.writelines(screen_safe(f"{line}\n") for line in kept.lines(path))
    out.write(screen_safe(sessions_stopped(path, clock)))
    return 0


def write_demo(path: Path, days: int, seed: int, clock: Clock, adherence: float = 0.86) -> int:
    """Fill a new file with `days` days of synthetic history; returns the number of sessions."""
    from door.files import write_new_file
    from planner.synthetic import generate
    from seeds import load_catalog

    if path.exists():
        raise CommandError(f"{path} already exists: the demo only writes a new file.")
    catalog = load_catalog()
    history = generate(catalog, days, clock(), seed=seed, adherence=adherence)
    return done(write_new_file(path, history.records(), clock=clock, catalog=catalog))


def cmd_demo(args: argparse.Namespace, out: TextIO, clock: Clock) -> int:
    """`rehab demo`: write a file of made-up history (never over an existing one) and open it."""
    if not 1 <= args.days <= 3650 * 3:
        raise CommandError(f"--days must be from 1 to {3650 * 3}, got {args.days}.")
    if args.data is not None:
        path = Path(args.data).expanduser().absolute()
    else:
        import tempfile

        path = Path(tempfile.mkdtemp(prefix="rehab-demo-")) / "rehab.json"
    sessions = write_demo(path, args.days, args.seed, clock)
    out.write(
        screen_safe(f"Wrote {args.days} days of made-up history ({sessions} sessions) to {path}\n")
    )
    if args.no_launch:
        return 0
    from rehab.launch import launch  # textual only now

    args.data = path
    code = launch(args, clock)
    out.write(screen_safe(f"The demo file stays at {path} (rehab --data {path} opens it again).\n"))
    return code
