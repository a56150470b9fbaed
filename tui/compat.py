"""Every use of Textual's private parts, in one guarded place.

rehab's speed-ups lean on Textual 8.2.8's internals: a screen's `_css_update_count`, the
footer's `FooterKey` and `_bindings_ready`, and `textual._context.active_message_pump`. So do
two fixes for pasted text: the terminal parser `textual._xterm_parser.XTermParser`,
and `Input`'s private `_value`, `_position_to_cell` and `_cell_offset_to_index`; and the text
fields' keys kept in the order typed (`KeysInOrder`: a widget's `_bindings`, the app's
`_keymap`, the fields' `_on_key`). They are used only here, and only when the installed
Textual is the pinned one; on any other version (or with REHAB_STOCK_TEXTUAL=1, which the
tests use to run the daily path this way) rehab runs on stock Textual: Textual's own Footer,
styling left to Textual, pastes and fields as it has them.

The charts lean on two private parts of textual-plotext 1.0.1 and plotext 5: the widget's
`_get_plotext_theme_name` and the plot's `_set_size` (`plot_theme`, `size_plot`); where they
are missing the charts fall back to plotext's default theme and to `plotsize` alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any, cast

import textual
from rich.cells import cell_len, get_character_cell_size
from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.expand_tabs import expand_tabs_inline
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets import Input

from planner.text import screen_safe

PINNED = "8.2.8"


def _pinned_textual() -> bool:
    """Is the pinned Textual installed? Its dist-info folder says (textual.__version__ asks
    importlib.metadata, at every start)."""
    site = os.path.dirname(os.path.dirname(textual.__file__))
    return os.path.isdir(os.path.join(site, f"textual-{PINNED}.dist-info"))


SPEEDUPS = _pinned_textual() and not os.environ.get("REHAB_STOCK_TEXTUAL")


def styled_count(app: App) -> int | None:
    """How many times the app's stylesheet has been refreshed, or None without speed-ups."""
    return app._css_update_count if SPEEDUPS else None


def mark_styled(screen: Screen, count: int | None) -> None:
    """Tell Textual a screen is styled as of `count` refreshes, so it is not restyled twice
    when it first appears (the screen was styled as it mounted). Nothing without speed-ups."""
    if SPEEDUPS and count is not None:
        screen._css_update_count = count


if SPEEDUPS:
    from textual._context import active_message_pump
    from textual.widgets._footer import FooterKey


#: What the footer's keys were built for: each shown binding's key, binding, state and tooltip.
Shown = tuple[tuple[str, Binding, bool, str], ...]


class StockFooter(TextualFooter):
    """Textual's own footer, with the one method the places call."""

    async def show_keys_now(self) -> None:
        """Textual builds its keys when the bindings are announced."""


