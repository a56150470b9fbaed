"""The safety tests bite: remove one guard at a time and the property test goes red.

Each mutant below is the engine with exactly one guard taken out (issue 12). The test runs the
property of `test_no_safety_promise_is_broken_in_any_world` (the same worlds, the same
`violations`) against the mutant, derandomized and with no example database (so one mutant's
failing example is never replayed for another), and expects the promise the guard keeps to be
reported broken. If a mutant ever survives, the property no longer proves what it claims.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

import planner.advice
import planner.gate
import planner.progression
from planner.advice import Advice
from planner.models import Criterion
from tests.unit.safety_worlds import violations, worlds

pytestmark = pytest.mark.slow  # seconds of generated worlds


def _no_pause_guard(monkeypatch) -> None:
    """(1) The pause/screening guard: held back only by a step back, never by the gate."""
    monkeypatch.setattr(
        Advice,
        "held_back",
        property(lambda self: None if self.step_back is None else self.step_back.reason),
    )


def _no_step_back_guard(monkeypatch) -> None:
    """(2) The step-back guard: held back only by the gate, never by a step back."""
    monkeypatch.setattr(
        Advice, "held_back", property(lambda self: None if self.gate.open else self.gate.reason)
    )


def _no_checkin_criterion(monkeypatch) -> None:
    """(3) The check-in criterion of moving on always holds."""
    monkeypatch.setattr(
        planner.progression,
        "_checkins_criterion",
        lambda rule, history, today, start: Criterion(
            key="checkins", label="Check-ins", ok=True, detail="mutant"
        ),
    )


def _no_flare_criterion(monkeypatch) -> None:
    """(4) The flare criterion of moving on always holds."""
    monkeypatch.setattr(
        planner.progression,
        "_flares_criterion",
        lambda rule, rules, in_stage: Criterion(
            key="flares", label="Flares", ok=True, detail="mutant"
        ),
    )


def _no_open_signs(monkeypatch) -> None:
    """(5) The gate reads no warning sign at all."""
    monkeypatch.setattr(planner.gate, "open_signs", lambda safety, now=None: ([], []))


def _no_pre_session_pain(monkeypatch) -> None:
    """(6) Pain before a session no longer counts toward a step back (issue 12, item 7)."""
    real = planner.progression.step_back_check

    def mutant(catalog, stage, history, now, stage_start=None):
        calm = type(history).of(
            [s for s in history.sessions if s.pain_before < 7], history.checkins, history.events
        )
        return real(catalog, stage, calm, now, stage_start)

    monkeypatch.setattr(planner.advice, "step_back_check", mutant)


#: Each mutant, and the broken promise the property test must report for it.
MUTANTS = {
    "pause/screening guard": (_no_pause_guard, "move on recommended while held back"),
    "step-back guard": (_no_step_back_guard, "while held back"),
    "check-in criterion": (_no_checkin_criterion, "['checkins'] fail"),
    "flare criterion": (_no_flare_criterion, "['flares'] fail"),
    "gate reads no sign": (_no_open_signs, "gate open=True in state"),
    "pre-session pain ignored": (_no_pre_session_pain, "a pain of 7 or more did not advise"),
}


@pytest.mark.parametrize("name", MUTANTS)
# The failing world is printed whole; it is large, and expected here.
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
def test_the_property_test_catches_the_mutant(name, monkeypatch):
    mutate, promise = MUTANTS[name]
    mutate(monkeypatch)

    @settings(
        max_examples=400,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(worlds())
    def prop(world):
        assert violations(world) == []

    with pytest.raises(AssertionError) as red:
        prop()
    assert promise in str(red.value)
