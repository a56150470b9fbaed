"""A pose drawn as a stick figure in braille dots, from its joint angles alone.

Forward kinematics from the hip gives each joint's place; the base says which part rests on the
floor (or hangs from the bar) and which joint stays put while the exercise moves; the props are
placed from the start pose. Each text cell is 2 × 4 dots. Pure: no screen library here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from planner.models import Base, Figure, Pose, Prop

# Body segment lengths, in units of about 10 cm.
LOWER_TRUNK = 2.6
UPPER_TRUNK = 3.0
NECK = 0.5
HEAD = 1.1  # radius
HALF_THICKNESS = HEAD  # from the line drawn to the body's underside, as the head
UPPER_ARM = 3.0
FOREARM = 2.8
THIGH = 4.4
SHANK = 4.2
FOOT = 1.4
#: Dots per unit at most (a figure is otherwise as large as its box allows).
MAX_SCALE = 3.5

#: Props' sizes, in the same units.
SEAT = 4.2
CHAIR_BACK = 4.0
STEP_HEIGHT = 1.2
#: The lowest point of a lying or standing body sits this far above the floor line (one dot).
CLEARANCE = 0.0

#: Which way the lower trunk points (hip to waist, degrees anticlockwise from the reader's
#: right) when `trunk` is 0: upright, or lying head left on the back, head right on the front.
REST = {
    Base.SUPINE: 180.0,
    Base.PRONE: 0.0,
    Base.HANDS_AND_KNEES: 0.0,
    Base.KNEELING: 90.0,
    Base.SEATED: 90.0,
    Base.STANDING: 90.0,
    Base.HANGING: 90.0,
}
#: The joint that stays where it was in the start pose while the body moves.
ANCHOR = {
    Base.SUPINE: "hip",
    Base.PRONE: "hip",
    Base.HANDS_AND_KNEES: "knee",
    Base.KNEELING: "knee",
    Base.SEATED: "hip",
    Base.STANDING: "ankle",
    Base.HANGING: "wrist",
}

#: Layers of a drawing, lowest first: a cell shows the highest layer with a dot in it.
PROPS, FAR, NEAR = 0, 1, 2

Point = tuple[float, float]


def between(start: Pose, end: Pose, t: float) -> Pose:
    """The pose a fraction `t` (0..1) of the way from `start` to `end`, angle by angle. Poses
    on different bases meet in the start's base, its trunk measured from the start's rest."""
    if t <= 0:
        return start
    if t >= 1:
        return end
    trunk_end = end.trunk + REST[start.base] - REST[end.base]

    def mix(a: float, b: float) -> int:
        return round(a + (b - a) * t)

    def pair(name: str) -> tuple[int, int]:
        a, b = getattr(start, name), getattr(end, name)
        return (mix(a[0], b[0]), mix(a[1], b[1]))

    return replace(
        start,
        trunk=mix(start.trunk, trunk_end),
        back=mix(start.back, end.back),
        neck=mix(start.neck, end.neck),
        shoulders=pair("shoulders"),
        elbows=pair("elbows"),
        hips=pair("hips"),
        knees=pair("knees"),
        ankles=pair("ankles"),
    )


def _dir(degrees: float) -> Point:
    radians = math.radians(degrees)
    return (math.cos(radians), math.sin(radians))


def _step(point: Point, degrees: float, length: float) -> Point:
    dx, dy = _dir(degrees)
    return (point[0] + dx * length, point[1] + dy * length)


@dataclass(frozen=True)
class Body:
    """A pose's joints, in units, the hip at (0, 0) and y up; limbs as (near, far) lists."""

    hip: Point
    waist: Point
    shoulder: Point
    head: Point  # the head's centre
    elbow: tuple[Point, Point]
    wrist: tuple[Point, Point]
    knee: tuple[Point, Point]
    ankle: tuple[Point, Point]
    toe: tuple[Point, Point]

    def points(self) -> Iterator[Point]:
        """Every joint and the head's edge, for the body's extent."""
        yield from (self.hip, self.waist, self.shoulder)
        x, y = self.head
        yield from ((x - HEAD, y), (x + HEAD, y), (x, y - HEAD), (x, y + HEAD))
        for side in (0, 1):
            yield from (self.elbow[side], self.wrist[side], self.knee[side], self.ankle[side])
            yield self.toe[side]

    def joint(self, name: str) -> Point:
        """A named joint (the near side's, for a limb)."""
        value = getattr(self, name)
        return value[0] if isinstance(value[0], tuple) else value

    def moved(self, dx: float, dy: float) -> Body:
        def move(p: Point) -> Point:
            return (p[0] + dx, p[1] + dy)

        def both(pair: tuple[Point, Point]) -> tuple[Point, Point]:
            return (move(pair[0]), move(pair[1]))

        return Body(
            move(self.hip),
            move(self.waist),
            move(self.shoulder),
            move(self.head),
            both(self.elbow),
            both(self.wrist),
            both(self.knee),
            both(self.ankle),
            both(self.toe),
        )

    @property
    def lowest(self) -> float:
        """The height of the body's underside: the trunk and limbs are about two units thick
        (so lifting the head alone never lowers them), the hands and feet thin."""
        thick = [self.hip, self.waist, self.shoulder, *self.elbow, *self.knee]
        thin = [*self.wrist, *self.ankle, *self.toe]
        return min(
            min(y for _, y in thick) - HALF_THICKNESS,
            min(y for _, y in thin),
            self.head[1] - HEAD,
        )


