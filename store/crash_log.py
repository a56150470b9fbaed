"""The private log of errors nothing else caught: beside the data file, readable by its owner
only (0600), kept short. What the screen says instead of a traceback points here."""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path

from store.atomic import ensure_private_dir

#: The log beside the data file.
NAME = "rehab-errors.log"
#: Past this size, the oldest half is dropped before the next entry.
MAX_BYTES = 256 * 1024


def log_path(data_path: Path) -> Path:
    return data_path.parent / NAME


def keep_error(data_path: Path, error: BaseException, now: datetime) -> Path:
    """Append `error`'s traceback (its frames and lines, never its local variables) to the log
    beside `data_path`; returns the log's path."""
    path = log_path(data_path)
    ensure_private_dir(path.parent)
    text = "".join(traceback.format_exception(error))
    entry = f"--- {now.isoformat(timespec='seconds')}\n{text}\n".encode(errors="replace")
    try:
        old = path.read_bytes()
    except FileNotFoundError:
        old = b""
    if len(old) + len(entry) > MAX_BYTES:
        old = old[len(old) // 2 :]
        old = old[old.find(b"\n--- ") + 1 :] if b"\n--- " in old else b""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older log made with looser rights is made private too
    with os.fdopen(fd, "wb") as log:
        log.write(old + entry)
    return path