class QuickFooter(StockFooter):
    """Looks and acts as Textual's `Footer` (8.2.8), which rebuilds all its keys (and so lays
    out and paints the screen again) for every binding change, seven times while History opens,
    and restyles each new key twice (a key's `compact` starts True, then the footer's False is
    bound to it). Here the keys are first built as the place mounts, after it has drawn itself
    and before its first paint (`show_keys_now`), then again only when the bindings differ from
    those shown, at most once per burst of changes; each bound key starts with the footer's
    `compact`: styled once.

    Relies on Textual 8.2.8's private `FooterKey`, `_bindings_ready` and
    `textual._context.active_message_pump`: tests/tui/test_footer.py and the snapshots catch
    an upgrade that changes them."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._rebuild_pending = False
        self._built_for: Shown | None = None  # the bindings the keys show

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # The palette's key is not bound to the footer's `compact`: it keeps its own.
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        """Textual's, with one rebuild scheduled at a time, and soon rather than after the next
        paint: it reads the bindings as they are when it runs, so changes until then are in it."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_later(self._rebuild)

    async def show_keys_now(self) -> None:
        """Build the keys before the screen is first painted, once its place has drawn itself
        (and focused what it focuses). Left to Textual, the screen is painted with an empty
        footer, then laid out and painted again when the bindings are announced (on each first
        visit, and at start); those then match the keys built here."""
        self._bindings_ready = True
        self._built_for = self._bindings_shown()
        # Each key is bound to this footer's `compact` as it is made, which Textual resolves
        # against the widget whose handler is running: here the screen's, so say it is ours.
        token = active_message_pump.set(self)
        try:
            await self.recompose()
        finally:
            active_message_pump.reset(token)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.screen.stack_updates:
            return  # not shown yet: the screen's first resume brings the bindings it starts with
        # Most changes (focus moving, a screen coming back) leave the keys as they are.
        shown = self._bindings_shown()
        if shown == self._built_for:
            return
        built, self._built_for = self._built_for, shown
        if not self._only_enabled_changed(built, shown):
            await self.recompose()

    def _only_enabled_changed(self, built: Shown | None, shown: Shown) -> bool:
        """When the same keys are shown and only some turned on or off (a filter set, a field
        filled), each key is greyed or lit where it stands: rebuilding every key lays out and
        paints the whole screen again, which was most of a Library filter key's time. Says
        whether it did so."""
        if built is None or len(built) != len(shown):
            return False
        if any(a[:2] != b[:2] or a[3] != b[3] for a, b in zip(built, shown, strict=True)):
            return False
        # Textual's footer shows one key per action, the first binding of each: its state.
        enabled: dict[str, bool] = {}
        for _, binding, on, _ in shown:
            enabled.setdefault(binding.action, on)
        for key in self.query(FooterKey):
            off = not enabled.get(key.action, not key._disabled)
            if off != key._disabled:
                key._disabled = off
                key.set_class(off, "-disabled")
                key.refresh()
        return True

    def _bindings_shown(self) -> Shown:
        """The bindings the keys show: a key kept out of the footer can come and go freely."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (key, binding, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )


#: The footer every screen uses.
Footer: type[StockFooter] = QuickFooter if SPEEDUPS else StockFooter


class CalmCrashes:
    """The app's answer to an error nothing else caught: one calm line instead of Textual's
    traceback, whose locals would put the person's profile and notes on the screen.

    Textual 8.2.8 sends such an error to the private `App._handle_exception`, which shows a
    traceback with its locals as the app exits. Here it goes to the app's public `crashed`,
    which keeps what can be kept and writes the details to a private log, and returns the one
    line the app then exits with (code 1), as Textual's own handler would. As Textual's
    handler does, the first error is kept for `run_test` to raise, so a test still sees it.
    On any other Textual version, with the stock Textual the tests can ask for, or with
    `--debug`, Textual's own handler runs."""

    #: `--debug`: Textual's traceback, locals and all.
    debug = False

    def crashed(self, error: BaseException) -> str:
        raise NotImplementedError

    def _handle_exception(self, error: Exception) -> None:
        if not SPEEDUPS or self.debug:
            super()._handle_exception(error)  # type: ignore[misc]
            return
        app: App = self  # type: ignore[assignment]
        app._return_code = 1
        if app._exception is None:
            app._exception = error
            app._exception_event.set()
        try:
            line = self.crashed(error)
        except Exception:  # keeping the details failed too: still no traceback on the screen
            line = "rehab: Something went wrong; nothing you entered was lost."
        app._exit_renderables.append(line)
        app._close_messages_no_wait()


#: The marks a terminal puts around a bracketed paste.
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
#: Stand-ins for ESC inside a paste while Textual's parser reads it (noncharacters, which no
#: text exchanges), and for the first stand-in itself, so any paste comes back exactly.
_STAND_IN = {"\x1b": "\ufdd0\ufdd1", "\ufdd0": "\ufdd0\ufdd0"}
_BACK = {"\ufdd1": "\x1b", "\ufdd0": "\ufdd0"}


