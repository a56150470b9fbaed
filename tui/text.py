"""User text on screen: always literal, never markup, never raw terminal control codes."""

from __future__ import annotations

from textual.content import Content

# C0 controls (but newline and tab) and DEL become their visible Unicode pictures: ESC → ␛.
_PICTURES = {code: 0x2400 + code for code in range(0x20) if chr(code) not in "\n\t"}
_PICTURES[0x7F] = 0x2421
# C1 controls (0x80–0x9F) can also start escape sequences in some terminals.
_PICTURES.update({code: 0xFFFD for code in range(0x80, 0xA0)})


def printable(text: str) -> str:
    return text.translate(_PICTURES)


def literal(text: str) -> Content:
    """A Content that shows `text` exactly as typed: no markup, no escapes reach the terminal."""
    return Content(printable(text))
