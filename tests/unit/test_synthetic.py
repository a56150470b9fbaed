"""The made-up history of the demo and the benchmarks (planner.synthetic): a sciatica person
whose leg is rated apart and whose leg symptoms make sense as a person would report them."""

from __future__ import annotations

import pytest

from planner.models import REACHES
from planner.synthetic import generate
from seeds import load_catalog
from tests.conftest import NOW

CATALOG = load_catalog()


@pytest.mark.parametrize("seed", [3, 7, 11])
def test_the_demo_person_rates_the_leg_and_it_settles(seed):
    history = generate(CATALOG, 90, NOW, seed=seed)
    assert history.profile.leg_symptoms  # sciatica: back and leg apart (SPEC §3b)
    ratings = [(c.pain, c.leg_pain, c.reach) for c in history.checkins]
    for s in history.sessions:
        ratings += [(s.pain_before, s.leg_before, s.reach_before)]
        ratings += [(s.pain_after, s.leg_after, s.reach_after)]
    ratings += [(w.pain_after, w.leg_after, None) for w in history.walks]
    assert all(leg is not None for _, leg, _ in ratings)
    # Never worse than the back, so every decision is the one the back pain gives.
    assert all(leg <= back for back, leg, _ in ratings)
    # No leg pain while the symptoms do not reach the leg.
    assert not [r for r in ratings if r[2] == "none" and r[1]]
    # Over the first weeks the symptoms retreat up the leg (centralise), as most do.
    reaches = [REACHES.index(c.reach) for c in history.checkins]
    assert reaches[0] >= REACHES.index("thigh") and reaches[-1] < reaches[0]
    # Within sessions, now and then a move up the leg (a good sign) shows too.
    moved = [s for s in history.sessions if s.reach_after != s.reach_before]
    assert any(REACHES.index(s.reach_after) < REACHES.index(s.reach_before) for s in moved)
