"""`rehab --version` and `rehab library`: they work without textual and without a data file."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from rehab import __version__
from rehab.cli import run
from seeds import load_catalog


def test_version_prints_and_exits_zero(capsys):
    with pytest.raises(SystemExit) as exit_:
        run(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"rehab {__version__}"


def test_library_json_lists_every_exercise_card_and_source():
    """Issue 16, part 5: steps, cautions and the education cards are in it too."""
    out = io.StringIO()
    assert run(["library", "--json"], out=out) == 0
    document = json.loads(out.getvalue())
    catalog = load_catalog()
    rows = document["exercises"]
    assert {r["id"] for r in rows} == set(catalog.exercises)
    for row in rows:
        assert {"id", "name", "stage", "kind", "dose", "sources", "steps", "cautions"} <= row.keys()
        assert row["sources"] and row["dose"]["sets"] >= 1 and len(row["steps"]) >= 2
        assert row["steps"] == catalog.exercise(row["id"]).steps
    cautioned = next(r for r in rows if r["cautions"])
    assert {"about", "text"} == cautioned["cautions"][0].keys()
    assert [c["id"] for c in document["cards"]] == list(catalog.cards)
    assert all(c["title"] and c["body"] and c["sources"] for c in document["cards"])
    assert document["sources"] == catalog.sources


def test_library_table_is_readable_text():
    out = io.StringIO()
    assert run(["library"], out=out) == 0
    text = out.getvalue()
    assert "Bridge" in text and "25 exercises" in text
    assert max(len(line) for line in text.splitlines()[:-1]) <= 100


def test_unknown_command_is_a_usage_error_exit_2():
    result = subprocess.run(
        [sys.executable, "-m", "rehab", "nonsense"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_on_windows_rehab_says_in_one_line_where_it_runs(monkeypatch, capsys):
    """The lock is POSIX (fcntl): on Windows a line, not a traceback from the import."""
    import rehab.cli

    assert rehab.cli.supported("linux") and rehab.cli.supported("darwin")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "argv", ["rehab", "status"])
    with pytest.raises(SystemExit) as ended:
        rehab.cli.main()
    assert ended.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Linux and macOS" in err


def test_the_licence_the_package_names_is_in_the_repository():
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (root / "LICENSE").read_text().startswith("MIT License")
    assert "Operating System :: POSIX :: Linux" in project["classifiers"]


@pytest.mark.parametrize(
    "argv, shown",
    [(["help"], "help       show the help of rehab"), (["help", "status"], "usage: rehab status")],
)
def test_rehab_help_shows_the_help_of_rehab_or_of_one_command(capsys, argv, shown):
    with pytest.raises(SystemExit) as ended:
        run(argv)
    assert ended.value.code == 0
    assert shown in capsys.readouterr().out


@pytest.mark.parametrize(
    "words, expected",
    [
        (["rehab", "ex"], "export"),
        (["rehab", "export", "--f"], "--format"),
        (["rehab", "he"], "help"),
    ],
)
def test_bash_completion_completes_commands_and_options(tmp_path, words, expected):
    out = io.StringIO()
    assert run(["completion", "bash"], out=out) == 0
    script = tmp_path / "rehab.bash"
    script.write_text(out.getvalue())
    line = " ".join(words)
    asked = (
        f"source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
        'COMP_LINE="' + line + '"; COMP_POINT=' + str(len(line)) + "; _shtab_rehab; "
        'echo "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "-c", asked], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout.split()


@pytest.mark.parametrize("shell, first", [("zsh", "#compdef rehab"), ("fish", "# AUTOMATICALLY")])
def test_zsh_and_fish_completion_are_printed(shell, first):
    out = io.StringIO()
    assert run(["completion", shell], out=out) == 0
    assert out.getvalue().startswith(first) and "export" in out.getvalue()
