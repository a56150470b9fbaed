"""`make bench`: synthetic histories of 30 days, 1 year, 10 years and 30 years, measured as a
person meets them; BENCHMARKS.md.

Every time is given as a median with its min–max over the runs, in wall and CPU time. Start-up
and `rehab status` are measured in fresh processes, each run paired with (and alternating with)
a bare Textual app (Header, Static, Footer) or `python -c pass`, and given as the median of the
paired ratios as well, so a machine whose speed drifts does not move the verdict. Keys are timed
in the app (Textual's Pilot, in a child process) from the key until the first frame that shows
the result. `python -m tests.bench.run --quick` is a short run for development.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from planner.formats import NAMES
from tests.bench.paint import closed_terminal, first_paint

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 21, 12, 0)
SIZES = [("30 days", 30), ("1 year", 365), ("10 years", 3650), ("30 years", 10950)]
FORMATS = list(NAMES)  # every format `rehab export --help` lists
REHAB = str(Path(sys.executable).with_name("rehab"))
#: Seconds a person looks at the screen (or types in a form) before the key: rehab reads and
#: prepares ahead meanwhile, so the day's first check-in and History "All" are timed after it,
#: and at once as well.
LOOK = 1.0


def clock() -> datetime:
    return NOW


def child_env(**more: str) -> dict[str, str]:
    """As a user runs it: bytecode cached (pip compiles what it installs; an editable install
    compiles on first run unless PYTHONDONTWRITEBYTECODE is set, as it is in some sandboxes)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "TEXTUAL_ANIMATIONS": "none", **more}


def compile_sources() -> None:
    import compileall

    for package in ("planner", "seeds", "store", "tui", "rehab", "door"):
        if (ROOT / package).is_dir():
            compileall.compile_dir(ROOT / package, quiet=1)


