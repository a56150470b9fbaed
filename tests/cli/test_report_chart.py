"""The report's pain chart: an SVG beside the report, its points the report's weekly means,
private, offline, and left out on request."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from planner import report_words as voice
from tests.cli.test_exports import cli, demo_file, export, mode  # noqa: F401 (a fixture)

SVG = "{http://www.w3.org/2000/svg}"
LINK = "![Back and leg pain by Monday week](clinic-pain.svg)"


def write_report(demo, tmp_path, *extra: str):
    out = tmp_path / "out"
    out.mkdir(parents=True, exist_ok=True)
    code, said, err = cli(
        "export", "--format", "md", "--out", str(out / "clinic.md"), "--data", str(demo), *extra
    )
    assert code == 0, err
    return out, said


def legends(root) -> dict[str, str]:
    """The chart's series numbers by their legend's words."""
    found = {}
    for legend in root.iter(f"{SVG}g"):
        number = re.fullmatch(r"activate-serie-(\d+)", legend.get("id", ""))
        if number:
            found[legend.find(f"{SVG}text").text] = number.group(1)
    return found


def series(svg_text: str) -> dict[str, list[tuple[str, float]]]:
    """Each series of the chart by its legend's words: [("Mon 2026-11-02", 4.6), ...]."""
    root = ET.fromstring(svg_text)
    numbers = {n: title for title, n in legends(root).items()}
    points: dict[str, list[tuple[str, float]]] = {title: [] for title in numbers.values()}
    for group in root.iter(f"{SVG}g"):
        found = re.fullmatch(r"series serie-(\d+) color-\d+", group.get("class", ""))
        if not found:
            continue
        for desc in group.iter(f"{SVG}desc"):
            if desc.get("class") == "value":
                week, value = desc.text.rsplit(": ", 1)
                points[numbers[found.group(1)]].append((week, float(value)))
    return points


def pain_table(report: str) -> dict[str, tuple[str, str]]:
    """The pain table's weeks: {"Mon 2026-11-02": (check-in mean, leg check-in mean)}."""
    body = report.split("## Pain trend\n")[1].split("\n## ")[0]
    rows = [line.split(" | ") for line in body.splitlines() if line.startswith("| Mon ")]
    return {row[0].removeprefix("| "): (row[1], row[2]) for row in rows}


def test_the_report_writes_its_pain_chart_beside_it_private_and_linked(demo_file, tmp_path):  # noqa: F811
    out, said = write_report(demo_file, tmp_path)
    assert sorted(p.name for p in out.iterdir()) == ["clinic-pain.svg", "clinic.md"]
    assert mode(out / "clinic-pain.svg") == "0o600" and mode(out / "clinic.md") == "0o600"
    assert "clinic-pain.svg" in said
    report = (out / "clinic.md").read_text()
    summary = report.split("## Summary\n")[1].split("\n## ")[0]
    # Under the summary, before the next section.
    assert summary.rstrip().endswith(LINK)
    assert report.count("![") == 1


def test_the_charts_points_are_the_reports_weekly_means(demo_file, tmp_path):  # noqa: F811
    out, _ = write_report(demo_file, tmp_path)
    table = pain_table((out / "clinic.md").read_text())
    drawn = series((out / "clinic-pain.svg").read_text())
    back = dict(drawn["Back pain (solid line, round dots)"])
    leg = dict(drawn["Leg pain (dashed line, small dots)"])
    assert len(table) >= 5 and leg, "the demo rates back and leg pain over weeks"
    assert back == {week: float(b) for week, (b, _) in table.items() if b != "–"}
    assert leg == {week: float(g) for week, (_, g) in table.items() if g != "–"}
    # Every change of stage in the timeline is marked, on the Monday of its week.
    report = (out / "clinic.md").read_text()
    timeline = report.split("## Stage timeline\n")[1].split("\n## ")[0]
    moved = []
    for row in [line for line in timeline.splitlines() if line.startswith("| ")][1:]:
        when, _, stages = (cell.strip() for cell in row.split("|")[1:4])
        before, after = stages.split(" → ")
        if before != after:
            day = date.fromisoformat(when.split()[1])
            moved.append(voice.day(voice.monday(day)))
    marks = drawn["Stage change: the stage moved to, along the top"]
    assert len(moved) >= 2 and [week for week, _ in marks] == moved


