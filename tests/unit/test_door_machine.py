"""Every path through the door keeps the safety promises (tests/unit/door_machine.py says which),
and the run shows it reached each guarded state rather than walking around them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.unit.door_machine import GUARDED, REACHED, Person

#: Derandomized: the same sequences every run, so the fast suite is steady and the states it
#: must reach are always reached. The slow run below explores new ones each time.
FAST = settings(
    max_examples=100,
    stateful_step_count=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def walk_every_path(how: settings) -> None:
    REACHED.clear()
    run_state_machine_as_test(Person, settings=how)


def test_no_path_through_the_door_breaks_a_safety_promise():
    walk_every_path(FAST)
    never = [state for state in GUARDED if REACHED[state] == 0]
    assert not never, f"the run never entered: {never} (reached: {dict(REACHED)})"


@pytest.mark.slow
def test_no_path_breaks_a_promise_in_a_longer_random_walk():
    walk_every_path(
        settings(
            max_examples=300,
            stateful_step_count=60,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
    )
