"""The JSON Schema of the whole-file export: generated from the models, kept in the repository,
and a fresh export of every kind of record validates against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from rehab.commands import write_demo
from store.json_schema import export_schema
from tests.cli.test_exports import cli, export
from tests.cli.test_leg_exports import leg_file
from tests.conftest import FakeClock

KEPT = Path(__file__).resolve().parents[2] / "docs" / "rehab-export.schema.json"


@pytest.fixture
def demo_file(tmp_path):
    path = tmp_path / "demo" / "rehab.json"
    write_demo(path, 42, 7, FakeClock())
    return path


def test_the_schema_in_the_repository_is_the_one_the_models_give():
    assert json.loads(KEPT.read_text()) == export_schema(), (
        "regenerate it: rehab schema export > docs/rehab-export.schema.json"
    )


def test_rehab_schema_export_prints_it():
    code, out, err = cli("schema", "export")
    assert code == 0, err
    assert json.loads(out) == json.loads(KEPT.read_text())


@pytest.mark.parametrize("which", ["demo", "leg"])
def test_a_fresh_export_validates(demo_file, tmp_path, which):
    path = demo_file if which == "demo" else leg_file(tmp_path)
    document = json.loads(export(path, "json"))
    validator = jsonschema.Draft202012Validator(json.loads(KEPT.read_text()))
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["checkins"].update({"../../etc": next(iter(d["checkins"].values()))}),
        lambda d: next(iter(d["checkins"].values())).update(pain="6"),
        lambda d: d.update(strangers={}),
    ],
    ids=["a path for an id", "pain as text", "an unknown table"],
)
def test_the_schema_refuses_what_import_refuses(demo_file, damage):
    document = json.loads(export(demo_file, "json"))
    damage(document)
    validator = jsonschema.Draft202012Validator(json.loads(KEPT.read_text()))
    assert list(validator.iter_errors(document))
