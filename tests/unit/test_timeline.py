"""The stage timeline read as the rules look at it (planner.progression.Timed): a History
holding one answers every question as a History holding the same events in a tuple, and
reads only the events a question needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import overload

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.models import StageEvent
from planner.progression import History, Timed

START = datetime(2026, 1, 1, 8)
KINDS = ["start", "advance", "step-back", "pause", "resume", "override", "health"]


class Counted(Timed[StageEvent]):
    """A timeline over a list, counting each event it hands out."""

    def __init__(self, events: Sequence[StageEvent], reads: list[int] | None = None) -> None:
        self.events = list(events)
        self.reads = reads if reads is not None else []

    @property
    def times(self) -> tuple[datetime, ...]:
        return tuple(e.at for e in self.events)

    def __len__(self) -> int:
        return len(self.events)

    @overload
    def __getitem__(self, index: int) -> StageEvent: ...
    @overload
    def __getitem__(self, index: slice) -> Counted: ...
    def __getitem__(self, index: int | slice) -> StageEvent | Counted:
        if isinstance(index, slice):
            return Counted(self.events[index], self.reads)
        self.reads.append(index)
        return self.events[index]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


events = st.lists(
    st.tuples(st.integers(0, 12), st.sampled_from(KINDS), st.integers(1, 4)), max_size=25
).map(
    lambda drawn: [
        StageEvent(at=START + timedelta(days=day), kind=kind, to_stage=stage)  # type: ignore[arg-type]
        for day, kind, stage in sorted(drawn, key=lambda d: d[0])
    ]
)


@given(events=events, day=st.integers(-1, 13), stage=st.integers(1, 4))
@settings(max_examples=200, deadline=None)
def test_a_timeline_read_as_looked_at_answers_as_the_same_events_in_a_tuple(events, day, stage):
    now = START + timedelta(days=day)
    held, timed = History.of(events=tuple(events)), History.of(events=Counted(events))
    assert timed == held and held == timed
    assert timed.stage_started_at(stage) == held.stage_started_at(stage)
    assert (
        list(timed.events_at(now))
        == list(held.events_at(now))
        == [e for e in events if e.at == now]
    )
    assert list(timed.until(now).events) == [e for e in events if e.at <= now]
    assert list(held.until(now).events) == [e for e in events if e.at <= now]
    assert timed.until(now).stage_started_at(stage) == held.until(now).stage_started_at(stage)


def test_the_rules_questions_read_the_few_events_they_need():
    """Thirty years of pauses and resumes: where the stage began and what happened at one
    moment read the latest few events, not every one."""
    timeline = [StageEvent(at=START, kind="start", to_stage=1)]
    timeline += [
        StageEvent(at=START + timedelta(days=n), kind="pause" if n % 2 else "resume", to_stage=1)
        for n in range(1, 500)
    ]
    timeline.append(StageEvent(at=START + timedelta(days=600), kind="advance", to_stage=2))
    reads: list[int] = []
    history = History.of(events=Counted(timeline, reads))
    now = START + timedelta(days=700)
    assert history.until(now).stage_started_at(2) == timeline[-1].at
    assert history.events_at(START + timedelta(days=3))[0] is timeline[3]
    assert len(reads) == 2
