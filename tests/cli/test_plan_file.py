"""`rehab plan export` / `rehab plan import`: a plan a physiotherapist can write.
The round trip gives the same plan; every bad file is refused line by line, nothing changed."""

from __future__ import annotations

import re

import pytest

from planner import plan_file
from planner.models import Screening
from planner.safety import RED_FLAGS
from rehab.commands import write_demo
from seeds import load_catalog
from store import Repository, list_backups
from tests.cli.test_exports import cli, fresh_file, mode
from tests.conftest import FakeClock


@pytest.fixture
def demo(tmp_path):
    path = tmp_path / "demo" / "rehab.json"
    write_demo(path, 42, 7, FakeClock())
    return path


def plan_text(path) -> str:
    code, out, err = cli("plan", "export", "--data", str(path))
    assert code == 0, err
    return out


def active(path):
    with Repository.open(path, clock=FakeClock(), readonly=True) as repo:
        return repo.active_plan(), repo.stage_events()


@pytest.mark.parametrize("which", ["demo", "fresh"])
def test_export_then_import_unchanged_gives_the_same_plan(demo, tmp_path, which):
    path = demo if which == "demo" else fresh_file(tmp_path / "fresh" / "rehab.json")
    before, events = active(path)
    target = tmp_path / "plan.toml"
    code, out, err = cli("plan", "export", "--out", str(target), "--data", str(path))
    assert code == 0 and mode(target) == "0o600", err
    assert target.read_text() == plan_text(path)
    code, out, err = cli("plan", "import", str(target), "--data", str(path))
    assert code == 0, err
    assert "Loaded the plan from your physiotherapist" in out
    after, later_events = active(path)
    assert (after.stage, after.prescriptions) == (before.stage, before.prescriptions)
    assert after.id != before.id and after.source is not None
    assert after.source.doses == {p.exercise_id: p.dose for p in before.prescriptions}
    assert later_events[-1].kind == "override" and "physiotherapist" in later_events[-1].reason
    assert len(later_events) == len(events) + 1
    assert "before-plan-import" in [b.reason for b in list_backups(path)]
    assert plan_text(path) == target.read_text()  # and out again, byte for byte


def test_the_clinicians_name_and_note_travel_and_show_in_the_report(demo, tmp_path):
    text = plan_text(demo).replace(
        "stage = ",
        'clinician = "A. [b]Physio[/b]"\nnote = """Walk daily.\nNo lifting."""\nstage = ',
    )
    (tmp_path / "p.toml").write_text(text)
    assert cli("plan", "import", str(tmp_path / "p.toml"), "--data", str(demo))[0] == 0
    plan, _ = active(demo)
    assert (plan.source.clinician, plan.source.note) == (
        "A. [b]Physio[/b]",
        "Walk daily.\nNo lifting.",
    )
    again = plan_text(demo)
    assert 'clinician = "A. [b]Physio[/b]"' in again and "Walk daily.\nNo lifting." in again
    code, report, _ = cli("export", "--format", "md", "--data", str(demo))
    assert "**From their physiotherapist** (A. \\[b\\]Physio\\[/b\\])" in report
    assert "> Walk daily.\n> No lifting." in report  # quoted as written


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


