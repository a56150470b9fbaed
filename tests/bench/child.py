"""One measurement in a fresh process, so imports and memory are counted as a user pays them.

    python -m tests.bench.child start rehab FILE     start to first screen ready (rehab)
    python -m tests.bench.child start bare           the same for a bare Textual app
    python -m tests.bench.child history-all FILE [LOOK]   History's "All" window drawn, from its
                                                     key, pressed LOOK seconds after the 90 days
    python -m tests.bench.child library-key FILE     one Library filter key, to the list redrawn
    python -m tests.bench.child daily FILE [LOOK]    a check-in, a walk, a session's end, each
                                                     from its key to Today showing it; the first
                                                     check-in's Enter LOOK seconds after its form
    python -m tests.bench.child browse FILE          peak memory after visiting every place
    python -m tests.bench.child export FILE FORMAT   `rehab export`, to /dev/null: peak memory
    python -m tests.bench.child demo FILE DAYS       write a demo file (the bench stays small)
    python -m tests.bench.child paint bare           the bare app, in a real terminal (paint.py)

Prints one JSON line: {"seconds": ..., "cpu": ..., "peak_kb": ...} (`daily` adds a figure per
action). "cpu" is the process's CPU time from its own start, interpreter start-up included.

LOOK (0 unless given) is how long a person looks at the screen (or types in a form) before the
key: rehab reads and prepares ahead meanwhile, so a key pressed at once and one pressed a
second later can differ, and the bench says which it timed.

Keys are timed from the moment the key event is sent until the first frame the app draws that
shows the result (Frames below); the Pilot's own waits (at least 20 ms a key) are not counted.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # before any import of ours or of textual

import asyncio  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

NOW = datetime(2026, 11, 21, 12, 0)


def clock() -> datetime:
    return NOW


def peak_kb() -> int:
    """This process's own peak. Not ru_maxrss: Linux keeps that across execve, so a child
    forked from a big parent would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report(seconds: float, **more: object) -> None:
    out = {"seconds": seconds, "cpu": time.process_time(), "peak_kb": peak_kb(), **more}
    print(json.dumps(out), flush=True)


