"""Strict types and ids on import: a pain is a whole number, never the text
"6" or true; a record id is 1–64 letters, digits, '-' and '_'. Anything else is refused in one
line naming the record, and nothing changes."""

from __future__ import annotations

import io
import json
import os

import pytest

from planner.models import CheckIn, new_id
from rehab.cli import run
from rehab.commands import write_demo
from store import Repository
from tests.conftest import NOW, FakeClock


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), clock=FakeClock(), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """The JSON export of a file with six weeks of history."""
    folder = tmp_path_factory.mktemp("strict")
    path = folder / "rehab.json"
    write_demo(path, 42, 7, FakeClock())
    code, out, err = cli("--data", str(path), "export", "--format", "json")
    assert code == 0, err
    return json.loads(out)


def a_checkin(record_id: str = "c-1", **changes) -> dict:
    return {"id": record_id, "at": "2026-11-20T08:00:00", "pain": 3, "note": "", **changes}


BAD_VALUES = {
    'pain "6"': ("pain", "6", "pain: Input should be a valid integer"),
    "pain true": ("pain", True, "pain: Input should be a valid integer"),
    "pain 6.0": ("pain", 6.0, "pain: Input should be a valid integer"),
    "leg pain false": ("leg_pain", False, "leg_pain: Input should be a valid integer"),
}

BAD_IDS = {
    "a path": "../../etc/passwd",
    "empty": "",
    "a NUL": "a\u0000b",
    "a space": "a b",
    "65 characters": "x" * 65,
    "100,000 characters": "x" * 100_000,
}


def import_one(tmp_path, export, record_id: str, document: dict) -> tuple[int, str, str, bytes]:
    """Import the export with one check-in added; the data file it would replace is kept."""
    tables = json.loads(json.dumps(export))
    tables["checkins"][record_id] = document
    sent = tmp_path / "sent.json"
    sent.write_text(json.dumps(tables))
    target = tmp_path / "mine" / "rehab.json"
    if not target.exists():
        write_demo(target, 3, 1, FakeClock())
    before = target.read_bytes()
    code, out, err = cli("import", str(sent), "--data", str(target))
    assert target.read_bytes() == before or code == 0
    return code, out, err, before


def refused_in_one_line(code: int, out: str, err: str, tmp_path) -> None:
    assert (code, out) == (1, ""), err
    assert err.count("\n") == 1 and err.startswith("rehab: ") and "Traceback" not in err
    assert str(tmp_path / "sent.json") in err and "Nothing was changed" in err
    assert len(err) < 400  # a 100,000-character id is not repeated whole


@pytest.mark.parametrize("bad", list(BAD_VALUES))
def test_a_pain_that_is_not_a_whole_number_is_refused_naming_the_record(tmp_path, export, bad):
    field, value, says = BAD_VALUES[bad]
    code, out, err, _ = import_one(tmp_path, export, "c-1", a_checkin(**{field: value}))
    refused_in_one_line(code, out, err, tmp_path)
    assert "checkins document 'c-1'" in err and says in err


@pytest.mark.parametrize("bad", list(BAD_IDS))
def test_a_record_id_outside_the_pattern_is_refused_naming_the_record(tmp_path, export, bad):
    record_id = BAD_IDS[bad]
    code, out, err, _ = import_one(tmp_path, export, record_id, a_checkin(record_id))
    refused_in_one_line(code, out, err, tmp_path)
    assert "checkins document " in err and "an id is 1 to 64 letters, digits" in err
    assert "\x00" not in err


def test_the_longest_and_oddest_ids_the_pattern_allows_are_imported(tmp_path, export):
    record_id = "A-z_0" + "9" * 59
    code, _, err, _ = import_one(tmp_path, export, record_id, a_checkin(record_id))
    assert code == 0, err
    with Repository.open(tmp_path / "mine" / "rehab.json", clock=FakeClock(), readonly=True) as r:
        assert record_id in [c.id for c in r.checkins()]


def test_every_id_rehab_makes_fits_the_pattern(export):
    from store.schema import ID_PATTERN

    assert all(ID_PATTERN.fullmatch(new_id()) for _ in range(1000))
    for table in export.values():
        for record_id in table:
            assert ID_PATTERN.fullmatch(record_id), record_id


def test_a_record_with_an_id_outside_the_pattern_is_never_saved(tmp_path):
    path = tmp_path / "rehab.json"
    with Repository.open(path, clock=FakeClock()) as repo:
        with pytest.raises(ValueError, match="an id is 1 to 64 letters"):
            repo.save(CheckIn(id="../x", at=NOW, pain=3))
        assert repo.checkins() == []
    assert not path.exists() or b"../x" not in path.read_bytes()


def test_a_data_file_with_a_bad_id_is_refused_by_every_reader(tmp_path, export):
    tables = json.loads(json.dumps(export))
    tables["checkins"]["a b"] = a_checkin("a b")
    path = tmp_path / "data" / "rehab.json"
    path.parent.mkdir(mode=0o700)
    path.write_text(json.dumps(tables))
    os.chmod(path, 0o600)
    for command in (["status"], ["export", "--format", "csv"], ["backup"]):
        code, _, err = cli("--data", str(path), *command)
        assert code == 1 and f"{path} is damaged (checkins document 'a b'" in err, err


@pytest.mark.parametrize("answer", ["false", 0, None])
def test_a_safety_answer_that_is_not_yes_or_no_is_refused(tmp_path, export, answer):
    """A warning-sign answer is true or false: the text "false" was read as no."""
    tables = json.loads(json.dumps(export))
    screening = next(iter(tables["screenings"].values()))
    screening["answers"]["saddle-numbness"] = answer
    sent = tmp_path / "sent.json"
    sent.write_text(json.dumps(tables))
    code, out, err = cli("import", str(sent), "--data", str(tmp_path / "mine" / "rehab.json"))
    refused_in_one_line(code, out, err, tmp_path)
    assert f"screenings document '{screening['id']}': answers.saddle-numbness" in err
