"""The machine that walks every path bites: break each safety promise once, in the code that
keeps it, and tests/unit/door_machine.py reports it broken.

Each mutant takes out exactly one guard:
1. the gate ignores an open sign;
2. a step back advised no longer holds back a step up (or any harder change);
3. a restore or an import drops the newer safety records instead of carrying them;
4. Enter turns an answer over (as it once did);
5. favouring a direction swaps in exercises of any stage, not the plan's own;
6. a go-ahead given before a later yes to spinal surgery still counts.
"""

from __future__ import annotations

import pytest
from hypothesis import Phase, settings

import door.files
import planner.direction
import planner.gate
import tui.widgets.answers
from planner.advice import Advice
from tests.unit.test_door_machine import FAST, walk_apart

pytestmark = pytest.mark.slow  # seconds each: the machine runs until it finds the break

#: The derandomized run's sequences, without shrinking: the first failure is all this needs.
#: The same sequences pass on the real code: that run is the control
#: (tests/unit/test_door_machine.py, `test_no_path_through_the_door_breaks_a_safety_promise`;
#: a walk without shrinking takes the very sequences a walk with it takes until one fails).
FIND = settings(FAST, phases=[Phase.explicit, Phase.generate])


def _gate_ignores_an_open_sign(monkeypatch) -> None:
    monkeypatch.setattr(planner.gate, "open_signs", lambda safety, now=None: ([], []))


def _step_back_holds_nothing_back(monkeypatch) -> None:
    monkeypatch.setattr(
        Advice, "held_back", property(lambda self: None if self.gate.open else self.gate.reason)
    )


def _restore_drops_newer_safety_records(monkeypatch) -> None:
    monkeypatch.setattr(door.files, "carried_forward", lambda ours, theirs: [])


def _enter_turns_an_answer_over(monkeypatch) -> None:
    real = tui.widgets.answers.press

    def press(keys, answers, at, key):
        if key == "enter":  # unanswered or no -> yes; yes -> no, and stay
            now = list(answers)
            now[at] = not now[at]
            return now, at, False
        return real(keys, answers, at, key)

    monkeypatch.setattr(tui.widgets.answers, "press", press)


def _favour_reaches_any_stage(monkeypatch) -> None:
    def every_exercise(catalog, *args, **kwargs):
        return [(e, "same stage") for e in reversed(list(catalog.exercises.values()))]

    monkeypatch.setattr(planner.direction, "swap_options", every_exercise)


def _any_go_ahead_counts(monkeypatch) -> None:
    from planner.models import Profile

    monkeypatch.setattr(
        Profile,
        "go_ahead_since",
        property(lambda self: self.disclaimer_accepted_at if self.recent_surgery else None),
    )


MUTANTS = {
    "gate ignores an open sign": _gate_ignores_an_open_sign,
    "step back holds nothing back": _step_back_holds_nothing_back,
    "restore drops newer safety records": _restore_drops_newer_safety_records,
    "Enter turns an answer over": _enter_turns_an_answer_over,
    "favouring a direction reaches any stage": _favour_reaches_any_stage,
    "any go-ahead counts": _any_go_ahead_counts,
}


@pytest.mark.parametrize("name", list(MUTANTS))
def test_the_machine_catches_the_mutant(name):
    failure, _ = walk_apart("FIND", name)
    assert failure is not None, f"the machine walked past the mutant: {name}"


def test_the_mutants_are_looked_for_in_the_controls_sequences():
    """FIND differs from the control's settings only in not shrinking: else a mutant caught
    could be caught on sequences the real code was never shown to pass."""
    same = ("max_examples", "stateful_step_count", "derandomize", "database", "deadline")
    assert {name: getattr(FIND, name) for name in same} == {
        name: getattr(FAST, name) for name in same
    }
    assert set(FIND.phases) == {Phase.explicit, Phase.generate} <= set(FAST.phases)
