# Everyday verbs. Each creates the local virtual environment .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test validate lint screenshots bench clean

# Test-time Node packages (axe-core for the accessibility browser test), exactly as
# package-lock.json pins them. Never served by the app.
NODE_STAMP := node_modules/.package-lock.json

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

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
test: $(STAMP) $(NODE_STAMP)
	node_status=0; node --test tests/js/*.test.js || node_status=$$?; \
	$(BIN)/python -m pytest; pytest_status=$$?; \
	exit $$(( pytest_status ? pytest_status : node_status ))

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

clean:
	rm -rf $(VENV) node_modules static/vendor artifacts .pytest_cache
