"""`make bench`: synthetic histories of 30 days, 1 year and 10 years, measured; BENCHMARKS.md.

Every figure is the median of several runs in one process-level run; start-up and memory are
measured in fresh child processes alternately with a bare Textual app (Header, Static, Footer),
and given as ratios so a slower machine (or one whose speed drifts) does not move the verdict.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from rehab.commands import write_demo
from store import Repository
from tests.bench.child import bench_session

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 21, 12, 0)
SIZES = [("30 days", 30), ("1 year", 365), ("10 years", 3650)]
TARGETS = {
    # First paint in a real terminal (a pty of 100×30), as a ratio to a bare Textual app.
    "start_ratio": 1.3,
    "save_ms": 50.0,
    "history_ms": 250.0,
    "memory_ratio": 1.5,
    "status_s": 0.15,
}


def clock() -> datetime:
    return NOW


def child_env() -> dict[str, str]:
    """As a user runs it: bytecode cached (pip compiles what it installs; an editable install
    compiles on first run unless PYTHONDONTWRITEBYTECODE is set, as it is in some sandboxes)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "TEXTUAL_ANIMATIONS": "none"}


def compile_sources() -> None:
    import compileall

    for package in ("planner", "seeds", "store", "tui", "rehab"):
        compileall.compile_dir(ROOT / package, quiet=1)


