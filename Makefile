# Everyday verbs. Each creates the local virtual environment .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test relock validate lint screenshots bench clean db db-stop

# Test-time Node packages (axe-core for the accessibility browser test), exactly as
# package-lock.json pins them. Never served by the app.
NODE_STAMP := node_modules/.package-lock.json

# The lock files, written by `make relock`: requirements.txt pins every package the
# app needs (Streamlit Community Cloud installs it); requirements-test.txt pins the
# same versions plus the test tools, pip and setuptools, and is what .venv gets.
LOCK      := requirements.txt
TEST_LOCK := requirements-test.txt

# uv writes the locks; it is pinned here and lives in a venv of its own.
UV_VERSION := 0.13.10
UV_VENV    := $(VENV)/uv-$(UV_VERSION)
UV         := $(UV_VENV)/bin/uv
# One resolution for every platform and every Python that pyproject.toml allows
# (Community Cloud runs 3.12, .venv may run 3.11), with one version of each package
# for all of them (fork-strategy fewest), so the tests run what Cloud deploys.
COMPILE := $(UV) pip compile pyproject.toml --universal --fork-strategy fewest \
	--upgrade --quiet --custom-compile-command "make relock"

# pip and setuptools first, at their locked versions; then the lock; then Briefmap
# itself, without dependencies and built by the locked setuptools (no build
# isolation, which would fetch the newest setuptools each time).
$(STAMP): pyproject.toml $(TEST_LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c $(TEST_LOCK) pip setuptools
	$(BIN)/python -m pip install --quiet -r $(TEST_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(UV):
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION)

# npm ci writes node_modules/.package-lock.json; it is redone when the lockfile changes.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

## Install and start the app on http://localhost:8501
run: $(STAMP)
	$(BIN)/streamlit run app.py

## Install and run the whole test suite: the Node tests of the map's JavaScript, then
## pytest (browser tests need Debian's chromium; the accessibility test needs axe-core,
## installed here with npm ci). Both always run; the target fails
## if either does, with pytest's exit code first (5: no tests collected).
## The test files are listed by the shell: Node 21 and later take no directory.
## pytest runs in one worker process per core, at most four (pytest-xdist): each
## worker starts its own app servers and Chromium; a worker that runs out of tests takes
## some of another's (worksteal). TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= auto --maxprocesses=4 --dist worksteal
test: $(STAMP) $(NODE_STAMP)
	node_status=0; node --test tests/js/*.test.js || node_status=$$?; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS); pytest_status=$$?; \
	exit $$(( pytest_status ? pytest_status : node_status ))

## Re-lock every package at its newest release within pyproject.toml's ranges, then
## reinstall .venv from the new locks and run the whole test suite
relock: $(UV)
	$(COMPILE) -o $(LOCK)
	$(COMPILE) --extra test --group install -c $(LOCK) -o $(TEST_LOCK)
	$(MAKE) test

## Check geodata/ (or DIR=...) and print every error
validate: $(STAMP)
	$(BIN)/python -m briefmap validate $(DIR)

lint: $(STAMP)
	$(BIN)/ruff check .

## PNGs of every page at 1920x1080 and 1280x720 into docs/
screenshots: $(STAMP)
	$(BIN)/python -m briefmap screenshots

## Benchmark 10 to 100,000 claims against the naive ways (QUICK=1: up to 10,000)
bench: $(STAMP)
	$(BIN)/python -m bench $(if $(QUICK),--quick,)

## A local PostgreSQL with PostGIS for development, in .db/ on localhost:$(DB_PORT)
## (Debian's postgresql-15 and postgresql-15-postgis-3; no Docker); prints the URL
## to export. make db-stop stops it; rm -rf .db forgets it.
DB_DIR  := .db
DB_PORT ?= 5433
db: $(STAMP)
	$(BIN)/python -m briefmap.store.local_server up $(DB_DIR) $(DB_PORT)

db-stop: $(STAMP)
	$(BIN)/python -m briefmap.store.local_server down $(DB_DIR)

clean:
	rm -rf $(VENV) node_modules static/vendor artifacts .pytest_cache
