"""This rehab's version, where every layer may read it: the store stamps files with it, the
calendar export names it, the command line prints it. pyproject.toml reads it from here."""

__version__ = "0.1.0"
