"""Huge inputs are refused, not taken and then slow: a note is at most
20,000 characters in an import and in a plan file, in one line naming the record. A file that
holds a longer note from before the limit still opens."""

from __future__ import annotations

import io
import json

import pytest

from rehab.cli import run
from rehab.commands import write_demo
from store import Repository
from store.layout import CHECKSUM
from tests.conftest import FakeClock


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), clock=FakeClock(), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def demo(tmp_path):
    path = tmp_path / "data" / "rehab.json"
    write_demo(path, 14, 5, FakeClock())
    return path


def exported(path) -> dict:
    code, out, err = cli("--data", str(path), "export", "--format", "json")
    assert code == 0, err
    return json.loads(out)


def with_note(tables: dict, table: str, length: int) -> str:
    """The tables with the first record of `table` given a note of `length` characters; its id."""
    record = next(iter(tables[table].values()))
    if table == "plans":
        record.setdefault("source", {"imported_at": record["created_at"], "doses": {}})
        record["source"]["note"] = "y" * length
    else:
        record["note"] = "y" * length
    return record["id"]


@pytest.mark.parametrize("table", ["checkins", "sessions", "plans"])
def test_an_import_with_a_note_over_20000_characters_is_refused_naming_the_record(
    demo, tmp_path, table
):
    tables = exported(demo)
    record_id = with_note(tables, table, 20_001)
    sent = tmp_path / "sent.json"
    sent.write_text(json.dumps(tables))
    before = demo.read_bytes()
    code, out, err = cli("--data", str(demo), "import", str(sent))
    assert (code, out) == (1, "")
    assert err == (
        f"rehab: {sent}: The data to import is not valid ({table} document '{record_id}': a "
        "note of 20,001 characters; rehab takes notes up to 20,000). Nothing was changed.\n"
    )
    assert demo.read_bytes() == before


def test_an_import_with_a_note_of_20000_characters_goes_through(demo, tmp_path):
    tables = exported(demo)
    record_id = with_note(tables, "checkins", 20_000)
    sent = tmp_path / "sent.json"
    sent.write_text(json.dumps(tables))
    code, _, err = cli("--data", str(demo), "import", str(sent))
    assert code == 0, err
    with Repository.open(demo, clock=FakeClock(), readonly=True) as repo:
        assert [len(c.note) for c in repo.checkins() if c.id == record_id] == [20_000]


def test_a_plan_file_with_a_note_over_the_limit_is_refused_saying_the_limit(demo, tmp_path):
    plan = tmp_path / "plan.toml"
    assert cli("--data", str(demo), "plan", "export", "--out", str(plan))[0] == 0
    text = plan.read_text()
    assert "\nstage = " in text
    plan.write_text(text.replace("\nstage = ", f'\nnote = "{"z" * 20_001}"\nstage = ', 1))
    code, _, err = cli("--data", str(demo), "plan", "import", str(plan))
    assert code == 1
    assert "note: is 20,001 characters long; rehab takes up to 20,000.\n" in err


def test_a_file_holding_a_longer_note_from_before_the_limit_still_opens(demo):
    """Notes up to 100,000 characters were taken before the limit: a file holding one is not
    damaged, and every command reads it."""
    tables = json.loads(demo.read_text())
    record_id = with_note(tables, "checkins", 100_000)
    del tables["checkins"][record_id][CHECKSUM]  # as it was written before checksums
    demo.write_text(json.dumps(tables))
    for command in (["status"], ["backup"], ["export", "--format", "csv"]):
        code, _, err = cli("--data", str(demo), *command)
        assert code == 0, err
    with Repository.open(demo, clock=FakeClock()) as repo:
        [checkin] = [c for c in repo.checkins() if c.id == record_id]
        assert len(checkin.note) == 100_000
        repo.save(checkin)  # saved again as it is