def child(*args: str) -> dict:
    env = child_env()
    out = subprocess.run(
        [sys.executable, "-m", "tests.bench.child", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def medians(results: list[dict]) -> tuple[float, int]:
    return (
        statistics.median(r["seconds"] for r in results),
        int(statistics.median(r["peak_kb"] for r in results)),
    )


def median_child(runs: int, *args: str) -> tuple[float, int]:
    return medians([child(*args) for _ in range(runs)])


class Beside(NamedTuple):
    """rehab and the bare app, started alternately: medians, and the medians of the ratios of
    each rehab run to the bare run just before it."""

    seconds: float
    kb: int
    bare_seconds: float
    bare_kb: int
    time_ratio: float
    memory_ratio: float


def beside_bare(runs: int, *args: str) -> Beside:
    """This VM's speed drifts within a minute: each rehab run is compared with the bare run
    made just before it, and the ratio given is the median of those paired ratios (the
    ratio of the two medians would mix runs made at different speeds)."""
    ours, bare = [], []
    for _ in range(runs):
        bare.append(child("start", "bare"))
        ours.append(child(*args))
    pairs = list(zip(ours, bare, strict=True))
    return Beside(
        *medians(ours),
        *medians(bare),
        statistics.median(o["seconds"] / b["seconds"] for o, b in pairs),
        statistics.median(o["peak_kb"] / b["peak_kb"] for o, b in pairs),
    )


def paint_beside_bare(runs: int, path: Path) -> tuple[float, float, float]:
    """First paint in a real terminal (tests/bench/paint.py): rehab as a person starts it,
    `rehab --data PATH`, and the bare app, alternately. Medians of rehab's and the bare app's
    seconds, and of the paired ratios."""
    from tests.bench.paint import first_paint

    env = child_env()
    rehab = str(Path(sys.executable).with_name("rehab"))
    bare_argv = [sys.executable, "-m", "tests.bench.child", "paint", "bare"]
    ours, bare = [], []
    for _ in range(runs):
        bare.append(first_paint(bare_argv, b"Hello", env, str(ROOT)))
        # "Stage " is Today's first line: its words arrive with the first frame.
        ours.append(first_paint([rehab, "--data", str(path)], b"Stage ", env, str(ROOT)))
    ratio = statistics.median(o / b for o, b in zip(ours, bare, strict=True))
    return statistics.median(ours), statistics.median(bare), ratio


def save_ms(path: Path, runs: int) -> float:
    """Median time to save one session on a copy of the file (the user's first save of the
    day also makes the daily backup; that one is measured too, in the first run)."""
    work = path.parent / "save-copy" / path.name
    work.parent.mkdir(exist_ok=True)
    shutil.copy2(path, work)
    times = []
    with Repository.open(work, clock=clock) as repo:
        plan = repo.active_plan()
        for i in range(runs):
            at = NOW + timedelta(minutes=i)
            session = bench_session(plan, at)
            began = time.perf_counter()
            repo.save_session(session)
            times.append(time.perf_counter() - began)
    shutil.rmtree(work.parent)
    return statistics.median(times) * 1000


def status_s(path: Path, runs: int) -> float:
    rehab = Path(sys.executable).with_name("rehab")
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(
            [str(rehab), "--data", str(path), "status"],
            check=True,
            capture_output=True,
            timeout=60,
            env=child_env(),
        )
        times.append(time.perf_counter() - began)
    return statistics.median(times)


@dataclass
class Row:
    label: str
    sessions: int
    size_mb: float
    start_s: float = 0.0
    start_ratio: float = 0.0
    headless_s: float = 0.0
    headless_ratio: float = 0.0
    history_all_ms: float = 0.0
    library_key_ms: float = 0.0
    saved_mb: float = 0.0
    saved_ratio: float = 0.0
    memory_mb: float = 0.0
    memory_ratio: float = 0.0
    save_ms: float = 0.0
    history_ms: float = 0.0
    status_s: float = 0.0
    met: dict[str, bool] = field(default_factory=dict)


def measure(runs: int, sizes: list[tuple[str, int]]) -> tuple[list[Row], float, int, float]:
    rows = []
    bare_runs: list[tuple[float, int]] = []
    bare_paints: list[float] = []
    compile_sources()
    with tempfile.TemporaryDirectory(prefix="rehab-bench-") as tmp:
        for label, days in sizes:
            path = Path(tmp) / label.replace(" ", "-") / "rehab.json"
            print(f"{label}: generating …", flush=True)
            sessions = write_demo(path, days, 7, clock, adherence=1.0)
            os.sync()  # so writing the new file back does not run during the measurements
            row = Row(label, sessions, path.stat().st_size / 1e6)
            print(f"{label}: first paint in a terminal …", flush=True)
            row.start_s, bare_paint, row.start_ratio = paint_beside_bare(runs, path)
            bare_paints.append(bare_paint)
            print(f"{label}: start, headless …", flush=True)
            start = beside_bare(runs, "start", "rehab", str(path))
            bare_runs.append((start.bare_seconds, start.bare_kb))
            row.headless_s, row.headless_ratio = start.seconds, start.time_ratio
            row.memory_mb, row.memory_ratio = start.kb / 1024, start.memory_ratio
            saved_kb = median_child(runs, "saved", str(path))[1]
            row.saved_mb, row.saved_ratio = saved_kb / 1024, saved_kb / start.bare_kb
            print(f"{label}: save, history, status …", flush=True)
            row.save_ms = save_ms(path, runs * 4)
            row.history_ms = median_child(runs, "history", str(path))[0] * 1000
            row.history_all_ms = median_child(runs, "history-all", str(path))[0] * 1000
            row.library_key_ms = median_child(runs, "library-key", str(path))[0] * 1000
            row.status_s = status_s(path, runs)
            row.met = {key: getattr(row, key) <= limit for key, limit in TARGETS.items()}
            rows.append(row)
    # The bare row shows the median of the bare runs made beside every size.
    return (
        rows,
        statistics.median(s for s, _ in bare_runs),
        int(statistics.median(kb for _, kb in bare_runs)),
        statistics.median(bare_paints),
    )


def at_the_limits(runs: int) -> str:
    """What the input limits cost: a year whose every note is as long as a note may be, and
    the refusal of an import holding a note far over it (README, "Your data")."""
    from dataclasses import replace

    from planner.models import NOTE_MAX

    rehab = Path(sys.executable).with_name("rehab")
    with tempfile.TemporaryDirectory(prefix="rehab-bench-limits-") as tmp:
        path = Path(tmp) / "full" / "rehab.json"
        print("limits: a year of notes at the limit …", flush=True)
        write_demo(path, 365, 7, clock, adherence=1.0)
        plain_mb, plain_s = path.stat().st_size / 1e6, status_s(path, runs)
        with Repository.open(path, clock=clock) as repo:
            long = "n" * NOTE_MAX
            notes = [replace(s, note=long) for s in repo.sessions()]
            notes += [replace(c, note=long) for c in repo.checkins()]
            repo.save(*notes)
        full_mb, full_s = path.stat().st_size / 1e6, status_s(path, runs)
        print("limits: an import with a 50 MB note …", flush=True)
        exported = json.loads(
            subprocess.run(
                [str(rehab), "--data", str(path), "export", "--format", "json"],
                check=True,
                capture_output=True,
                env=child_env(),
            ).stdout
        )
        first = next(iter(exported["checkins"]))
        exported["checkins"][first]["note"] = "n" * 50_000_000
        huge = Path(tmp) / "huge.json"
        huge.write_text(json.dumps(exported))
        huge_mb = huge.stat().st_size / 1e6
        target = Path(tmp) / "target" / "rehab.json"
        times = []
        for _ in range(max(1, runs // 4)):
            began = time.perf_counter()
            done = subprocess.run(
                [str(rehab), "--data", str(target), "import", str(huge)],
                capture_output=True,
                env=child_env(),
            )
            times.append(time.perf_counter() - began)
            assert done.returncode == 1, done.stderr
    return "\n".join(
        [
            "| at the limits | file | `rehab status`, or the import |",
            "|---|---:|---:|",
            f"| 1 year, notes as written | {plain_mb:.1f} MB | {plain_s * 1000:.0f} ms |",
            f"| 1 year, every note {NOTE_MAX:,} characters | {full_mb:.1f} MB | "
            f"{full_s * 1000:.0f} ms |",
            f"| a file holding one 50 MB note, imported | {huge_mb:.0f} MB | refused in "
            f"{statistics.median(times) * 1000:.0f} ms |",
        ]
    )


def table(rows: list[Row], bare_s: float, bare_kb: int, bare_paint: float) -> str:
    def mark(row: Row, key: str) -> str:
        return "" if row.label != "10 years" else (" ✓" if row.met[key] else " ✗")

    lines = [
        "| history | sessions | file | first paint, real terminal (ratio) | start, headless "
        "(ratio) | peak memory (ratio) | after the first save (ratio) | save one session | "
        'open History | History "All" | a Library filter key | `rehab status` |',
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.label} | {r.sessions:,} | {r.size_mb:.1f} MB | {r.start_s * 1000:.0f} ms "
            f"({r.start_ratio:.2f}×){mark(r, 'start_ratio')} | {r.headless_s * 1000:.0f} ms "
            f"({r.headless_ratio:.2f}×) | {r.memory_mb:.0f} MB "
            f"({r.memory_ratio:.2f}×){mark(r, 'memory_ratio')} | {r.saved_mb:.0f} MB "
            f"({r.saved_ratio:.2f}×) | {r.save_ms:.1f} ms{mark(r, 'save_ms')} | "
            f"{r.history_ms:.0f} ms{mark(r, 'history_ms')} | {r.history_all_ms:.0f} ms | "
            f"{r.library_key_ms:.0f} ms | {r.status_s * 1000:.0f} ms{mark(r, 'status_s')} |"
        )
    lines.append(
        f"| bare Textual app | | | {bare_paint * 1000:.0f} ms (1.00×) | {bare_s * 1000:.0f} ms "
        f"(1.00×) | {bare_kb / 1024:.0f} MB (1.00×) | | | | | | |"
    )
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11, help="runs per figure (median)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--quick", action="store_true", help="30 days and 1 year only")
    args = parser.parse_args()
    sizes = SIZES[:2] if args.quick else SIZES
    rows, bare_s, bare_kb, bare_paint = measure(args.runs, sizes)
    text = table(rows, bare_s, bare_kb, bare_paint) + "\n\n" + at_the_limits(args.runs)
    print()
    print(text)
    targets = ", ".join(f"{k} ≤ {v}" for k, v in TARGETS.items())
    notes_path = Path(__file__).with_name("NOTES.md")
    notes = notes_path.read_text() if notes_path.exists() else ""
    args.out.write_text(
        f"# Benchmarks\n\nMeasured by `make bench` on {date.today().isoformat()}, "
        f"{machine()}.\nMedians of {args.runs} runs; ✓/✗ against the targets at 10 years "
        f"({targets}).\n\n{text}\n\n{notes}"
    )
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
