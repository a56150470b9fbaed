"""The made-up history of the demo and the benchmarks (planner.synthetic): a sciatica person
whose leg is rated apart and whose leg symptoms make sense as a person would report them."""

from __future__ import annotations

import itertools
import os
from datetime import timedelta

import pytest

import planner.synthetic
from planner.codec import dump
from planner.models import REACHES, Walk
from planner.synthetic import generate
from planner.walking import walking
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


def _same_ids(monkeypatch) -> None:
    """Record ids from a counter, so two runs of one seed can be compared record by record."""
    counter = itertools.count()
    monkeypatch.setattr(os, "urandom", lambda n: next(counter).to_bytes(n, "big"))


def _as_saved(history) -> list:
    return [(type(r).__name__, dump(r)) for r in history.records()]


@pytest.mark.parametrize(("seed", "adherence"), [(7, 1.0), (11, 0.86)])
def test_carrying_the_walking_level_forward_makes_the_history_the_full_fold_made(
    monkeypatch, seed, adherence
):
    """The generator used to ask `walking` for the level every simulated week, folding every
    week since the start (quadratic in the years); it now folds only the week that ended.
    The old path, kept here: the same seed must give the very same records."""
    _same_ids(monkeypatch)
    carried = _as_saved(generate(CATALOG, 120, NOW, seed=seed, adherence=adherence))

    profile = generate(CATALOG, 120, NOW, seed=seed, adherence=adherence).profile
    since = profile.walk_since
    assert since is not None
    walks: list[Walk] = []  # every walk so far, as the generator's weeks hand them over
    weeks = [0]

    def from_the_start(level: int, week: list[Walk], rules) -> tuple[int, int, str]:
        walks.extend(week)
        weeks[0] += 1
        target = walking(profile, walks, rules, since + timedelta(days=7 * weeks[0]), 1)
        assert target is not None
        return target.minutes, 0, ""

    monkeypatch.setattr(planner.synthetic, "fold_week", from_the_start)
    _same_ids(monkeypatch)
    refolded = generate(CATALOG, 120, NOW, seed=seed, adherence=adherence)
    assert weeks[0] == 120 // 7
    # The weeks handed over were every walk before the last week's end, each once.
    last = since + timedelta(days=7 * weeks[0])
    assert walks == [w for w in refolded.walks if w.at.date() < last] != []
    assert _as_saved(refolded) == carried
