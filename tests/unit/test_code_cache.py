"""rehab/code_cache.py: every dataclass of every rehab module gets the very methods it gets
without the cache, whether its code was compiled this time, read from the cache, or the cache
was damaged; and a second start compiles nothing."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from planner.version import __version__
from rehab.code_cache import HEADER, read
from tests.apart import run_apart

pytestmark = pytest.mark.slow  # each run imports every module, the app's too, in a new Python

#: Imports every module of rehab's packages in a fresh Python, with the cache at argv[2]
#: installed first unless argv[1] is "stock", and prints each generated method's fingerprint.
_EVERY_METHOD = r"""
import dataclasses, importlib, json, pkgutil, sys
from pathlib import Path
from rehab import code_cache

if sys.argv[1] != "stock":
    assert code_cache.install(Path(sys.argv[2]))
names = []
for package in ("planner", "seeds", "store", "door", "tui", "rehab"):
    names.append(package)
    found = importlib.import_module(package)
    for info in pkgutil.walk_packages(found.__path__, package + "."):
        if not info.name.endswith("__main__"):  # it would run the command
            names.append(info.name)
modules = [importlib.import_module(name) for name in names]

def fingerprint(function):
    code = function.__code__
    return [
        code.co_code.hex(), repr(code.co_consts), code.co_names, code.co_varnames,
        code.co_flags, code.co_argcount, code.co_kwonlyargcount, function.__qualname__,
        repr(function.__defaults__), repr(function.__kwdefaults__),
        repr(function.__annotations__),
    ]

prints = {}
for module in modules:
    for thing in vars(module).values():
        if not (isinstance(thing, type) and dataclasses.is_dataclass(thing)):
            continue
        if thing.__module__ != module.__name__:
            continue
        for name, member in vars(thing).items():
            code = getattr(member, "__code__", None)
            if code is not None and code.co_filename == "<string>":
                prints[f"{thing.__module__}.{thing.__qualname__}.{name}"] = fingerprint(member)
compiled = code_cache.compiled()
other = code_cache.compiled("other")
code_cache.save()
print(json.dumps({"prints": prints, "compiled": compiled, "other": other}))
"""


def every_method(how: str, cache: Path) -> tuple[dict[str, list], int]:
    said = run_apart(_EVERY_METHOD, how, str(cache))
    return said["prints"], said["compiled"]


def test_every_dataclass_gets_the_same_methods_from_the_cache(tmp_path):
    cache = tmp_path / "cache" / "dataclass-code.marshal"
    stock, _ = every_method("stock", cache)
    assert len(stock) > 100 and not cache.exists()  # (sixty-odd classes, an __init__ each)

    first, compiled = every_method("cached", cache)
    assert first == stock
    assert compiled >= len({name.rsplit(".", 1)[0] for name in stock})  # one per class at least
    assert cache.stat().st_mode & 0o777 == 0o600
    assert cache.parent.stat().st_mode & 0o777 == 0o700

    again, compiled = every_method("cached", cache)
    assert again == stock
    assert compiled == 0  # every text was in the cache

    # A flipped bit: the cache is read as empty, everything compiled anew and kept again.
    data = bytearray(cache.read_bytes())
    data[len(data) // 2] ^= 0x10
    cache.write_bytes(bytes(data))
    damaged, compiled = every_method("cached", cache)
    assert damaged == stock and compiled > 0
    again, compiled = every_method("cached", cache)
    assert again == stock and compiled == 0

    # Written by another rehab: its classes may be others, so it is not read.
    data = cache.read_bytes()
    mine = f"rehab {__version__} ".encode()
    cache.write_bytes(data.replace(mine, b"rehab 0.0.9-older ", 1))
    other, compiled = every_method("cached", cache)
    assert other == stock and compiled > 0


#: Imports what `rehab status` imports (no screens, so no Textual) with the cache at argv[1]
#: installed, and says which parts of the file were unpacked and how much was compiled.
_STATUS_IMPORTS = r"""
import json, sys
from pathlib import Path
from rehab import code_cache

assert code_cache.install(Path(sys.argv[1]))
import door, planner.advice, planner.report, rehab.cli, rehab.commands, seeds, store
assert "textual" not in sys.modules
said = {"parts": code_cache.parts_unpacked(), "compiled": code_cache.compiled()}
code_cache.save()  # as the command does
print(json.dumps(said))
"""


def test_a_run_without_screens_reads_rehabs_part_of_the_cache_alone(tmp_path):
    """The app's Textual and Rich classes are kept in a part of their own, which a `rehab
    status` never unpacks (and writes back as it was); a damaged part costs only its own
    classes' compiling."""
    cache = tmp_path / "cache" / "dataclass-code.marshal"
    stock, _ = every_method("cached", cache)  # every module, the screens' too: both parts
    parts = {group: marshal.loads(payload) for group, (_, payload) in read(cache).items()}
    assert len(parts["rehab"]) >= len(stock) / 3 and len(parts["other"]) > 0
    said = run_apart(_STATUS_IMPORTS, str(cache))
    assert said == {"parts": ["rehab"], "compiled": 0}

    data = bytearray(cache.read_bytes())
    data[len(HEADER) + 16 + 5] ^= 0x10  # inside rehab's part, the first
    cache.write_bytes(bytes(data))
    said = run_apart(_STATUS_IMPORTS, str(cache))
    assert said["parts"] == ["rehab"] and said["compiled"] > 0  # read as empty: compiled
    assert run_apart(_STATUS_IMPORTS, str(cache)) == {"parts": ["rehab"], "compiled": 0}
    # The other part, not unpacked by those runs, was written back as it was.
    said = run_apart(_EVERY_METHOD, "cached", str(cache))
    assert said["compiled"] > 0 and said["other"] == 0  # the screens' own classes, only
