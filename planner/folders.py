"""The user's data and cache folders for rehab, as `platformdirs` names them.

On Linux these are the XDG folders, read here from the environment: importing `platformdirs`
costs about 15 ms of every start on a two-core machine (its Unix module imports `tempfile`,
which imports `shutil`, `random`, `bz2` and `lzma`), more than `rehab status` spends reading a
year of records. Anything this does not answer the same way `platformdirs` would (another
system, a `HOME` that is not an absolute path) is asked of `platformdirs` itself;
tests/unit/test_folders.py holds the two equal.

Here, not in `store`, because the catalog's cache (`seeds`) and the data file (`store`) both
need it, and `planner` is the one package both may import. It reads the environment only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

APP_DIR_NAME = "rehab-planner"

#: Each kind: the XDG variable that names its base folder, and the base under HOME without it.
_XDG = {"data": ("XDG_DATA_HOME", ".local/share"), "cache": ("XDG_CACHE_HOME", ".cache")}


def user_folder(kind: Literal["data", "cache"]) -> Path:
    """`platformdirs.user_data_path("rehab-planner")` or `user_cache_path(…)`."""
    if sys.platform.startswith("linux"):
        variable, under_home = _XDG[kind]
        base = os.environ.get(variable, "")
        if os.path.isabs(base):
            return Path(os.path.join(base, APP_DIR_NAME))
        home = os.environ.get("HOME")
        if home is not None and os.path.isabs(home):
            return Path(os.path.join(os.path.expanduser("~/" + under_home), APP_DIR_NAME))
    return _asked_of_platformdirs(kind)


def _asked_of_platformdirs(kind: Literal["data", "cache"]) -> Path:
    import platformdirs

    if kind == "data":
        return platformdirs.user_data_path(APP_DIR_NAME)
    return platformdirs.user_cache_path(APP_DIR_NAME)