SPOILERS = {
    "not toml": (lambda t: t.replace("stage = ", "stage == "), r"line \d+: not a TOML file"),
    "unknown field": (lambda t: "colour = 3\n" + t, r"line 1: colour: rehab does not know"),
    "newer format": (
        lambda t: t.replace("format = 1", "format = 2"),
        r"format: 2 was written by a newer",
    ),
    "no stage": (lambda t: re.sub(r"stage = \d\n", "", t), r"the file names no stage"),
    "stage out of range": (
        lambda t: re.sub(r"stage = \d", "stage = 7", t),
        r"stage: must be one of 1, 2, 3, 4; got 7",
    ),
    "unknown id": (
        lambda t: _replace_once(t, 'id = "', 'id = "no-such-'),
        r"exercise 1, id: 'no-such-[a-z-]+' is not an exercise",
    ),
    "out of bounds": (
        lambda t: _replace_once(t, "sets = ", "sets = 9\nxsets = "),
        r"exercise 1, sets: 9 is outside .*'s limits, 1 to \d",
    ),
    "not dosed so": (
        lambda t: _replace_once(t, "sets = ", "minutes = 5\nsets = "),
        r"exercise 1, minutes: .* is not dosed in minutes",
    ),
    "times a day past the model's limit": (
        lambda t: _replace_once(t, "per_day = 1", "per_day = 11"),
        r"exercise 1, per_day: 11 is outside .*'s limits, 1 to 10",
    ),
    "not a number": (
        lambda t: _replace_once(t, "per_day = 1", 'per_day = "twice"'),
        r"per_day: must be a whole number; got 'twice'",
    ),
    "bad slot": (
        lambda t: _replace_once(t, 'slot = "any"', 'slot = "noon"'),
        r"slot: must be morning, evening or any; got 'noon'",
    ),
    "twice": (
        lambda t: t + "\n[[exercise]]\n" + t.split("[[exercise]]\n")[1],
        r"is in the plan twice",
    ),
    "no exercises": (lambda t: t.split("[[exercise]]")[0], r"exercise: the plan has no exercises"),
    "escape in name": (
        lambda t: 'clinician = "Dr \\u001b[31m"\n' + t,
        r"line 1: clinician: must be one line of plain text",
    ),
}


@pytest.mark.parametrize("name", list(SPOILERS))
def test_a_bad_plan_file_is_refused_one_line_per_problem_and_nothing_changes(demo, tmp_path, name):
    spoil, says = SPOILERS[name]
    target = tmp_path / "plan.toml"
    target.write_text(spoil(plan_text(demo)))
    before = demo.read_bytes()
    code, out, err = cli("plan", "import", str(target), "--data", str(demo))
    assert code == 1 and out == "", err
    lines = err.splitlines()
    assert all(line.startswith("rehab: ") for line in lines) and "Traceback" not in err
    assert re.search(says, err), err
    assert lines[-1].endswith("nothing changed.") or "newer" in err
    for line in lines[:-1]:
        assert re.match(r"rehab: plan\.toml line \d+: ", line), line
    assert demo.read_bytes() == before and not list_backups(demo)


def test_each_problem_names_its_own_line(demo, tmp_path):
    text = plan_text(demo)
    spoiled = _replace_once(
        _replace_once(text, 'slot = "any"', 'slot = "noon"'), "stage = ", "stage = 9\nx = "
    )
    target = tmp_path / "plan.toml"
    target.write_text(spoiled)
    code, _, err = cli("plan", "import", str(target), "--data", str(demo))
    numbered = spoiled.splitlines()
    for line in err.splitlines()[:-1]:
        number = int(re.search(r"line (\d+)", line).group(1))
        field = line.split(": ")[2].split(", ")[-1]
        assert numbered[number - 1].lstrip().startswith(field), (line, numbered[number - 1])
    assert code == 1 and len(err.splitlines()) == 4  # stage, x, slot; then the summary


def test_import_is_refused_while_a_warning_sign_is_open(demo, tmp_path):
    clock = FakeClock()
    with Repository.open(demo, clock=clock) as repo:
        answers = {f.id: False for f in RED_FLAGS} | {RED_FLAGS[0].id: True}
        repo.record_screening(Screening(at=clock(), answers=answers, result="see-doctor"))
    target = tmp_path / "plan.toml"
    target.write_text(plan_text(demo))
    before = demo.read_bytes()
    code, _, err = cli("plan", "import", str(target), "--data", str(demo))
    assert code == 1 and err.count("\n") == 1 and "warning sign is open" in err
    assert demo.read_bytes() == before


