"""rehab/code_cache.py: every dataclass of every rehab module gets the very methods it gets
without the cache, whether its code was compiled this time, read from the cache, or the cache
was damaged; and a second start compiles nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.version import __version__
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
code_cache.save()
print(json.dumps({"prints": prints, "compiled": compiled}))
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
