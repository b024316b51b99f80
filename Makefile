# Two commands on a fresh machine with Python 3.10+ and make: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck docs pytest bench test-floor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per extra, redone whenever pyproject.toml changes.
$(VENV)/.installed-testing: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[testing]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-testing

demo: $(VENV)/.installed-testing
	$(BIN)/python -m glue_bookmarks._demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check glue_bookmarks tests benchmarks
	$(BIN)/ruff format --check glue_bookmarks tests benchmarks

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

docs: $(VENV)/.installed-dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir $(VENV)/site

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest

test: lint typecheck docs pytest

# Not part of `test`: timings against raw botocore, each printed next to its goal.
bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks

# The declared dependency floors (pyproject.toml), with the oldest supported moto: the whole
# suite but the mypy consumer check, whose stubs follow the newest botocore.
FLOOR := botocore==1.34.131 boto3==1.34.131 attrs==23.1.0 cattrs==23.2.3 'moto[glue,server]==5.1.11'

test-floor:
	rm -rf .venv-floor
	$(PYTHON) -m venv .venv-floor
	.venv-floor/bin/python -m pip install --quiet $(FLOOR) pytest hypothesis types-boto3-glue
	.venv-floor/bin/python -m pip install --quiet --no-deps -e .
	.venv-floor/bin/pytest -p no:cacheprovider --deselect tests/test_typing.py

clean:
	rm -rf $(VENV) .venv-floor site .pytest_cache .mypy_cache .ruff_cache .hypothesis
