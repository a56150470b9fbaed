"""First paint in a real terminal: spawn the program in a pseudo-terminal of 100×30, as a
person's terminal runs it, and time from the spawn until its first screen's words arrive.

The headless start-up (tests/bench/child.py) leaves out what a terminal costs: the driver,
writing the first frame, and the terminal's size and capabilities. This measures all of it.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time

COLUMNS, LINES = 100, 30


def first_paint(
    argv: list[str], marker: bytes, env: dict[str, str], cwd: str, timeout: float = 30
) -> float:
    """Seconds from spawning `argv` in a pty until `marker` appears in what it writes."""
    began = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of COLUMNS×LINES, then the program
        os.chdir(cwd)
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        os.execvpe(argv[0], argv, {**env, "TERM": "xterm-256color"})
    seen = b""
    try:
        while True:
            left = timeout - (time.perf_counter() - began)
            if left <= 0:
                raise TimeoutError(f"{argv}: {marker!r} not shown in {timeout} s")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the program ended
                raise RuntimeError(f"{argv} ended before {marker!r}: {seen[-500:]!r}") from None
            if not chunk:
                raise RuntimeError(f"{argv} ended before {marker!r}")
            seen += chunk
            if marker in seen:
                return time.perf_counter() - began
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
