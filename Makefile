# Two commands: `make demo` (set up and run the demo) and `make test` (set up and pass the tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[demo,dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/hil demo

lint: $(STAMP)
	$(BIN)/ruff check hilcli tests bench demos
	$(BIN)/ruff format --check hilcli tests bench demos
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q -n 4 --dist loadgroup

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
