"""First paint in a real terminal: spawn the program in a pseudo-terminal of 100×30, as a
person's terminal runs it, and time from the spawn until its first screen's words arrive.

The headless start-up (tests/bench/child.py) leaves out what a terminal costs: the driver,
writing the first frame, and the terminal's size and capabilities. This measures all of it.
`closed_terminal` also plays a person who saves a check-in and then closes the terminal.
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


class Terminal:
    """A program running in a pty of COLUMNS×LINES, and what it has written so far."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: str) -> None:
        self.argv = argv
        self.began = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: a terminal of COLUMNS×LINES, then the program
            os.chdir(cwd)
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
            os.execvpe(argv[0], argv, {**env, "TERM": "xterm-256color"})
        self.seen = b""
        self.cpu = 0.0

    def wait_for(self, marker: bytes, timeout: float = 60) -> float:
        """Seconds from the spawn until `marker` appears in what the program writes (only what
        arrives from now on is searched)."""
        start = len(self.seen)
        while True:
            left = timeout - (time.perf_counter() - self.began)
            if left <= 0:
                raise TimeoutError(f"{self.argv}: {marker!r} not shown in {timeout} s")
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # the program ended
                raise RuntimeError(
                    f"{self.argv} ended before {marker!r}: {self.seen[-500:]!r}"
                ) from None
            if not chunk:
                raise RuntimeError(f"{self.argv} ended before {marker!r}")
            self.seen += chunk
            if marker in self.seen[max(0, start - len(marker)) :]:
                return time.perf_counter() - self.began

    def type(self, text: str, pause: float = 0.05) -> None:
        for char in text:
            os.write(self.fd, char.encode())
            time.sleep(pause)

    def end(self, sig: int = signal.SIGKILL, timeout: float = 30) -> int:
        """Send `sig`, wait for the program to end; its exit status. Keeps its CPU seconds."""
        os.kill(self.pid, sig)
        deadline = time.perf_counter() + timeout
        try:
            while True:
                pid, status, usage = os.wait4(self.pid, os.WNOHANG)
                if pid:
                    self.cpu = usage.ru_utime + usage.ru_stime
                    return status
                if time.perf_counter() > deadline:
                    os.kill(self.pid, signal.SIGKILL)
                    _, status, usage = os.wait4(self.pid, 0)
                    self.cpu = usage.ru_utime + usage.ru_stime
                    return status
                try:  # keep reading: a program blocked on a full pty would never end
                    if select.select([self.fd], [], [], 0.05)[0]:
                        self.seen += os.read(self.fd, 65536)
                except OSError:
                    time.sleep(0.05)
        finally:
            os.close(self.fd)


def first_paint(
    argv: list[str], marker: bytes, env: dict[str, str], cwd: str, timeout: float = 30
) -> tuple[float, float]:
    """Seconds from spawning `argv` in a pty until `marker` appears in what it writes, and the
    CPU seconds it had used when it was stopped right after."""
    terminal = Terminal(argv, env, cwd)
    try:
        seconds = terminal.wait_for(marker, timeout)
    finally:
        terminal.end()
    return seconds, terminal.cpu


def closed_terminal(argv: list[str], env: dict[str, str], cwd: str) -> int:
    """Start rehab, save a check-in (back 4, leg 2, reaching the buttock, a note) and close the
    terminal as a person does: SIGHUP, with the save still in the journal. Its exit status."""
    terminal = Terminal(argv, env, cwd)
    terminal.wait_for(b"Stage ")
    time.sleep(0.3)
    terminal.type("c")
    terminal.wait_for(b"How is your back")
    time.sleep(0.2)
    terminal.type("4\t2\t1\tclosed the terminal\r")
    terminal.wait_for(b"Check-in saved")
    return terminal.end(signal.SIGHUP)
