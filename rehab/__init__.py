"""The command line. The version lives in planner.version, where every layer may read it."""

from planner.version import __version__

__all__ = ["__version__"]