def body(pose: Pose) -> Body:
    """Forward kinematics: each segment's direction from its parent's and the joint's angle."""
    lower = REST[pose.base] - pose.trunk
    upper = lower - pose.back
    hip = (0.0, 0.0)
    waist = _step(hip, lower, LOWER_TRUNK)
    shoulder = _step(waist, upper, UPPER_TRUNK)
    head = _step(_step(shoulder, upper - pose.neck, NECK), upper - pose.neck, HEAD)
    elbows, wrists, knees, ankles, toes = [], [], [], [], []
    for side in (0, 1):
        arm = upper + 180 + pose.shoulders[side]
        elbow = _step(shoulder, arm, UPPER_ARM)
        elbows.append(elbow)
        wrists.append(_step(elbow, arm + pose.elbows[side], FOREARM))
        thigh = lower + 180 + pose.hips[side]
        knee = _step(hip, thigh, THIGH)
        shank = thigh - pose.knees[side]
        ankle = _step(knee, shank, SHANK)
        knees.append(knee)
        ankles.append(ankle)
        toes.append(_step(ankle, shank + 90 + pose.ankles[side], FOOT))
    return Body(
        hip,
        waist,
        shoulder,
        head,
        (elbows[0], elbows[1]),
        (wrists[0], wrists[1]),
        (knees[0], knees[1]),
        (ankles[0], ankles[1]),
        (toes[0], toes[1]),
    )


@dataclass(frozen=True)
class Scene:
    """What stays put while an exercise moves: the floor (y = 0), its props, and where each
    base's anchor joint and the bar are, all taken from the start pose."""

    figure: Figure
    start: Body
    ground: float  # the height the body rests at (the step's top when standing on one)

    @property
    def bar(self) -> Point:
        return self.start.wrist[0]

    def place(self, pose: Pose, base: Base) -> tuple[float, float]:
        """How far to move `pose`'s body so that it rests as `base` says."""
        moving = body(pose)
        anchor = ANCHOR[base]
        ax, ay = moving.joint(anchor)
        tx, ty = self.start.joint(anchor)
        if base is Base.HANGING:
            return (tx - ax, ty - ay)
        return (tx - ax, self.ground - moving.lowest)

    def at(self, t: float) -> Body:
        """The body a fraction `t` of the way from start to end, resting where it should: the
        start base's rule blended into the end base's as `t` goes from 0 to 1, or held by the
        hands at the bar when either pose hangs from it."""
        fig = self.figure
        pose = between(fig.start, fig.end, t)
        if Base.HANGING in (fig.start.base, fig.end.base):
            # Hands on the bar all the way (the start pose's hands are where the bar is).
            return body(pose).moved(*self.place(pose, Base.HANGING))
        x0, y0 = self.place(pose, fig.start.base)
        x1, y1 = self.place(pose, fig.end.base)
        w = min(max(t, 0.0), 1.0)
        return body(pose).moved(x0 + (x1 - x0) * w, y0 + (y1 - y0) * w)


def scene(figure: Figure) -> Scene:
    """The start pose set down on the floor (or its step), hip at x = 0."""
    start = body(figure.start)
    ground = STEP_HEIGHT if Prop.STEP in figure.props else CLEARANCE
    if figure.start.base is Base.HANGING:
        # Hanging from the start: the feet clear the floor by a little.
        ground = 1.0
    start = start.moved(0.0, ground - start.lowest)
    return Scene(figure, start, ground)


Segment = tuple[Point, Point]


