"""One writer at a time: an exclusive, non-blocking `flock` on `rehab.json.lock`.

The lock belongs to an open file description, so a second open in the same process is refused
just like one from another process. The kernel drops it when the holder dies, even by kill -9,
so a stale lock file is harmless and is never deleted (deleting it would race a new writer).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType

from store.atomic import FILE_MODE
from store.errors import FileLockedError
from store.paths import lock_path


class WriterLock:
    """Held for the life of the writer; `release()` (or leaving the `with`) lets the next one in."""

    def __init__(self, data_path: Path, fd: int) -> None:
        self.data_path = data_path
        self.path = lock_path(data_path)
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, data_path: Path) -> WriterLock:
        """Take the lock or raise `FileLockedError` naming the holder's pid. Never blocks."""
        path = lock_path(data_path)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _read_pid(fd)
            os.close(fd)
            raise FileLockedError(data_path, pid) from None
        except BaseException:
            os.close(fd)
            raise
        # Say who holds it, for the message the next writer will see.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        return cls(data_path, fd)

    @property
    def held(self) -> bool:
        """Whether the lock is still held (False once released)."""
        return self._fd is not None

    def release(self) -> None:
        """Let go of the lock; safe to call twice."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None
