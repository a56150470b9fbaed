"""kill -9 at random moments never loses an acknowledged save nor leaves a file that will not open.

A child process (the venv's python running WORKER below) imports the store once, then for each
round forks a writer that opens the file and saves sessions as fast as it can, printing each id
after `save_session` returns. The test kills that writer with SIGKILL after a random delay (every
other round counted from its first acknowledged save, so there are always saves to lose) and then
checks the file. Forking keeps 100+ rounds inside a few seconds; each writer is still a separate
process killed by the kernel mid-whatever it was doing (often mid-write: each save rewrites
the whole file).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from store import Repository
from store import archive as archives

pytestmark = pytest.mark.slow  # a hundred writers killed

ROUNDS = 120

WORKER = textwrap.dedent(
    """
    import os, sys
    from datetime import datetime, timedelta
    from planner.codec import dump, validate
    from planner.models import Session
    from store import Repository
    import store.storage

    path = sys.argv[1]
    # Journal mode: every save after the first goes to the journal, folded in every few saves.
    if sys.argv[2] == "journal":
        store.storage.JOURNAL_FROM, store.storage.JOURNAL_MAX = 0, 12_000
    # Archive mode: each session is of a closed year, and each save is followed by the move of
    # closed years to their archives, so kills land in the archive's write and the file's.
    archive = sys.argv[2] == "archive"
    if archive:
        from seeds import load_catalog
        rules = load_catalog().rules
    # Merge mode: each session is saved in another computer's file, which is then merged in
    # (`rehab merge`): kills land in the merge's read, its backup and its write.
    merging = sys.argv[2] == "merge"
    if merging:
        from pathlib import Path
        from door.files import merge_file
        from seeds import load_catalog
        from store.storage import parse_tables
        catalog = load_catalog()
        other = Path(path).parent / "laptop" / "rehab.json"
    start = datetime(2026, 11, 20, 8, 0)
    # Saves validate with pydantic, loaded on first use: load it once, before the forks.
    validate(Session, dump(Session(plan_id="plan-1", stage=1, slot="morning",
                                   started_at=start, pain_before=3)))
    note = "Stiff this morning, easier after the tilts. " * 40  # ~2 KB: make writes take a while

    def say(line):
        os.write(1, (line + "\\n").encode())

    for line in sys.stdin:
        round_no = int(line)
        pid = os.fork()
        if pid == 0:
            try:
                repo = Repository.open(other if merging else path, clock=lambda: start)
                for i in range(10_000):
                    sid = f"r{round_no}-{i}"
                    at = start + timedelta(minutes=round_no * 1000 + i)
                    if archive:
                        at = at.replace(year=2020 + (round_no + i) % 5)
                    repo.save_session(Session(
                        id=sid, plan_id="plan-1", stage=1, slot="morning",
                        started_at=at, pain_before=3, note=note,
                    ))
                    if merging:
                        merged = merge_file(Path(path), parse_tables(other.read_bytes()), other,
                                            clock=lambda: start, catalog=catalog)
                        if not hasattr(merged, "value"):
                            raise AssertionError(merged.reason)
                    say(f"ack {sid}")
                    if archive:
                        repo.close_years(rules)
            except BaseException as error:
                say(f"error {error!r}")
            os._exit(0)
        say(f"pid {pid}")
        os.waitpid(pid, 0)
        say("dead")
    """
)


@pytest.mark.parametrize("mode", ["whole-file", "journal", "archive", "merge"])
def test_kill_9_never_loses_an_acknowledged_save(mode, data_path, clock, look):
    data_path.parent.mkdir()
    (data_path.parent / "laptop").mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(data_path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    # The kill delays come from this seed: printed (pytest shows it with a failure) and in
    # every assertion, so a failing run replays with REHAB_KILL9_SEED=<seed>.
    seed = int(os.environ.get("REHAB_KILL9_SEED") or int.from_bytes(os.urandom(4), "big"))
    print(f"kill -9 loop seed {seed} (replay: REHAB_KILL9_SEED={seed})")
    rng = random.Random(seed)
    acknowledged: set[str] = set()
    killed_mid_write = 0
    reached = {"archive half-written": 0, "move cut short": 0}
    started = time.monotonic()
    try:
        for round_no in range(ROUNDS):
            child.stdin.write(f"{round_no}\n")
            child.stdin.flush()
            pid = _read_until(child, "pid ", acknowledged)
            # Even rounds kill at a random moment after the fork, often while the writer is
            # still opening the file. Odd rounds first wait for the writer's first acknowledged
            # save, so every run has saves to lose however slow the machine (a bare random delay
            # left a loaded CI runner with fewer saves than kills), then kill mid-save.
            if round_no % 2:
                _read_until(child, "ack ", acknowledged)
            time.sleep(rng.uniform(0.0, 0.08))
            os.kill(int(pid), signal.SIGKILL)
            _read_until(child, "dead", acknowledged)
            killed_mid_write += bool(look.temp_files(data_path))
            if mode == "archive":
                # Which states a kill left: an archive half-written, a move cut short (the
                # record in an archive and still in the file).
                place = archives.folder(data_path)
                strays = place.exists() and any(".tmp-" in n for n in os.listdir(place))
                reached["archive half-written"] += bool(strays)

            # After every kill: the file opens, and every acknowledged session is in it.
            with Repository.open(data_path, clock=clock, readonly=True) as repo:
                stored = set(repo.documents().get("sessions", {}))
                if mode == "archive":
                    live = set((repo.storage.read() or {}).get("sessions", {}))
                    both = any(repo._in_archive("sessions", i) for i in live)
                    reached["move cut short"] += both
                if round_no % 20 == 0:
                    repo.check_all()
            missing = acknowledged - stored
            assert not missing, (
                f"seed {seed}, round {round_no}: lost acknowledged saves {sorted(missing)}"
            )
    finally:
        child.stdin.close()
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()  # not left to the collector: an unclosed file, reported at random

    with Repository.open(data_path, clock=clock) as repo:  # a writer: validates it all
        sessions = [s.id for s in repo.sessions()]
        assert acknowledged <= set(sessions)
        assert len(sessions) == len(set(sessions))  # a record in two places is read once
        if mode == "archive":
            # A year whose every move was killed before its archive was written is still in
            # the file (on a loaded machine, a whole year's can be): the next opening moves it.
            assert set(repo.archive_years()) <= {2020, 2021, 2022, 2023, 2024}
            from seeds import load_catalog

            repo.close_years(load_catalog().rules)  # what the app does as it opens
            assert repo.archive_years() == [2020, 2021, 2022, 2023, 2024]
            assert not repo.storage.read()["sessions"]  # every move finished
            assert acknowledged <= {s.id for s in repo.sessions()}
    assert look.temp_files(data_path) == set()
    for place in (archives.folder(data_path), data_path.parent / "backups" / "archive"):
        assert not [n for n in os.listdir(place) if ".tmp-" in n] if place.exists() else True
    print(
        f"seed {seed}: {ROUNDS} kills in {time.monotonic() - started:.1f} s, "
        f"{len(acknowledged)} saves acknowledged, {killed_mid_write} kills left a temp file behind"
        + (f"; archive states reached: {reached}" if mode == "archive" else "")
    )


def _read_until(child: subprocess.Popen, prefix: str, acknowledged: set[str]) -> str:
    """Read the child's lines, collecting acknowledged ids, until one starts with `prefix`."""
    while True:
        line = child.stdout.readline()
        assert line, "the worker process ended unexpectedly"
        line = line.rstrip("\n")
        if line.startswith("error "):
            raise AssertionError(f"the writer failed: {line}")
        if line.startswith("ack "):
            acknowledged.add(line[4:])
        if line.startswith(prefix):
            return line[len(prefix) :]
        assert line != "dead", f"the writer ended while the test waited for {prefix!r}"
