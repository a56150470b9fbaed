"""Library in Pilot: the four filters narrow the list, x clears them, the detail tells all."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import OptionList, Static

from planner.models import Condition, Equipment, Kind
from tests.tui.conftest import LARGE, SMALL
from tests.tui.flows import text_of
from tui.screens.library import CLEAR, EMPTY, PROJECT_DOSE, LibraryCommands, LibraryScreen

pytestmark = pytest.mark.slow  # seconds each: Pilot drives the app

NASTY = "[ [/ [red]not red[/red] $x \\"


async def open_library(pilot) -> LibraryScreen:
    await pilot.press("5")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, LibraryScreen)
    return screen


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
    await pilot.pause()  # the detail pane is rebuilt after the list


def listed(screen: LibraryScreen) -> list[str]:
    options = screen.query_one("#exercises", OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


def prompt(screen: LibraryScreen, exercise_id: str) -> str:
    return str(screen.query_one("#exercises", OptionList).get_option(exercise_id).prompt)


async def test_library_lists_all_25_exercises_with_stage_kind_and_optional_mark(
    make_demo_app, catalog
):
    app = make_demo_app(days=7)
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_library(pilot)
        assert listed(screen) == list(catalog.exercises)
        assert len(listed(screen)) == 25
        assert text_of(screen, "#count") == "25 of 25 exercises"
        assert "Stage: all" in text_of(screen, "#filters")
        hang = prompt(screen, "bar-hang")
        assert "Hang from a bar (optional)" in hang and " 2 " in hang and "traction" in hang
        massage = prompt(screen, "back-tapping-massage")
        assert " any " in massage and "self-massage" in massage
        assert "(optional)" not in prompt(screen, "bridge")


async def test_narrow_list_gives_each_exercise_two_lines_and_the_wide_one_a_row(make_demo_app):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)
        assert prompt(screen, "bar-hang") == "Hang from a bar\n  stage 2 · traction (optional)"
        assert not screen.query_one("#list-head").display
        await pilot.resize_terminal(*LARGE)
        await press(pilot)
        assert "\n" not in prompt(screen, "bar-hang")
        assert screen.query_one("#list-head").display


async def test_stage_filter_shows_only_that_stage_and_cycles_both_ways(make_demo_app, catalog):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)
        await press(pilot, "s")
        stage_1 = [e.id for e in catalog.exercises.values() if e.stage == 1]
        assert listed(screen) == stage_1 and "shoulder-circles" in stage_1
        assert "back-tapping-massage" not in listed(screen)
        assert "Stage: 1 · Calm" in text_of(screen, "#filters")
        assert text_of(screen, "#count") == f"{len(stage_1)} of 25 exercises · {CLEAR}"
        await press(pilot, "s", "s", "s")
        assert {catalog.exercise(i).stage for i in listed(screen)} == {4}
        await press(pilot, "s")
        assert listed(screen) == ["back-tapping-massage"]
        assert "Stage: any (fits every stage)" in text_of(screen, "#filters")
        await press(pilot, "S")  # shift goes back one value
        assert {catalog.exercise(i).stage for i in listed(screen)} == {4}
        await press(pilot, "s", "s")  # past "any" to "all" again
        assert len(listed(screen)) == 25


async def test_kind_filter_shows_only_that_kind(make_demo_app, catalog):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)
        await press(pilot, "k")
        assert "Kind: mobility" in text_of(screen, "#filters")
        assert listed(screen) == [
            e.id for e in catalog.exercises.values() if e.kind is Kind.MOBILITY
        ]
        await press(pilot, "k", "k")
        assert "Kind: traction" in text_of(screen, "#filters")
        assert set(listed(screen)) == {"table-lean", "bar-hang", "half-hang"}


async def test_equipment_pull_up_bar_shows_the_hangs(make_demo_app):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)
        await press(pilot, "e")
        assert "Equipment: none needed" in text_of(screen, "#filters")
        assert "shoulder-circles" in listed(screen) and "bridge" not in listed(screen)
        await press(pilot, "e", "e", "e", "e")
        assert "Equipment: pull-up bar" in text_of(screen, "#filters")
        assert listed(screen) == ["bar-hang", "half-hang"]
        assert text_of(screen, "#count") == f"2 of 25 exercises · {CLEAR}"


async def test_condition_lumbago_leaves_out_exercises_not_suited_to_it(make_demo_app, catalog):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)
        await press(pilot, "o", "o")
        assert "Condition: acute low back pain (lumbago)" in text_of(screen, "#filters")
        shown = listed(screen)
        assert shown == [
            e.id for e in catalog.exercises.values() if Condition.LUMBAGO in e.conditions
        ]
        for left_out in ("bar-hang", "half-hang", "wall-bar-hang-leg-swings"):
            assert left_out not in shown
        assert text_of(screen, "#count") == f"{len(shown)} of 25 exercises · {CLEAR}"


async def test_filters_combine_and_x_clears_them_all(make_demo_app):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)
        await press(pilot, "s", "s", "k", "k", "k")  # stage 2, traction
        assert listed(screen) == ["table-lean", "bar-hang", "half-hang"]
        await press(pilot, "e", "e", "e", "e", "e")  # … and a pull-up bar
        assert listed(screen) == ["bar-hang", "half-hang"]
        await press(pilot, "o", "o")  # … for lumbago: the hangs do not suit it
        assert listed(screen) == []
        assert text_of(screen, "#count") == f"0 of 25 exercises · {EMPTY}"
        assert "press x to clear" in text_of(screen, "#count")
        assert not screen.query_one("#exercises").display
        assert "Nothing to show" in screen.detail_text()
        await press(pilot, "x")
        assert len(listed(screen)) == 25
        assert text_of(screen, "#count") == "25 of 25 exercises"
        bar = text_of(screen, "#filters")
        for words in ("Stage: all", "Kind: all", "Equipment: all", "Condition: all"):
            assert words in bar


async def test_the_exercise_you_moved_to_comes_back_when_a_filter_shows_it_again(make_demo_app):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)
        await press(pilot, "e", "e", "e", "e", "e", "down")  # the half hang
        assert screen.highlighted().id == "half-hang"
        await press(pilot, "k")  # mobility on a pull-up bar: nothing
        assert screen.highlighted() is None
        await press(pilot, "k", "k")  # traction: the half hang again
        assert screen.highlighted().id == "half-hang"
        await press(pilot, "x", "s")  # stage 1 has no hang: the first one shows
        assert screen.highlighted().id == "shoulder-circles"
        await press(pilot, "x")
        assert screen.highlighted().id == "half-hang"
        assert "Half hang, feet on the floor" in screen.detail_text()


async def test_bar_hang_detail_shows_steps_cautions_evidence_sources_and_why_not_in_plan(
    make_demo_app, catalog
):
    app = make_demo_app(days=60)  # the demo profile has a mat, chair and table: no pull-up bar
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)
        await press(pilot, "e", "e", "e", "e", "e")
        assert screen.highlighted().id == "bar-hang"
        text = screen.detail_text()
        for shown in (
            "Hang from a bar (optional)",
            "Also called: bar hang, dead hang",
            "Not in your plan: needs pull-up bar",
            "Kind traction",
            "Stage 2 · Mobilize",
            "Position hanging",
            "Equipment pull-up bar",
            "Suits lumbar disc herniation\nsciatica\nback pain, cause not known",
            "1. Stand on a step or low stool",
            "5. Put your feet back on the step before you let go.",
            "⚠ Caution: Leave this out if you have a shoulder injury",
            "⚠ Caution: Stop this move if pain, tingling or numbness spreads",
            "Default hold 15 s, 3× a day",
            "Bounds sets 1 · hold 5–20 s",
            "Easier Half hang, feet on the floor",
            "Harder Wall-bar hang with leg swings",
            "NICE NG59 does not recommend traction",
            # The article by its title first; the file name only as the quiet citation.
            "Exercises for spinal pain\nWhy bed rest alone is a mistake; hangs, table lean"
            " and lengthening stretches\narticle 002_eed50beb7308ac6d.txt",
        ):
            assert shown in text, shown
        assert "002_eed50beb7308ac6d.txt\n" not in text
        assert PROJECT_DOSE not in text  # article 002 gives the hang's dose
        await press(pilot, "down")
        text = screen.detail_text()
        assert "Half hang, feet on the floor (optional)" in text
        assert PROJECT_DOSE in text and "Not in your plan: needs pull-up bar" in text


async def test_an_exercise_that_suits_the_profile_has_no_not_in_plan_line(make_demo_app):
    app = make_demo_app(days=60)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)
        await press(pilot)
        assert screen.highlighted().id == "shoulder-circles"
        text = screen.detail_text()
        assert "Shoulder circles" in text and "Not in your plan" not in text
        assert "Suits acute low back pain (lumbago)" in text
        assert PROJECT_DOSE in text


async def test_detail_takes_focus_to_scroll_at_80x24_and_gives_it_back(make_demo_app):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)
        detail = screen.query_one("#detail")
        assert screen.query_one("#exercises").has_focus
        await press(pilot, "tab")
        assert detail.has_focus
        await press(pilot, "end")
        assert detail.scroll_y > 0
        await press(pilot, "escape")
        assert screen.query_one("#exercises").has_focus
        await press(pilot, "down", "enter")  # enter on an exercise reads it
        assert detail.has_focus and detail.scroll_y == 0
        assert "Pelvic tilt, seated" in screen.detail_text()


async def test_footer_keys_follow_focus_and_filters(make_demo_app):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)

        def shown() -> dict[str, str]:
            return {
                key: b.binding.description
                for key, b in screen.active_bindings.items()
                if b.binding.show and b.enabled
            }

        keys = shown()
        assert keys["tab"] == "Detail" and "x" not in keys
        assert {"s", "k", "e", "o"} <= set(keys)
        count = screen.query_one("#count", Static)
        assert "x clears" not in str(count.render())
        await press(pilot, "s", "tab")
        keys = shown()
        assert keys["tab"] == "List" and "x" not in keys
        # The key to clear is said beside the count while a filter is on, and works.
        assert "x clears the filters" in str(count.render())
        await press(pilot, "x")
        assert not screen.filters.active


async def test_catalog_text_is_never_read_as_markup(make_demo_app, catalog):
    ex = replace(
        catalog.exercise("bridge"),
        name=NASTY,
        aliases=[NASTY],
        steps=[NASTY, NASTY],
        evidence=NASTY,
    )
    app = make_demo_app(days=7)
    app.catalog = replace(catalog, exercises={**catalog.exercises, "bridge": ex})
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_library(pilot)
        await press(pilot, "s", "s", "s")  # stage 3: the bridge comes first
        assert screen.highlighted().id == "bridge"
        assert NASTY in prompt(screen, "bridge")
        text = screen.detail_text()
        assert f"Also called: {NASTY}" in text and f"1. {NASTY}" in text
        assert text.count(NASTY) == 5


async def test_equipment_filter_none_means_no_equipment_needed(make_demo_app, catalog):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)
        await press(pilot, "e")
        assert listed(screen) == [
            e.id for e in catalog.exercises.values() if Equipment.NONE in e.equipment
        ]


async def test_any_exercise_can_be_found_by_name_or_alias_in_the_command_palette(make_demo_app):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)
        await press(pilot, "s")  # stage 1 hides the bar hang: showing it clears the filter
        provider = LibraryCommands(screen)  # what the palette asks, without its timers
        hits = [hit async for hit in provider.search("dead hang")]
        best = max(hits)
        assert best.text == "Show exercise: Hang from a bar (bar hang, dead hang)"
        best.command()
        await press(pilot)
        assert screen.highlighted().id == "bar-hang"
        assert not screen.filters.active
        assert "Hang from a bar (optional)" in screen.detail_text()
        [only] = [
            hit
            async for hit in provider.search("only condition sciatica")
            if hit.text == "Library: only condition sciatica"
        ]
        only.command()
        await press(pilot)
        assert "Condition: sciatica" in text_of(screen, "#filters")
        # All of them suit sciatica.
        assert text_of(screen, "#count") == f"25 of 25 exercises · {CLEAR}"
        found = {hit.text async for hit in provider.discover()}
        assert "Library: clear the filters" in found
        assert "Library: next condition filter" in found


async def test_coming_back_after_the_profile_changed_redraws_the_reason(make_demo_app):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_library(pilot)
        await press(pilot, "e", "e", "e", "e", "e")
        assert "Not in your plan: needs pull-up bar" in screen.detail_text()
        profile = app.profile()
        app.repo.save(replace(profile, equipment=[*profile.equipment, Equipment.PULL_UP_BAR]))
        await press(pilot, "1", "5")
        assert app.screen is screen and screen.highlighted().id == "bar-hang"
        assert "Not in your plan" not in screen.detail_text()


async def test_a_search_typed_fast_after_slash_is_all_in_the_box(make_demo_app):
    """`/hip` in one read from the terminal searched nothing: `/` moved the focus to the box
    only after h, i and p had gone to the list. `/` now moves it as it is read; typed in the
    box, `/` is typed."""
    from textual import events
    from textual.widgets import Input

    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("5")
        await pilot.pause()
        for key, char in (("slash", "/"), ("h", "h"), ("i", "i"), ("p", "p")):
            app.post_message(events.Key(key, char))
        await pilot.pause()
        box = app.screen.query_one("#search", Input)
        assert box.has_focus and box.value == "hip"
        await pilot.press("slash")
        assert box.value == "hip/"
