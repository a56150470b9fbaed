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
its contents, and anything else (another Python or rehab, a damaged or missing file) is read
as an empty cache.
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
HEADER = f"rehab {__version__} dataclass code, {sys.version}\n".encode()
STOCK_VARIABLE = "REHAB_STOCK_DATACLASSES"

#: Each source text's code as the file holds it (marshalled, turned into code when first
#: asked for: a start uses a third of what every kind of run has added), and as used here.
_stored: dict[str, bytes] = {}
_codes: dict[str, CodeType] = {}
_new: dict[str, CodeType] = {}
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
    _stored.update(read(path))
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    return True


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **more: Any) -> None:
    """`exec`, with a source text's code taken from the cache, or compiled and kept."""
    if type(source) is str:
        code = _codes.get(source) or _load(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            _codes[source] = _new[source] = code
        source = code
    if globals is None:  # as the builtin would: the caller's, which is `dataclasses`
        globals = vars(dataclasses)
    builtins.exec(source, globals, locals, **more)


def _load(source: str) -> CodeType | None:
    """The stored code for `source`, made a code object once; None if there is none."""
    data = _stored.get(source)
    if data is None:
        return None
    try:
        code = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        code = None
    if type(code) is not CodeType:
        del _stored[source]  # compiled again, and kept again
        return None
    _codes[source] = code
    return code


def read(path: Path) -> dict[str, bytes]:
    """The cache's marshalled code by source text; empty when it is missing, of another
    Python, or its contents do not match their checksum."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    head, _, rest = data.partition(b"\n")
    if head + b"\n" != HEADER or len(rest) < 8:
        return {}
    crc, payload = rest[:8], rest[8:]
    if crc != b"%08x" % zlib.crc32(payload):
        return {}
    try:
        found = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if type(k) is str and type(v) is bytes}


def compiled() -> int:
    """How many source texts this process compiled (not found in the cache)."""
    return len(_new)


def save() -> None:
    """Write the cache again when this process compiled anything it did not hold (0600, in a
    0700 folder, replaced in one step); a failure is ignored."""
    if not _new or not _where:
        return
    from store.atomic import ensure_private_dir, write_cache

    path = _where[0]
    _stored.update((source, marshal.dumps(code)) for source, code in _new.items())
    payload = marshal.dumps(_stored)
    try:
        ensure_private_dir(path.parent)
    except OSError:
        return
    write_cache(path, HEADER + b"%08x" % zlib.crc32(payload) + payload)
    _new.clear()
