"""What can go wrong with the data file, each as one line a person can act on.

Every error's `str()` is the whole message: the CLI prints it as is and exits 1.
"""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base of every error the store raises on purpose; `str()` is one clear line."""

    def __init__(self, message: str) -> None:
        # One line, whatever the cause said: a traceback-free CLI prints this verbatim.
        super().__init__(" ".join(message.split()))

    def __str__(self) -> str:
        return str(self.args[0])


def _restore_hint(newest_backup: Path | None, restore_command: str) -> str:
    if newest_backup is None:
        return "No backup was found."
    return f"Newest backup: {newest_backup} — restore it with: {restore_command}"


def journal_advice(journal: Path) -> str:
    """What to do about a damaged journal. Not a restore: that would roll back the data file,
    which is fine, to an older copy."""
    return (
        f"Your data file itself is fine: only the changes saved since it was last merged are "
        f"in {journal.name}. To open rehab without them, move that file aside, for example: "
        f"mv '{journal}' '{journal}.damaged'"
    )


class DataFileError(StoreError):
    """The file is damaged (empty, not JSON, wrong shape, a line that fails its checksum, or a
    document that fails validation).

    Nothing was written to it; the message names the newest backup and how to restore it
    (or gives other `advice`, e.g. when the damaged file is itself a backup), after what else
    the person may do (`also`: keep an edit they made by hand).
    """

    def __init__(
        self,
        path: Path,
        reason: str,
        *,
        newest_backup: Path | None = None,
        restore_command: str = "rehab restore",
        advice: str | None = None,
        also: str | None = None,
    ) -> None:
        self.path = path
        self.reason = reason
        self.newest_backup = newest_backup
        super().__init__(
            f"{path} is damaged ({reason}). Nothing was changed. "
            + ("" if also is None else f"{also} ")
            + (advice if advice is not None else _restore_hint(newest_backup, restore_command))
        )


class NewerSchemaError(StoreError):
    """The file was written by a newer rehab whose schema this version cannot read."""

    def __init__(self, path: Path, found: int, supported: int, *, subject: str | None = None):
        self.path = path
        self.found = found
        self.supported = supported
        super().__init__(
            f"{subject or path} was written by a newer rehab (data schema {found}; this version "
            f"reads up to {supported}). Nothing was changed. Update rehab to open it."
        )


class FileLockedError(StoreError):
    """Another process holds the writer's lock on the file."""

    def __init__(self, path: Path, pid: int | None) -> None:
        self.path = path
        self.pid = pid
        who = f" (pid {pid})" if pid is not None else ""
        super().__init__(f"{path} is open in another rehab window{who}. Close it first.")


class IncomingDataError(StoreError):
    """The data brought in to replace the file (an import) is not valid: the message says
    what, and the caller names where it came from."""


class HardLinkedError(StoreError):
    """The data file has more than one name (hard links), so a writer refuses it."""

    def __init__(self, path: Path, links: int) -> None:
        self.path = path
        self.links = links
        super().__init__(
            f"{path} has {links} names (hard links): a save would leave the others behind. "
            "Keep one name, or use a symbolic link instead. Nothing was changed."
        )
