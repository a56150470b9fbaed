"""A guided session as a pure state machine: the player screen only draws it and forwards keys.

Time comes in as `now` on every call, so tests move a fake clock instead of waiting. A tick may
cross several phases at once when the clock jumps; each finished hold rings the bell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from planner.models import Dose, ExerciseEntry, Prescription

GET_READY_S = 3
RELAX_S = 3  # between reps of a held exercise: let go, breathe, set up again
MOVE_S = 3  # one paced rep of a movement with no hold
DEFAULT_REST_S = 15

PhaseKind = Literal["ready", "hold", "move", "relax", "rest", "work"]
PHASE_WORDS: dict[str, str] = {
    "ready": "Get ready",
    "hold": "Hold",
    "move": "Move",
    "relax": "Relax",
    "rest": "Rest",
    "work": "Keep going",
}


@dataclass
class Phase:
    """Where an exercise's timer is: getting ready, holding, resting between reps or sets."""

    kind: PhaseKind
    seconds: int


@dataclass
class Progress:
    """How far one exercise got."""

    prescription: Prescription
    name: str
    sets_done: int = 0
    reps_done: int = 0  # reps done in the current set
    total_reps: int = 0
    seconds_done: int = 0
    skipped: bool = False
    stopped_hurt: bool = False
    pain_when_stopped: int | None = None
    spread_down: bool = False

    @property
    def dose(self) -> Dose:
        """The prescribed dose for this exercise."""
        return self.prescription.dose

    @property
    def finished(self) -> bool:
        """Nothing more to do here: skipped, stopped for pain, or every set done."""
        return self.skipped or self.stopped_hurt or self.sets_done >= self.dose.sets

    def entry(self) -> ExerciseEntry:
        """What was done, as the entry the session record keeps."""
        return ExerciseEntry(
            exercise_id=self.prescription.exercise_id,
            name=self.name,
            prescribed=self.dose,
            sets_done=self.sets_done,
            reps_done=self.total_reps,
            hold_s_done=(self.dose.hold_s or 0) if self.total_reps else 0,
            seconds_done=self.seconds_done,
            skipped=self.skipped,
            stopped_hurt=self.stopped_hurt,
            pain_when_stopped=self.pain_when_stopped,
            spread_down=self.spread_down,
        )


@dataclass
class SessionRun:
    """One session being done: which exercise, which phase, how much time is left."""

    items: list[Progress]
    index: int = 0
    phase: Phase | None = None  # None: showing the exercise, waiting for start
    phase_ends: datetime | None = None
    paused_left: float | None = None  # seconds left when paused
    events: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, prescriptions: list[Prescription], names: dict[str, str]) -> SessionRun:
        """A run at the first exercise, nothing started; `names` maps ids to shown names."""
        return cls([Progress(p, names.get(p.exercise_id, p.exercise_id)) for p in prescriptions])

    # -- reading -------------------------------------------------------------------------------

    @property
    def current(self) -> Progress | None:
        """The exercise shown now (None once every exercise is behind)."""
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    @property
    def finished(self) -> bool:
        """Whether the run has moved past the last exercise."""
        return self.index >= len(self.items)

    @property
    def running(self) -> bool:
        """Whether a timer is counting down (started and not paused)."""
        return self.phase is not None and self.paused_left is None

    @property
    def paused(self) -> bool:
        """Whether the timer was paused (it keeps the seconds that were left)."""
        return self.paused_left is not None

    def left(self, now: datetime) -> float:
        """Seconds left in the current phase."""
        if self.paused_left is not None:
            return self.paused_left
        if self.phase_ends is None:
            return 0.0
        return max((self.phase_ends - now).total_seconds(), 0.0)

    def entries(self) -> list[ExerciseEntry]:
        """An entry per exercise, for the session record, done or not."""
        return [p.entry() for p in self.items]

    # -- keys ----------------------------------------------------------------------------------

    def toggle(self, now: datetime) -> None:
        """Start the exercise, or pause / resume its timer."""
        item = self.current
        if item is None:
            return
        if self.phase is None:
            if item.finished:
                return
            self._enter(Phase("ready", GET_READY_S), now)
        elif self.paused_left is not None:
            self.phase_ends = now + timedelta(seconds=self.paused_left)
            self.paused_left = None
        else:
            self.paused_left = self.left(now)

    def next(self) -> None:
        """Move on to the next exercise, keeping what was done of this one."""
        self._leave()
        self.index = min(self.index + 1, len(self.items))

    def back(self) -> None:
        """Go back to the previous exercise, keeping what was done of this one."""
        self._leave()
        self.index = max(self.index - 1, 0)

    def skip(self) -> None:
        """Skip this exercise (unless already finished) and move on to the next."""
        item = self.current
        if item is not None and not item.finished:
            item.skipped = True
        self.next()

    def hurt(self, pain: int, spread_down: bool = False) -> None:
        """'It hurts': stop this exercise at once and mark it; the flare rules see it. With
        `spread_down` the leg symptoms reached further down the leg (peripheralising, see the
        README's safety rules): stopped just the same, and noted as the reason."""
        item = self.current
        if item is None:
            return
        item.stopped_hurt = True
        item.pain_when_stopped = pain
        item.spread_down = spread_down
        self.next()

    def _leave(self) -> None:
        self.phase = None
        self.phase_ends = None
        self.paused_left = None

    # -- time ----------------------------------------------------------------------------------

    def _enter(self, phase: Phase, start: datetime) -> None:
        self.phase = phase
        self.phase_ends = start + timedelta(seconds=phase.seconds)
        self.paused_left = None

    def tick(self, now: datetime) -> list[str]:
        """Advance through every phase that has ended by `now`; return what happened."""
        events: list[str] = []
        while self.running and self.phase_ends is not None and self.phase_ends <= now:
            ended_at = self.phase_ends
            events.extend(self._after(self.phase, ended_at))  # type: ignore[arg-type]
        return events

    def _after(self, phase: Phase, at: datetime) -> list[str]:
        item = self.current
        assert item is not None
        dose = item.dose
        if phase.kind in ("hold", "move", "work"):
            item.seconds_done += phase.seconds
            events = ["bell"] if phase.kind in ("hold", "work") else []
            if phase.kind == "work":
                item.sets_done = dose.sets
                return events + self._exercise_done()
            item.reps_done += 1
            item.total_reps += 1
            if item.reps_done >= (dose.reps or 1):
                item.sets_done += 1
                item.reps_done = 0
                if item.sets_done >= dose.sets:
                    return events + self._exercise_done()
                self._enter(Phase("rest", dose.rest_s or DEFAULT_REST_S), at)
                return events + ["set"]
            if phase.kind == "hold":
                self._enter(Phase("relax", RELAX_S), at)
            else:
                self._enter(Phase("move", MOVE_S), at)
            return events + ["rep"]
        # ready, relax, rest lead into the work itself
        self._enter(self._work_phase(dose), at)
        return ["go"] if phase.kind == "ready" else []

    @staticmethod
    def _work_phase(dose: Dose) -> Phase:
        if dose.minutes is not None and dose.reps is None:
            return Phase("work", dose.minutes * 60)
        if dose.hold_s is not None:
            return Phase("hold", dose.hold_s)
        return Phase("move", MOVE_S)

    def _exercise_done(self) -> list[str]:
        """Done: move straight on to the next exercise, which waits for its own start."""
        self.next()
        return ["exercise-done"] + (["finished"] if self.finished else [])
