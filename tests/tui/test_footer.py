"""The footer rebuilds once per burst of binding changes and still shows the keys that apply."""

from __future__ import annotations

import importlib

import pytest
from textual.screen import Screen
from textual.widgets._footer import FooterKey

from tests.tui.conftest import SMALL
from tui.compat import Footer
from tui.screens.base import MainScreen


def footer_actions(screen) -> list[str]:
    return [key.action for key in screen.query_one(Footer).query(FooterKey)]


def actions_that_apply(screen) -> list[str]:
    """What Textual's footer lists: each shown action once, in order, then the palette."""
    actions = [b.binding.action for b in screen.active_bindings.values() if b.binding.show]
    return [*dict.fromkeys(actions), "command_palette"]


@pytest.mark.slow
async def test_the_footer_follows_focus_and_filters_in_the_library(make_demo_app):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        assert footer_actions(screen) == actions_that_apply(screen)
        assert "focus_detail" in footer_actions(screen)
        keys = list(app.screen.query_one(Footer).query(FooterKey))
        await pilot.press("s", "k")  # filters set: the footer's keys stay as they were built
        await pilot.pause()
        assert list(app.screen.query_one(Footer).query(FooterKey)) == keys
        assert footer_actions(screen) == actions_that_apply(screen)
        await pilot.press("tab")  # the detail focused: its key gives way to the list's
        await pilot.pause()
        assert "focus_list" in footer_actions(screen)
        assert "focus_detail" not in footer_actions(screen)
        assert footer_actions(screen) == actions_that_apply(screen)


@pytest.mark.slow
async def test_footer_keys_end_as_textual_leaves_them_only_the_palette_key_compact(make_demo_app):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        for place in "45":  # History's keys, and the Library's grouped filter keys
            await pilot.press(place)
            await pilot.pause()
            keys = list(app.screen.query_one(Footer).query(FooterKey))
            assert [k.has_class("-compact") for k in keys] == [False] * (len(keys) - 1) + [True]


async def test_history_footer_offers_details_once_its_sessions_are_listed(make_demo_app):
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("4")
        await pilot.pause()
        keys = {key.action: key for key in app.screen.query_one(Footer).query(FooterKey)}
        assert list(keys) == actions_that_apply(app.screen)
        assert not keys["open"].disabled


@pytest.mark.slow
async def test_a_place_is_first_painted_with_its_keys_and_they_are_built_once(
    make_demo_app, monkeypatch
):
    """The footer's keys are built as the place mounts, before its first paint; Textual's
    announcement of the bindings that follows finds them as they are, and rebuilds nothing."""
    builds: list[str] = []
    painted: list[tuple[str, int]] = []
    recompose, refresh = Footer.recompose, Screen._compositor_refresh

    async def counting_recompose(self):
        builds.append(type(self.screen).__name__)
        return await recompose(self)

    def noting_paint(self):
        if isinstance(self, MainScreen):
            painted.append((type(self).__name__, len(self.query_one(Footer).query(FooterKey))))
        return refresh(self)

    monkeypatch.setattr(Footer, "recompose", counting_recompose)
    monkeypatch.setattr(Screen, "_compositor_refresh", noting_paint)
    app = make_demo_app(days=7)
    async with app.run_test(size=SMALL) as pilot:
        for place in "42":
            await pilot.press(place)
            await pilot.pause()
        assert builds == ["TodayScreen", "HistoryScreen", "ProgressScreen"]
        first = {name: keys for name, keys in reversed(painted)}  # each place's first paint
        assert all(keys > 1 for keys in first.values()), painted
        assert footer_actions(app.screen) == actions_that_apply(app.screen)


def test_every_key_of_every_place_has_a_line_in_the_help():
    """A key a screen binds but the help does not name is a key no one finds (b, w and k were
    missing once). The help is made from the bindings: each needs its line (its tooltip), and
    the help must show it under its place with the key."""
    from tui.app import RehabApp
    from tui.places import PLACES
    from tui.screens.help import KEY_NAMES, help_sections
    from tui.screens.player import EndSessionScreen, PlayerScreen

    shown = {
        section: {(key, what) for keys, what in lines for key in keys.split()}
        for section, lines in help_sections()
    }
    screens = {"Everywhere": RehabApp, "Session": PlayerScreen, "Forms": EndSessionScreen}
    for place in PLACES:
        module, name = place.screen.split(":")
        screens[place.label] = getattr(importlib.import_module(module), name)
    missing = []
    for section, screen in screens.items():
        for binding in screen.BINDINGS:
            if binding.action.startswith(("app.", "go(")):
                continue  # said under "Everywhere", the places in one line
            for key in binding.key.split(","):
                if (KEY_NAMES.get(key, key), binding.tooltip) not in shown[section]:
                    missing.append(f"{section}: {key} ({binding.action})")
    assert missing == []
    assert shown["Everywhere"] >= {("1", "Today, Progress, Plan, History, Library, Data")}


async def test_a_key_turned_off_is_greyed_where_it_stands_not_rebuilt():
    """A key greyed or lit again (check_action None or True) keeps the footer's keys: each is
    greyed in place, as Textual's footer would draw it after rebuilding them all."""
    from textual.app import App
    from textual.binding import Binding

    class Keys(Screen):
        BINDINGS = [Binding("a", "first", "First"), Binding("b", "second", "Second")]
        on = True

        def compose(self):
            yield Footer()

        def check_action(self, action, parameters):
            return True if action != "second" or self.on else None

    class Tiny(App):
        def on_mount(self):
            self.push_screen(Keys())

    async with Tiny().run_test(size=SMALL) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        await screen.query_one(Footer).show_keys_now()
        await pilot.pause()
        keys = list(screen.query_one(Footer).query(FooterKey))
        second = next(k for k in keys if k.action == "second")
        assert not second.has_class("-disabled")
        for on in (False, True, False):
            screen.on = on
            screen.refresh_bindings()
            await pilot.pause()
            await pilot.pause()
            assert list(screen.query_one(Footer).query(FooterKey)) == keys
            assert second.has_class("-disabled") is not on
            assert second._disabled is not on