class WholePastes:
    """Textual 8.2.8's terminal parser, fed so that a bracketed paste arrives whole.

    Inside a paste, that parser still reads an ESC as the start of a key: what follows it
    (`]52;c;…` of a pasted clipboard escape) comes out as keys typed before the paste, and the
    ESC as "^" (or as the escape key, at the end of a read): a pasted note was saved reordered,
    and a pasted control key could press a binding. Here each ESC inside a paste, but the one
    that ends it, reaches the parser as a stand-in, and the Paste it makes carries the ESC back.
    """

    def __init__(self, debug: bool = False) -> None:
        from textual._xterm_parser import XTermParser

        self._parser = XTermParser(debug)
        self._pasting = False
        self._seen = ""  # the last few characters outside a paste: a start mark split in two
        self._held = ""  # the start of what may be the end mark, until the rest comes

    def feed(self, data: str) -> Iterator[Message]:
        """Textual's `feed`, with pastes kept whole; "" ends the input, as there."""
        if not data:
            held, self._held = self._held, ""
            if held:
                yield from self._restored(self._parser.feed(held))
            yield from self._parser.feed("")
            return
        text = self._stand_in(self._held + data)
        if text:  # an empty feed would end the input
            yield from self._restored(self._parser.feed(text))

    def tick(self) -> Iterator[Message]:
        """Textual's `tick`: what a timeout completes (a lone ESC is the escape key)."""
        yield from self._restored(self._parser.tick())

    def _stand_in(self, text: str) -> str:
        """`text` with every ESC inside a paste, but its end mark's, as a stand-in; the start
        of an end mark cut off by the end of a read is held for the next."""
        self._held = ""
        out: list[str] = []
        at = 0
        while at < len(text):
            if not self._pasting:
                window = self._seen + text[at:]
                found = window.find(PASTE_START)
                if found < 0:
                    out.append(text[at:])
                    self._seen = window[-(len(PASTE_START) - 1) :]
                    break
                after = at + found + len(PASTE_START) - len(self._seen)
                out.append(text[at:after])
                at, self._pasting, self._seen = after, True, ""
                continue
            escape = text.find("\x1b", at)
            if escape < 0:
                out.append(_stood_in(text[at:]))
                break
            out.append(_stood_in(text[at:escape]))
            rest = text[escape : escape + len(PASTE_END)]
            if rest == PASTE_END:
                out.append(PASTE_END)
                at, self._pasting = escape + len(PASTE_END), False
            elif PASTE_END.startswith(rest):  # cut off: wait for the rest of the read
                self._held = text[escape:]
                break
            else:
                out.append(_STAND_IN["\x1b"])
                at = escape + 1
        return "".join(out)

    @staticmethod
    def _restored(messages: Iterable[Message]) -> Iterator[Message]:
        for message in messages:
            if isinstance(message, events.Paste) and "\ufdd0" in message.text:
                message = events.Paste(_back(message.text))
            yield message


def _stood_in(text: str) -> str:
    return text.replace("\ufdd0", _STAND_IN["\ufdd0"]).replace("\x1b", _STAND_IN["\x1b"])


def _back(text: str) -> str:
    out: list[str] = []
    pair = iter(text)
    for char in pair:
        out.append(_BACK[next(pair, "\ufdd0")] if char == "\ufdd0" else char)
    return "".join(out)


def keep_pastes_whole() -> None:
    """Read the terminal with `WholePastes` (Textual's Linux and macOS driver makes its parser
    from the name its module holds). Nothing without speed-ups."""
    if not SPEEDUPS:
        return
    from textual.drivers import linux_driver

    linux_driver.XTermParser = WholePastes  # type: ignore[attr-defined, assignment]


