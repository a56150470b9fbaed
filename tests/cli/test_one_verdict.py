"""One verdict on a damaged file: every command that reads the data file
refuses the same damage in one line, whatever part of the file it shows; and the file itself,
brought to `import` or `restore`, is refused the same way."""

from __future__ import annotations

import io
import json
import shutil

import pytest

from planner.models import NOTE_KEPT_MAX
from rehab.cli import run
from rehab.commands import write_demo
from store import list_backups
from store.layout import CHECKSUM
from tests.conftest import FakeClock


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), clock=FakeClock(), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


#: Each damage, done to the oldest check-in: weeks before anything `status` or a `--since`
#: shows, so only a command that checks the whole file can see it.
DAMAGES = {
    "pain NaN": ("pain", float("nan")),
    "pain Infinity": ("pain", float("inf")),
    "pain -Infinity": ("pain", float("-inf")),
    "dated 9999": ("at", "9999-01-01T08:00:00"),
    "dated 0001": ("at", "0001-01-01T08:00:00"),
    "dated 1899": ("at", "1899-12-31T08:00:00"),
    "a note over what a file holds": ("note", "x" * (NOTE_KEPT_MAX + 1)),
}

#: Every command that reads the data file: (its words, and whether the damaged file is the
#: data file (True) or the file brought to it (False)).
COMMANDS = {
    "status": (["status"], True),
    "backup": (["backup"], True),
    "export csv": (["export", "--format", "csv"], True),
    "export csv --since": (["export", "--format", "csv", "--since", "2026-11-20"], True),
    "export json": (["export", "--format", "json"], True),
    "export md": (["export", "--format", "md"], True),
    "export md --since": (["export", "--format", "md", "--since", "2026-11-20"], True),
    "export fhir": (["export", "--format", "fhir", "--tz", "UTC"], True),
    "export ics": (["export", "--format", "ics", "--tz", "UTC"], True),
    "plan export": (["plan", "export"], True),
    "plan import": (["plan", "import", "{plan}"], True),
    "import": (["import", "{other}"], False),
    "restore": (["restore", "{other}"], False),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A file with six weeks of history and a plan, and the plan as a file to import."""
    folder = tmp_path_factory.mktemp("verdict")
    path = folder / "rehab.json"
    write_demo(path, 42, 7, FakeClock())
    plan = folder / "plan.toml"
    code, _, err = cli("--data", str(path), "plan", "export", "--out", str(plan))
    assert code == 0, err
    return path, plan


def damage(source, target, damaged: str | None) -> None:
    tables = json.loads(source.read_text())
    if damaged is not None:
        field, value = DAMAGES[damaged]
        oldest = min(tables["checkins"].values(), key=lambda c: c["at"])
        oldest[field] = value
        del oldest[CHECKSUM]  # so it is the record's own check that must find the damage
    target.parent.mkdir(mode=0o700, exist_ok=True)
    target.write_text(json.dumps(tables))  # NaN and Infinity as JSON's extensions spell them
    target.chmod(0o600)


@pytest.mark.parametrize("damaged", [None, *DAMAGES])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_gives_a_damaged_file_the_same_verdict(template, tmp_path, command, damaged):
    source, plan = template
    words, is_data = COMMANDS[command]
    data, other = tmp_path / "data" / "rehab.json", tmp_path / "other" / "rehab.json"
    damage(source, data, damaged if is_data else None)
    damage(source, other, None if is_data else damaged)
    before = data.read_bytes()
    argv = [w.format(plan=plan, other=other) for w in words]
    if argv[0] == "export":
        argv += ["--out", str(tmp_path / "export.out")]
    code, _, err = cli("--data", str(data), *argv)
    if damaged is None:  # the same file whole: every command goes through
        assert code == 0, err
        return
    assert code == 1, f"{command} took a file with {damaged}"
    assert err.count("\n") == 1 and err.startswith("rehab: ") and "Traceback" not in err
    named = data if is_data else other
    assert err.startswith(f"rehab: {named}") and "(checkins document '" in err, err
    assert data.read_bytes() == before
    assert not (tmp_path / "export.out").exists()
    assert list_backups(data) == []


def test_a_file_checked_before_is_not_checked_again_by_a_reader(template, tmp_path, monkeypatch):
    """Checking every command's file costs nothing once the app has checked it: only a journal
    on top is validated (the `.checked` stamp)."""
    from store import Repository
    from store import repository as repository_module

    data = tmp_path / "data" / "rehab.json"
    data.parent.mkdir(mode=0o700)
    shutil.copy2(template[0], data)
    with Repository.open(data, clock=FakeClock()):
        pass  # the writer checks the whole file and stamps it
    validated = []
    real = repository_module.validate_document

    def counting(name, document, **kwargs):
        validated.append(document.get("id"))
        return real(name, document, **kwargs)

    monkeypatch.setattr(repository_module, "validate_document", counting)
    with Repository.read(data, clock=FakeClock()) as repo:
        assert repo.storage.checked_before
    assert validated == []
