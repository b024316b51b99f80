# Two commands on a fresh machine with Python 3.10+ and make: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck docs pytest test-loaded dist-check bench test-floor clean

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

# The Python that ruff checks, here and in the unpacked sdist (dist-check).
LINT_PATHS := glue_bookmarks tests benchmarks

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

docs: $(VENV)/.installed-dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir $(VENV)/site

# types-boto3 and boto3-stubs both install boto3-stubs/, so the venv keeps only one of them;
# tests/test_typing.py takes the other's files from these wheels (the installed versions).
$(VENV)/stub-wheels: $(VENV)/.installed-dev
	rm -rf $@ $@.tmp
	$(BIN)/python -m pip list --format=freeze | grep -E '^(boto3-stubs|types-boto3)==' \
	    | xargs $(BIN)/python -m pip download --quiet --no-deps --dest $@.tmp
	mv $@.tmp $@

# Both cores: a plain `pytest` stays one process (for --pdb and the like).
PYTEST_PARALLEL := -n auto --dist worksteal

pytest: $(VENV)/.installed-dev $(VENV)/stub-wheels
	$(BIN)/pytest $(PYTEST_PARALLEL)

# The same run on a machine as busy as CI's often is: both cores kept busy by two CPU-bound
# processes, which the recipe starts and stops itself (whatever pytest's exit status, which is
# the target's). No test's verdict may rest on how fast the machine is.
test-loaded: $(VENV)/.installed-dev $(VENV)/stub-wheels
	@$(BIN)/python -c 'while True: pass' & busy=$$!; \
	$(BIN)/python -c 'while True: pass' & busy="$$busy $$!"; \
	trap 'kill $$busy 2>/dev/null' EXIT INT TERM; \
	echo "two busy processes: $$busy"; \
	$(BIN)/pytest $(PYTEST_PARALLEL)

# The packages as a user gets them: both built and checked by twine; the wheel installed without
# extras in a fresh venv (pip's cache may serve its dependencies) and run from outside the
# checkout (-I: no cwd on sys.path); the sdist holding every tracked file under the paths its
# `include` names (SDIST_FILES below), and unpacked, linted and its tests collected with its
# own config, importing its own copy of the package (python -m puts the cwd first). Left in
# $(DIST) for a look when a step fails; removed when all pass.
DIST := $(VENV)/dist-check
DIST_BIN := $(abspath $(BIN))

# Fails naming each file git tracks under the sdist's `include` (pyproject.toml) that the sdist
# (argv[1]) lacks. Outside a git checkout (an unpacked sdist) there is nothing to compare with,
# and it says so.
define SDIST_FILES
import subprocess, sys, tarfile
try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib
with open("pyproject.toml", "rb") as file:
    include = tomllib.load(file)["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
paths = ["pyproject.toml", *(path.lstrip("/") for path in include)]
listed = subprocess.run(["git", "ls-files", "-z", "--", *paths], capture_output=True, text=True)
if listed.returncode != 0:
    print("not a git checkout: the sdist's files are not compared with git's", file=sys.stderr)
    sys.exit(0)
tracked = set(filter(None, listed.stdout.split("\0")))
with tarfile.open(sys.argv[1]) as sdist:
    held = {member.name.split("/", 1)[1] for member in sdist.getmembers() if member.isfile()}
missing = sorted(tracked - held)
if missing:
    sys.exit(f"{len(missing)} tracked file(s) not in the sdist: {', '.join(missing)}")
print(f"the sdist holds the {len(tracked)} tracked files it includes")
endef
export SDIST_FILES

dist-check: $(VENV)/.installed-dev
	rm -rf $(DIST)
	$(BIN)/python -m build --no-isolation --outdir $(DIST) .
	$(BIN)/twine check --strict $(DIST)/*.tar.gz $(DIST)/*.whl
	$(BIN)/python -m venv --without-pip $(DIST)/venv
	$(BIN)/python -m pip --python $(DIST)/venv/bin/python install --quiet $(DIST)/*.whl
	$(BIN)/python -m pip --python $(DIST)/venv/bin/python check
	$(DIST)/venv/bin/python -I -c 'import glue_bookmarks; print(glue_bookmarks.__version__, glue_bookmarks.__file__)'
	$(DIST)/venv/bin/glue-bookmarks --version
	$(DIST)/venv/bin/python -I -c 'from importlib.metadata import distribution; \
	    d = distribution("glue-bookmarks"); \
	    assert d.metadata["License-Expression"] == "Apache-2.0", d.metadata["License-Expression"]; \
	    assert "Apache License" in (d.read_text("licenses/LICENSE") or ""), "LICENSE not in the wheel"'
	$(BIN)/python -c "$$SDIST_FILES" $(DIST)/*.tar.gz
	mkdir $(DIST)/sdist
	tar -xzf $(DIST)/*.tar.gz -C $(DIST)/sdist
	cd $(DIST)/sdist/*/ && $(DIST_BIN)/ruff check --no-cache $(LINT_PATHS)
	cd $(DIST)/sdist/*/ && $(DIST_BIN)/python -m pytest --collect-only -qq -p no:cacheprovider
	rm -rf $(DIST)

test: lint typecheck docs pytest dist-check

# Not part of `test`: timings against raw botocore, each printed next to its goal.
bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks

# The declared dependency floors (pyproject.toml), with the oldest supported moto and the async
# extra's floor, aiobotocore 2.13.1 (whose botocore range holds 1.34.131): the whole suite but
# the mypy consumer check, whose stubs follow the newest botocore. The rest of the dev extra is
# resolved together with the pins, so whatever the suite needs is there.
FLOOR := botocore==1.34.131 boto3==1.34.131 attrs==23.1.0 cattrs==23.2.3 \
    'moto[glue,server]==5.1.11' aiobotocore==2.13.1

test-floor:
	rm -rf .venv-floor
	$(PYTHON) -m venv .venv-floor
	.venv-floor/bin/python -m pip install --quiet --upgrade pip
	.venv-floor/bin/python -m pip install --quiet $(FLOOR) -e '.[dev]'
	.venv-floor/bin/python -m pip list | grep -E '^(aiobotocore|aiohttp|attrs|boto3|botocore|cattrs|moto) '
	.venv-floor/bin/pytest -p no:cacheprovider $(PYTEST_PARALLEL) --deselect tests/test_typing.py

clean:
	rm -rf $(VENV) .venv-floor site .pytest_cache .mypy_cache .ruff_cache .hypothesis
