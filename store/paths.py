"""Where the data lives: the default file, its overrides, and the files that sit beside it."""

from __future__ import annotations

import os
from pathlib import Path

from planner.folders import user_folder

FILE_NAME = "rehab.json"
ENV_VAR = "REHAB_DATA"


def default_data_path() -> Path:
    """The data file when neither `--data` nor `REHAB_DATA` says otherwise."""
    return user_folder("data") / FILE_NAME


def resolve_data_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """`--data PATH` if given, else `$REHAB_DATA` if set and non-empty, else the default."""
    if cli_value is not None and str(cli_value) != "":
        chosen = Path(cli_value)
    elif os.environ.get(ENV_VAR):
        chosen = Path(os.environ[ENV_VAR])
    else:
        chosen = default_data_path()
    # Absolute so messages name the file unambiguously; symlinks are left alone on purpose.
    return Path(os.path.abspath(chosen.expanduser()))


def real_data_path(path: str | os.PathLike[str]) -> Path:
    """The file itself, a symbolic link followed to what it names. Every
    write, the lock, the journal and the backups go by this name, so a save through a link
    updates the real file (in a synced folder, say) instead of replacing the link, and the
    same file opened by two names has one lock."""
    return Path(os.path.realpath(Path(path).expanduser()))


def lock_path(data_path: Path) -> Path:
    """The sidecar file the single writer locks: `rehab.json.lock`."""
    return data_path.with_name(data_path.name + ".lock")


def backup_dir(data_path: Path) -> Path:
    """Backups live in `backups/` beside the data file."""
    return data_path.parent / "backups"


def restore_command(data_path: Path) -> str:
    """The command that restores this file, with `--data` when it is not the one used by default."""
    if Path(os.path.abspath(data_path)) == resolve_data_path(None):
        return "rehab restore"
    import shlex  # only when a message names another file: not at every start

    return f"rehab --data {shlex.quote(str(data_path))} restore"