def prop_segments(scene: Scene) -> list[Segment]:
    """The props as lines, in units."""
    fig, start = scene.figure, scene.start
    lines: list[Segment] = []
    for prop in fig.props:
        if prop is Prop.CHAIR and fig.start.base is Base.SEATED:
            hx, hy = start.hip
            seat = hy - 0.3
            back, front = hx - 1.0, hx + 3.0
            lines += [
                ((back, seat), (front, seat)),
                ((back, seat), (back, seat + CHAIR_BACK)),
                ((back, seat), (back, 0.0)),
                ((front, seat), (front, 0.0)),
            ]
        elif prop is Prop.CHAIR:
            # Standing beside it, a hand resting on its back.
            wx, wy = start.wrist[0]
            back, front = wx + 0.3, wx + 3.3
            lines += [
                ((back, wy), (back, 0.0)),
                ((back, SEAT), (front, SEAT)),
                ((front, SEAT), (front, 0.0)),
            ]
        elif prop is Prop.TABLE:
            wx, wy = start.wrist[0]
            top = wy - 0.2
            lines += [
                ((wx - 1.0, top), (wx + 6.0, top)),
                ((wx - 0.5, top), (wx - 0.5, 0.0)),
                ((wx + 5.5, top), (wx + 5.5, 0.0)),
            ]
        elif prop is Prop.BAR:
            bx, by = scene.bar
            top = by + 0.3
            # A doorway bar: the bar, and its two brackets going up.
            lines += [
                ((bx - 3.0, top), (bx + 3.0, top)),
                ((bx - 3.0, top), (bx - 3.0, top + 1.0)),
                ((bx + 3.0, top), (bx + 3.0, top + 1.0)),
            ]
        elif prop is Prop.WALL_BARS:
            bx, by = scene.bar
            # Seen from the side: the bars' upright in front of the body, a rung every two
            # units jutting toward it, the top one in the hands.
            wall = bx + 1.0
            top = by + 1.5
            lines.append(((wall, 0.0), (wall, top)))
            rung = by
            while rung > 0.5:
                lines.append(((wall - 1.0, rung), (wall, rung)))
                rung -= 2.0
        elif prop is Prop.STEP:
            ax = start.ankle[0][0]
            lines += [
                ((ax - 1.5, STEP_HEIGHT), (ax + 2.5, STEP_HEIGHT)),
                ((ax - 1.5, STEP_HEIGHT), (ax - 1.5, 0.0)),
                ((ax + 2.5, STEP_HEIGHT), (ax + 2.5, 0.0)),
            ]
    return lines


def body_segments(b: Body, side: int) -> list[Segment]:
    """One side's limbs as lines (the trunk and neck go with the near side)."""
    lines = [
        (b.shoulder, b.elbow[side]),
        (b.elbow[side], b.wrist[side]),
        (b.hip, b.knee[side]),
        (b.knee[side], b.ankle[side]),
        (b.ankle[side], b.toe[side]),
    ]
    if side == 0:
        hx, hy = b.head
        sx, sy = b.shoulder
        d = math.hypot(hx - sx, hy - sy) or 1.0
        neck_end = (sx + (hx - sx) * NECK / d, sy + (hy - sy) * NECK / d)
        lines += [(b.hip, b.waist), (b.waist, b.shoulder), (b.shoulder, neck_end)]
    return lines


@dataclass(frozen=True)
class Drawing:
    """A drawn figure: rows of text cells, each row as runs of (text, layer)."""

    rows: list[list[tuple[str, int]]]
    #: How many dots fell outside the box (none, when the figure fits).
    clipped: int = 0

    def lines(self) -> list[str]:
        """The drawing as plain text, one string per row."""
        return ["".join(text for text, _ in row) for row in self.rows]


# Braille: the dot at (column 0..1, row 0..3) of a cell, as a bit of U+2800's offset.
DOT_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))


