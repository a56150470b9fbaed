"""The exercise figures: each pose drawn inside its box, moving between its start and end, on
the base its steps name; a broken pose refused with its file, exercise and joint."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from planner.figure import between, body, draw, motion, scene
from planner.models import Base, Figure, Pose
from seeds import loader
from seeds.loader import DATA, CatalogError, load_catalog

SIZES = [(30, 10), (26, 10), (44, 14), (18, 7)]
EXERCISES = list(load_catalog().exercises)


def figure_of(ex_id: str) -> Figure:
    return load_catalog().figures[ex_id]


def test_every_exercise_has_a_figure():
    catalog = load_catalog()
    assert catalog.figures.keys() == catalog.exercises.keys()


@pytest.mark.parametrize("ex_id", EXERCISES)
@pytest.mark.parametrize("cols, rows", SIZES)
def test_every_pose_is_drawn_inside_its_box(ex_id, cols, rows):
    for t in (0.0, 0.25, 0.5, 0.75, 1.0):
        drawing = draw(figure_of(ex_id), t, cols, rows)
        lines = drawing.lines()
        assert len(lines) == rows
        assert {len(line) for line in lines} == {cols}
        assert drawing.clipped == 0, f"{ex_id} at t={t}: {drawing.clipped} dots outside"
        assert all("\u2800" <= ch <= "\u28ff" for line in lines for ch in line)
        assert any(ch != "\u2800" for line in lines[:-1] for ch in line), "no figure drawn"


def test_a_figure_too_large_for_its_box_would_be_seen_clipped():
    """The clipped count is real: dots put outside the canvas are counted."""
    from planner.figure import Canvas

    canvas = Canvas(2, 1)
    canvas.line((0, 0), (9, 0), 2)
    assert canvas.drawing().clipped == 6  # x = 4..9: the box is 4 dots wide


@pytest.mark.parametrize("ex_id", EXERCISES)
def test_interpolation_starts_and_ends_at_the_poses(ex_id):
    fig = figure_of(ex_id)
    assert between(fig.start, fig.end, 0.0) == fig.start
    assert between(fig.start, fig.end, 1.0) == fig.end
    sc = scene(fig)
    placed = body(fig.start).moved(*_offset(sc.start, body(fig.start)))
    assert flat(sc.at(0.0)) == pytest.approx(flat(placed))
    halfway = between(fig.start, fig.end, 0.5)
    for joint in ("shoulders", "elbows", "hips", "knees", "ankles"):
        for side in (0, 1):
            a, b = getattr(fig.start, joint)[side], getattr(fig.end, joint)[side]
            assert min(a, b) <= getattr(halfway, joint)[side] <= max(a, b)


def flat(b) -> list[float]:
    return [c for point in b.points() for c in point]


def _offset(placed, unplaced) -> tuple[float, float]:
    return (placed.hip[0] - unplaced.hip[0], placed.hip[1] - unplaced.hip[1])


def test_the_end_pose_is_drawn_at_t_one_and_differs_from_the_start():
    fig = figure_of("bridge")
    assert draw(fig, 1.0) != draw(fig, 0.0)
    end_only = scene(fig).at(1.0)
    assert end_only.hip[1] > scene(fig).at(0.0).hip[1], "a bridge lifts the hips"


def test_a_knee_to_chest_brings_the_knee_up_to_the_chest():
    sc = scene(figure_of("knee-to-chest-single"))
    start, end = sc.at(0.0), sc.at(1.0)
    knee, far_knee = end.knee
    assert knee[1] > end.hip[1] + 2.5, "the near knee is up off the mat"
    assert abs(knee[0] - end.waist[0]) < abs(far_knee[0] - end.waist[0]), "over the trunk"
    assert start.knee[0][1] == pytest.approx(start.hip[1], abs=0.01), "the leg starts out straight"


def test_a_hanging_body_keeps_its_hands_on_the_bar():
    for ex_id in ("bar-hang", "half-hang", "wall-bar-hang-leg-swings"):
        sc = scene(figure_of(ex_id))
        for t in (0.5, 1.0):
            assert sc.at(t).wrist[0] == pytest.approx(sc.bar, abs=0.3), ex_id


# ---------------------------------------------------------------------------------------------
# The base follows the steps' words

#: What a step says about where the body is, and the base that means. The first of these in
#: an exercise's steps is where it starts; every pose must be on a base the steps name.
BASE_WORDS = [
    (r"\blie on your back\b", Base.SUPINE),
    (r"\blie on your front\b", Base.PRONE),
    (r"\bon all fours\b|\bhands and knees\b|\bweight rests on your hands\b", Base.HANDS_AND_KNEES),
    (r"\bkneel\b|\bon(to)? your heels\b", Base.KNEELING),
    (r"\bsit\b|\bsitting\b", Base.SEATED),
    (r"\bstand\b|\bstanding\b", Base.STANDING),
    (r"\bhang\b|\bhangs\b", Base.HANGING),
]


def bases_named(steps: list[str]) -> list[Base]:
    """The bases the steps name, in the order they name them."""
    text = " ".join(steps).lower()
    found = [
        (match.start(), base)
        for pattern, base in BASE_WORDS
        for match in re.finditer(pattern, text)
    ]
    return [base for _, base in sorted(found, key=lambda item: item[0])]


@pytest.mark.parametrize("ex_id", EXERCISES)
def test_each_pose_rests_on_the_base_its_steps_name(ex_id):
    catalog = load_catalog()
    named = bases_named(catalog.exercise(ex_id).steps)
    fig = catalog.figures[ex_id]
    assert named, f"{ex_id}: the steps name no position"
    assert fig.start.base is named[0], f"{ex_id}: the steps start {named[0]}"
    assert fig.end.base in named, f"{ex_id}: the steps never say {fig.end.base}"


def test_a_wrong_base_is_caught_by_the_words():
    bridge = load_catalog().exercise("bridge")
    assert bases_named(bridge.steps) == [Base.SUPINE]
    assert bases_named(["Kneel on a mat and sit back onto your heels."])[0] is Base.KNEELING
    assert bases_named(["Lie on your front on a mat."]) == [Base.PRONE]


# ---------------------------------------------------------------------------------------------
# Moving with the timer


def test_a_hold_is_at_the_end_pose_throughout():
    for left in (10.0, 5.0, 0.1):
        assert motion("hold", 10, left, holds=True) == 1.0


def test_a_paced_rep_goes_there_and_back():
    assert motion("move", 3, 3.0, holds=False) == 0.0
    assert motion("move", 3, 1.5, holds=False) == pytest.approx(1.0)
    assert motion("move", 3, 0.0, holds=False) == pytest.approx(0.0)


def test_between_holds_the_body_comes_back_to_the_start_and_goes_out_again():
    assert motion("relax", 3, 3.0, holds=True) == 1.0  # the hold just ended
    assert motion("relax", 3, 1.5, holds=True) == 0.0  # back at the start
    assert motion("relax", 3, 0.0, holds=True) == 1.0  # the next hold begins
    assert motion("ready", 3, 3.0, holds=True) == 0.0
    assert motion("ready", 3, 2.0, holds=False) == 0.0
    assert motion(None, 0, 0.0, holds=True) == 0.0


def test_without_holds_the_rests_stay_at_the_start():
    assert motion("rest", 30, 29.5, holds=False) == 0.0
    assert motion("rest", 30, 0.5, holds=False) == 0.0


# ---------------------------------------------------------------------------------------------
# Broken poses are refused, naming the file, the exercise and the joint


@pytest.fixture
def data(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def change(path: Path, header: str, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(f"[{header}]\n")
    at = text.index(old, start)
    assert text.rfind("\n[", start + 1, at) == -1, f"{old!r} not in [{header}]"
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")


BROKEN_POSES = [
    (
        "a knee bent past its limit",
        ("poses.bridge.end", "knees = 115", "knees = 200"),
        ("poses.toml", "exercise 'bridge'", "end.knees"),
    ),
    (
        "one side of a pair out of its limit",
        ("poses.hamstring-stretch.start", "hips = [90, 45]", "hips = [90, 400]"),
        ("poses.toml", "exercise 'hamstring-stretch'", "start.hips.1"),
    ),
    (
        "an unknown base",
        ("poses.bridge.start", 'base = "lying on the back"', 'base = "upside down"'),
        ("poses.toml", "exercise 'bridge'", "start.base"),
    ),
    (
        "an unknown joint",
        ("poses.bridge.end", "knees = 115", "knees = 115\nwrists = 10"),
        ("poses.toml", "exercise 'bridge'", "end.wrists"),
    ),
    (
        "an unknown prop",
        ("poses.bridge", 'props = ["mat"]', 'props = ["sofa"]'),
        ("poses.toml", "exercise 'bridge'", "props.0"),
    ),
    (
        "a trunk given in words",
        ("poses.table-lean.end", "trunk = 45", 'trunk = "45"'),
        ("poses.toml", "exercise 'table-lean'", "end.trunk"),
    ),
]


@pytest.mark.parametrize(
    "edit, words", [(e, w) for _, e, w in BROKEN_POSES], ids=[i for i, *_ in BROKEN_POSES]
)
def test_a_broken_pose_is_refused_naming_file_exercise_and_joint(data, edit, words):
    header, old, new = edit
    change(data / "poses.toml", header, old, new)
    with pytest.raises(CatalogError) as exc:
        load_catalog(data)
    for word in words:
        assert word in str(exc.value), f"{word!r} not in {exc.value}"


def test_poses_for_an_exercise_the_catalog_lacks_are_refused(data):
    path = data / "poses.toml"
    extra = '[poses.no-such]\n[poses.no-such.start]\nbase = "standing"\n'
    extra += '[poses.no-such.end]\nbase = "standing"\n'
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    with pytest.raises(CatalogError) as exc:
        load_catalog(data)
    assert "poses.toml" in str(exc.value) and "'no-such'" in str(exc.value)
    assert "no such exercise" in str(exc.value)


def test_an_exercise_without_poses_is_refused(data):
    path = data / "poses.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[poses.bridge]\n")
    end = text.index("[poses.five-point-support]\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(CatalogError) as exc:
        load_catalog(data)
    assert "poses.toml" in str(exc.value) and "'bridge'" in str(exc.value)


def test_a_pose_edit_is_checked_afresh_past_the_catalog_cache(data, tmp_path):
    cache = tmp_path / "cache" / "catalog.json"
    first = loader._load_checked(data, cache)
    assert first.figures["bridge"].end.knees == (115, 115)
    change(data / "poses.toml", "poses.bridge.end", "knees = 115", "knees = [110, 100]")
    assert loader._load_checked(data, cache).figures["bridge"].end.knees == (110, 100)
    change(data / "poses.toml", "poses.bridge.end", "knees = [110, 100]", "knees = [110, 999]")
    with pytest.raises(CatalogError):
        loader._load_checked(data, cache)


def test_a_cached_figure_is_the_figure_that_was_checked(data, tmp_path):
    cache = tmp_path / "cache" / "catalog.json"
    checked = loader._load_checked(data, cache)
    again = loader._load_checked(data, cache)  # read from the cache this time
    assert again.figures == checked.figures
    assert isinstance(again.figures["bridge"].start, Pose)
    assert again.figures["bridge"].start.base is Base.SUPINE
    assert body(again.figures["bridge"].end) == body(checked.figures["bridge"].end)