def test_import_is_refused_while_the_plan_is_paused_and_no_sign_is_open(demo, tmp_path):
    """A pause ends by answering the safety questions again; loading a plan must not end it."""
    from dataclasses import replace

    target = tmp_path / "plan.toml"
    target.write_text(plan_text(demo))
    with Repository.open(demo, clock=FakeClock()) as repo:
        plan = repo.active_plan()
        repo.save_plan(replace(plan, status="paused", pause_reason="warning sign"))
    before = demo.read_bytes()
    code, _, err = cli("plan", "import", str(target), "--data", str(demo))
    assert code == 1 and err.count("\n") == 1 and "paused" in err
    assert demo.read_bytes() == before
    assert active(demo)[0].status == "paused"


def test_import_of_a_missing_file_or_while_the_planner_is_open_is_one_line(demo, tmp_path):
    code, _, err = cli("plan", "import", str(tmp_path / "nope.toml"), "--data", str(demo))
    assert code == 1 and err.count("\n") == 1 and "does not exist" in err
    target = tmp_path / "plan.toml"
    target.write_text(plan_text(demo))
    with Repository.open(demo, clock=FakeClock()):
        code, _, err = cli("plan", "import", str(target), "--data", str(demo))
    assert code == 1 and err.count("\n") == 1


def test_the_written_file_reads_back_with_the_catalog_alone():
    catalog = load_catalog()
    from planner.plan import build_plan
    from tests.conftest import make_profile

    for stage in sorted(catalog.stages):
        plan = build_plan(catalog, make_profile(), stage, FakeClock()())
        checked = plan_file.read(plan_file.write(plan, catalog), catalog)
        assert (checked.stage, checked.prescriptions) == (plan.stage, plan.prescriptions)


def test_the_fhir_care_plan_says_whose_plan_it_is(demo, tmp_path):
    from tests.cli.test_fhir import resources, valid_bundle

    text = plan_text(demo).replace("stage = ", 'clinician = "A. Physio"\nstage = ')
    (tmp_path / "p.toml").write_text(text)
    assert cli("plan", "import", str(tmp_path / "p.toml"), "--data", str(demo))[0] == 0
    code, out, err = cli("export", "--format", "fhir", "--tz", "UTC", "--data", str(demo))
    (care_plan,) = resources(valid_bundle(out), "CarePlan")
    assert care_plan["note"][0]["text"].startswith("From your physiotherapist (A. Physio)")


def test_the_readmes_example_plan_file_is_one_rehab_accepts():
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    (example,) = re.findall(r"```toml\n(.*?)```", readme, re.S)
    checked = plan_file.read(example, load_catalog())
    assert checked.stage == 2 and checked.clinician == "A. Physio"
    assert [p.exercise_id for p in checked.prescriptions] == ["knee-to-chest-single"]


def test_an_exercise_rehab_would_leave_out_is_loaded_and_said(tmp_path):
    """A physiotherapist may choose an exercise rehab's own rules leave out for this person
    (here: a back bend with spinal stenosis); it is loaded, and the person is told why rehab
    would not have chosen it."""
    from dataclasses import replace

    path = fresh_file(tmp_path / "stenosis" / "rehab.json")
    with Repository.open(path, clock=FakeClock()) as repo:
        repo.save_profile(replace(repo.profile(), stenosis=True))
    catalog = load_catalog()
    bend = next(
        e
        for e in catalog.exercises.values()
        if any(c.about.value == "stenosis" for c in e.cautions)
    )
    text = plan_text(path) + f'\n[[exercise]]\nid = "{bend.id}"\n'
    (tmp_path / "p.toml").write_text(text)
    code, out, err = cli("plan", "import", str(tmp_path / "p.toml"), "--data", str(path))
    assert code == 0, err
    assert f"Note: rehab would leave {bend.name} out of its own plan for you" in out
    assert "spinal stenosis" in out
    assert out.count("Note:") == 1


