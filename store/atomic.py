"""Crash-safe file replacement: the only code in `store/` that writes bytes to disk.

A write goes to a private temp file in the same directory, is fsynced, renamed over the target
with `os.replace`, and the directory is fsynced so the rename itself survives a power cut. If any
step fails the target is left as it was and the error reaches the caller.

Each I/O step is a module-level function (`_write_all`, `_fsync`, `_replace`, `_fsync_dir`) so
tests can make exactly one of them fail.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def temp_prefix(target: Path) -> str:
    """Every temp file for `target` starts with this, so stray ones can be found and removed."""
    return f".{target.name}.tmp-"


def ensure_private_dir(directory: Path) -> None:
    """Create `directory` and any missing parents (`~/.local/share` on a new account), each
    made 0700 whatever the umask, and each durably: its parent is fsynced, so a file
    acknowledged inside (the first backup in a new `backups/`) cannot vanish with its folder
    after a power cut.

    An existing directory is left as the user set it up (they may keep the file in ~/Documents).
    """
    if directory.is_dir():
        return
    missing = []
    while not os.path.lexists(directory):
        missing.append(directory)
        directory = directory.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:  # made meanwhile by another rehab, which makes it durable
            if not folder.is_dir():
                raise
            continue
        # mkdir's mode is filtered by the umask; say it again so it holds whatever the umask.
        os.chmod(folder, DIR_MODE)
        _fsync_dir(folder.parent)


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write_atomic(target: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace `target` with `data` (bytes, or bytes in pieces) atomically and durably; the
    file ends up 0600.

    Either this returns and the new bytes are on disk, or it raises and `target` is unchanged.
    """
    _write_atomic(target, data, None)


def write_out(target: Path, data: Iterable[bytes]) -> None:
    """Write an export: atomically as a 0600 file (`write_atomic`), or, when `target` is not a
    regular file (/dev/null, a named pipe, /dev/stdout), into it as it is: renaming a file
    over it would replace it (as root, /dev/null itself)."""
    try:
        regular = stat.S_ISREG(os.stat(target).st_mode)
    except FileNotFoundError:
        regular = True
    if regular:
        write_atomic(target, data)
        return
    with open(target, "wb") as stream:
        for piece in data:
            stream.write(piece)


def write_atomic_kept_open(
    target: Path, data: bytes | Iterable[bytes]
) -> tuple[int, os.stat_result | None]:
    """`write_atomic`, returning a read-only descriptor of the very file written (opened before
    the rename, so a file swapped in at `target` afterwards cannot take its place) and its
    status — or None for the status when the file was changed after it was written (its size or
    modification time moved), so nobody may take it for the bytes written. The caller closes
    the descriptor."""
    kept: list[int] = []
    written = _write_atomic(target, data, kept)
    fd = kept[0]
    status = os.fstat(fd)
    same = written is not None and (status.st_ino, status.st_size, status.st_mtime_ns) == (
        written.st_ino,
        written.st_size,
        written.st_mtime_ns,
    )
    return fd, status if same else None


def _write_atomic(
    target: Path, data: bytes | Iterable[bytes], kept: list[int] | None
) -> os.stat_result | None:
    directory = target.parent
    fd, temp = _open_temp(target)
    written: os.stat_result | None = None
    try:
        try:
            for piece in [data] if isinstance(data, bytes) else data:
                _write_all(fd, piece)
            _fsync(fd)
            written = os.fstat(fd)
        finally:
            os.close(fd)
        if kept is not None:
            kept.append(os.open(temp, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)))
        existed, previous = _keep_previous(target)
        try:
            _replace(temp, target)
            try:
                _fsync_dir(directory)
            except BaseException:
                # The rename happened but is not known to be durable: put the old file back, so
                # a failed write never leaves the caller unsure which version is on disk.
                with contextlib.suppress(OSError):
                    if previous is not None:
                        os.replace(previous, target)
                    elif not existed:
                        os.unlink(target)
                raise
        finally:
            if previous is not None:
                # Not fsynced, on purpose: should a power cut bring this name back, it names the
                # file replaced, not the new one (so it is no second name of the data file), and
                # the next writer removes it durably (`remove_stray_temps`). An fsync here would
                # cost every save a third one.
                with contextlib.suppress(OSError):
                    os.unlink(previous)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if kept:
            os.close(kept.pop())
        raise
    return written


def remove_stray_temps(folder: Path, is_stray: Callable[[str], bool]) -> list[Path]:
    """Delete the temp files a crashed writer left in `folder` (the names `is_stray` picks:
    `temps_of` for one file's), durably (the directory is fsynced when one went: a `-previous`
    link that came back after a power cut would give the file a second name again); call only
    while holding the lock."""
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return removed
    for name in names:
        if is_stray(name):
            stray = folder / name
            with contextlib.suppress(FileNotFoundError):
                stray.unlink()
                removed.append(stray)
    if removed:
        _fsync_dir(folder)
    return removed


def temps_of(target: Path) -> Callable[[str], bool]:
    """Picks the temp files of `target` among the names beside it (`remove_stray_temps`)."""
    prefix = temp_prefix(target)
    return lambda name: name.startswith(prefix)


def stray_links(target: Path) -> int:
    """How many temp files a crashed writer left beside `target` are other names of `target`
    itself: a save killed between keeping the previous file (`_keep_previous`'s link) and the
    rename leaves one, and `target` then has two names until it is removed."""
    try:
        status = os.stat(target)
        names = os.listdir(target.parent)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    prefix, found = temp_prefix(target), 0
    for name in names:
        if name.startswith(prefix):
            try:
                other = os.stat(target.parent / name)
            except FileNotFoundError:
                continue
            found += (other.st_dev, other.st_ino) == (status.st_dev, status.st_ino)
    return found


# ---------------------------------------------------------------------------------------------
# The steps, one function each so a test can fail any one of them.


def _open_temp(target: Path) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        temp = target.parent / f"{temp_prefix(target)}{os.urandom(6).hex()}"
        try:
            fd = os.open(temp, flags, FILE_MODE)
        except FileExistsError:
            continue
        try:
            # os.open's mode is filtered by the umask; make it exactly 0600 either way.
            os.fchmod(fd, FILE_MODE)
        except BaseException:
            os.close(fd)
            os.unlink(temp)
            raise
        return fd, temp


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync(fd: int) -> None:
    os.fsync(fd)


def _replace(source: Path, target: Path) -> None:
    os.replace(source, target)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as error:
        # A few filesystems cannot fsync a directory at all; that is not a failed write.
        if error.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


def _keep_previous(target: Path) -> tuple[bool, Path | None]:
    """Hard-link the current file aside so a failed directory fsync can be undone.

    Returns whether the target existed, and the link (None if it did not exist, or if this
    filesystem has no hard links: the rename is still atomic, only that undo is lost).
    """
    keep = target.parent / f"{temp_prefix(target)}{os.urandom(6).hex()}-previous"
    try:
        os.link(target, keep)
    except FileNotFoundError:
        return False, None
    except OSError:
        return True, None
    return True, keep


def write_cache(target: Path, data: bytes) -> None:
    """Replace a cache file (0600) without fsync; a failure is ignored, as losing a cache only
    costs the work it saved."""
    temp = target.with_name(f"{temp_prefix(target)}{os.getpid()}")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()


def fsync_dir(directory: Path) -> None:
    """Make what was created, renamed or removed in `directory` durable."""
    _fsync_dir(directory)


def remove_durably(path: Path) -> None:
    """Delete `path` and make the deletion durable (fsync its directory)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    _fsync_dir(path.parent)