def test_the_chart_fetches_nothing_and_reads_without_colour(demo_file, tmp_path):  # noqa: F811
    out, _ = write_report(demo_file, tmp_path)
    text = (out / "clinic-pain.svg").read_text()
    root = ET.fromstring(text)
    # No script, stylesheet or font from anywhere: every reference stays inside the file.
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.endswith("href") or name == "src":
                assert value.startswith("#"), (element.tag, value)
    assert "@import" not in text and "url(http" not in text and "googleapis" not in text
    scripts = [e for e in root.iter(f"{SVG}script")]
    assert all(
        not e.get("href") and not e.get("{http://www.w3.org/1999/xlink}href") for e in scripts
    )
    # Back and leg differ by more than colour: the leg's line is dashed, the back's is not,
    # and their dots differ in size.
    number = legends(root)
    back, leg = (
        number["Back pain (solid line, round dots)"],
        number["Leg pain (dashed line, small dots)"],
    )
    style = {
        n: re.search(rf"\.series\.serie-{n}\{{([^}}]*)\}}", text).group(1) for n in (back, leg)
    }
    assert "dasharray" in style[leg] and "dasharray" not in style[back]
    radius = {
        n: {
            c.get("r")
            for g in root.iter(f"{SVG}g")
            if g.get("class", "").startswith(f"series serie-{n} ")
            for c in g.iter(f"{SVG}circle")
        }
        for n in (back, leg)
    }
    assert len(radius[back]) == len(radius[leg]) == 1 and radius[back] != radius[leg]
    axis = [t.text for t in root.iter(f"{SVG}text") if t.text]
    assert "Pain, 0–10" in axis and any(re.fullmatch(r"Mon \d{4}-\d{2}-\d{2}", t) for t in axis)
    assert "0" in axis and "10" in axis


def test_the_same_file_makes_the_same_chart(demo_file, tmp_path):  # noqa: F811
    first = (write_report(demo_file, tmp_path / "a")[0] / "clinic-pain.svg").read_bytes()
    again = (write_report(demo_file, tmp_path / "b")[0] / "clinic-pain.svg").read_bytes()
    assert first == again


def test_no_chart_and_the_terminal_write_no_chart(demo_file, tmp_path):  # noqa: F811
    out, said = write_report(demo_file, tmp_path, "--no-chart")
    assert [p.name for p in out.iterdir()] == ["clinic.md"]
    assert "![" not in (out / "clinic.md").read_text() and "pain chart" not in said
    before = sorted(p.name for p in tmp_path.rglob("*"))
    report = export(demo_file, "md")
    assert "![" not in report
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_no_chart_belongs_to_the_report_only(demo_file):  # noqa: F811
    code, _, err = cli("export", "--format", "csv", "--no-chart", "--data", str(demo_file))
    assert code == 2 and "--no-chart applies to --format md only" in err


def test_a_long_history_charts_its_last_two_years():
    from datetime import timedelta

    from planner.chart import WEEKS, PainChart, PainWeek, StageMark, pain_svg

    first = date(2020, 1, 6)
    weeks = tuple(PainWeek(first + timedelta(weeks=i), i % 10, None) for i in range(300))
    marks = (StageMark(first, "→1"), StageMark(first + timedelta(weeks=299), "→2"))
    text = pain_svg(PainChart(weeks, marks, 5))
    drawn = series(text)
    back = drawn["Back pain (solid line, round dots)"]
    assert [week for week, _ in back] == [voice.day(w.monday) for w in weeks[-WEEKS:]]
    assert [label for label, _ in drawn["Stage change: the stage moved to, along the top"]] == [
        voice.day(marks[1].monday)
    ]
    assert f"the last {WEEKS} weeks" in text
    short = pain_svg(PainChart(weeks[:50], marks[:1], 5))
    assert len(series(short)["Back pain (solid line, round dots)"]) == 50
    assert "the last" not in short