def test_a_file_as_a_windows_editor_saves_it_is_read(demo, tmp_path):
    """A byte-order mark first, a slot in capitals: read as a person means them."""
    text = plan_text(demo).replace('slot = "any"', 'slot = "Morning"', 1)
    target = tmp_path / "windows.toml"
    target.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    code, out, err = cli("plan", "import", str(target), "--data", str(demo))
    assert code == 0, err
    plan, _ = active(demo)
    assert "morning" in {p.slot for p in plan.prescriptions}


def test_problems_come_in_line_order_with_what_an_unknown_field_most_likely_meant():
    text = "\n".join(
        [
            "note = 5",  # checked after the stage, said before it
            "clinican = 'A. Physio'",  # a top-level field misspelt
            "stage = 9",
            "[[exercise]]",
            'id = "bridge"',
            "rep = 8",  # a dose field misspelt
            "[[exercise]]",
            'id = "no-such-exercise"',
            "[[exercise]]",
            'id = "hamstring-stretch"',
            "sets = 99",
        ]
    )
    with pytest.raises(plan_file.PlanFileProblems) as bad:
        plan_file.read(text, load_catalog())
    lines = [int(re.match(r"line (\d+):", p).group(1)) for p in bad.value.problems]
    assert lines == [1, 2, 3, 6, 8, 11]
    said = "\n".join(bad.value.problems)
    assert "Did you mean reps?" in said and "Did you mean clinician?" in said


@pytest.mark.parametrize("n, words", [(1, "1 exercise"), (2, "2 exercises"), (0, "0 exercises")])
def test_counts_say_their_plural_right(n, words):
    from planner.text import counted

    assert counted(n, "exercise") == words


def test_a_one_exercise_plan_is_said_as_one_exercise(demo, tmp_path):
    target = tmp_path / "one.toml"
    target.write_text('stage = 2\n[[exercise]]\nid = "table-lean"\n')
    code, out, err = cli("plan", "import", str(target), "--data", str(demo))
    assert code == 0, err
    assert "stage 2, 1 exercise." in out


def plan_schema() -> dict:
    import json
    from pathlib import Path

    return json.loads(
        (Path(__file__).resolve().parents[2] / "docs" / plan_file.SCHEMA_NAME).read_text()
    )


def test_the_plan_files_schema_in_the_repository_is_the_one_the_catalog_gives():
    import json

    assert plan_schema() == plan_file.json_schema(load_catalog())
    code, out, err = cli("schema", "plan")
    assert code == 0 and json.loads(out) == plan_schema(), err


@pytest.mark.parametrize("which", ["demo", "fresh"])
def test_an_exported_plan_names_its_schema_and_validates_against_it(demo, tmp_path, which):
    import tomllib

    import jsonschema

    path = demo if which == "demo" else fresh_file(tmp_path / "fresh" / "rehab.json")
    text = plan_text(path)
    assert text.splitlines()[0] == f"#:schema ./{plan_file.SCHEMA_NAME}"
    validator = jsonschema.Draft7Validator(plan_schema())
    assert [e.message for e in validator.iter_errors(tomllib.loads(text))] == []


@pytest.mark.parametrize(
    "line, fits",
    [
        ("sets = 2", True),
        ("sets = 99", False),  # outside the bridge's bounds
        ("minutes = 5", False),  # the bridge is not dosed in minutes
        ("rep = 8", False),  # no such field
        ('slot = "Morning"', True),  # any case, as rehab reads it
    ],
)
def test_the_schema_holds_each_exercise_to_its_own_bounds(line, fits):
    import tomllib

    import jsonschema

    plan = tomllib.loads(f'stage = 3\n[[exercise]]\nid = "bridge"\n{line}\n')
    errors = list(jsonschema.Draft7Validator(plan_schema()).iter_errors(plan))
    assert (not errors) == fits, [e.message for e in errors]
    try:
        plan_file.read(f'stage = 3\n[[exercise]]\nid = "bridge"\n{line}\n', load_catalog())
        read = True
    except plan_file.PlanFileProblems:
        read = False
    assert read == fits  # the schema and rehab's own check agree