class Canvas:
    """Dots on a grid of `cols` × `rows` cells, each dot on a layer."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.width, self.height = cols * 2, rows * 4
        self.bits = [[0] * cols for _ in range(rows)]
        self.layer = [[-1] * cols for _ in range(rows)]
        self.clipped = 0  # dots that fell outside the box

    def dot(self, x: int, y: int, layer: int) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            row, col = y // 4, x // 2
            self.bits[row][col] |= DOT_BITS[y % 4][x % 2]
            self.layer[row][col] = max(self.layer[row][col], layer)
        else:
            self.clipped += 1

    def line(self, a: tuple[int, int], b: tuple[int, int], layer: int) -> None:
        (x0, y0), (x1, y1) = a, b
        steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for i in range(steps + 1):
            self.dot(round(x0 + (x1 - x0) * i / steps), round(y0 + (y1 - y0) * i / steps), layer)

    def ring(self, centre: Point, radius: float, layer: int) -> None:
        cx, cy = centre
        for i in range(16):
            a = 2 * math.pi * i / 16
            self.dot(round(cx + radius * math.cos(a)), round(cy + radius * math.sin(a)), layer)

    def drawing(self) -> Drawing:
        rows = []
        for bits, layers in zip(self.bits, self.layer, strict=True):
            runs: list[tuple[str, int]] = []
            for bit, layer in zip(bits, layers, strict=True):
                # An empty cell is the blank braille pattern, not a space: the whole drawing
                # is then in one font, so a font without braille cannot shift its dots.
                char = chr(0x2800 + bit)
                layer = max(layer, PROPS)
                if runs and runs[-1][1] == layer:
                    runs[-1] = (runs[-1][0] + char, layer)
                else:
                    runs.append((char, layer))
            rows.append(runs)
        return Drawing(rows, self.clipped)


def extent(scene: Scene, bodies: Sequence[Body]) -> tuple[float, float, float, float]:
    """The smallest box (left, right, bottom, top) around the bodies, the props and the floor."""
    xs, ys = [0.0], [0.0]
    for b in bodies:
        for x, y in b.points():
            xs.append(x)
            ys.append(y)
    for one, other in prop_segments(scene):
        xs += [one[0], other[0]]
        ys += [one[1], other[1]]
    return (min(xs), max(xs), min(ys), max(ys))


def draw(figure: Figure, t: float = 0.0, cols: int = 30, rows: int = 10) -> Drawing:
    """The figure a fraction `t` of the way from its start pose to its end pose, in a box of
    `cols` × `rows` cells: the floor on the bottom dot row, the same scale and place for every
    `t`, so the body moves and the floor and props stay."""
    canvas = Canvas(cols, rows)
    if cols < 2 or rows < 2:
        return canvas.drawing()
    sc = scene(figure)
    frames = [sc.at(0.0), sc.at(0.5), sc.at(1.0)]
    left, right, bottom, top = extent(sc, frames)
    floor = canvas.height - 1
    # A dot's margin on each side, and two above: rounding never puts a dot outside.
    scale = min(
        MAX_SCALE,
        (canvas.width - 4) / max(right - left, 1e-6),
        (floor - 3) / max(top - bottom, 1e-6),
    )
    # The floor is at y = 0; a body that reaches below it (it never should) is still seen.
    offset_x = (canvas.width - (right - left) * scale) / 2 - left * scale
    base_y = floor - 1 + min(bottom, 0.0) * scale

    def at(p: Point) -> Point:
        return (offset_x + p[0] * scale, base_y - p[1] * scale)

    def px(p: Point) -> tuple[int, int]:
        x, y = at(p)
        return (round(x), round(y))

    for x in range(0, canvas.width, 2):
        canvas.dot(x, floor, PROPS)
    if Prop.MAT in figure.props:
        xs = [x for b in frames for x, y in b.points() if y <= sc.ground + 2 * HEAD]
        if xs:
            x0, x1 = px((min(xs) - 0.5, 0))[0], px((max(xs) + 0.5, 0))[0]
            canvas.line((max(x0, 0), floor), (min(x1, canvas.width - 1), floor), PROPS)
    for a, b in prop_segments(sc):
        canvas.line(px(a), px(b), PROPS)
    now = sc.at(t)
    for side, layer in ((1, FAR), (0, NEAR)):
        for a, b in body_segments(now, side):
            canvas.line(px(a), px(b), layer)
    canvas.ring(at(now.head), HEAD * scale, NEAR)
    return canvas.drawing()


#: In a paced movement or a timed stretch of work, one there-and-back takes this long (s).
WORK_CYCLE_S = 6.0
#: Between holds, moving out of the held pose and into the next takes this long (s).
SHIFT_S = 1.0


def _wave(gone: float, period: float) -> float:
    """0 at the start and end of each period, 1 halfway, smoothly."""
    return 0.5 - 0.5 * math.cos(2 * math.pi * gone / period)


def motion(kind: str | None, seconds: float, left: float, *, holds: bool) -> float:
    """Where the figure is (0 start pose, 1 end pose) in a timer phase of `kind` lasting
    `seconds` with `left` seconds to go. A hold stays at the end pose; the phases between holds
    leave it in their first second and come back in their last; a paced movement goes there and
    back once (so a rep ends at the start); timed work goes there and back every few seconds.
    `holds` says whether the exercise's reps are holds."""
    gone = max(seconds - left, 0.0)
    if kind is None:
        return 0.0
    if kind == "hold":
        return 1.0
    if kind == "move":
        return _wave(gone, max(seconds, 0.1))
    if kind == "work":
        return _wave(gone, WORK_CYCLE_S)
    # ready, relax, rest: at the start pose, the hold's pose on either side of them
    if not holds:
        return 0.0
    out = 0.0 if kind == "ready" else 1.0 - min(gone / SHIFT_S, 1.0)
    back = 1.0 - min(left / SHIFT_S, 1.0)
    return max(out, back)
