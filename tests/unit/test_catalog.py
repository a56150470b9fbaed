"""The catalog: complete, faithful to its articles, and loud about broken data (SPEC §2, §3)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from planner.models import CautionAbout, Condition, Direction, Equipment, Position, Rules
from seeds import CatalogError, load_catalog, loader
from seeds.loader import DATA

ARTICLES = {
    "000": "000_787af1d933f1c1aa.txt",
    "001": "001_656896cb27485807.txt",
    "002": "002_eed50beb7308ac6d.txt",
    "003": "003_0b8d633e891da921.txt",
    "004": "004_a5d46a4b605584c4.txt",
}

# SPEC §2: id, kind, stage, the articles it must cite.
SPEC_TABLE = [
    ("shoulder-circles", "mobility", 1, ["003"]),
    ("pelvic-tilt-seated", "mobility", 1, ["003"]),
    ("pelvic-tilt-lying", "mobility", 1, ["003"]),
    ("package-seat", "stretch", 1, ["003"]),
    ("package-seat-dynamic", "mobility", 2, ["003"]),
    ("knee-to-chest-single", "stretch", 1, ["004"]),
    ("knee-to-chest-double", "stretch", 2, ["004"]),
    ("prone-lengthen", "stretch", 1, ["002"]),
    ("supine-lengthen", "stretch", 1, ["002"]),
    ("toe-pull-chin-tuck", "stretch", 2, ["002"]),
    ("table-lean", "traction", 2, ["002"]),
    ("prone-on-elbows", "mobility", 2, ["004"]),
    ("standing-extension", "mobility", 2, ["004"]),
    ("hamstring-stretch", "stretch", 2, ["003"]),
    ("hip-flexor-stretch", "stretch", 2, ["003"]),
    ("bar-hang", "traction", 2, ["002"]),
    ("half-hang", "traction", 2, ["002"]),
    ("wall-bar-hang-leg-swings", "mobility", 4, ["002"]),
    ("bridge", "strength", 3, ["004"]),
    ("five-point-support", "strength", 3, ["001"]),
    ("back-extension-superman", "strength", 3, ["004", "003"]),
    ("prone-bow", "strength", 4, ["001"]),
    ("abdominal-curl", "strength", 3, ["004", "003"]),
    ("back-tapping-massage", "self-massage", "any", ["001"]),
    ("backward-walking", "conditioning", 4, ["000"]),
]

EXTENSION_MOVES = ["prone-on-elbows", "standing-extension", "back-extension-superman", "prone-bow"]
#: The moves that round the lower back forward (docs/clinical.md §7, directional preference).
FLEXION_MOVES = [
    "package-seat",
    "package-seat-dynamic",
    "knee-to-chest-single",
    "knee-to-chest-double",
    "toe-pull-chin-tuck",
    "abdominal-curl",
]
HANGS = ["bar-hang", "half-hang", "wall-bar-hang-leg-swings"]

# (easier, harder) pairs that must point at each other.
NEIGHBOURS = [
    ("pelvic-tilt-lying", "pelvic-tilt-seated"),
    ("package-seat", "package-seat-dynamic"),
    ("knee-to-chest-single", "knee-to-chest-double"),
    ("prone-on-elbows", "standing-extension"),
    ("half-hang", "bar-hang"),
    ("bridge", "five-point-support"),
    ("back-extension-superman", "prone-bow"),
]

# Doses the articles state, as (exercise, field, low, high): the default must honour them.
ARTICLE_DOSES = [
    ("prone-lengthen", "reps", 5, 5),
    ("prone-lengthen", "hold_s", 5, 8),
    ("supine-lengthen", "reps", 5, 5),
    ("supine-lengthen", "hold_s", 5, 8),
    ("toe-pull-chin-tuck", "reps", 2, 3),
    ("toe-pull-chin-tuck", "hold_s", 5, 20),
    ("table-lean", "hold_s", 8, 10),
    ("table-lean", "per_day", 3, 5),
    ("bar-hang", "hold_s", 15, 20),
    ("bar-hang", "per_day", 2, 10),
]

# Exercises whose article gives no numbers: the dose is the project's and must say so.
NO_ARTICLE_DOSE = [
    "shoulder-circles",
    "pelvic-tilt-seated",
    "pelvic-tilt-lying",
    "package-seat",
    "package-seat-dynamic",
    "knee-to-chest-single",
    "knee-to-chest-double",
    "prone-on-elbows",
    "standing-extension",
    "hamstring-stretch",
    "hip-flexor-stretch",
    "half-hang",
    "wall-bar-hang-leg-swings",
    "bridge",
    "back-extension-superman",
    "abdominal-curl",
    "backward-walking",
]

# SPEC §3 moving-on numbers; None where the SPEC sets no such criterion.
MOVE_ON = [
    # stage, min_days, min_sessions, checkin_count, checkin_max, no_flare, no_24h, adh_pct, adh_days
    (1, 3, 4, 3, 4, 3, 3, None, None),
    (2, 7, 8, 3, 3, 5, 3, None, None),
    (3, 14, 12, 3, 2, 5, None, 70, 14),
]

STAGE_NAMES = {1: "Calm", 2: "Mobilize", 3: "Strengthen", 4: "Condition"}

RULES = dict(
    flare_pain_after_above=5,
    flare_rise=2,
    flare_24h_rise=2,
    step_back_flares=2,
    step_back_flare_days=7,
    step_back_checkin=7,
    dose_step_sessions=2,
    dose_step_max_pain=3,
    rescreen_days=7,
    rescreen_grace_days=1,
    psfs_days=7,
    session_min_exercises=3,
    session_max_exercises=6,
    no_improvement_days=28,
    improvement_points=2,
    no_improvement_floor=3,
    severe_pain=8,
    severe_days=3,
    psfs_change_mean=2.0,
    psfs_change_one=3,
    acute_episode_days=42,
    card_first_days=7,
    card_after_flare_days=2,
    # The walking programme (SPEC §3b): 80 % to start, +10-20 % a week, 30 min on 5 days.
    walk_start_pct=80,
    walk_step_pct=15,
    walk_goal_minutes=30,
    walk_goal_days=5,
    walk_step_down_flares=2,
    backward_walk_exercise="backward-walking",
)

# Education cards (SPEC §2) and the sources each must cite.
CARDS = {
    "moving-beats-bed-rest": {ARTICLES["002"]},
    "heat-or-cold": {ARTICLES["004"]},
    "start-light": {ARTICLES["002"], ARTICLES["004"]},
    "stop-if-it-hurts": {ARTICLES["002"], ARTICLES["004"]},
    "what-it-cannot-do": {ARTICLES["000"], ARTICLES["001"]},
    "when-non-surgical-care-suits": {ARTICLES["001"]},
    "when-to-see-a-doctor": {ARTICLES["004"], "guideline:NICE NG59"},
    "breathe-rhythmically": {ARTICLES["004"]},
    "cracks-and-relaxed-muscles": {ARTICLES["002"]},
    "evening-no-sudden-moves": {ARTICLES["002"]},
}


def cautions_about(ex, about: CautionAbout) -> list[str]:
    return [c.text for c in ex.cautions if c.about is about]


# ---------------------------------------------------------------------------------------------
# Loading and sources


def test_catalog_loads_from_the_package_data():
    catalog = load_catalog()
    assert len(catalog.exercises) >= len(SPEC_TABLE)
    assert sorted(catalog.stages) == [1, 2, 3, 4]


def test_sources_are_exactly_the_five_articles(catalog):
    assert set(catalog.sources) == set(ARTICLES.values())
    assert all(desc.strip() for desc in catalog.sources.values())


@pytest.mark.parametrize("article", sorted(ARTICLES.values()))
def test_every_article_is_cited_by_an_exercise(catalog, article):
    assert [e.id for e in catalog.exercises.values() if article in e.sources]


# ---------------------------------------------------------------------------------------------
# The SPEC table, exercise by exercise


@pytest.mark.parametrize(
    ("ex_id", "kind", "stage", "cites"), SPEC_TABLE, ids=[row[0] for row in SPEC_TABLE]
)
def test_spec_exercise_is_present_with_its_kind_stage_and_sources(
    catalog, ex_id, kind, stage, cites
):
    ex = catalog.exercises.get(ex_id)
    assert ex is not None, f"{ex_id} is missing"
    assert ex.kind == kind
    assert ex.stage == stage
    assert {ARTICLES[c] for c in cites} <= set(ex.sources)
    assert ex.dose.label()


@pytest.mark.parametrize("ex_id", EXTENSION_MOVES)
def test_backward_bending_moves_are_marked_as_extension(catalog, ex_id):
    assert catalog.exercise(ex_id).extension


def test_every_exercise_says_which_way_it_bends_the_back(catalog):
    """Bending back is exactly the extension moves, bending forward exactly the flexion moves,
    the rest neutral: the directional-preference rule swaps between the first two."""

    def going(way: Direction) -> list[str]:
        return sorted(e.id for e in catalog.exercises.values() if e.direction is way)

    assert going(Direction.BACK) == sorted(EXTENSION_MOVES)
    assert going(Direction.FORWARD) == sorted(FLEXION_MOVES)


def test_every_extension_move_carries_a_stenosis_caution(catalog):
    missing = [
        e.id
        for e in catalog.exercises.values()
        if e.extension and not cautions_about(e, CautionAbout.STENOSIS)
    ]
    assert missing == []


@pytest.mark.parametrize("ex_id", HANGS)
def test_hangs_are_optional_with_the_nice_note_and_a_shoulder_caution(catalog, ex_id):
    ex = catalog.exercise(ex_id)
    assert ex.optional
    assert ex.evidence is not None and "NICE NG59" in ex.evidence
    assert "traction" in ex.evidence
    assert cautions_about(ex, CautionAbout.SHOULDER)


def test_backward_walking_warns_about_balance_and_says_it_does_not_cure(catalog):
    ex = catalog.exercise("backward-walking")
    assert cautions_about(ex, CautionAbout.BALANCE)
    assert ex.equipment == [Equipment.FLAT_PATH]
    assert ex.evidence is not None and "does not cure" in ex.evidence


def test_equipment_matches_the_starting_position(catalog):
    """Floor moves need a mat, seated ones a chair, walking a path; standing needs little."""
    needs = {
        Position.SUPINE: {Equipment.MAT},
        Position.PRONE: {Equipment.MAT},
        Position.KNEELING: {Equipment.MAT},
        Position.SEATED: {Equipment.CHAIR},
        Position.WALKING: {Equipment.FLAT_PATH},
    }
    wrong = []
    for ex in catalog.exercises.values():
        if ex.position in needs and ex.needs() != needs[ex.position]:
            wrong.append(ex.id)
        if ex.position is Position.HANGING and ex.needs() not in (
            {Equipment.PULL_UP_BAR},
            {Equipment.WALL_BARS},
        ):
            wrong.append(ex.id)
        if ex.position is Position.STANDING and ex.needs() - {Equipment.TABLE}:
            wrong.append(ex.id)
    assert wrong == []


def test_acute_phase_moves_suit_lumbago(catalog):
    """Article 003 is about acute lumbago: everything in Calm must be open to it."""
    assert [e.id for e in catalog.for_stage(1) if Condition.LUMBAGO not in e.conditions] == []


def test_every_exercise_has_three_to_six_short_steps(catalog):
    bad = [
        e.id
        for e in catalog.exercises.values()
        if not 3 <= len(e.steps) <= 6 or any(not s.strip() or len(s) > 140 for s in e.steps)
    ]
    assert bad == []


def test_every_exercise_has_a_short_alias(catalog):
    bad = [
        e.id
        for e in catalog.exercises.values()
        if not e.aliases or any(len(a) > 30 for a in e.aliases)
    ]
    assert bad == []


# ---------------------------------------------------------------------------------------------
# Doses


def test_every_default_dose_sits_within_its_bounds(catalog):
    outside = {e.id: e.bounds.allows(e.dose) for e in catalog.exercises.values()}
    assert {k: v for k, v in outside.items() if v} == {}


@pytest.mark.parametrize(("ex_id", "field", "low", "high"), ARTICLE_DOSES)
def test_a_dose_the_article_gives_is_honoured(catalog, ex_id, field, low, high):
    ex = catalog.exercise(ex_id)
    assert low <= getattr(ex.dose, field) <= high
    assert not ex.dose_is_project_default
    bound = getattr(ex.bounds, field, None)
    if bound is not None:
        assert bound[1] <= high, "progression must not go past what the article gives"


@pytest.mark.parametrize("ex_id", NO_ARTICLE_DOSE)
def test_a_dose_the_article_does_not_give_is_flagged_and_explained(catalog, ex_id):
    ex = catalog.exercise(ex_id)
    assert ex.dose_is_project_default
    assert ex.evidence


@pytest.mark.parametrize("ex_id", ["five-point-support", "prone-bow", "back-tapping-massage"])
def test_long_article_routines_start_shorter_and_may_grow_to_the_article(catalog, ex_id):
    """001 gives ~10 min (massage 10 + 5), twice a day: start lower, allow it, explain it."""
    ex = catalog.exercise(ex_id)
    assert ex.dose.per_day == 2
    assert ex.dose.minutes is not None and ex.bounds.minutes is not None
    assert ex.dose.minutes < ex.bounds.minutes[1]
    assert ex.bounds.minutes[1] >= 10
    assert ex.dose_is_project_default and ex.evidence and "10 minutes" in ex.evidence


def test_timed_exercises_never_grow_extra_sets(catalog):
    """Progression adds sets last; for a dose in minutes an extra set would mean nothing."""
    bad = [
        e.id
        for e in catalog.exercises.values()
        if e.dose.minutes is not None and e.bounds.sets != (1, 1)
    ]
    assert bad == []


def test_no_single_exercise_takes_more_than_ten_minutes(catalog):
    assert [e.id for e in catalog.exercises.values() if e.dose.seconds() > 10 * 60] == []


# ---------------------------------------------------------------------------------------------
# Neighbours


@pytest.mark.parametrize(("easier", "harder"), NEIGHBOURS)
def test_neighbour_pairs_point_at_each_other(catalog, easier, harder):
    assert catalog.exercise(easier).harder == harder
    assert catalog.exercise(harder).easier == easier


def test_every_neighbour_link_is_returned(catalog):
    broken = []
    for ex in catalog.exercises.values():
        if ex.harder is not None and catalog.exercise(ex.harder).easier != ex.id:
            broken.append(f"{ex.id} -> harder {ex.harder}")
        if ex.easier is not None and catalog.exercise(ex.easier).harder != ex.id:
            broken.append(f"{ex.id} -> easier {ex.easier}")
        if ex.id in (ex.easier, ex.harder):
            broken.append(f"{ex.id} is its own neighbour")
    assert broken == []


# ---------------------------------------------------------------------------------------------
# Stages and rules


@pytest.mark.parametrize(("number", "name"), sorted(STAGE_NAMES.items()))
def test_stage_names(catalog, number, name):
    stage = catalog.stage(number)
    assert stage.name == name
    assert stage.aim


@pytest.mark.parametrize(
    ("number", "days", "sessions", "count", "cmax", "no_flare", "no_24h", "pct", "adh_days"),
    MOVE_ON,
    ids=[f"{row[0]}->{row[0] + 1}" for row in MOVE_ON],
)
def test_move_on_numbers_are_the_specs(
    catalog, number, days, sessions, count, cmax, no_flare, no_24h, pct, adh_days
):
    rule = catalog.stage(number).move_on
    assert rule is not None
    assert (rule.min_days, rule.min_sessions, rule.checkin_count, rule.checkin_max) == (
        days,
        sessions,
        count,
        cmax,
    )
    assert rule.no_flare_sessions == no_flare
    assert rule.no_24h_flare_days == no_24h
    assert (rule.min_adherence_pct, rule.adherence_days) == (pct, adh_days)


def test_last_stage_has_no_move_on(catalog):
    assert catalog.stage(4).move_on is None


def test_rules_are_spelled_out_in_the_data_with_the_spec_values():
    raw = tomllib.loads((DATA / "stages.toml").read_text(encoding="utf-8"))["rules"]
    assert set(raw) == {f.name for f in dataclasses.fields(Rules)}
    assert raw == RULES


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_stage_offers_six_to_ten_candidates_from_this_or_an_earlier_stage(catalog, number):
    ids = catalog.stage(number).default_exercises
    assert 6 <= len(ids) <= 10
    assert len(set(ids)) == len(ids)
    later = [i for i in ids if catalog.exercise(i).stage not in ("any", *range(1, number + 1))]
    assert later == []


def test_strengthen_opens_with_two_mobility_warmups(catalog):
    stage = catalog.stage(3)
    assert stage.warmups == 2
    assert [catalog.exercise(i).kind for i in stage.default_exercises[:2]] == ["mobility"] * 2


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_warmups_are_mobility_moves(catalog, number):
    stage = catalog.stage(number)
    kinds = {catalog.exercise(i).kind for i in stage.default_exercises[: stage.warmups]}
    assert kinds <= {"mobility"}


@pytest.mark.parametrize("condition", list(Condition))
@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_someone_with_only_a_chair_and_stenosis_still_gets_a_session(catalog, number, condition):
    """No mat, no bar, no table, stenosis reported: the stage list still holds enough moves."""
    have = {Equipment.NONE, Equipment.CHAIR}
    usable = [
        ex.id
        for ex in map(catalog.exercise, catalog.stage(number).default_exercises)
        if ex.needs() <= have
        and not ex.optional
        and condition in ex.conditions
        and not ex.extension
        and not cautions_about(ex, CautionAbout.STENOSIS)
    ]
    assert len(usable) >= catalog.rules.session_min_exercises, usable


# ---------------------------------------------------------------------------------------------
# Education cards


@pytest.mark.parametrize(("card_id", "cites"), sorted(CARDS.items()))
def test_education_card_exists_and_cites_its_sources(catalog, card_id, cites):
    card = catalog.cards.get(card_id)
    assert card is not None, f"card {card_id} is missing"
    assert card.title and all(p.strip() for p in card.body)
    assert cites <= set(card.sources)


def test_see_a_doctor_card_names_the_emergency_signs(catalog):
    text = " ".join(catalog.cards["when-to-see-a-doctor"].body).lower()
    for sign in ("numbness", "bladder", "bowels", "both legs", "foot", "cancer", "fever"):
        assert sign in text


# ---------------------------------------------------------------------------------------------
# Own words: no run of six words copied from an article


def _seeds_dir() -> Path | None:
    here = Path(__file__).resolve()
    for candidate in (os.environ.get("REHAB_SEED_ARTICLES"), here.parents[3] / "shared" / "seeds"):
        if candidate and Path(candidate, ARTICLES["000"]).is_file():
            return Path(candidate)
    return None


def _six_word_runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + 6]) for i in range(len(words) - 5)}


#: Each six-word run of the five articles, as the first 12 hex digits of its SHA-256: enough to
#: find a copied run, while the articles' sentences stay out of this repository. Rebuilt with
#: `python -m tests.unit.test_catalog` when the articles are next to the checkout.
ARTICLE_RUNS = Path(__file__).with_name("article_runs.txt")


def _digest(run: tuple[str, ...]) -> str:
    return hashlib.sha256(" ".join(run).encode()).hexdigest()[:12]


def _article_digests(seeds: Path) -> set[str]:
    return {
        _digest(run)
        for name in ARTICLES.values()
        for run in _six_word_runs((seeds / name).read_text(encoding="utf-8"))
    }


def test_steps_cautions_and_cards_are_in_the_projects_own_words(catalog):
    stored = set(ARTICLE_RUNS.read_text(encoding="ascii").split())
    assert len(stored) > 2000  # every run of the five articles, not an empty file
    seeds = _seeds_dir()
    if seeds is not None:  # next to the articles: the stored digests must still be theirs
        assert stored == _article_digests(seeds)
    texts = [(e.id, s) for e in catalog.exercises.values() for s in e.steps]
    texts += [(e.id, c.text) for e in catalog.exercises.values() for c in e.cautions]
    texts += [(c.id, p) for c in catalog.cards.values() for p in c.body]
    copied = [
        (where, " ".join(run))
        for where, text in texts
        for run in _six_word_runs(text)
        if _digest(run) in stored
    ]
    assert copied == []


def test_a_copied_run_would_be_found():
    """The check above bites: six words of an article, hashed, are in the stored set."""
    stored = set(ARTICLE_RUNS.read_text(encoding="ascii").split())
    seeds = _seeds_dir()
    if seeds is not None:
        text = (seeds / ARTICLES["003"]).read_text(encoding="utf-8")
        run = next(iter(_six_word_runs(text)))
        assert _digest(run) in stored
    assert _digest(("made", "up", "words", "nobody", "ever", "wrote")) not in stored


if __name__ == "__main__":
    found = _seeds_dir()
    assert found is not None, "set REHAB_SEED_ARTICLES to the folder with the five articles"
    ARTICLE_RUNS.write_text("\n".join(sorted(_article_digests(found))) + "\n", encoding="ascii")


# ---------------------------------------------------------------------------------------------
# Broken data fails loudly: the file, the entry and the field are named


@pytest.fixture
def data(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def _section(text: str, header: str) -> tuple[int, int]:
    """Start and end offsets of the body of `[header]`, up to the next table header."""
    start = text.index(f"[{header}]\n") + len(header) + 3
    nxt = re.search(r"^\[", text[start:], flags=re.MULTILINE)
    return start, start + nxt.start() if nxt else len(text)


def edit(path: Path, header: str, old: str, new: str) -> int:
    """Replace `old` once inside the table `[header]`; return the line number it was on."""
    text = path.read_text(encoding="utf-8")
    start, end = _section(text, header)
    body = text[start:end]
    assert body.count(old) == 1, f"{old!r} not found once in [{header}]"
    at = start + body.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text[:at].count("\n") + 1


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace `old`, found exactly once anywhere in the file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not found once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def drop_section(path: Path, header: str) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = _section(text, header)
    path.write_text(text[: start - len(header) - 3] + text[end:], encoding="utf-8")


def assert_names(exc: pytest.ExceptionInfo[CatalogError], *parts: str) -> None:
    message = str(exc.value)
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"


def test_a_clean_copy_of_the_data_loads(data):
    assert load_catalog(data).exercises.keys() == load_catalog().exercises.keys()


def _drop_bridge_steps(data: Path) -> None:
    path = data / "exercises.toml"
    text = path.read_text(encoding="utf-8")
    start, end = _section(text, "exercises.bridge")
    body = re.sub(
        r"^steps = \[.*?^\]\n", "", text[start:end], count=1, flags=re.MULTILINE | re.DOTALL
    )
    assert "steps" not in body
    path.write_text(text[:start] + body + text[end:], encoding="utf-8")


#: One broken copy of the catalog per row: how it is broken, and the words the refusal must
#: hold — always the file, then the entry and the field (SPEC §2). `{line}` is the line edited.
BROKEN = [
    (
        "a word where a number belongs",
        lambda d: edit(d / "exercises.toml", "exercises.bridge.dose", "reps = 6", 'reps = "five"'),
        ("exercises.toml", "'bridge'", "dose.reps"),
    ),
    ("missing steps", _drop_bridge_steps, ("exercises.toml", "'bridge'", "steps")),
    (
        "an unknown source",
        lambda d: edit(
            d / "exercises.toml", "exercises.bridge", ARTICLES["004"], "999_not_an_article.txt"
        ),
        ("exercises.toml", "'bridge'", "sources", "999_not_an_article.txt"),
    ),
    (
        # The parser stops before any entry exists, so the line number is what locates it.
        "a TOML syntax error",
        lambda d: edit(
            d / "exercises.toml", "exercises.bridge", 'name = "Bridge"', 'name = "Bridge'
        ),
        ("exercises.toml", "not valid TOML", "line {line}"),
    ),
    (
        "an easier neighbour that does not exist",
        lambda d: edit(
            d / "exercises.toml",
            "exercises.five-point-support",
            'easier = "bridge"',
            'easier = "no-such-move"',
        ),
        ("exercises.toml", "'five-point-support'", "easier", "no-such-move"),
    ),
    (
        "a default dose outside its bounds",
        lambda d: edit(d / "exercises.toml", "exercises.bridge.dose", "reps = 6", "reps = 40"),
        ("exercises.toml", "'bridge'", "reps must be 4–12, got 40"),
    ),
    (
        "a stage listing an unknown exercise",
        lambda d: edit(d / "stages.toml", "stages.2", '"table-lean",', '"table-leaning",'),
        ("stages.toml", "stage '2'", "default_exercises", "table-leaning"),
    ),
    (
        "an acute set naming an unknown exercise",
        lambda d: replace_once(d / "stages.toml", '["pelvic-tilt-lying"]', '["no-such"]'),
        ("stages.toml", "stage '1'", "acute.1.exercises.0", "no-such"),
    ),
    (
        "a stage without move_on",
        lambda d: drop_section(d / "stages.toml", "stages.2.move_on"),
        ("stages.toml", "stage '2'", "move_on"),
    ),
    (
        "a bad rule",
        lambda d: edit(d / "stages.toml", "rules", "flare_rise = 2 ", 'flare_rise = "two" '),
        ("stages.toml", "rules", "flare_rise"),
    ),
    (
        "a rule left out",  # the data is the rules' one source: no default stands in
        lambda d: edit(d / "stages.toml", "rules", "severe_days = 3\n", ""),
        ("stages.toml", "rules", "severe_days"),
    ),
    (
        "a card citing an unknown source",
        lambda d: edit(d / "cards.toml", "cards.heat-or-cold", ARTICLES["004"], "made-up.txt"),
        ("cards.toml", "'heat-or-cold'", "sources", "made-up.txt"),
    ),
    (
        "a card shown at an unknown moment",
        lambda d: edit(
            d / "cards.toml", "cards.heat-or-cold", '["after-flare"]', '["after-lunch"]'
        ),
        ("cards.toml", "'heat-or-cold'", "moments"),
    ),
]


@pytest.mark.parametrize(
    "broken, words", [(b, w) for _, b, w in BROKEN], ids=[i for i, *_ in BROKEN]
)
def test_broken_data_is_refused_naming_file_entry_and_field(data, broken, words):
    line = broken(data)
    with pytest.raises(CatalogError) as exc:
        load_catalog(data)
    assert_names(exc, *(w.format(line=line) for w in words))


def test_the_checked_catalog_is_kept_and_every_edit_is_checked_afresh(data, tmp_path, monkeypatch):
    cache = tmp_path / "cache" / "catalog.json"
    first = loader._load_checked(data, cache)
    assert cache.exists() and mode(cache) == 0o600 and mode(cache.parent) == 0o700

    def never(*args, **kwargs):
        raise AssertionError("parsed or validated the catalog again")

    with monkeypatch.context() as patched:
        patched.setattr(tomllib, "load", never)
        patched.setattr(loader, "validate", never)
        assert loader._load_checked(data, cache) == first  # the checked copy, as it was

    edit(data / "exercises.toml", "exercises.bridge", 'name = "Bridge"', 'name = "Bridge 2"')
    assert loader._load_checked(data, cache).exercise("bridge").name == "Bridge 2"
    for damaged in ("{not json", "[" * 100_000 + "]" * 100_000):  # even nested too deep
        cache.write_text(damaged)  # a damaged copy is worked around, and replaced
        assert loader._load_checked(data, cache).exercise("bridge").name == "Bridge 2"
        assert bridge_name_in(cache) == "Bridge 2"
    # A value out of its limits (reps ≤ 50) is refused although a copy of the files before
    # the edit is kept: an edited file is validated by pydantic, never read as checked before.
    edit(data / "exercises.toml", "exercises.bridge.bounds", "reps = [4, 12]", "reps = [4, 60]")
    edit(data / "exercises.toml", "exercises.bridge.dose", "reps = 6", "reps = 55")
    with pytest.raises(CatalogError) as exc:
        loader._load_checked(data, cache)
    assert_names(exc, "exercises.toml", "'bridge'", "dose.reps")
    assert bridge_name_in(cache) == "Bridge 2"  # the copy of the good files is left as it was


def test_the_checked_copy_answers_for_the_bytes_not_the_files_times(data, tmp_path, monkeypatch):
    """The copy is keyed on what the files hold: an edit that keeps the size and puts the
    modification time back is still checked afresh; a byte-identical copy elsewhere is not."""
    cache = tmp_path / "cache" / "catalog.json"
    loader._load_checked(data, cache)
    path = data / "exercises.toml"
    before = path.stat()
    text = path.read_text()
    assert text.count('name = "Bridge"') == 1
    path.write_text(text.replace('name = "Bridge"', 'name = "Bridgf"'))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert loader._load_checked(data, cache).exercise("bridge").name == "Bridgf"
    moved = tmp_path / "moved"
    shutil.copytree(data, moved)

    def never(*args, **kwargs):
        raise AssertionError("parsed or validated the catalog again")

    monkeypatch.setattr(tomllib, "load", never)
    assert loader._load_checked(moved, cache).exercise("bridge").name == "Bridgf"


def bridge_name_in(cache: Path) -> str:
    return json.loads(cache.read_text())["documents"]["exercises"]["exercises"]["bridge"]["name"]


def test_the_default_catalog_is_cached_in_the_user_cache_folder(tmp_path):
    assert loader.default_cache() == tmp_path / "xdg-cache" / "rehab-planner" / "catalog.json"


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777
