"""The clinician's report's chart: back and leg pain by Monday week, as an SVG drawn by pygal.

Pure: weekly means in, SVG text out. pygal is imported inside `pain_svg` only, so nothing else
pays for it. The SVG works offline: no script or font is fetched (pygal's tooltip script is
turned off, the fonts are the reader's own sans-serif), and it reads in black and white: back
pain is a solid line with round dots, leg pain a dashed line with small dots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from planner import report_words as voice


@dataclass(frozen=True)
class PainWeek:
    """One Monday week of the report's pain table: the means of the day's first check-in."""

    monday: date
    back: float | None
    leg: float | None


@dataclass(frozen=True)
class StageMark:
    """A change of stage, on the Monday week it happened in."""

    monday: date
    label: str  # "→2"


@dataclass(frozen=True)
class PainChart:
    """What the chart draws: the weeks, the stage changes, and the pain at the start."""

    weeks: tuple[PainWeek, ...]
    stages: tuple[StageMark, ...]
    #: The first check-in's back pain: a change of 2 from it is the one that matters.
    start: int | None


#: The meaningful change on the 0–10 scale (docs/clinical.md §2).
MEANINGFUL = 2
#: At most this many dates along the bottom axis.
X_LABELS = 10
#: The chart shows the last two years of weeks: thirty years of weekly dots and stage marks
#: would be a smear at this width (the report's table holds every week).
WEEKS = 104


def _points(weeks: Sequence[PainWeek], name: str) -> list[tuple[date, float] | None]:
    """(Monday, mean) for each week with a value; None where a week is missing, so the line
    breaks across a gap instead of bridging it."""
    points: list[tuple[date, float] | None] = []
    previous: date | None = None
    for week in weeks:
        value = getattr(week, name)
        if value is None:
            continue
        if previous is not None and week.monday - previous > timedelta(days=7):
            points.append(None)
        points.append((week.monday, value))
        previous = week.monday
    return points


def pain_svg(chart: PainChart) -> str:
    """The chart as SVG text: weekly means of the day's first check-in (back, and leg when
    rated) on a 0–10 axis by Monday week, the stage changes marked along the top, and the band
    within 2 points of the starting back pain shaded (a change inside it is not one that
    matters). Only the last `WEEKS` weeks, when there are more; the title then says so."""
    import pygal
    from pygal.style import Style

    weeks = sorted(chart.weeks, key=lambda w: w.monday)
    cut = bool(weeks) and weeks[-1].monday - weeks[0].monday >= timedelta(weeks=WEEKS)
    if cut:
        since = weeks[-1].monday - timedelta(weeks=WEEKS - 1)
        weeks = [w for w in weeks if w.monday >= since]
    stages = sorted(
        (s for s in chart.stages if not weeks or s.monday >= weeks[0].monday),
        key=lambda s: s.monday,
    )
    style = Style(
        background="white",
        plot_background="white",
        foreground="#000000",
        foreground_strong="#000000",
        foreground_subtle="#888888",
        # The shaded band, then back, leg, the stage marks; every word on the chart in black.
        colors=("#cccccc", "#000000", "#333333", "#000000"),
        value_colors=("#000000",) * 4,
        opacity=".6",
        opacity_hover=".6",
        font_family="DejaVu Sans, Arial, Helvetica, sans-serif",
        label_font_size=11,
        major_label_font_size=11,
        legend_font_size=12,
        title_font_size=14,
        value_label_font_size=10,
        transition="0s",
    )
    first = weeks[0].monday if weeks else date.today()
    last = weeks[-1].monday if weeks else first
    span = max((last - first).days // 7, 1)
    every = max(1, -(-span // (X_LABELS - 1)))
    labels = [first + timedelta(days=7 * i) for i in range(0, span + 1, every)]
    start = chart.start if chart.start is not None else 0
    top, bottom = min(10, start + MEANINGFUL), max(0, start - MEANINGFUL)
    graph = pygal.DateLine(
        style=style,
        js=[],  # pygal's tooltips come from a CDN: none, so the file never reaches the network
        disable_xml_declaration=False,
        width=900,
        height=520,
        title="Pain by week: the day's first check-in, weekly mean (0 none – 10 worst)"
        + (f", the last {WEEKS} weeks" if cut else ""),
        x_title="Week (Monday to Sunday), by its Monday",
        y_title="Pain, 0–10",
        range=(0, 10),
        zero=bottom,
        y_labels=list(range(0, 11)),
        x_labels=labels,
        x_value_formatter=voice.day,
        x_label_rotation=25,
        show_minor_x_labels=True,
        allow_interruptions=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=1,
        truncate_legend=-1,
        print_labels=True,
        interpolate=None,
        dots_size=3,
        show_x_guides=False,
        show_y_guides=True,
    )
    # pygal names each chart by a random uuid: a fixed name makes the same data the same file.
    graph.uuid = "rehab-pain"
    # The band first, so the lines are drawn over it: a line at the top of the band, filled
    # down to pygal's `zero`, set to the band's bottom.
    if chart.start is not None and weeks:
        ends = [first, last] if last > first else [first, first + timedelta(days=7)]
        graph.add(
            f"Within {MEANINGFUL} points of the starting back pain ({chart.start}): shaded",
            [(d, top) for d in ends],
            fill=True,
            show_dots=False,
            stroke_style={"width": 0.5},
            # pygal leaves a filled series open at its right end when it allows interruptions.
            allow_interruptions=False,
        )
    else:
        graph.add("No starting pain: nothing shaded", [])
    graph.add(
        "Back pain (solid line, round dots)",
        _points(weeks, "back"),
        stroke_style={"width": 2.5},
        dots_size=4,
    )
    graph.add(
        "Leg pain (dashed line, small dots)",
        _points(weeks, "leg"),
        stroke_style={"width": 2, "dasharray": "8, 5"},
        dots_size=2,
    )
    # Each stage change a dot along the top with the stage it moved to; every other one a
    # little lower, so the labels of changes weeks apart do not overprint each other.
    graph.add(
        "Stage change: the stage moved to, along the top",
        [{"value": (s.monday, 10 - 1.1 * (i % 2)), "label": s.label} for i, s in enumerate(stages)],
        stroke=False,
        dots_size=5,
    )
    svg: str = graph.render(is_unicode=True)
    return svg
