"""`rehab plan export` and `rehab plan import FILE`: the plan as a file a physiotherapist can
read and edit (planner/plan_file.py says the format), and loading the one they send back."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from planner.clock import Clock
from planner.text import counted, screen_safe
from rehab.commands import CommandError, accepted


def cmd_plan(args: argparse.Namespace, out: TextIO, clock: Clock) -> int:
    if args.plan_command == "export":
        return plan_export(args, out, clock)
    return plan_import(args, out, clock)


def plan_export(args: argparse.Namespace, out: TextIO, clock: Clock) -> int:
    """Write the plan in force as a plan file, to the terminal or privately (0600) to --out."""
    from planner import plan_file
    from rehab.export_command import check_target, write_private
    from seeds import load_catalog
    from store import Repository, resolve_data_path
    from store.repository import missing_file_problem

    path = resolve_data_path(args.data)
    target = check_target(args.out, path, "toml")
    if not path.exists():
        raise CommandError(missing_file_problem(path) or f"{path} does not exist yet: no plan.")
    with Repository.read(path, clock=clock) as repo:
        plan = repo.active_plan()
    if plan is None:
        raise CommandError(f"{path} has no plan yet: run rehab to set one up first.")
    text = plan_file.write(plan, load_catalog())
    if target is None:
        out.write(text)
        return 0
    write_private(target, text)
    out.write(
        screen_safe(
            f"Wrote the plan (stage {plan.stage}, {counted(len(plan.prescriptions), 'exercise')}) "
            f"to {target}\n"
        )
    )
    return 0


def plan_import(args: argparse.Namespace, out: TextIO, clock: Clock) -> int:
    """Check a plan file, then (no warning sign open) back up and make it the plan in force."""
    from door import Door
    from planner import plan_file
    from seeds import load_catalog
    from store import Repository, resolve_data_path
    from store.repository import missing_file_problem

    source = Path(os.path.abspath(Path(args.path).expanduser()))
    if source.is_dir():
        raise CommandError(f"{source} is a folder: give the plan file (TOML).")
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"{source} does not exist: nothing was imported.") from None
    except UnicodeDecodeError:
        raise CommandError(f"{source} is not a text file: nothing was imported.") from None
    except OSError as error:
        raise CommandError(f"Cannot read {source}: {error.strerror or error}.") from None
    catalog = load_catalog()
    try:
        checked = plan_file.read(text, catalog)
    except plan_file.PlanFileProblems as bad:
        count = len(bad.problems)
        raise PlanRefused(
            [f"{source.name} {p}" for p in bad.problems]
            + [f"{source} was not imported ({count} problem{'s' * (count > 1)}); nothing changed."]
        ) from None
    path = resolve_data_path(args.data)
    if not path.exists():
        raise CommandError(
            missing_file_problem(path)
            or f"{path} does not exist yet: run rehab first, so the plan has someone to belong to."
        )
    with Repository.open(path, clock=clock) as repo:
        profile = repo.profile()
        if profile is None:
            raise CommandError(f"{path} has no profile yet: run rehab first.")
        # The door refuses while a warning sign is open or the plan is paused, and a higher
        # stage while a step back is advised; it backs up, then saves in one write.
        result = accepted(Door(repo, catalog, clock).import_plan(checked, source.name))
        plan = result.value
    who = plan.source.who if plan.source else "your physiotherapist"
    # The clinician's name is the file's words: shown, as every outside text, made safe.
    out.write(
        screen_safe(
            f"Loaded the plan from {who}: stage {plan.stage}, "
            f"{counted(len(plan.prescriptions), 'exercise')}.\n"
        )
    )
    out.writelines(screen_safe(f"{line}\n") for line in result.said)
    from planner.plan import chosen_anyway

    out.writelines(screen_safe(f"{line}\n") for line in chosen_anyway(catalog, profile, plan))
    return 0


class PlanRefused(CommandError):
    """A plan file with problems: one line per problem, then one that says nothing changed."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines[-1])
        self.lines = lines
