"""The installed `rehab` in a real terminal (tmux): first run and one session by keystrokes.

Nothing is installed here: the console script of the test environment is used as is.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REHAB = Path(sys.executable).with_name("rehab")
#: A tmux server of each test's own (this worker's process id and a count): one test's server,
#: killed at its end, could still be going away under load when the next test on the same
#: socket asked for a new session, and that request failed.
SOCKETS = itertools.count()
EXIT_MARK = "REHAB-EXIT:"


class Terminal:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.socket = f"rehab-e2e-{os.getpid()}-{next(SOCKETS)}"

    def tmux(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return out.stdout

    def start(self, command: str) -> None:
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "app", "-x", "100", "-y", "30")
        self.tmux("set-option", "-t", "app", "remain-on-exit", "on")
        # The shell prints rehab's exit code: under load tmux can be slow to reap a finished
        # process, so its own #{pane_dead_status} may stay empty for a long time.
        self.tmux("respawn-pane", "-k", "-t", "app", f"sh -c '{command}; echo {EXIT_MARK}$?'")

    def restart(self, command: str) -> None:
        """Run `command` again in the same pane, once the last run has ended (its exit line
        and scrollback are cleared, so exit_status reads the new run's)."""
        self.tmux("clear-history", "-t", "app")
        self.tmux(
            "respawn-pane", "-k", "-t", "app", f"sh -c 'clear; {command}; echo {EXIT_MARK}$?'"
        )
        self.tmux("clear-history", "-t", "app")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-t", "app", "-p")

    def wait_for(self, marker: str | re.Pattern[str], timeout: float = 20.0) -> str:
        """The screen once it shows `marker` (a text, or a pattern it matches)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen()
            if marker.search(text) if isinstance(marker, re.Pattern) else marker in text:
                return text
            time.sleep(0.1)
        history = self.tmux("capture-pane", "-t", "app", "-p", "-S", "-")
        raise AssertionError(f"{marker!r} never appeared. Screen:\n{history}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "app", key)
            time.sleep(0.15)  # Textual's ESCDELAY: keys too close together merge

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "app", "-l", text)
        time.sleep(0.15)

    def exit_status(self, timeout: float = 60.0) -> str:
        """Wait for rehab to end and give its exit code, as the pane's shell printed it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            history = self.tmux("capture-pane", "-t", "app", "-p", "-S", "-")
            if EXIT_MARK in history:
                return history.split(EXIT_MARK)[1].split()[0]
            time.sleep(0.1)
        raise AssertionError(
            "rehab did not exit:\n" + self.tmux("capture-pane", "-t", "app", "-p", "-S", "-")
        )

    def stop(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        # The server leaves its socket in tmux's folder: without this, one file a test, every run.
        folder = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (folder / self.socket).unlink(missing_ok=True)


@pytest.fixture
def terminal(tmp_path):
    assert shutil.which("tmux"), "the end-to-end tests drive rehab inside tmux: install tmux"
    assert REHAB.exists(), f"no console script at {REHAB}: run make test"
    term = Terminal(tmp_path)
    yield term
    term.stop()


def env_prefix(tmp: Path) -> str:
    return (
        f"env TERM=xterm-256color HOME={tmp} XDG_DATA_HOME={tmp / 'xdg'} "
        f"XDG_CONFIG_HOME={tmp / 'xdg-config'} TEXTUAL_ANIMATIONS=none"
    )


def _demo(tmp_path: Path) -> Path:
    data = tmp_path / "demo" / "rehab.json"
    made = subprocess.run(
        [str(REHAB), "demo", "--no-launch", "--days", "3", "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    return data


def test_first_run_and_one_session_by_keystrokes(terminal, tmp_path):
    data = tmp_path / "data" / "rehab.json"
    terminal.start(f"{env_prefix(tmp_path)} {REHAB} --data {data}")
    terminal.wait_for("Welcome to rehab")
    terminal.keys("Enter")  # I understand
    terminal.wait_for("warning signs")
    terminal.keys("C-n")  # nothing answered yet: refused, nothing pre-selected
    terminal.wait_for("17 still have no")
    terminal.keys(*["n"] * 17)  # each answered no, one by one
    terminal.keys("C-n")
    terminal.wait_for("What have you been told")
    terminal.keys("Down", "Down", "space", "Tab")  # sciatica
    terminal.type("40")
    terminal.keys("Enter")  # the three questions a physiotherapist asks are not answered yet
    terminal.wait_for("3 still have no")
    terminal.keys("n", "n", "n", "C-n")
    terminal.wait_for("How bad is your back pain")
    terminal.type("3")
    terminal.keys("Tab")  # sciatica: the leg is rated apart, and how far down it reaches
    terminal.type("4")  # the worse of the two places: 4 → stage 2
    terminal.keys("Tab")
    terminal.type("2")
    terminal.keys("Enter")
    terminal.wait_for("What do you have at home")
    terminal.keys("C-n")
    terminal.wait_for("Recommended: stage 2")
    terminal.keys("C-n")
    screen = terminal.wait_for("Start morning session")
    assert "Stage 2 of 4" in screen

    # A second rehab on the same file while this one runs is refused with a clear line.
    second = subprocess.run(
        [str(REHAB), "--data", str(data)],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(tmp_path)},
        timeout=30,
    )
    assert second.returncode == 1
    assert "open in another rehab window" in second.stderr
    assert "Traceback" not in second.stderr

    # A session: leg pain 6 to the thigh before, 3 only to the buttock after (centralising).
    rate_and_start(terminal, "3", "6", "2")
    terminal.wait_for("The planned session anyway")  # leg 6 is above 5: lighter first
    terminal.keys("p")
    screen = terminal.wait_for("exercise 1 of")
    total = int(screen.split("exercise 1 of ")[1].split()[0])
    for _ in range(total):
        terminal.keys("n")
    terminal.wait_for("Back pain, 0–10:")
    terminal.type("2")
    terminal.keys("Tab")
    terminal.type("3")
    terminal.keys("Tab")
    terminal.type("1")
    # ctrl+s is a priority key, handled as it reaches the app, possibly before the input has
    # taken the "1": like a person, see the number in the box before saving.
    terminal.wait_for("Down the leg:     1")
    terminal.keys("C-s")  # the two warning-sign questions are not answered yet: refused
    terminal.wait_for("Please answer every")
    terminal.keys("n", "n")
    terminal.keys("C-s")
    terminal.wait_for("a good sign")  # said as the session is saved
    terminal.wait_for("Morning  nothing done")  # every exercise moved past with n

    # The next session: the symptoms spread below the knee during the first exercise.
    rate_and_start(terminal, "2", "3", "1")
    terminal.wait_for("exercise 1 of")
    terminal.keys("space", "h")
    terminal.wait_for("How much does it hurt now")
    terminal.type("3")
    terminal.keys("Tab")
    terminal.type("5")
    terminal.keys("Tab")
    terminal.type("3")
    terminal.keys("Enter")
    terminal.wait_for("Your leg symptoms spread")
    terminal.wait_for("exercise 2 of")
    terminal.keys("q")
    terminal.wait_for("Stop the session here")
    terminal.keys("y")
    terminal.wait_for("Back pain, 0–10:")
    terminal.keys("C-q")  # the end form unanswered: kept as it stands, asked next time
    assert terminal.exit_status() == "0"

    # Back on Today: a walk. w first asks how long they walk comfortably (20: the programme
    # starts at 16 min), then logs one: 12 minutes, back 2 and leg 3 after.
    terminal.restart(f"{env_prefix(tmp_path)} {REHAB} --data {data}")
    terminal.wait_for("say how long you walk comfortably")
    terminal.keys("w")
    terminal.wait_for("how long can you walk comfortably now")
    terminal.type("20")
    terminal.wait_for("│  20 ")
    terminal.keys("Enter")
    terminal.wait_for("Walk 0 of 16 min today")
    terminal.keys("w")
    terminal.wait_for("Minutes walked:")
    terminal.type("12")
    terminal.keys("Tab")
    terminal.type("2")
    terminal.keys("Tab")
    terminal.type("3")
    terminal.wait_for("│  3 ")
    terminal.keys("Tab")  # how far down the leg now: walks are symptoms too
    terminal.type("1")
    terminal.wait_for("│  1 ")
    terminal.keys("Enter")
    terminal.wait_for("Walk 12 of 16 min today")
    terminal.keys("C-q")
    assert terminal.exit_status() == "0"

    stored = json.loads(data.read_text())
    [walk] = stored["walks"].values()
    assert (walk["minutes"], walk["pain_after"], walk["leg_after"]) == (12, 2, 3)
    first, second = sorted(stored["sessions"].values(), key=lambda s: s["started_at"])
    assert (first["pain_before"], first["leg_before"], first["reach_before"]) == (3, 6, "thigh")
    assert (first["pain_after"], first["leg_after"], first["reach_after"]) == (2, 3, "buttock")
    assert len(first["entries"]) == total
    spread = second["entries"][0]
    assert spread["stopped_hurt"] and spread["spread_down"] and spread["pain_when_stopped"] == 5
    [profile] = stored["profile"].values()
    assert profile["conditions"] == ["sciatica"] and profile["episode_start"]
    assert profile["leg_symptoms"] is True
    assert oct(data.stat().st_mode & 0o777) == "0o600"


def rate_and_start(terminal: Terminal, back: str, leg: str, reach: str) -> None:
    """s, then the pain before the session: back, leg and how far down the leg."""
    terminal.keys("s")
    terminal.wait_for("before you start")
    terminal.type(back)
    terminal.keys("Tab")
    terminal.type(leg)
    terminal.keys("Tab")
    terminal.type(reach)
    terminal.wait_for(f"│  {reach} ")  # seen in its box before Enter (keys can overtake typing)
    terminal.keys("Enter")


def test_an_emergency_screening_arriving_by_import_keeps_sessions_stopped(terminal, tmp_path):
    """Issue 12: an export whose newest screening is an emergency, imported into a file whose
    plan is active. The player must not open; Today, status and the calendar say why."""
    tables = json.loads(_demo(tmp_path / "made").read_text())
    [answers] = [s["answers"] for s in list(tables["screenings"].values())[-1:]]
    moment = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 3600))
    tables["screenings"]["emergency"] = {
        "id": "emergency",
        "at": moment,
        "context": "re-screen",
        "result": "emergency",
        "answers": {**{key: False for key in answers}, "bladder-bowel": True, "one-leg": False},
    }
    sent = tmp_path / "from-elsewhere.json"
    sent.write_text(json.dumps(tables))
    data = tmp_path / "data" / "rehab.json"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg")}

    def rehab(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(REHAB), *argv, "--data", str(data)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    imported = rehab("import", str(sent))
    assert imported.returncode == 0, imported.stderr
    assert "Sessions are stopped" in imported.stdout
    status = rehab("status")
    assert status.returncode == 0 and "GET MEDICAL HELP TODAY" in status.stdout
    calendar = rehab("export", "--format", "ics")
    assert calendar.returncode == 1 and "stopped" in calendar.stderr
    assert json.loads(data.read_text())["plans"]  # an active plan, as the export carried
    sessions_before = len(json.loads(data.read_text())["sessions"])

    terminal.start(f"{env_prefix(tmp_path)} {REHAB} --data {data}")
    screen = terminal.wait_for("No session now")
    assert "Start morning session" not in screen and "Start evening session" not in screen
    terminal.keys("s")
    screen = terminal.wait_for("GET MEDICAL HELP TODAY")
    assert "before you start" not in screen  # the player's first question never came
    terminal.keys("Escape")
    terminal.wait_for("No session now")
    terminal.keys("C-q")
    assert terminal.exit_status() == "0"
    assert len(json.loads(data.read_text())["sessions"]) == sessions_before


def _today_sessions(data: Path) -> list[dict]:
    today = time.strftime("%Y-%m-%d")
    return [
        s
        for s in json.loads(data.read_text())["sessions"].values()
        if s["started_at"].startswith(today)
    ]


def _lock_held(lock: Path) -> bool:
    """Whether a rehab still holds the writer's lock on this data file."""
    if not lock.exists():
        return False
    with open(lock, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def _into_a_session(terminal: Terminal, tmp_path: Path, data: Path) -> int:
    """Open rehab on `data`, start the next session with back pain 3 (the demo person has
    sciatica: leg pain 1, to the buttock); the number of exercises."""
    terminal.start(f"{env_prefix(tmp_path)} {REHAB} --data {data}")
    terminal.wait_for("Next: morning session")
    rate_and_start(terminal, "3", "1", "1")
    screen = terminal.wait_for("exercise 1 of")
    return int(screen.split("exercise 1 of ")[1].split()[0])


def _to_the_end_note(terminal: Terminal, tmp_path: Path, data: Path) -> None:
    """A session run through (each exercise done), the pain after rated, both warning signs
    answered no, and the focus in the end form's note."""
    total = _into_a_session(terminal, tmp_path, data)
    terminal.keys(*["n"] * total)
    terminal.wait_for("Back pain, 0–10:")
    terminal.type("2")
    terminal.keys("Tab")
    terminal.type("1")  # leg pain
    terminal.keys("Tab")
    terminal.type("1")  # to the buttock
    terminal.wait_for("Down the leg:     1")
    terminal.keys("Tab", "n", "n", "Tab", "Tab")  # the two warning signs, then the note


def test_a_note_typed_then_saved_at_once_is_kept_whole(terminal, tmp_path):
    """Issue 13: keys and ctrl+s sent in one burst saved a cut note, and the zero-width
    joiner was dropped from typed emoji."""
    data = _demo(tmp_path)
    _to_the_end_note(terminal, tmp_path, data)
    note = "+2 reps felt ok \U0001f9d8\u200d\u2640\ufe0f"
    # One burst: the text, then ctrl+s straight after, as a fast typist sends them.
    terminal.tmux("send-keys", "-t", "app", "-l", note, ";", "send-keys", "-t", "app", "C-s")
    terminal.wait_for("Morning  ")
    terminal.keys("C-q")
    assert terminal.exit_status() == "0"
    [saved] = [s for s in _today_sessions(data) if s["note"]]
    assert saved["note"] == note


def _leg_at_the_buttock_and_save(terminal: Terminal) -> None:
    """The rest of a check-in after the back's pain: the demo person has sciatica."""
    terminal.keys("Tab")
    terminal.type("1")  # leg pain
    terminal.keys("Tab")
    terminal.type("1")  # to the buttock
    terminal.keys("C-s")
    terminal.wait_for("Check-in saved")


def _latest_checkin(data: Path) -> tuple[int, int, str]:
    """The newest check-in in the file: back pain, leg pain, reach."""
    latest = max(json.loads(data.read_text())["checkins"].values(), key=lambda c: c["at"])
    return latest["pain"], latest["leg_pain"], latest["reach"]


def test_a_pain_corrected_in_one_burst_is_saved_as_typed(terminal, tmp_path):
    """A check-in's pain typed 12, then backspace, backspace and 4 as one read from the
    terminal (typed fast), was saved as 1: Textual ran each backspace after the 4 was in."""
    data = _demo(tmp_path)
    terminal.start(f"{env_prefix(tmp_path)} {REHAB} --data {data}")
    terminal.wait_for("Next: morning session")
    terminal.keys("c")
    terminal.wait_for("How is your back right now?")
    terminal.type("12")
    terminal.tmux("send-keys", "-t", "app", "BSpace", "BSpace", "4")  # one write: one read
    _leg_at_the_buttock_and_save(terminal)
    terminal.keys("C-q")
    assert terminal.exit_status() == "0"
    assert _latest_checkin(data) == (4, 1, "buttock")


def test_keys_typed_as_a_dialog_opens_wait_for_it(terminal, tmp_path):
    """`c` then 4 in one read from the terminal lost the 4 (the check-in form had not the
    focus yet); `s` then 3 switched to Plan (its key) and opened the pain dialog over it,
    empty. Both now land in the dialog's first field, and the place stays Today."""
    data = _demo(tmp_path)
    terminal.start(f"{env_prefix(tmp_path)} {REHAB} --data {data}")
    terminal.wait_for("Next: morning session")
    terminal.tmux("send-keys", "-t", "app", "c", "4")  # one write: one read
    terminal.wait_for("How is your back right now?")
    _leg_at_the_buttock_and_save(terminal)
    terminal.tmux("send-keys", "-t", "app", "s", "3")
    terminal.wait_for("Pain right now, before you start?")
    # The 3 is typed into the field once it has the focus, a moment after the dialog is drawn.
    terminal.wait_for(re.compile(r"Back pain, 0 \(none\) to 10 \(worst\):\s*│\s*│  3 "))
    terminal.keys("Escape")
    terminal.wait_for("Throw away what you typed?")
    terminal.type("y")
    assert "▸1 Today" in terminal.wait_for("Next: morning session")
    terminal.keys("C-q")
    assert terminal.exit_status() == "0"
    assert _latest_checkin(data) == (4, 1, "buttock")


def test_a_pasted_note_with_an_escape_sequence_is_kept_whole_and_in_order(terminal, tmp_path):
    """A bracketed paste holding ESC ] 52 (an OSC that writes the clipboard) came in
    as keys typed after the ESC, then the paste's start: saved scrambled, and the raw ESC
    drawn in the field left stale lines on the screen."""
    data = _demo(tmp_path)
    _to_the_end_note(terminal, tmp_path, data)
    note = "before \x1b]52;c;aGVsbG8=\x07 after"
    terminal.tmux("set-buffer", "-b", "note", note)
    terminal.tmux("paste-buffer", "-p", "-d", "-b", "note", "-t", "app")  # -p: bracketed
    screen = terminal.wait_for("before ␛]52;c;aGVsbG8=␇ after")
    assert "Save session (ctrl+s)" in screen  # drawn whole: nothing swallowed by an OSC
    terminal.keys("C-s")
    terminal.wait_for("Morning  ")
    terminal.keys("C-q")
    assert terminal.exit_status() == "0"
    [saved] = [s for s in _today_sessions(data) if s["note"]]
    assert saved["note"] == note


def test_ctrl_q_in_a_session_keeps_it(terminal, tmp_path):
    data = _demo(tmp_path)
    before = len(_today_sessions(data))
    _into_a_session(terminal, tmp_path, data)
    terminal.keys("n")  # one exercise moved past, then the terminal is closed with ctrl+q
    terminal.wait_for("exercise 2 of")
    terminal.keys("C-q")
    assert terminal.exit_status() == "0"
    history = terminal.tmux("capture-pane", "-t", "app", "-p", "-S", "-")
    assert "session so far was kept" in history
    assert len(_today_sessions(data)) == before + 1


def test_demo_file_history_detail_and_moving_on(terminal, tmp_path):
    data = _demo(tmp_path)
    before = json.loads(data.read_text())
    stage = max(before["stage_events"].values(), key=lambda e: e["at"])["to_stage"]
    assert stage < 4

    terminal.start(f"{env_prefix(tmp_path)} {REHAB} --data {data}")
    terminal.wait_for(f"Stage {stage} of 4")
    terminal.keys("4")
    terminal.wait_for("f to change")
    terminal.keys("Enter")
    terminal.wait_for("Exercises")  # a session's full detail
    terminal.keys("Escape")
    time.sleep(0.2)
    terminal.wait_for("f to change")
    terminal.keys("2")
    screen = terminal.wait_for(f"Moving on to {stage + 1}")
    if "press a to move on" in screen:
        terminal.keys("a")
        terminal.wait_for("Move on")
        terminal.keys("y")
        kind = "advance"
    else:
        assert "✗" in screen  # the failing criterion is shown with its numbers
        terminal.keys("o")
        terminal.wait_for("Say why")
        terminal.type("physio agreed")
        terminal.keys("Enter")
        kind = "override"
    terminal.wait_for(f"▶ {stage + 1}")
    terminal.keys("C-q")
    assert terminal.exit_status() == "0"
    after = json.loads(data.read_text())
    newest = max(after["stage_events"].values(), key=lambda e: e["at"])
    assert newest["kind"] == kind and newest["to_stage"] == stage + 1
    if kind == "override":
        assert newest["reason"] == "physio agreed"


def test_rehab_demo_opens_the_interface_on_a_temporary_file(terminal, tmp_path):
    terminal.start(f"{env_prefix(tmp_path)} TMPDIR={tmp_path} {REHAB} demo --days 20")
    terminal.wait_for("Stage ")
    terminal.wait_for("1 Today")
    terminal.keys("C-q")
    history = terminal.wait_for("The demo file stays at")
    made = list(tmp_path.glob("rehab-demo-*/rehab.json"))
    assert len(made) == 1 and str(made[0]) in history.replace("\n", "")


def test_a_closed_terminal_mid_session_keeps_the_exercises_done(terminal, tmp_path):
    """Issue 13, item 1: the session is on disk after each exercise, so closing the terminal
    (SIGHUP, no ctrl+q, no end form) keeps it, and the next start offers to finish it."""
    data = _demo(tmp_path)
    _into_a_session(terminal, tmp_path, data)
    terminal.keys("n")  # one exercise moved past
    terminal.wait_for("exercise 2 of")
    terminal.tmux("kill-session", "-t", "app")  # the terminal window closed: SIGHUP
    deadline = time.monotonic() + 30
    lock = data.with_name(data.name + ".lock")
    while time.monotonic() < deadline and _lock_held(lock):
        time.sleep(0.1)
    assert not _lock_held(lock), "rehab outlived its terminal"
    terminal.start(f"{env_prefix(tmp_path)} {REHAB} --data {data}")
    terminal.wait_for("was cut off with")
    assert "f Finish it" in terminal.wait_for("x Close it")  # the footer offers both
    terminal.keys("f")
    terminal.wait_for("Back pain, 0–10:")  # the end form, back and leg apart
    terminal.keys("C-q")
    assert terminal.exit_status() == "0"
    [left] = [s for s in _today_sessions(data) if "ended_at" not in s]
    assert len(left["entries"]) > 1 and left["pain_before"] == 3


def test_a_terminal_closed_under_make_run_still_ends_rehab(terminal, tmp_path):
    """`make run` in a window that is closed: make is the terminal's first process and lives
    on, so rehab gets no SIGHUP; its terminal just stops being one. rehab must see that and
    end, not read nothing forever on a core with the file's lock held."""
    data = _demo(tmp_path)
    makefile = tmp_path / "Makefile"
    makefile.write_text(f"run:\n\t{env_prefix(tmp_path)} {REHAB} --data {data}\n")
    terminal.tmux("-f", "/dev/null", "new-session", "-d", "-s", "app", "-x", "100", "-y", "30")
    terminal.tmux("respawn-pane", "-k", "-t", "app", f"make -s -f {makefile} run")
    terminal.wait_for("Stage ")
    make = int(terminal.tmux("display-message", "-p", "-t", "app", "#{pane_pid}"))
    terminal.tmux("kill-session", "-t", "app")  # the window closed
    deadline = time.monotonic() + 30
    lock = data.with_name(data.name + ".lock")
    try:
        while time.monotonic() < deadline and _lock_held(lock):
            time.sleep(0.1)
        assert not _lock_held(lock), "rehab outlived its terminal"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(make, signal.SIGKILL)  # make and whatever it still runs: none left over


def test_keys_typed_ahead_and_enter_out_of_habit_never_answer_a_warning_sign(terminal, tmp_path):
    """One burst, as a fast typist sends it: Enter on the welcome screen and three answers
    meant for questions not yet shown. Then every question answered no, and Enter pressed out
    of habit on the last: nothing may read YES."""
    data = tmp_path / "data" / "rehab.json"
    terminal.start(f"{env_prefix(tmp_path)} {REHAB} --data {data}")
    terminal.wait_for("Welcome to rehab")
    terminal.tmux("send-keys", "-t", "app", "Enter", "y", "y", "n")  # one burst, no pause
    screen = terminal.wait_for("warning signs")
    time.sleep(0.5)
    screen = terminal.screen()
    assert "[YES]" not in screen and "[ no]" not in screen, screen
    terminal.keys(*["n"] * 17)
    terminal.keys("Enter", "space", "Enter")  # habit: on to Next, never turning an answer over
    screen = terminal.screen()
    assert "[YES]" not in screen, screen
    terminal.keys("Enter")  # Enter now presses Next
    terminal.wait_for("What have you been told")


def test_keys_typed_ahead_into_the_re_screen_answer_nothing(terminal, tmp_path):
    """r and three answers in one burst: the questions open with none answered."""
    data = _demo(tmp_path)
    terminal.start(f"{env_prefix(tmp_path)} {REHAB} --data {data}")
    terminal.wait_for("Start")
    terminal.tmux("send-keys", "-t", "app", "r", "y", "y", "n")
    terminal.wait_for("Safety check: warning signs")
    time.sleep(0.5)
    screen = terminal.screen()
    assert "[YES]" not in screen and "[ no]" not in screen, screen
    terminal.keys("y")  # typed once the questions are there: it answers
    assert "[YES]" in terminal.wait_for("[YES]")


def first_answers(terminal: Terminal, condition_downs: int, days: str, health: tuple[str, ...]):
    """The wizard up to the pain: every warning sign no, a condition, the episode, the three
    questions a physiotherapist asks."""
    terminal.wait_for("Welcome to rehab")
    terminal.keys("Enter")
    terminal.wait_for("warning signs")
    terminal.keys(*["n"] * 17, "C-n")
    terminal.wait_for("What have you been told")
    terminal.keys(*["Down"] * condition_downs, "space", "Tab")
    terminal.type(days)
    terminal.keys("Tab", "Tab", *health, "C-n")
    terminal.wait_for("How bad is your back pain")


def test_a_first_run_at_pain_9_offers_calm_only(terminal, tmp_path):
    data = tmp_path / "data" / "rehab.json"
    terminal.start(f"{env_prefix(tmp_path)} {REHAB} --data {data}")
    first_answers(terminal, 1, "3", ("n", "n", "n"))  # acute lumbago, three days in
    terminal.type("9")
    terminal.keys("C-n")
    terminal.wait_for("What do you have at home")
    terminal.keys("C-n")
    screen = terminal.wait_for("Recommended: stage 1")
    assert "only Calm is offered" in screen
    assert "2 · Mobilize" not in screen and "4 · Condition" not in screen


def test_a_pregnant_persons_plan_and_a_pain_of_8_before_a_session(terminal, tmp_path):
    """Pregnant, sciatica, three months in: the plan holds nothing lying on the front; a pain
    of 8 before a session advises a step back and offers the stage below's session or rest
    first."""
    data = tmp_path / "data" / "rehab.json"
    terminal.start(f"{env_prefix(tmp_path)} {REHAB} --data {data}")
    first_answers(terminal, 2, "90", ("y", "n", "n"))
    terminal.type("2")
    terminal.keys("Tab")
    terminal.type("3")
    terminal.keys("Tab")
    terminal.type("2")
    terminal.keys("Enter")
    terminal.wait_for("What do you have at home")
    terminal.keys("C-n")
    terminal.wait_for("Recommended: stage 2")
    terminal.keys("C-n")
    terminal.wait_for("Start morning session")
    terminal.keys("3")
    plan = terminal.wait_for("Your plan · stage 2")
    assert "lying on your front" not in plan.lower() and "Lying on your elbows" not in plan
    terminal.keys("1")
    terminal.wait_for("Start morning session")
    rate_and_start(terminal, "3", "8", "2")
    choice = " ".join(terminal.wait_for("The planned session anyway").split())
    assert "(7 or more) advises a step" in choice, choice
    assert "Stage 1's session instead (l)" in choice and "Rest today (r)" in choice, choice


def test_a_conflict_copy_beside_the_file_is_merged_with_m_on_today(terminal, tmp_path):
    """Two computers wrote the file between two syncs: the sync tool left the laptop's version
    beside it. Today says so; Enter out of habit merges nothing; m then y merges it, and the
    copy moves into backups/."""
    data = _demo(tmp_path)
    tables = json.loads(data.read_text())
    tables["checkins"]["from-the-laptop"] = {
        "id": "from-the-laptop",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 600)),
        "pain": 4,
        "note": "on the laptop",
    }
    copy = data.parent / "rehab.sync-conflict-20261206-081500-ABCDEFG.json"
    copy.write_text(json.dumps(tables))

    terminal.start(f"{env_prefix(tmp_path)} {REHAB} --data {data}")
    terminal.wait_for("A copy from another computer is beside your file")
    terminal.keys("m")
    terminal.wait_for("Not now")
    terminal.keys("Enter")  # the safe answer: nothing merged
    time.sleep(0.5)
    assert copy.exists()
    terminal.keys("m")
    terminal.wait_for("Not now")
    terminal.keys("y")
    terminal.wait_for("from it, 1 check-in")
    screen = terminal.wait_for("Today")
    assert "A copy from another computer" not in screen
    terminal.keys("C-q")
    assert terminal.exit_status() == "0"
    assert not copy.exists()
    assert list((data.parent / "backups").glob(f"merged-*{copy.name}"))
    assert "from-the-laptop" in json.loads(data.read_text())["checkins"]
