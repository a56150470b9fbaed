"""A damaged file is refused in one line naming it and the newest backup, and never written to."""

from __future__ import annotations

import json

import pytest

from planner.codec import dump
from store import DataFileError, NewerSchemaError, Repository, current_version

META = {
    "meta": {
        "id": "meta",
        "schema_version": current_version(),
        "app_version": "0.1.0",
        "created": "2026-11-01T08:00:00",
    }
}


def _good_file(make) -> dict:
    session = make.session(id="s-1")
    return {
        "meta": META,
        "profile": {"profile": dump(make.profile())},
        "sessions": {session.id: dump(session)},
    }


def _bad_session(make, **changes) -> dict:
    tables = _good_file(make)
    (document,) = tables["sessions"].values()
    document.update(changes)
    return tables


def _variants(make) -> dict[str, tuple[bytes, str]]:
    """name -> (file bytes, a piece of the reason the message must give)."""
    good = json.dumps(_good_file(make)).encode()
    wrong_key = _good_file(make)
    wrong_key["sessions"] = {"another-id": next(iter(wrong_key["sessions"].values()))}
    return {
        "empty": (b"", "empty: 0 bytes"),
        "truncated": (good[: len(good) // 2], "not valid JSON"),
        "not json": (b"Dear diary, my back hurts", "not valid JSON at line 1"),
        "binary junk": (bytes(range(256)), "not valid JSON"),
        "a list": (b"[1, 2, 3]", "found a list"),
        "null": (b"null", "found null"),
        "table not an object": (b'{"sessions": [1, 2]}', "table 'sessions'"),
        "document not an object": (b'{"sessions": {"a": 5}}', "sessions document 'a'"),
        "no meta": (json.dumps({"sessions": _good_file(make)["sessions"]}).encode(), "meta"),
        "unknown table": (
            json.dumps({**_good_file(make), "_default": {"1": {"x": 1}}}).encode(),
            "unknown table '_default'",
        ),
        "key is not the id": (json.dumps(wrong_key).encode(), "must match"),
        "pain out of range": (
            json.dumps(_bad_session(make, pain_before=11)).encode(),
            "sessions document 's-1': pain_before",
        ),
        "unknown field": (
            json.dumps(_bad_session(make, mood="grumpy")).encode(),
            "mood: Extra inputs are not permitted",
        ),
        "missing field": (
            json.dumps({**_good_file(make), "checkins": {"c": {"id": "c", "pain": 2}}}).encode(),
            "checkins document 'c': at: Field required",
        ),
        "bad meta": (
            json.dumps(
                {
                    **_good_file(make),
                    "meta": {"meta": {"id": "meta", "schema_version": current_version()}},
                }
            ).encode(),
            "meta record",
        ),
    }


VARIANTS = [
    "empty",
    "truncated",
    "not json",
    "binary junk",
    "a list",
    "null",
    "table not an object",
    "document not an object",
    "no meta",
    "unknown table",
    "key is not the id",
    "pain out of range",
    "unknown field",
    "missing field",
    "bad meta",
]


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_damaged_file_is_refused_in_one_line_and_left_as_it_was(
    variant, data_path, clock, make, look
):
    content, reason = _variants(make)[variant]
    data_path.parent.mkdir()
    data_path.write_bytes(content)
    backup = data_path.parent / "backups" / "rehab-2026-11-19.json"
    backup.parent.mkdir()
    backup.write_bytes(b"{}")
    listing = look.files_in(data_path.parent)

    with pytest.raises(DataFileError) as refused:
        Repository.open(data_path, clock=clock)

    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{data_path} is damaged (")
    assert reason in message
    assert "Nothing was changed." in message
    assert f"Newest backup: {backup} — restore it with: rehab --data" in message
    assert data_path.read_bytes() == content
    assert look.files_in(data_path.parent) - listing <= {"rehab.json.lock"}
    assert look.files_in(backup.parent) == {backup.name}
    # The lock was let go: after a restore the next open must succeed.
    data_path.write_bytes(json.dumps(_good_file(make)).encode())
    Repository.open(data_path, clock=clock).close()


@pytest.mark.parametrize("variant", ["empty", "not json", "unknown table", "key is not the id"])
def test_a_reader_refuses_a_damaged_file_too(variant, data_path, clock, make):
    content, reason = _variants(make)[variant]
    data_path.parent.mkdir()
    data_path.write_bytes(content)
    with pytest.raises(DataFileError, match="No backup was found"):
        Repository.open(data_path, clock=clock, readonly=True)


def test_a_reader_finds_a_bad_document_when_it_reads_it(data_path, clock, make):
    content, _ = _variants(make)["pain out of range"]
    data_path.parent.mkdir()
    data_path.write_bytes(content)
    with Repository.open(data_path, clock=clock, readonly=True) as repo:
        assert repo.profile() is not None  # a reader validates records as they are asked for
        with pytest.raises(DataFileError, match="pain_before"):
            repo.sessions()
        with pytest.raises(DataFileError):
            repo.check_all()
    assert data_path.read_bytes() == content


def test_the_default_file_names_the_plain_restore_command(clock, make, monkeypatch, tmp_path):
    from store import default_data_path

    path = default_data_path()
    assert str(path).startswith(str(tmp_path))
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{")
    (path.parent / "backups").mkdir()
    (path.parent / "backups" / "rehab-2026-11-19.json").write_bytes(b"{}")
    with pytest.raises(DataFileError, match=r"restore it with: rehab restore$"):
        Repository.open(path, clock=clock)


def test_a_file_from_a_newer_schema_is_refused(data_path, clock, make):
    tables = _good_file(make)
    newer = current_version() + 1
    tables["meta"] = {"meta": {**META["meta"], "schema_version": newer}}
    tables["shiny_new_table"] = {}
    content = json.dumps(tables).encode()
    data_path.parent.mkdir()
    data_path.write_bytes(content)

    for readonly in (False, True):
        with pytest.raises(NewerSchemaError) as refused:
            Repository.open(data_path, clock=clock, readonly=readonly)
        message = str(refused.value)
        assert "\n" not in message
        assert str(data_path) in message and f"schema {newer}" in message
        assert f"reads up to {newer - 1}" in message
    assert data_path.read_bytes() == content
    assert not (data_path.parent / "backups").exists()


def test_an_empty_tinydb_file_is_simply_new(data_path, clock, make):
    data_path.parent.mkdir()
    data_path.write_bytes(b"{}")
    with Repository.open(data_path, clock=clock) as repo:
        assert repo.is_new()
        repo.save_profile(make.profile())
    assert json.loads(data_path.read_bytes())["meta"]["meta"]["schema_version"] == current_version()


@pytest.mark.parametrize(
    "text, twice",
    [
        ('{"checkins": {"c1": {"id": "c1"}, "c1": {"id": "c1"}}}', "'c1'"),
        ('{"checkins": {}, "checkins": {}}', "'checkins'"),
    ],
    ids=["an id twice", "a table twice"],
)
def test_a_table_or_an_id_twice_is_refused_never_resolved_silently(data_path, clock, text, twice):
    """Issue 14, item 10: a JSON parser keeps the last of two, so one record vanished."""
    data_path.parent.mkdir(parents=True, exist_ok=True)
    data_path.write_text(text)
    with pytest.raises(DataFileError, match=f"{twice} appears twice"):
        Repository.open(data_path, clock=clock, readonly=True)
    assert data_path.read_text() == text


@pytest.mark.parametrize("how", ["a comma", "the key's quote", "the last string's end"])
def test_a_line_that_is_not_valid_json_is_named_by_its_record(how, data_path, clock, make):
    """A file in rehab's layout, one record per line: the refusal names the record whose line
    broke, not only a line and column to count to."""
    with Repository.open(data_path, clock=clock) as repo:
        repo.save(make.profile(), make.checkin(0), make.checkin(1))
    lines = data_path.read_bytes().split(b"\n")
    at = lines.index(b'"checkins":{') + 2  # the second check-in's line, the table's last
    record_id = json.loads(b"{" + lines[at] + b"}").popitem()[0]
    text = lines[at]
    assert text.endswith(b'"}')
    lines[at] = {
        "a comma": text.replace(b",", b";", 1),
        "the key's quote": b"'" + text[1:],
        "the last string's end": text[:-2] + b"}",  # the string runs on to the next line
    }[how]
    data_path.write_bytes(b"\n".join(lines))
    with pytest.raises(DataFileError) as refused:
        Repository.open(data_path, clock=clock, readonly=True)
    message = str(refused.value)
    assert f"checkins document '{record_id}'" in message, message
    assert f"line {at + 1}" in message or f"line {at + 2}, column 0" in message
