"""The one neutraliser of outside text (planner/text.py)."""

from __future__ import annotations

import json
import tomllib

from planner.text import screen_safe, u_escaped

#: Everything that drives a terminal or reorders a line, written out by hand.
UNSAFE = (
    [chr(c) for c in range(0x20) if chr(c) not in "\n\t"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + list("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    + ["\u2028", "\u2029"]
)


def test_every_unsafe_character_is_made_visible_one_for_one():
    for char in UNSAFE:
        shown = screen_safe(f"a{char}b")
        assert len(shown) == 3 and shown[1].isprintable() and shown[1] != char, repr(char)
    assert screen_safe("\x1b[31m\r\x7f") == "␛[31m␍␡"
    assert screen_safe("\u202eright-to-left\u2028") == "\ufffdright-to-left\ufffd"


def test_ordinary_text_is_left_as_it_is():
    text = "Knee \U0001f9d8\u200d\u2640\ufe0f fine\tthen\nעברית ok, [b]not markup[/b] ␛"
    assert screen_safe(text) == text


def test_escaped_json_and_toml_read_back_as_the_very_text():
    text = "".join(UNSAFE) + " end"
    as_json = u_escaped(json.dumps({"note": text}, ensure_ascii=False))
    assert all(char not in as_json for char in UNSAFE)
    assert json.loads(as_json) == {"note": text}
    as_toml = u_escaped('note = "' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
    assert all(char not in as_toml for char in UNSAFE)
    assert tomllib.loads(as_toml) == {"note": text}
