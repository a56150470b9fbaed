"""Outside text (notes, a clinician's name, a plan file's keys, file names) never reaches a
terminal raw: no escape, no bidi override, no line separator. What is stored stays
exactly as it came, and the JSON exports give it back exactly."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace

import pytest

from store import Repository
from tests.cli.test_exports import cli, export, fresh_file, with_a_session_note
from tests.cli.test_plan_file import plan_text
from tests.conftest import FakeClock

#: Every character that drives a terminal or reorders what it shows (as `screen_safe` sees
#: them), written out here so the test does not take the code's word for it.
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
#: A note that would show "today" reversed, break a line and retitle the terminal.
NOTE = "Felt \u202eyadot\u202c better\u2028then \u2066\u200fworse\u2069 \x1b]0;owned\x07 ok"


@pytest.fixture
def noted(tmp_path):
    path = with_a_session_note(fresh_file(tmp_path / "rehab.json"), NOTE)
    return path


def test_csv_and_report_show_bidi_separators_and_controls_made_visible(noted):
    [row] = list(csv.DictReader(io.StringIO(export(noted, "csv"), newline="")))
    assert not RAW.search(row["session_note"]), row["session_note"]
    assert row["session_note"].startswith("Felt \ufffdyadot\ufffd better\ufffdthen")
    assert "␛]0;owned␇ ok" in row["session_note"]
    report = export(noted, "md")
    assert "better" in report and not RAW.search(report)


@pytest.mark.parametrize("fmt", ["json", "fhir"])
def test_json_exports_escape_them_and_give_the_note_back_exactly(noted, fmt):
    text = export(noted, fmt)
    assert not RAW.search(text)
    assert "\\u202e" in text  # visible, and JSON reads it back as the character
    assert NOTE in _strings(json.loads(text))


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_the_stored_note_stays_exactly_as_typed(noted):
    export(noted, "csv")
    with Repository.open(noted, clock=FakeClock(), readonly=True) as repo:
        assert repo.sessions()[-1].note == NOTE


def test_a_clinicians_name_with_a_bidi_override_is_shown_neutralised_and_kept(tmp_path):
    path = fresh_file(tmp_path / "rehab.json")
    name = "Dr \u202eleahciM"
    target = tmp_path / "plan.toml"
    target.write_text(plan_text(path).replace("stage = ", f'clinician = "{name}"\nstage = '))
    code, out, err = cli("plan", "import", str(target), "--data", str(path))
    assert code == 0, err
    assert "Loaded the plan from your physiotherapist (Dr \ufffdleahciM)" in out
    assert not RAW.search(out)
    with Repository.open(path, clock=FakeClock(), readonly=True) as repo:
        assert repo.active_plan().source.clinician == name
    # The plan file written back escapes it, and reads back as the same name.
    again = plan_text(path)
    assert not RAW.search(again) and 'clinician = "Dr \\u202eleahciM"' in again
    target.write_text(again)
    assert cli("plan", "import", str(target), "--data", str(path))[0] == 0
    with Repository.open(path, clock=FakeClock(), readonly=True) as repo:
        assert repo.active_plan().source.clinician == name


def test_a_note_with_a_carriage_return_is_kept_and_shown_as_a_picture(noted):
    with Repository.open(noted, clock=FakeClock()) as repo:
        session = repo.sessions()[-1]
        repo.save(replace(session, note="fine\rBAD"))
    [row] = list(csv.DictReader(io.StringIO(export(noted, "csv"), newline="")))
    assert row["session_note"] == "fine␍BAD"  # a raw CR would let "BAD" overwrite "fine"


#: A key TOML reads as ESC ] 0 ; owned BEL ESC [ 31 m EVIL: it would retitle the terminal and
#: turn it red.
EVIL_KEY = '"\\u001b]0;owned\\u0007\\u001b[31mEVIL" = 1'


@pytest.mark.parametrize(
    "line, shown",
    [
        (EVIL_KEY, "␛]0;owned␇␛[31mEVIL"),
        ("'literal key' = 1", "literal key"),
        ('  "spaced" . inner = 1', "spaced"),
    ],
)
def test_an_unknown_key_is_shown_neutralised_on_the_line_it_is_on(tmp_path, line, shown):
    path = fresh_file(tmp_path / "rehab.json")
    lines = plan_text(path).splitlines()
    at = next(n for n, text in enumerate(lines) if text.startswith("stage = ")) + 1
    lines.insert(at, line)
    target = tmp_path / "plan.toml"
    target.write_text("\n".join(lines) + "\n")
    code, out, err = cli("plan", "import", str(target), "--data", str(path))
    assert code == 1 and out == "" and not RAW.search(err), err
    assert f"rehab: plan.toml line {at + 1}: {shown}: rehab does not know this field" in err


def test_an_unknown_key_in_an_exercise_names_its_own_line(tmp_path):
    path = fresh_file(tmp_path / "rehab.json")
    lines = plan_text(path).splitlines()
    second = [n for n, text in enumerate(lines) if text == "[[exercise]]"][1]
    lines.insert(second + 2, '"\\u202eoops" = 3')
    target = tmp_path / "plan.toml"
    target.write_text("\n".join(lines) + "\n")
    code, _, err = cli("plan", "import", str(target), "--data", str(path))
    assert code == 1 and not RAW.search(err), err
    assert f"plan.toml line {second + 3}: exercise 2, \ufffdoops: rehab does not know" in err
