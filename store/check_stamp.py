"""Remember which file content was last checked in full, so opening it again need not re-check.

A writer must know every document is valid before it writes (a damaged file is never written
to). Checking every document means parsing and validating all of them, which grows with the
years of sessions and would be felt at every start; hashing the same bytes is far cheaper. So
after a full check, and when a writer that saved closes (every document it wrote was checked),
the digest of the file's bytes is kept in a stamp in the user's cache folder (0600), named
for the data file: not beside it, where a sync tool would copy this computer's knowledge to
another. If the file still has
exactly those bytes, nothing has changed since it was checked. Any other change — a
hand edit, a restore, a newer rehab whose models differ — gives another digest or version, and
the full check runs. The sidecar is only a cache: if it is lost, stale or damaged, the full
check runs, so it is written without fsync.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from store.atomic import ensure_private_dir, write_cache
from store.layout import identity

# SHA-1 is plenty: this guards against accidents, not an attacker (who could edit the data file).
_HASH = "sha1"


def digest(data: bytes) -> str:
    """The digest that names these bytes in the `.checked` stamp."""
    return hashlib.new(_HASH, data).hexdigest()


def sidecar(path: Path) -> Path:
    """Where the `.checked` stamp of a data file lives: the cache folder, under the file's name
    and a digest of its full path (`~/.cache/rehab-planner/checked/rehab.json-1a2b….checked`)."""
    from planner.folders import user_folder

    named = hashlib.sha256(os.fsencode(path.absolute())).hexdigest()[:16]
    folder = user_folder("cache") / "checked"
    return folder / f"{path.name}-{named}.checked"


def _stamp(file_digest: str, app_version: str) -> dict[str, str]:
    return {"digest": file_digest, "app_version": app_version, "hash": _HASH}


def _read_stamp(path: Path) -> dict[str, object]:
    try:
        stamp = json.loads(sidecar(path).read_text())
    except (OSError, ValueError, RecursionError):
        return {}  # lost, a directory, not JSON or nested too deep: the full check runs
    return stamp if isinstance(stamp, dict) else {}


def was_checked(path: Path, file_digest: str | None, app_version: str) -> bool:
    """True when these exact bytes were fully checked by this version of rehab."""
    if file_digest is None:
        return False
    stamp = _read_stamp(path)
    stamp.pop("file", None)
    return stamp == _stamp(file_digest, app_version)


def checked_digest(path: Path, status: os.stat_result, app_version: str) -> str | None:
    """The digest of the file checked before, if the file (`status`, from `os.fstat`) is the very
    file it was taken of, untouched since; None when it must be hashed to know."""
    stamp = _read_stamp(path)
    digest = stamp.get("digest")
    if not isinstance(digest, str) or stamp.pop("file", None) != identity(status):
        return None
    return digest if stamp == _stamp(digest, app_version) else None


def remember(
    path: Path, file_digest: str | None, app_version: str, status: os.stat_result | None
) -> None:
    """Note that these bytes are fully checked. Failing to note it only costs a later check.

    `status` is the `fstat` of the descriptor the bytes were read or written through, taken
    before they were read: the stamp names that file, never whatever is at `path` now, which a
    sync tool or an editor may have swapped in meanwhile. Without it the stamp
    names no file, so the next open hashes the bytes before it takes them as checked.
    """
    target = sidecar(path)
    if file_digest is None:
        target.unlink(missing_ok=True)
        return
    stamp: dict[str, object] = dict(_stamp(file_digest, app_version))
    if status is not None:
        stamp["file"] = identity(status)
    try:
        ensure_private_dir(target.parent)
    except OSError:
        return  # no cache folder: the next open checks in full
    write_cache(target, json.dumps(stamp).encode())
