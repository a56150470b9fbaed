"""Every path through the door keeps the safety promises (tests/unit/door_machine.py says which),
and the run shows it reached each guarded state rather than walking around them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, seed, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.apart import run_apart
from tests.unit.door_machine import GUARDED, REACHED, Person

#: Both walks take tens of seconds (thousands of steps), so both are in the slow suite; the
#: quick one keeps the door's own tests (tests/unit/test_door.py, test_one_door.py).
pytestmark = pytest.mark.slow

#: Derandomized: the same sequences every run, so the run is steady and the states it must
#: reach are always reached. The random walk below explores new ones each time. The mutants
#: are looked for with these very sequences (tests/unit/test_door_mutants.py, FIND), so the
#: first test below is also their control: the sequences that catch each mutant pass on the
#: real code.
FAST = settings(
    max_examples=300,
    stateful_step_count=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


#: The derandomized runs' seed, written down. Left to hypothesis it is a digest of the text of
#: `Person`'s class, so any edit to door_machine.py (a method it calls, renamed) reshuffled
#: every sequence, and a state the run must reach could fall out of it. This is the seed that
#: text gave when every guarded state was reached and every mutant caught.
SEED = int(
    "a4ea988ac9cf9dc87dd3175b153274a5e5a51a6ca2ec61ab5dc771031d5f0c"
    "d53331c1fce107e2cf567b0c1d134745ca",
    16,
)


def walk_every_path(how: settings) -> None:
    REACHED.clear()
    machine = Person
    if how.derandomize:
        machine = seed(SEED)(type("Person", (Person,), {}))
    run_state_machine_as_test(machine, settings=how)


#: Run in a fresh interpreter (tests/apart.py): the paths a derandomized run takes shift with
#: what else the process had imported before it (a pytest worker's earlier tests).
_APART = r"""
import json, sys
import pytest
from tests.unit import test_door_machine as machine
from tests.unit.door_machine import REACHED

how, mutant = sys.argv[1], sys.argv[2]
failure = None
with pytest.MonkeyPatch.context() as patch:
    if mutant:
        from tests.unit.test_door_mutants import MUTANTS
        MUTANTS[mutant](patch)
    settings = machine.FAST
    if how == "FIND":
        from tests.unit.test_door_mutants import FIND as settings
    try:
        machine.walk_every_path(settings)
    except AssertionError as broken:
        failure = str(broken)[:4000] or "an assertion failed"
print("\n" + json.dumps({"failure": failure, "reached": dict(REACHED)}))
"""


def walk_apart(how: str = "FAST", mutant: str = "") -> tuple[str | None, dict[str, int]]:
    """Walk every path in a fresh Python (see `_APART`): the broken promise's message, if one
    broke, and how often each guarded state was entered."""
    said = run_apart(_APART, how, mutant)
    return said["failure"], said["reached"]


def test_no_path_through_the_door_breaks_a_safety_promise():
    """Also the mutants' control (tests/unit/test_door_mutants.py): FIND walks these sequences
    without shrinking, which changes nothing until a promise breaks."""
    failure, reached = walk_apart()
    assert failure is None, failure
    never = [state for state in GUARDED if reached.get(state, 0) == 0]
    assert not never, f"the run never entered: {never} (reached: {reached})"


#: The random walk's length: new sequences every run, in `make test` a third as many as the
#: derandomized walk above (which alone must reach every guarded state); `make soak` walks
#: SOAK of them, to look further between runs.
RANDOM, SOAK = 100, 3000


@pytest.mark.slow
def test_no_path_breaks_a_promise_in_a_random_walk(request):
    walk_every_path(
        settings(
            max_examples=SOAK if request.config.getoption("--soak") else RANDOM,
            stateful_step_count=60,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
    )