class Frames:
    """Every frame the app draws, timed. Headless, Textual works out each frame's update but
    does not turn it into the bytes a terminal is sent: that is done here too, so a frame costs
    what it costs in a terminal. `expect(condition)` arms a check made at each frame: the first
    frame at which it holds is when the person sees the result."""

    def __init__(self, app) -> None:
        self.times: list[float] = []
        self.condition = None
        self.shown_at: float | None = None
        display = app._display

        def timed(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is None or app._batch_count:
                return
            if app.is_headless and hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            now = time.perf_counter()
            self.times.append(now)
            if self.condition is not None and self.shown_at is None and self.condition():
                self.shown_at = now

        app._display = timed


def send_key(app, key: str) -> None:
    """The key as a terminal's would arrive (as Pilot.press sends it, without its waits)."""
    from textual import events

    char = {"enter": "\r", "tab": "\t"}.get(key, key if len(key) == 1 else None)
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


async def timed_key(frames: Frames, app, key: str, condition, quiet: float = 0.15) -> dict:
    """Press `key`; wait until a frame shows `condition` true and nothing is drawn for `quiet`
    seconds. Wall seconds to that first frame ("seconds"), to the last frame before the quiet
    ("settled"), and this process's CPU seconds over the same span ("cpu", the quiet wait
    itself costs next to nothing)."""
    frames.condition, frames.shown_at = condition, None
    began, cpu = time.perf_counter(), time.process_time()
    send_key(app, key)
    while True:
        await asyncio.sleep(0.002)
        now = time.perf_counter()
        if frames.shown_at is not None and now - frames.times[-1] >= quiet:
            break
        if now - began > 60:
            raise TimeoutError(f"{key!r}: the result was not drawn in 60 s")
    last = frames.times[-1]
    frames.condition = None
    return {
        "seconds": frames.shown_at - began,
        "settled": last - began,
        "cpu": time.process_time() - cpu,
    }


def words(screen, selector: str) -> str:
    """What a Static shows, as text (rich renderables by their repr: enough to see a change)."""
    widget = screen.query_one(selector)
    return str(widget.content)


class Clock:
    """The bench's clock, moved on by hand through a session (as the tests' clock is)."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def bare_app():
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("Hello")
            yield Footer()

    return Bare()


def run(kind: str, path: Path | None, auto_pilot, clock=clock) -> None:
    """Run the bare app, or rehab as `rehab --data PATH` runs it (rehab.launch.opened)."""
    options = {"headless": True, "size": (80, 24), "auto_pilot": auto_pilot}
    if kind == "bare":
        bare_app().run(**options)
        return
    from rehab.launch import opened

    with opened(path, clock) as app:  # type: ignore[arg-type]
        app.run(**options)


def start(kind: str, path: Path | None) -> None:
    async def ready(pilot) -> None:
        await pilot.pause()
        report(time.perf_counter() - T0)
        pilot.app.exit()

    run(kind, path, ready)


def history_all(path: Path, look: float = 0.0) -> None:
    """History open on its 90-day window, `look` seconds to read it, then f (the next window:
    All) until it is drawn."""

    async def all_of_it(pilot) -> None:
        from tui.screens.history import WINDOWS

        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        screen = pilot.app.screen
        screen.action_window(str(len(WINDOWS) - 2))
        await pilot.pause()
        await asyncio.sleep(look)
        frames = Frames(pilot.app)
        took = await timed_key(frames, pilot.app, "f", lambda: screen.window == len(WINDOWS) - 1)
        report(took["seconds"], settled=took["settled"], key_cpu=took["cpu"])
        pilot.app.exit()

    run("rehab", path, all_of_it)


def library_key(path: Path) -> None:
    """Library open, then one filter key (s, the stage) until the list and the detail pane
    show the filter (the detail is rebuilt after the list: "settled" counts it)."""

    async def one_key(pilot) -> None:
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        await pilot.pause()
        screen = pilot.app.screen
        before = screen.filters
        frames = Frames(pilot.app)
        took = await timed_key(frames, pilot.app, "s", lambda: screen.filters != before)
        report(took["settled"], shown=took["seconds"], key_cpu=took["cpu"])
        pilot.app.exit()

    run("rehab", path, one_key)


async def fill(pilot, **fields: str) -> None:
    """Type into the form's fields by id (only those it has: the leg's appear for sciatica)."""
    screen = pilot.app.screen
    for name, text in fields.items():
        found = screen.query(f"#{name}")
        if found:
            field = found.first()
            field.focus()
            field.value = text
            field.cursor_position = len(text)
    await pilot.pause()


def daily(path: Path, look: float = 0.0) -> None:
    """A person's day, each step timed from its key to Today showing the result: a check-in
    (the day's first save, which also takes the daily backup), its Enter `look` seconds after
    its form opened, a walk, a session's end, and a second check-in."""
    clock_ = Clock()

    async def day(pilot) -> None:
        from tui.screens.player import EndSessionScreen, PlayerScreen
        from tui.screens.today import TodayScreen
        from tui.widgets.answers import AnswerList

        app = pilot.app
        await pilot.pause()
        frames = Frames(app)
        out: dict[str, dict] = {}

        def on_today(selector: str, before: str):
            def shown() -> bool:
                screen = app.screen
                return isinstance(screen, TodayScreen) and words(screen, selector) != before

            return shown

        async def check_in(name: str, pain: str) -> None:
            before = words(app.screen, "#checkin")
            await pilot.press("c")
            await fill(pilot, pain=pain, leg="2", reach="1", note=f"bench {name}")
            await asyncio.sleep(look if name == "checkin_first" else 0)  # typing, reading
            out[name] = await timed_key(frames, app, "enter", on_today("#checkin", before))

        await check_in("checkin_first", "4")
        clock_.now += timedelta(minutes=30)
        before = words(app.screen, "#daily")
        await pilot.press("w")
        await fill(pilot, **{"walk-minutes": "12", "walk-pain": "2", "walk-leg": "1"})
        await fill(pilot, **{"walk-reach": "1"})
        out["walk"] = await timed_key(frames, app, "enter", on_today("#daily", before))
        clock_.now += timedelta(minutes=30)
        before = words(app.screen, "#sessions")
        await pilot.press("s")
        await pilot.pause()
        await fill(pilot, pain="3", leg="2", reach="1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen), app.screen
        player = app.screen
        while isinstance(app.screen, PlayerScreen):
            await pilot.press("space")
            clock_.now += timedelta(minutes=5)
            player.tick()
            await pilot.pause()
        form = app.screen
        assert isinstance(form, EndSessionScreen), form
        await fill(pilot, pain="2", leg="1", reach="1")
        for key in [*form.query_one(AnswerList).missing]:
            form.query_one(AnswerList).answer(key, False)
        await pilot.pause()
        out["session"] = await timed_key(frames, app, "ctrl+s", on_today("#sessions", before))
        clock_.now += timedelta(minutes=30)
        await check_in("checkin", "3")
        report(0.0, **out)
        app.exit()

    run("rehab", path, day, clock_)


def browse(path: Path) -> None:
    """Peak memory once every place has been visited: Today, Progress, Plan, History (with
    its "All" window), Library, Data, and back to Today."""

    async def every_place(pilot) -> None:
        from tui.screens.history import WINDOWS

        await pilot.pause()
        for key in "23456":
            await pilot.press(key)
            await pilot.pause()
            if key == "4":
                pilot.app.screen.action_window(str(len(WINDOWS) - 1))
                await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        report(time.perf_counter() - T0)
        pilot.app.exit()

    run("rehab", path, every_place)


def export(path: Path, form: str) -> None:
    """`rehab export --format FORM` in this process, its output to /dev/null: its peak memory
    (this process's own: see peak_kb) and time."""
    from rehab.cli import parse, run_parsed

    args = parse(["--data", str(path), "export", "--format", form])
    stdout = os.dup(1)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        try:
            code = run_parsed(args)
            sys.stdout.flush()
        finally:
            os.dup2(stdout, 1)
    if code:
        raise SystemExit(f"export {form} failed: {code}")
    report(time.perf_counter() - T0)


def demo(path: Path, days: int) -> None:
    """The bench's demo file, written in a process of its own so the bench stays small (a
    child's ru_maxrss would start from the bench's size)."""
    from rehab.commands import write_demo

    sessions = write_demo(path, days, 7, clock, adherence=1.0)
    report(time.perf_counter() - T0, sessions=sessions)


def paint_bare() -> None:
    """The bare app in the terminal it was started in (not headless): paint.py times it."""
    bare_app().run()


if __name__ == "__main__":
    what = sys.argv[1]
    ours = what != "start" or sys.argv[2] != "bare"
    if ours:
        # As rehab's entry point (rehab.cli.main) does before anything else.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        gc.disable()
        from rehab import code_cache

        code_cache.install()
    if what == "start":
        start(sys.argv[2], Path(sys.argv[3]) if len(sys.argv) > 3 else None)
    elif what == "history-all":
        history_all(Path(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 0.0)
    elif what == "library-key":
        library_key(Path(sys.argv[2]))
    elif what == "daily":
        daily(Path(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 0.0)
    elif what == "browse":
        browse(Path(sys.argv[2]))
    elif what == "export":
        export(Path(sys.argv[2]), sys.argv[3])
    elif what == "demo":
        demo(Path(sys.argv[2]), int(sys.argv[3]))
    elif what == "paint":
        paint_bare()
    else:
        raise SystemExit(f"unknown measurement {what!r}")
    if ours:
        code_cache.save()  # as the command does when it ends (after the figures are out)
