"""Outside text made safe to show: the one place that decides which characters may reach a
terminal, a report or an export as they are.

Outside text (notes, names, typed reasons, file names, a plan file's keys and values) may hold
characters that drive a terminal (ESC starts a sequence that can retitle it, recolour it or
write the clipboard) or reorder what it shows (the bidi controls, the line separators). Every
layer shows such text through `screen_safe`; what is stored stays exactly as it came. Pure, and
imports nothing of rehab's, so every layer can use it.
"""

from __future__ import annotations

import re

#: C0 controls but tab, newline and carriage return; DEL; C1 controls: terminal escapes live
#: here. (A plan file may not hold them in its clinician or note: planner.plan_file.)
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Characters that reorder or break a line as it is shown: the Arabic letter mark, the
#: left-to-right and right-to-left marks, the bidi embeddings and overrides (U+202A–U+202E),
#: the isolates (U+2066–U+2069), and the line and paragraph separators.
REORDERING = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"

# C0 controls (but newline and tab) and DEL become their visible Unicode pictures: ESC → ␛.
_SHOWN_AS = {code: 0x2400 + code for code in range(0x20) if chr(code) not in "\n\t"}
_SHOWN_AS[0x7F] = 0x2421
# C1 controls (some terminals start escapes with them) and the reordering characters have no
# picture: U+FFFD. One character for one, so a field's cursor and a column's width stay true.
_SHOWN_AS.update({code: 0xFFFD for code in range(0x80, 0xA0)})
_SHOWN_AS.update({ord(char): 0xFFFD for char in REORDERING})
_ESCAPED = {code: f"\\u{code:04x}" for code in _SHOWN_AS}
#: Any one of those characters: most text holds none, and a search is far quicker than a
#: `translate` that looks up every character.
_UNSAFE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_SHOWN_AS)) + "]")


def screen_safe(text: str) -> str:
    """`text` with every character that could drive a terminal or reorder a line made visible,
    one for one: a control as its picture (ESC shows as ␛, a carriage return as ␍), a C1 control
    or a bidi or line-separator character as U+FFFD. Newline and tab stay. For every place
    outside text is shown or exported: the screen, the command line, CSV, Markdown, iCalendar."""
    return text.translate(_SHOWN_AS)


def u_escaped(serialised: str) -> str:
    """JSON or TOML text with each character `screen_safe` would change written as a `\\uXXXX`
    escape, which both formats read back as the character: the data stays exact and nothing
    reaches a terminal raw. Only for text whose strings are quoted (escapes mean nothing
    outside them), and whose newlines and tabs outside strings are layout."""
    return serialised.translate(_ESCAPED) if _UNSAFE.search(serialised) else serialised


def counted(n: int, thing: str, things: str | None = None) -> str:
    """ "1 exercise", "2 exercises": a count with its noun in the right number."""
    return f"{n} {thing if n == 1 else (things or thing + 's')}"
