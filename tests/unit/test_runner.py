"""The session runner's timers, driven by a fake clock: nothing here waits in real time."""

from __future__ import annotations

from datetime import timedelta

from planner.models import Dose, Prescription
from planner.runner import GET_READY_S, RELAX_S, SessionRun
from tests.conftest import FakeClock


def run_of(*doses: Dose) -> SessionRun:
    ps = [Prescription(exercise_id=f"ex{i}", dose=d) for i, d in enumerate(doses)]
    return SessionRun.of(ps, {f"ex{i}": f"Exercise {i}" for i in range(len(doses))})


def test_get_ready_then_hold_ends_with_the_bell():
    clock = FakeClock()
    run = run_of(Dose(sets=1, reps=2, hold_s=5))
    run.toggle(clock())
    assert run.phase.kind == "ready" and run.left(clock()) == GET_READY_S
    clock.advance(seconds=GET_READY_S)
    assert run.tick(clock()) == ["go"]
    assert run.phase.kind == "hold" and run.left(clock()) == 5
    clock.advance(seconds=5)
    assert run.tick(clock()) == ["bell", "rep"]
    assert run.phase.kind == "relax" and run.current.total_reps == 1
    clock.advance(seconds=RELAX_S + 5)
    events = run.tick(clock())
    assert events == ["bell", "exercise-done", "finished"]
    assert run.finished
    [entry] = run.entries()
    assert entry.done and entry.reps_done == 2 and entry.sets_done == 1


def test_pause_freezes_the_countdown():
    clock = FakeClock()
    run = run_of(Dose(sets=1, reps=1, hold_s=10))
    run.toggle(clock())
    clock.advance(seconds=GET_READY_S + 4)
    run.tick(clock())
    run.toggle(clock())  # pause with 6 s left
    clock.advance(minutes=5)
    assert run.tick(clock()) == [] and run.left(clock()) == 6
    run.toggle(clock())  # resume
    clock.advance(seconds=6)
    assert run.tick(clock())[0] == "bell"


def test_sets_rest_between_them_and_count_up():
    clock = FakeClock()
    run = run_of(Dose(sets=2, reps=1, hold_s=2, rest_s=20), Dose(reps=3))
    run.toggle(clock())
    clock.advance(seconds=GET_READY_S + 2)
    assert run.tick(clock()) == ["go", "bell", "set"]
    assert run.phase.kind == "rest" and run.left(clock()) == 20
    clock.advance(seconds=22)
    assert "exercise-done" in run.tick(clock())
    assert run.index == 1 and run.phase is None  # the next one waits for its own start


def test_a_clock_jump_crosses_every_phase_at_once():
    clock = FakeClock()
    run = run_of(Dose(sets=2, reps=3, hold_s=4, rest_s=10))
    run.toggle(clock())
    clock.advance(hours=1)
    events = run.tick(clock())
    assert events.count("bell") == 6 and events[-1] == "finished"


def test_skip_hurt_and_back():
    clock = FakeClock()
    run = run_of(Dose(reps=5), Dose(reps=5), Dose(minutes=2))
    run.skip()
    run.hurt(6)
    assert run.index == 2
    run.back()
    assert run.index == 1 and run.current.stopped_hurt
    run.next()
    run.toggle(clock())
    clock.advance(seconds=GET_READY_S + 120)
    assert run.tick(clock())[-1] == "finished"
    skipped, hurt, walked = run.entries()
    assert skipped.skipped and not skipped.done
    assert hurt.stopped_hurt and hurt.pain_when_stopped == 6
    assert walked.done and walked.seconds_done == 120


def test_a_partial_exercise_keeps_what_was_done():
    clock = FakeClock()
    run = run_of(Dose(sets=1, reps=4, hold_s=3))
    run.toggle(clock())
    clock.advance(seconds=GET_READY_S + 3 + RELAX_S + 3)
    run.tick(clock())
    run.next()
    [entry] = run.entries()
    assert entry.reps_done == 2 and not entry.done
    assert timedelta(seconds=entry.seconds_done) == timedelta(seconds=6)