def child(*args: str, timeout: float = 600, module: str = "tests.bench.child") -> dict:
    """One measurement in a fresh process (tests/bench/child.py, or `module`): its JSON line."""
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=timeout,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of a command run to its end (CPU from the kernel's account of it)."""
    began = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=ROOT, env=env or child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        assert process.stderr is not None
        raise RuntimeError(f"{argv} failed: {process.stderr.read()[-2000:]!r}")
    return wall, usage.ru_utime + usage.ru_stime


def status(path: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    return timed([REHAB, "--data", str(path), "status"], env)


@dataclass
class Figure:
    """One measured thing: its values over the runs (seconds or kB), and optionally the ratios
    of each run to its paired bare run."""

    values: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios) if self.ratios else float("nan")


Figures = dict[str, Figure]


def add(figures: Figures, key: str, value: float, ratio: float | None = None) -> None:
    figure = figures.setdefault(key, Figure())
    figure.values.append(value)
    if ratio is not None:
        figure.ratios.append(ratio)


def copy_folder(source: Path, target: Path) -> Path:
    """The data file's whole folder (backups, archives, everything beside it), copied."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source.parent, target)
    return target / source.name


def measure(days: int, runs: int, tmp: Path, say: Callable[[str], None]) -> Figures:
    f: Figures = {}
    base = tmp / f"{days}d" / "made" / "rehab.json"
    say("generating")
    made = child("demo", str(base), str(days), timeout=3600)
    add(f, "generate", made["seconds"])
    add(f, "sessions", made["sessions"])
    add(f, "file_mb", sum(p.stat().st_size for p in base.parent.rglob("*") if p.is_file()) / 1e6)
    os.sync()
    # The first open of the file as made, which still holds closed years (the one-off move to
    # yearly archives, where the store does that); every copy below is made after it, so every
    # other figure starts from the file as it stands after that first open.
    wall, cpu = status(base)
    add(f, "first_open", wall)
    add(f, "first_open_cpu", cpu)
    work = copy_folder(base, tmp / f"{days}d" / "work")
    status(work)  # opened once: its .checked stamp, and whatever a first open moves
    os.sync()

    say("first paint in a terminal, beside the bare app")
    bare_argv = [sys.executable, "-m", "tests.bench.child", "paint", "bare"]
    for _ in range(runs):
        bare, bare_cpu = first_paint(bare_argv, b"Hello", child_env(), str(ROOT))
        ours, ours_cpu = first_paint(
            [REHAB, "--data", str(work)], b"Stage ", child_env(), str(ROOT)
        )
        add(f, "paint", ours, ours / bare)
        add(f, "paint_cpu", ours_cpu, ours_cpu / bare_cpu)
        add(f, "bare_paint", bare)
        add(f, "bare_paint_cpu", bare_cpu)

    say("start (headless) and memory, beside the bare app")
    for _ in range(runs):
        bare = child("start", "bare")
        ours = child("start", "rehab", str(work))
        add(f, "start", ours["seconds"], ours["seconds"] / bare["seconds"])
        add(f, "start_cpu", ours["cpu"], ours["cpu"] / bare["cpu"])
        add(f, "start_kb", ours["peak_kb"], ours["peak_kb"] / bare["peak_kb"])
        add(f, "bare_start", bare["seconds"])
        add(f, "bare_start_cpu", bare["cpu"])
        add(f, "bare_kb", bare["peak_kb"])

    say("rehab status, beside python -c pass")
    for _ in range(runs):
        bare_wall, bare_cpu = timed([sys.executable, "-c", "pass"])
        wall, cpu = status(work)
        add(f, "status", wall, wall / bare_wall)
        add(f, "status_cpu", cpu, cpu / bare_cpu)
        add(f, "pass", bare_wall)
        add(f, "pass_cpu", bare_cpu)

    say("rehab status and the start to the first frame, phase by phase")
    for _ in range(runs):
        for name, value in child("status", str(work), module="tests.bench.phases").items():
            add(f, STATUS_PHASE + name, value / 1000)
        for name, value in child("paint-bare", module="tests.bench.phases").items():
            add(f, BARE_PHASE + name, value / 1000)
        for name, value in child("paint", str(work), module="tests.bench.phases").items():
            add(f, PAINT_PHASE + name, value / 1000)

    say("a day: check-in, walk, session, check-in")
    backups = work.parent / "backups"
    for _ in range(runs):
        # Each run's first save is the day's first, as a person's morning check-in is.
        for old in backups.glob(f"*{NOW.date().isoformat()}*"):
            old.unlink()
        day = child("daily", str(work), str(LOOK))
        for step in ("checkin_first", "walk", "session", "checkin"):
            add(f, step, day[step]["seconds"])
            add(f, f"{step}_cpu", day[step]["cpu"])
    for _ in range(max(1, runs // 2)):
        # The same, Enter pressed the moment the form is filled: nothing prepared ahead.
        for old in backups.glob(f"*{NOW.date().isoformat()}*"):
            old.unlink()
        day = child("daily", str(work), "0")
        add(f, "checkin_first_at_once", day["checkin_first"]["seconds"])
        add(f, "checkin_first_at_once_cpu", day["checkin_first"]["cpu"])

    say('History "All", a Library key, browsing every place')
    bare_kb = f["bare_kb"].median
    for run in range(runs):
        shown = child("history-all", str(work), str(LOOK))
        add(f, "history_all", shown["seconds"])
        add(f, "history_all_cpu", shown["key_cpu"])
        if run < max(1, runs // 2):
            shown = child("history-all", str(work), "0")
            add(f, "history_all_at_once", shown["seconds"])
            add(f, "history_all_at_once_cpu", shown["key_cpu"])
        key = child("library-key", str(work))
        add(f, "library_key", key["seconds"])
        add(f, "library_key_cpu", key["key_cpu"])
    for _ in range(max(1, runs // 2)):
        browsed = child("browse", str(work))
        add(f, "browse_kb", browsed["peak_kb"], browsed["peak_kb"] / bare_kb)

    say("exports")
    for form in FORMATS:
        done = child("export", str(work), form, timeout=1800)
        add(f, f"export_{form}", done["seconds"])
        add(f, f"export_{form}_kb", done["peak_kb"])

    say("after the terminal was closed with a save in the journal (SIGHUP)")
    for n in range(max(2, runs // 3)):
        for what in ("status", "paint"):
            closed = copy_folder(work, tmp / f"{days}d" / f"closed-{n}-{what}")
            status(closed)  # a copy is a new file to rehab: opened once first, as above
            closed_terminal([REHAB, "--data", str(closed)], child_env(), str(ROOT))
            journal = closed.with_name(closed.name + ".journal")
            add(f, "closed_journal", float(journal.exists()))
            if what == "status":
                wall, cpu = status(closed)
                add(f, "closed_status", wall)
                add(f, "closed_status_cpu", cpu)
            else:
                wall, cpu = first_paint(
                    [REHAB, "--data", str(closed)], b"Stage ", child_env(), str(ROOT)
                )
                add(f, "closed_paint", wall)
                add(f, "closed_paint_cpu", cpu)

    say("a file copied from another computer (no .checked stamp)")
    for n in range(max(2, runs // 3)):
        for what in ("status", "paint"):
            # A cache of its own: the catalog's parsed copy made (on another file), no stamp.
            cache = tmp / f"{days}d" / f"cache-{n}-{what}"
            env = child_env(XDG_CACHE_HOME=str(cache))
            status(copy_folder(base, cache / "other"), env)
            if what == "status":
                wall, cpu = status(work, env)
                add(f, "copied_status", wall)
                add(f, "copied_status_cpu", cpu)
            else:
                wall, cpu = first_paint([REHAB, "--data", str(work)], b"Stage ", env, str(ROOT))
                add(f, "copied_paint", wall)
                add(f, "copied_paint_cpu", cpu)
    shutil.rmtree(tmp / f"{days}d")
    return f


# -- the table ----------------------------------------------------------------------------------


def ms(figure: Figure) -> str:
    v = figure.values
    if len(v) == 1:
        return f"{v[0] * 1000:.0f} ms"
    return f"{figure.median * 1000:.0f} ms ({min(v) * 1000:.0f}–{max(v) * 1000:.0f})"


def mb(figure: Figure) -> str:
    v = figure.values
    if len(v) == 1:
        return f"{v[0] / 1024:.0f} MB"
    return f"{figure.median / 1024:.0f} MB ({min(v) / 1024:.0f}–{max(v) / 1024:.0f})"


def ratio(figure: Figure) -> str:
    r = figure.ratios
    return f"{figure.ratio:.2f}× ({min(r):.2f}–{max(r):.2f})"


@dataclass
class Line:
    """A row of the table: what, the target, how a figure is shown, and how it is judged."""

    label: str
    target: str
    show: Callable[[Figures], str]
    #: The number the target and the 30-day comparison judge (None: not judged).
    judge: Callable[[Figures], float] | None = None
    limit: float | None = None


def time_row(label: str, key: str, target: str = "", limit: float | None = None) -> list[Line]:
    return [
        Line(label, target, lambda f: ms(f[key]), lambda f: f[key].median, limit),
        Line(f"{label}, CPU", "", lambda f: ms(f[f"{key}_cpu"]), lambda f: f[f"{key}_cpu"].median),
    ]


LINES: list[Line] = [
    Line("sessions in the file", "", lambda f: f"{f['sessions'].median:,.0f}"),
    Line("data folder", "", lambda f: f"{f['file_mb'].median:.1f} MB"),
    Line("generating it (`rehab demo`)", "", lambda f: f"{f['generate'].median:.1f} s"),
    Line(
        "first open of a file that still holds closed years (`rehab status`)",
        "",
        lambda f: f"{ms(f['first_open'])}, CPU {ms(f['first_open_cpu'])}",
    ),
    Line(
        "first paint, real terminal: rehab / bare app",
        "≤ 1.3×",
        lambda f: ratio(f["paint"]),
        lambda f: f["paint"].ratio,
        1.3,
    ),
    Line("… rehab", "", lambda f: ms(f["paint"])),
    Line("… bare app", "", lambda f: ms(f["bare_paint"])),
    Line(
        "… CPU: rehab / bare app",
        "",
        lambda f: ratio(f["paint_cpu"]),
        lambda f: f["paint_cpu"].ratio,
    ),
    Line("… CPU, rehab", "", lambda f: ms(f["paint_cpu"])),
    Line(
        "start, headless: rehab / bare app",
        "",
        lambda f: ratio(f["start"]),
        lambda f: f["start"].ratio,
    ),
    Line(
        "… CPU: rehab / bare app",
        "",
        lambda f: ratio(f["start_cpu"]),
        lambda f: f["start_cpu"].ratio,
    ),
    Line(
        "`rehab status` / `python -c pass`",
        "≤ 3×",
        lambda f: ratio(f["status"]),
        lambda f: f["status"].ratio,
        3.0,
    ),
    Line("… rehab status", "", lambda f: ms(f["status"]), lambda f: f["status"].median),
    Line("… python -c pass", "", lambda f: ms(f["pass"])),
    Line(
        "… CPU: rehab status / python -c pass",
        "≤ 3×",
        lambda f: ratio(f["status_cpu"]),
        lambda f: f["status_cpu"].ratio,
        3.0,
    ),
    *time_row(
        "check-in, the day's first save (with the daily backup): Enter, "
        f"{LOOK:g} s after its form opened, to Today showing it",
        "checkin_first",
        "≤ 100 ms",
        0.1,
    ),
    *time_row("… its Enter the moment the form is filled", "checkin_first_at_once"),
    *time_row("check-in, a later one: Enter to Today showing it", "checkin", "≤ 100 ms", 0.1),
    *time_row("walk: Enter to Today showing it", "walk", "≤ 100 ms", 0.1),
    *time_row("session end: ctrl+s to Today showing it", "session", "≤ 100 ms", 0.1),
    *time_row(
        f'History "All": its key, {LOOK:g} s after the 90 days are drawn, to drawn',
        "history_all",
        "≤ 250 ms",
        0.25,
    ),
    *time_row("… its key the moment the 90 days are drawn", "history_all_at_once"),
    *time_row("a Library filter key, to list and detail drawn", "library_key", "≤ 50 ms", 0.05),
    Line(
        "peak memory at start: rehab / bare app",
        "",
        lambda f: f"{mb(f['start_kb'])}, {ratio(f['start_kb'])}",
        lambda f: f["start_kb"].ratio,
    ),
    Line(
        "peak memory after browsing every place / bare app's start",
        "≤ 1.5×",
        lambda f: f"{mb(f['browse_kb'])}, {ratio(f['browse_kb'])}",
        lambda f: f["browse_kb"].ratio,
        1.5,
    ),
    *[
        Line(
            f"`rehab export --format {form}`: peak memory, time",
            "≤ 100 MB",
            lambda f, form=form: (
                f"{mb(f[f'export_{form}_kb'])}, {f[f'export_{form}'].median:.1f} s"
            ),
            lambda f, form=form: f[f"export_{form}_kb"].median * 1024 / 1e6,
            100.0,
        )
        for form in FORMATS
    ],
    Line(
        "after the terminal was closed (SIGHUP) with a save: next `rehab status`",
        "",
        lambda f: f"{ms(f['closed_status'])}, CPU {ms(f['closed_status_cpu'])}",
        lambda f: f["closed_status"].median,
    ),
    Line(
        "… next first paint",
        "",
        lambda f: f"{ms(f['closed_paint'])}, CPU {ms(f['closed_paint_cpu'])}",
        lambda f: f["closed_paint"].median,
    ),
    Line(
        "… journal left behind by the closed app",
        "",
        lambda f: f"{sum(f['closed_journal'].values):.0f} of {len(f['closed_journal'].values)}",
    ),
    Line(
        "a file copied from another computer (no stamp): `rehab status`",
        "",
        lambda f: f"{ms(f['copied_status'])}, CPU {ms(f['copied_status_cpu'])}",
        lambda f: f["copied_status"].median,
    ),
    Line(
        "… first paint",
        "",
        lambda f: f"{ms(f['copied_paint'])}, CPU {ms(f['copied_paint_cpu'])}",
        lambda f: f["copied_paint"].median,
    ),
]


def table(results: dict[str, Figures]) -> str:
    labels = list(results)
    last, first = labels[-1], labels[0]
    head = (
        f"| | target | {' | '.join(labels)} | target met at {last} "
        f"| {last} within 10 % of {first} |"
    )
    lines = [head, "|---|---|" + "---:|" * len(labels) + "---|---|"]
    for line in LINES:
        cells = []
        for label in labels:
            try:
                cells.append(line.show(results[label]))
            except (KeyError, ValueError, ZeroDivisionError):
                cells.append("")
        met = growth = ""
        if line.judge is not None:
            try:
                value = line.judge(results[last])
                if line.limit is not None:
                    met = "✓" if value <= line.limit else "✗"
                base = line.judge(results[first])
                if base > 0:
                    change = value / base - 1
                    growth = f"{'✓' if change <= 0.10 else '✗'} {change:+.0%}"
            except (KeyError, ValueError, ZeroDivisionError):
                pass
        lines.append(f"| {line.label} | {line.target} | {' | '.join(cells)} | {met} | {growth} |")
    return "\n".join(lines)


#: The figures tests/bench/phases.py reports, by phase: of `rehab status`, of rehab's start to
#: its first frame, and of the bare app's.
STATUS_PHASE, PAINT_PHASE, BARE_PHASE = "status phase: ", "paint phase: ", "bare paint phase: "


def phase_rows(
    results: dict[str, Figures], prefix: str, extra: list[tuple[str, dict[str, str]]]
) -> list[str]:
    """One row per phase (medians in ms, the phases' sum in bold), then the `extra` rows."""
    labels = list(results)
    names: list[str] = []
    for figures in results.values():
        names += [k[len(prefix) :] for k in figures if k.startswith(prefix)]
    names = list(dict.fromkeys(names))
    imports = [n for n in names if n.startswith("imports")]
    steps = [n for n in names if n not in imports and n not in ("the rest", "total")]
    names = imports + steps + ["the rest", "total"]
    rows = []
    for name in names:
        figures = [results[label].get(prefix + name) for label in labels]
        cells = [f"{f.median * 1000:.1f}" if f is not None else "" for f in figures]
        shown = "**total** (the phases' sum)" if name == "total" else name
        rows.append(f"| {shown} | {' | '.join(cells)} |")
    rows += [f"| {label} | {' | '.join(by[x] for x in labels)} |" for label, by in extra]
    return rows


def phase_table(results: dict[str, Figures]) -> str:
    """Where `rehab status`'s CPU goes at each size, and the start's to its first frame beside
    the bare app's (tests/bench/phases.py), medians in ms."""
    labels = list(results)

    def ms_of(key: str) -> dict[str, str]:
        return {x: f"{results[x][key].median * 1000:.1f}" for x in labels if key in results[x]}

    status = [
        f"| where `rehab status`'s CPU goes (ms, one process, each phase its own time) "
        f"| {' | '.join(labels)} |",
        "|---|" + "---:|" * len(labels),
        f"| the interpreter's start (`python -c pass`, beside it) "
        f"| {' | '.join(ms_of('pass_cpu').values())} |",
        *phase_rows(
            results,
            STATUS_PHASE,
            [("`rehab status` measured whole (interpreter included)", ms_of("status_cpu"))],
        ),
    ]
    bare: Figures = {}  # the bare app's runs, beside every size, pooled in one column
    for figures in results.values():
        for key, figure in figures.items():
            if key.startswith(BARE_PHASE):
                pooled = bare.setdefault(PAINT_PHASE + key[len(BARE_PHASE) :], Figure())
                pooled.values.extend(figure.values)
    total = PAINT_PHASE + "total"
    ratios = {"bare": "1.00×"} | {
        x: f"{results[x][total].median / bare[total].median:.2f}×"
        for x in labels
        if total in results[x] and total in bare
    }
    paint = [
        "| where the start's CPU goes, to the first frame (ms, headless, 80×24) "
        f"| bare app | {' | '.join(labels)} |",
        "|---|---:|" + "---:|" * len(labels),
        *phase_rows({"bare": bare, **results}, PAINT_PHASE, [("rehab / the bare app", ratios)]),
    ]
    return "\n".join(status) + "\n\n" + "\n".join(paint)


def at_the_limits(runs: int) -> str:
    """What the input limits cost: a year whose every note is as long as a note may be, and
    the refusal of an import holding a note far over it (README, "Your data"). Run after the
    main table, in the bench's own process."""
    from dataclasses import replace

    from planner.models import NOTE_MAX
    from store import Repository

    def status_s(path: Path) -> float:
        return statistics.median(status(path)[0] for _ in range(runs))

    with tempfile.TemporaryDirectory(prefix="rehab-bench-limits-") as tmp:
        path = Path(tmp) / "full" / "rehab.json"
        print("limits: a year of notes at the limit …", flush=True)
        child("demo", str(path), "365")
        status(path)  # opened once, as every file measured above
        plain_mb, plain_s = path.stat().st_size / 1e6, status_s(path)
        with Repository.open(path, clock=clock) as repo:
            long = "n" * NOTE_MAX
            notes = [replace(s, note=long) for s in repo.sessions()]
            notes += [replace(c, note=long) for c in repo.checkins()]
            repo.save(*notes)
        full_mb, full_s = path.stat().st_size / 1e6, status_s(path)
        print("limits: an import with a 50 MB note …", flush=True)
        exported = json.loads(
            subprocess.run(
                [REHAB, "--data", str(path), "export", "--format", "json"],
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
                [REHAB, "--data", str(target), "import", str(huge)],
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
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (median)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument(
        "--quick", action="store_true", help="30 days and 1 year, 3 runs, no BENCHMARKS.md"
    )
    parser.add_argument("--sizes", help="days to measure, comma-separated (default: all four)")
    args = parser.parse_args()
    runs = 3 if args.quick and args.runs == 7 else args.runs
    sizes = SIZES[:2] if args.quick else SIZES
    if args.sizes:
        sizes = [(f"{d} days", int(d)) for d in args.sizes.split(",")]
    compile_sources()
    began = time.perf_counter()
    results: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory(prefix="rehab-bench-") as tmp:
        for label, days in sizes:
            start = time.perf_counter()

            def say(what: str, label: str = label, start: float = start) -> None:
                print(f"{label} ({time.perf_counter() - start:.0f} s): {what} …", flush=True)

            results[label] = measure(days, runs, Path(tmp), say)
    text = table(results) + "\n\n" + phase_table(results)
    print()
    print(text)
    if args.quick or args.sizes:
        return
    # Measured after the table, in this process: its peak below is the table's run alone.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text += "\n\n" + at_the_limits(runs)
    minutes = (time.perf_counter() - began) / 60
    notes_path = Path(__file__).with_name("NOTES.md")
    notes = notes_path.read_text() if notes_path.exists() else ""
    args.out.write_text(
        f"# Benchmarks\n\nMeasured by `make bench` on {date.today().isoformat()}, {machine()}, "
        f"in {minutes:.0f} minutes (the bench itself peaked at {peak:.0f} MB).\n"
        f"Medians of {runs} runs (min–max in brackets); ratios are medians of each run's ratio "
        f"to the bare run just before it. ✓/✗ against the issue's targets at the largest size, "
        f"and whether that size's figure is within 10 % of the smallest's.\n\n{text}\n\n{notes}"
    )
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