class KeysInOrder:
    """A text field that runs its own bound keys (backspace, delete, the arrows, home, end,
    enter) the moment each comes, in order with the characters typed. Textual 8.2.8 inserts a
    typed character at once but runs a bound key only once it has bubbled up to the app, past
    every container between: typed fast (one read from the terminal), "12", backspace,
    backspace, "4" became "1", a pain the person never gave (reported upstream:
    https://github.com/Textualize/textual/issues/6605). The field's own bindings are the first
    Textual looks up for its keys (priority bindings were tried before the key reached it), so
    what runs is what would have run, only not late. Mixed in before Textual's `Input` or
    `TextArea`; stock Textual's order on any other version."""

    if SPEEDUPS:

        async def _on_key(self, event: events.Key) -> None:
            if not await _own_binding(cast(Widget, self), event):
                await super()._on_key(event)  # type: ignore[misc]


async def _own_binding(widget: Widget, event: events.Key) -> bool:
    """Run the first of `widget`'s own non-priority bindings for this key that acts, as the
    app would when the key reached it; True (and the key used up) when one did."""
    if widget.app._keymap:  # keys rebound by a keymap: looked up by Textual, as ever
        return False
    for binding in widget._bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False


def keys_in_order_in_the_palette() -> None:
    """The command palette's search field takes its keys in order too (`KeysInOrder`): the
    field is Textual's own `CommandInput`, which the palette makes and finds by that module
    name, so a subclass with the mixin takes its place there. Pinned Textual only."""
    if not SPEEDUPS:
        return
    from textual import command

    if not issubclass(command.CommandInput, KeysInOrder):

        class CommandInput(KeysInOrder, command.CommandInput):  # its CSS type name kept
            pass

        command.CommandInput = CommandInput  # type: ignore[misc]


class ShownSafeInput(KeysInOrder, Input):
    """An Input that keeps its value exactly as typed or pasted but draws it as `screen_safe`
    shows it. Textual 8.2.8 draws the value through rich's Text, which drops BEL and CR but
    keeps ESC: a pasted escape sequence reached the terminal (a clipboard write, stale lines
    until a resize). `screen_safe` is one character for one, so the cursor, the selection and a
    click land where they did; their cell offsets are counted on what is drawn."""

    if SPEEDUPS:

        @property
        def _value(self) -> Text:
            if self.password:
                return super()._value
            text = Text(screen_safe(self.value), no_wrap=True, overflow="ignore", end="")
            return self.highlighter(text) if self.highlighter is not None else text

        def _position_to_cell(self, position: int) -> int:
            return cell_len(expand_tabs_inline(screen_safe(self.value[:position]), 4))

        def _cell_offset_to_index(self, offset: int) -> int:
            shown = screen_safe(self.value)
            cells = 0
            offset += self.scroll_offset.x
            for index, char in enumerate(shown):
                width = get_character_cell_size(char)
                if cells <= offset < cells + width:
                    return index
                cells += width
            return max(0, min(offset, len(shown)))


# ---------------------------------------------------------------------------------------------
# The charts (tui/widgets/chart.py): textual-plotext 1.0.1 and plotext 5. Nothing here imports
# them: the chart passes its widget and plot in, so start-up never pays for plotext.


def plot_theme(widget: Any, app_theme: str) -> str:
    """The plotext theme a textual-plotext widget draws with under the app's theme: the name
    its private `_get_plotext_theme_name` gives (the widget registers that theme as it
    mounts). Without it, the widget's own theme, or plotext's default for "auto"."""
    name = getattr(widget, "_get_plotext_theme_name", None)
    if callable(name):
        return str(name(app_theme))
    return widget.theme if widget.theme != "auto" else "default"


def size_plot(plt: Any, width: int, height: int) -> None:
    """Size a plot to `width` × `height` cells. plotext caps a plot at the terminal's size as it
    sees it (80 columns without a terminal); textual-plotext sets the size past that cap with
    plotext's private `_set_size`, and so does this. Without it, `plotsize` alone."""
    plt.plotsize(width, height)
    set_size = getattr(plt, "_set_size", None)
    if callable(set_size):
        set_size(width, height)
