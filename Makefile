# Each target sets up .venv itself, so a fresh clone needs nothing but python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-test

.PHONY: run test soak lint bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/rehab

# Bytecode first: the tests start rehab in fresh processes (the CLI, tmux, the stock-Textual
# run), and where PYTHONDONTWRITEBYTECODE is set each one would compile every module again.
# Two workers a core, handing out work as they free up: much of the suite waits on a terminal,
# a child process or a kill -9 loop, and a waiting worker leaves its core idle.
WORKERS := $(shell $(PYTHON) -c 'import os; print(2 * len(os.sched_getaffinity(0)))' 2>/dev/null || echo 4)
# Lint first, so CI (which runs `make test` only) refuses what ruff or mypy would.
test: lint
	$(BIN)/python -m compileall -q planner seeds store tui rehab
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal

# Longer than CI can wait: the door machine's random walk, thirty times as long (minutes).
soak: $(STAMP)
	$(BIN)/python -m pytest -p no:xdist --soak \
		tests/unit/test_door_machine.py::test_no_path_breaks_a_promise_in_a_random_walk

# mypy reads its settings and the packages it checks from pyproject.toml; its cache is in .venv.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m tests.bench.run

demo: $(VENV)/.installed
	$(BIN)/rehab demo

clean:
	rm -rf $(VENV) build *.egg-info
