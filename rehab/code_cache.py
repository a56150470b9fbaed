"""Dataclasses defined as quickly at the hundredth start as Python defines modules: compiled once.

The standard library's `dataclasses` writes each class's `__init__` (and, for a frozen one, its
`__setattr__` and `__delattr__`) as source text and compiles it with `exec` every time the
class is defined, that is at every start: rehab's sixty-odd dataclasses were ~40 ms of the
~100 ms `rehab status` spends importing, more than its imports of the standard library. Python
keeps a module's compiled code in `__pycache__`; nothing keeps these.

`install` gives the `dataclasses` module an `exec` of its own, found before the builtin one,
that takes the code for a source text it was given before from a cache in the user's cache
folder, and compiles what it has not seen exactly as the builtin would (no future flags of
ours: `dont_inherit`). The key is the whole source text, so a class whose fields change
compiles anew; the file names the Python and the rehab that wrote it and carries a CRC-32 of
each of its two parts (rehab's classes, every other package's: a status run reads the first
alone), and anything else (another Python or rehab, a damaged part, a missing file) is read
as empty.
Losing it only costs the compiling it saved. It touches no private name: a `dataclasses`
that stops calling `exec` simply never calls this one. `REHAB_STOCK_DATACLASSES=1` leaves
`dataclasses` as it is; tests/unit/test_code_cache.py holds every generated method of every
rehab dataclass equal both ways.

Only the `rehab` command installs it (`rehab.cli.main`): tests that import the packages
define their classes the stock way.
"""

from __future__ import annotations

import builtins
import dataclasses
import marshal
import os
import sys
import zlib
from pathlib import Path
from types import CodeType
from typing import Any

from planner.version import __version__

#: The first line of the file: what it is, the Python whose compiler wrote it, and the rehab
#: whose classes it holds (a new version starts an empty cache, so the texts of classes an
#: older one had do not pile up).
HEADER = f"rehab {__version__} dataclass code in parts, {sys.version}\n".encode()
STOCK_VARIABLE = "REHAB_STOCK_DATACLASSES"

#: The parts of the file, by whose classes they hold: rehab's own, and every other package's
#: (Textual's and Rich's, which the app defines). `rehab status` defines rehab's classes only
#: and reads their part alone.
OURS = frozenset({"planner", "seeds", "store", "door", "tui", "rehab"})
GROUPS = ("rehab", "other")

#: Each part as read and not yet unpacked (its CRC-32 and bytes); each part's marshalled code
#: by source text, once unpacked (turned into code when first asked for); code as used here;
#: what this process compiled, with its part.
_parts: dict[str, tuple[bytes, bytes]] = {}
_stored: dict[str, dict[str, bytes]] = {}
_codes: dict[str, CodeType] = {}
_new: dict[str, tuple[str, CodeType]] = {}
_where: list[Path] = []


def cache_path() -> Path:
    """`~/.cache/rehab-planner/dataclass-code-cpython-311.marshal`."""
    from planner.folders import user_folder

    return user_folder("cache") / f"dataclass-code-{sys.implementation.cache_tag}.marshal"


def install(path: Path | None = None) -> bool:
    """Serve `dataclasses`' compiling from the cache at `path` (the user's cache folder by
    default) from now on in this process; False when left stock (asked to, or done already)."""
    if os.environ.get(STOCK_VARIABLE) or "exec" in vars(dataclasses) or _where:
        return False
    path = cache_path() if path is None else path
    _where.append(path)
    _parts.update(read(path))
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    return True


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **more: Any) -> None:
    """`exec`, with a source text's code taken from the cache, or compiled and kept."""
    if globals is None:  # as the builtin would: the caller's, which is `dataclasses`
        globals = vars(dataclasses)
    if type(source) is str:
        code = _codes.get(source)
        if code is None:
            group = _group(globals)
            code = _load(group, source)
            if code is None:
                code = compile(source, "<string>", "exec", dont_inherit=True)
                _codes[source] = code
                _new[source] = (group, code)
        source = code
    builtins.exec(source, globals, locals, **more)


def _group(globals: Any) -> str:
    """The part a class's code is kept in, by the module defining it (dataclasses hands the
    generated code that module's namespace)."""
    name = globals.get("__name__") if isinstance(globals, dict) else None
    top = name.partition(".")[0] if isinstance(name, str) else ""
    return GROUPS[0] if top in OURS else GROUPS[1]


def _load(group: str, source: str) -> CodeType | None:
    """The stored code for `source`, made a code object once; None if there is none."""
    stored = _unpacked(group)
    data = stored.get(source)
    if data is None:
        return None
    try:
        code = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        code = None
    if type(code) is not CodeType:
        del stored[source]  # compiled again, and kept again
        return None
    _codes[source] = code
    return code


def _unpacked(group: str) -> dict[str, bytes]:
    """A part's marshalled code by source text, unpacked when first needed; empty when its
    contents do not match their checksum."""
    stored = _stored.get(group)
    if stored is None:
        crc, payload = _parts.pop(group, (b"", b""))
        stored = _stored[group] = _unpack(payload) if crc == b"%08x" % zlib.crc32(payload) else {}
    return stored


def _unpack(payload: bytes) -> dict[str, bytes]:
    try:
        found = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if type(k) is str and type(v) is bytes}


def read(path: Path) -> dict[str, tuple[bytes, bytes]]:
    """The cache's parts (each one's CRC-32 as written, and its bytes), checked when unpacked;
    empty when the file is missing, of another Python or rehab, or not in parts."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    if not data.startswith(HEADER):
        return {}
    parts: dict[str, tuple[bytes, bytes]] = {}
    at = len(HEADER)
    for group in GROUPS:
        head = data[at : at + 16]
        try:
            size = int(head[8:], 16)
        except ValueError:
            return {}
        if len(head) < 16 or size < 0 or at + 16 + size > len(data):
            return {}
        parts[group] = (head[:8], data[at + 16 : at + 16 + size])
        at += 16 + size
    return parts if at == len(data) else {}


def compiled(group: str | None = None) -> int:
    """How many source texts this process compiled (not found in the cache), of one part's
    classes if `group` is given."""
    return sum(1 for kept, _ in _new.values() if group in (None, kept))


def save() -> None:
    """Write the cache again when this process compiled anything it did not hold (0600, in a
    0700 folder, replaced in one step); a failure is ignored. A part this process did not
    unpack, and has nothing new for, is written back as it was read."""
    if not _new or not _where:
        return
    from store.atomic import ensure_private_dir, write_cache

    path = _where[0]
    for source, (group, code) in _new.items():
        _unpacked(group)[source] = marshal.dumps(code)
    pieces = [HEADER]
    for group in GROUPS:
        if group in _parts:
            crc, payload = _parts[group]
        else:
            payload = marshal.dumps(_stored.get(group, {}))
            crc = b"%08x" % zlib.crc32(payload)
        pieces.append(crc + b"%08x" % len(payload) + payload)
    try:
        ensure_private_dir(path.parent)
    except OSError:
        return
    write_cache(path, b"".join(pieces))
    _new.clear()


def parts_unpacked() -> list[str]:
    """The parts of the file this process has unpacked (a status run: rehab's alone)."""
    return [group for group in GROUPS if group in _stored]
